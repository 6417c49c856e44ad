//! `DesktopNotifier`: the OS notification bubble, through notify-rust.
//!
//! Linux/BSD (freedesktop, D-Bus via zbus): before sending, a probe asks the bus whether
//! `org.freedesktop.Notifications` has an owner. If it has none, we still send when the name is
//! *activatable* (a service file exists: xfce4-notifyd, mako and dunst are often started this
//! way) and let bus activation start the daemon; if it is neither owned nor activatable we fail
//! at once with [`HINT_NO_NOTIFICATION_SERVICE`] instead of sending into the void. Activation that
//! fails (dunst without a `DISPLAY` dies with `Spawn.ChildSignaled`) comes back as a D-Bus error
//! and also maps to [`NotifyError::Unavailable`]. The whole call is bounded by a call timeout, so
//! a hung activation cannot stall the caller.
//!
//! Invariants: never panics, never blocks an async worker (zbus is async here; other platforms'
//! blocking call runs on `spawn_blocking`), every failure is `Unavailable { reason, hint }`.

use std::time::Duration;

use futures_util::future::BoxFuture;

use crate::error::HINT_NO_NOTIFICATION_SERVICE;
use crate::{Notification, Notifier, NotifyError};

/// The notification server, for a "notifications deliverable" readiness check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerInfo {
    /// e.g. "dunst", "gnome-shell", "Plasma".
    pub name: String,
    pub vendor: String,
    pub version: String,
    /// The freedesktop notification spec version the server implements (empty elsewhere).
    pub spec_version: String,
}

/// Sends [`Notification`]s as desktop notifications from the app "Switchyard".
#[derive(Debug, Clone)]
pub struct DesktopNotifier {
    app_name: String,
    icon: Option<String>,
    display_timeout: Option<Duration>,
    call_timeout: Duration,
}

impl Default for DesktopNotifier {
    fn default() -> Self {
        Self::new()
    }
}

impl DesktopNotifier {
    /// The application name daemons show and filter on.
    pub const APP_NAME: &'static str = "Switchyard";
    /// Windows: the AppUserModelID toasts are shown under — the one the installers (NSIS, MSI)
    /// give the Start menu shortcut, Tauri's bundle identifier (`tauri.conf.json`). Without it,
    /// notify-rust would show them as Windows PowerShell's.
    pub const WINDOWS_APP_ID: &'static str = "dev.switchyard.desktop";
    /// How long a send or probe may take, bus activation of the daemon included.
    pub const CALL_TIMEOUT: Duration = Duration::from_secs(5);

    pub fn new() -> Self {
        Self {
            app_name: Self::APP_NAME.to_owned(),
            icon: None,
            display_timeout: None,
            call_timeout: Self::CALL_TIMEOUT,
        }
    }

    /// An icon name from the icon theme (e.g. "dialog-warning") or an absolute file path.
    pub fn with_icon(mut self, icon: impl Into<String>) -> Self {
        self.icon = Some(icon.into());
        self
    }

    /// How long the bubble stays up; without it the server's default applies.
    pub fn with_display_timeout(mut self, timeout: Duration) -> Self {
        self.display_timeout = Some(timeout);
        self
    }

    /// Bound on each send and probe (default [`Self::CALL_TIMEOUT`]).
    pub fn with_call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = timeout;
        self
    }

    /// Who would show our notifications: `Ok` means "notifications deliverable" (on Linux the
    /// server answered `GetServerInformation`, starting it by bus activation if needed).
    pub async fn server_info(&self) -> Result<ServerInfo, NotifyError> {
        self.bounded(platform::server_info()).await
    }

    fn build(&self, n: &Notification) -> notify_rust::Notification {
        let mut out = notify_rust::Notification::new();
        out.appname(&self.app_name)
            .summary(&n.summary)
            .body(&n.body);
        if let Some(icon) = &self.icon {
            out.icon(icon);
        }
        if let Some(t) = self.display_timeout {
            out.timeout(notify_rust::Timeout::Milliseconds(
                u32::try_from(t.as_millis()).unwrap_or(u32::MAX),
            ));
        }
        #[cfg(windows)]
        out.app_id(Self::WINDOWS_APP_ID);
        #[cfg(any(windows, all(unix, not(target_os = "macos"))))]
        out.urgency(match n.urgency {
            crate::Urgency::Low => notify_rust::Urgency::Low,
            crate::Urgency::Normal => notify_rust::Urgency::Normal,
            crate::Urgency::Critical => notify_rust::Urgency::Critical,
        });
        #[cfg(all(unix, not(target_os = "macos")))]
        out.hint(notify_rust::Hint::Category(format!(
            "x-switchyard.{}",
            n.kind.as_str()
        )));
        out
    }

    async fn bounded<T>(
        &self,
        call: impl std::future::Future<Output = Result<T, NotifyError>>,
    ) -> Result<T, NotifyError> {
        match tokio::time::timeout(self.call_timeout, call).await {
            Ok(result) => result,
            Err(_) => Err(NotifyError::unavailable(
                format!(
                    "no answer from the notification service within {} ms",
                    self.call_timeout.as_millis()
                ),
                HINT_NO_NOTIFICATION_SERVICE,
            )),
        }
    }
}

