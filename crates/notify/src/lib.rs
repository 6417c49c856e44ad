//! Alert notifications: one [`Notification`] shape, one [`Notifier`] trait, and the channels that
//! deliver it — the desktop ([`DesktopNotifier`]), a Slack-compatible webhook
//! ([`WebhookNotifier`]), several at once ([`Fanout`]) and a [`RecordingNotifier`] for tests.
//!
//! Invariants: sending never panics and never blocks an async worker thread; every failure is a
//! [`NotifyError`] whose text is safe to show (webhook URLs are secrets and appear only masked).
//! Nothing here knows Tauri; the futures need a tokio runtime (timeouts, `spawn_blocking`).

mod desktop;
mod error;
mod fanout;
mod recording;
mod webhook;

use futures_util::future::BoxFuture;

pub use desktop::{DesktopNotifier, ServerInfo};
pub use error::{NotifyError, HINT_NO_NOTIFICATION_SERVICE, HINT_NO_SESSION_BUS};
pub use fanout::{ChannelResult, Fanout};
pub use recording::RecordingNotifier;
pub use webhook::{mask_url, validate_webhook_url, WebhookNotifier, WEBHOOK_TIMEOUT};

/// How loudly a notification should interrupt; maps to the freedesktop urgency levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Urgency {
    /// Informational (a resolved alert, a test message).
    Low,
    /// The default.
    #[default]
    Normal,
    /// Needs attention now (a backend is down); daemons typically keep these on screen.
    Critical,
}

/// What a notification is about, so channels and tests can tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// An alert started firing.
    AlertOpened,
    /// A firing alert cleared.
    AlertResolved,
    /// A readiness or health verdict.
    Verdict,
    /// The user asked for a test notification.
    Test,
    /// A newer Switchyard is available.
    Update,
    /// Another program holds the gateway's port.
    PortTaken,
    /// A tool's plan window was used up (its overflow serves), or the plan is back.
    Plan,
}

impl Kind {
    /// A stable kebab-case name, e.g. for the freedesktop `category` hint.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::AlertOpened => "alert-opened",
            Kind::AlertResolved => "alert-resolved",
            Kind::Verdict => "verdict",
            Kind::Test => "test",
            Kind::Update => "update",
            Kind::PortTaken => "port-taken",
            Kind::Plan => "plan",
        }
    }
}

/// One message for the user, independent of the channel that carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// One line, e.g. "Backend Demo is down".
    pub summary: String,
    /// Detail; may be empty.
    pub body: String,
    pub urgency: Urgency,
    pub kind: Kind,
}

impl Notification {
    pub fn new(
        kind: Kind,
        urgency: Urgency,
        summary: impl Into<String>,
        body: impl Into<String>,
    ) -> Self {
        Self {
            summary: summary.into(),
            body: body.into(),
            urgency,
            kind,
        }
    }

    /// What the "Send test notification" button sends.
    pub fn test() -> Self {
        Self::new(
            Kind::Test,
            Urgency::Low,
            "Switchyard test notification",
            "Notifications from Switchyard reach you here.",
        )
    }
}

/// A channel that delivers notifications.
///
/// A boxed future rather than `async fn` so that `Arc<dyn Notifier>` works. Implementations
/// fail soft: errors come back as [`NotifyError`], never as panics, and callers typically log
/// them and carry on (a notification is never worth failing the operation that caused it).
pub trait Notifier: Send + Sync {
    fn send<'a>(&'a self, n: &'a Notification) -> BoxFuture<'a, Result<(), NotifyError>>;
}

impl<T: Notifier + ?Sized> Notifier for std::sync::Arc<T> {
    fn send<'a>(&'a self, n: &'a Notification) -> BoxFuture<'a, Result<(), NotifyError>> {
        (**self).send(n)
    }
}
