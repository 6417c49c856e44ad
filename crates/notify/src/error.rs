//! `NotifyError`: every way a notification can fail, as data.
//!
//! Invariant: the `Display` text is safe to show in the UI and to log. Webhook URLs are secrets
//! (a Slack webhook URL is its own credential), so errors carry only [`crate::mask_url`]'s
//! `scheme://host/…` form, and URL validation never echoes its input.

/// Linux/BSD: there is no session bus to talk to.
pub const HINT_NO_SESSION_BUS: &str = "No D-Bus session bus: start Switchyard from a desktop \
     session (DBUS_SESSION_BUS_ADDRESS is unset or points nowhere)";

/// Linux/BSD: the session bus is there but nobody serves `org.freedesktop.Notifications`.
#[cfg(all(unix, not(target_os = "macos")))]
pub const HINT_NO_NOTIFICATION_SERVICE: &str = "No notification service on the session bus: \
     install and start a notification daemon (e.g. dunst, or your desktop's)";
/// macOS: notifications go through Notification Center.
#[cfg(target_os = "macos")]
pub const HINT_NO_NOTIFICATION_SERVICE: &str =
    "Allow notifications for Switchyard in System Settings → Notifications";
/// Windows: notifications go through the Action Center.
#[cfg(windows)]
pub const HINT_NO_NOTIFICATION_SERVICE: &str =
    "Turn on notifications for Switchyard in Settings → System → Notifications";
/// Other platforms: no desktop notification support.
#[cfg(not(any(unix, windows)))]
pub const HINT_NO_NOTIFICATION_SERVICE: &str =
    "Desktop notifications are not supported on this platform; use a webhook instead";

/// Why a notification was not delivered. Cloneable and comparable so tests and
/// [`crate::RecordingNotifier`] can script and assert failures.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotifyError {
    /// The desktop cannot show notifications right now (no bus, no daemon, activation failed,
    /// timed out). `hint` says what the user can do about it.
    #[error("desktop notifications are unavailable ({reason}). {hint}")]
    Unavailable { reason: String, hint: &'static str },

    /// The webhook URL was rejected before any request; `reason` never contains the URL.
    #[error("invalid webhook URL: {reason}")]
    InvalidWebhookUrl { reason: String },

    /// The webhook answered with a non-2xx status.
    #[error("webhook {endpoint} answered HTTP {status}")]
    WebhookStatus { endpoint: String, status: u16 },

    /// The webhook did not answer in time.
    #[error("webhook {endpoint} did not answer within {timeout_ms} ms")]
    WebhookTimeout { endpoint: String, timeout_ms: u64 },

    /// The request never got an answer: DNS, connection refused, TLS.
    #[error("could not reach webhook {endpoint}: {reason}")]
    WebhookUnreachable { endpoint: String, reason: String },

    /// [`crate::Fanout`]: some channels failed (the others delivered).
    #[error("{} of {total} notification channels failed: {}", failures.len(), list(failures))]
    ChannelsFailed {
        failures: Vec<(String, NotifyError)>,
        total: usize,
    },
}

impl NotifyError {
    /// True for "the desktop cannot show notifications" (as opposed to a webhook failure).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, NotifyError::Unavailable { .. })
    }

    /// What the user can do about it, where there is something.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            NotifyError::Unavailable { hint, .. } => Some(hint),
            _ => None,
        }
    }

    pub(crate) fn unavailable(reason: impl Into<String>, hint: &'static str) -> Self {
        NotifyError::Unavailable {
            reason: reason.into(),
            hint,
        }
    }
}

fn list(failures: &[(String, NotifyError)]) -> String {
    failures
        .iter()
        .map(|(channel, e)| format!("{channel}: {e}"))
        .collect::<Vec<_>>()
        .join("; ")
}