impl Notifier for DesktopNotifier {
    fn send<'a>(&'a self, n: &'a Notification) -> BoxFuture<'a, Result<(), NotifyError>> {
        let built = self.build(n);
        Box::pin(async move {
            let result = self.bounded(platform::show(built)).await;
            if let Err(e) = &result {
                tracing::debug!(error = %e, kind = n.kind.as_str(), "desktop notification not shown");
            }
            result
        })
    }
}

/// freedesktop: probe the bus, then notify-rust's async (zbus) call.
#[cfg(all(unix, not(target_os = "macos")))]
mod platform {
    use zbus::names::{BusName, WellKnownName};

    use super::ServerInfo;
    use crate::error::{HINT_NO_NOTIFICATION_SERVICE, HINT_NO_SESSION_BUS};
    use crate::NotifyError;

    const SERVICE: &str = "org.freedesktop.Notifications";
    const PATH: &str = "/org/freedesktop/Notifications";

    pub(super) async fn show(n: notify_rust::Notification) -> Result<(), NotifyError> {
        ensure_service(&session().await?).await?;
        n.show_async()
            .await
            .map(drop)
            .map_err(|e| refused(format!("Notify failed: {e}")))
    }

    pub(super) async fn server_info() -> Result<ServerInfo, NotifyError> {
        let conn = session().await?;
        ensure_service(&conn).await?;
        let reply = conn
            .call_method(
                Some(SERVICE),
                PATH,
                Some(SERVICE),
                "GetServerInformation",
                &(),
            )
            .await
            .map_err(|e| refused(format!("GetServerInformation failed: {e}")))?;
        let (name, vendor, version, spec_version): (String, String, String, String) = reply
            .body()
            .deserialize()
            .map_err(|e| refused(format!("unexpected GetServerInformation reply: {e}")))?;
        Ok(ServerInfo {
            name,
            vendor,
            version,
            spec_version,
        })
    }

    async fn session() -> Result<zbus::Connection, NotifyError> {
        zbus::Connection::session().await.map_err(|e| {
            NotifyError::unavailable(
                format!("cannot connect to the session bus: {e}"),
                HINT_NO_SESSION_BUS,
            )
        })
    }

    /// Owned, or at least activatable; see the module docs for why activatable is enough.
    async fn ensure_service(conn: &zbus::Connection) -> Result<(), NotifyError> {
        let bus_failed = |e: zbus::fdo::Error| refused(format!("the session bus failed: {e}"));
        let dbus = zbus::fdo::DBusProxy::new(conn)
            .await
            .map_err(|e| bus_failed(e.into()))?;
        let name = BusName::from(WellKnownName::from_static_str_unchecked(SERVICE));
        if dbus.name_has_owner(name).await.map_err(bus_failed)? {
            return Ok(());
        }
        let activatable = dbus.list_activatable_names().await.map_err(bus_failed)?;
        if activatable.iter().any(|n| n.as_str() == SERVICE) {
            return Ok(());
        }
        Err(refused(format!(
            "nothing owns {SERVICE} on the session bus and no service file can start it"
        )))
    }

    fn refused(reason: String) -> NotifyError {
        NotifyError::unavailable(reason, HINT_NO_NOTIFICATION_SERVICE)
    }
}

/// macOS and Windows: notify-rust's call is blocking, so it runs on the blocking pool.
#[cfg(not(all(unix, not(target_os = "macos"))))]
mod platform {
    use super::ServerInfo;
    use crate::error::HINT_NO_NOTIFICATION_SERVICE;
    use crate::NotifyError;

    pub(super) async fn show(n: notify_rust::Notification) -> Result<(), NotifyError> {
        match tokio::task::spawn_blocking(move || n.show().map(drop)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(NotifyError::unavailable(
                e.to_string(),
                HINT_NO_NOTIFICATION_SERVICE,
            )),
            Err(e) => Err(NotifyError::unavailable(
                format!("the notification call failed: {e}"),
                HINT_NO_NOTIFICATION_SERVICE,
            )),
        }
    }

    /// There is no server to ask; report the platform's own notification centre.
    pub(super) async fn server_info() -> Result<ServerInfo, NotifyError> {
        let (name, vendor) = if cfg!(target_os = "macos") {
            ("Notification Center", "Apple")
        } else {
            ("Windows notifications", "Microsoft")
        };
        Ok(ServerInfo {
            name: name.to_owned(),
            vendor: vendor.to_owned(),
            version: String::new(),
            spec_version: String::new(),
        })
    }
}
