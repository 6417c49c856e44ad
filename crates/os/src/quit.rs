//! The system's requests to quit, per platform, each ending in the program's clean shutdown
//! (the ledger flushed): SIGTERM and SIGINT on Unix (logout and shutdown send SIGTERM); on
//! Windows the console's Ctrl+C and Ctrl+Break, its window closing, the user logging off and the
//! system shutting down (Windows gives a handler about five seconds for the last three, enough
//! for the ledger's last batch).
//!
//! Windows delivers logoff and shutdown to a console handler only while the process has loaded
//! no user32 (Microsoft's `SetConsoleCtrlHandler` remarks): true of `switchyard serve`, not of the
//! core process with its tray icon, which gets them as `WM_ENDSESSION` on its event loop's
//! window instead.

/// The quit requests this process listens for.
pub struct QuitRequests {
    waits: Vec<(&'static str, Wait)>,
}

type Wait = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// A listener that could not be installed never fires (it is logged once at start).
fn forever() -> Wait {
    Box::pin(std::future::pending())
}

impl QuitRequests {
    /// Starts listening. Call it first thing, so that a request arriving while the program
    /// starts still ends in its clean shutdown rather than the system's default (which ends the
    /// process at once).
    pub fn listen() -> QuitRequests {
        QuitRequests {
            waits: platform::listen(),
        }
    }

    /// Returns the name of the first request that arrives (`SIGTERM`, `logoff`, …). Once only:
    /// the listeners are consumed.
    pub async fn next(&mut self) -> &'static str {
        let waits = std::mem::take(&mut self.waits);
        if waits.is_empty() {
            return std::future::pending().await;
        }
        let names: Vec<&'static str> = waits.iter().map(|(n, _)| *n).collect();
        let (_, i, _) = futures_util::future::select_all(waits.into_iter().map(|(_, w)| w)).await;
        names.get(i).copied().unwrap_or("?")
    }
}

#[cfg(unix)]
mod platform {
    use super::{forever, Wait};
    use tokio::signal::unix::{signal, SignalKind};

    pub fn listen() -> Vec<(&'static str, Wait)> {
        let mut out = Vec::new();
        for (name, kind) in [
            ("SIGTERM", SignalKind::terminate()),
            ("SIGINT", SignalKind::interrupt()),
        ] {
            let wait: Wait = match signal(kind) {
                Ok(mut s) => Box::pin(async move {
                    s.recv().await;
                }),
                Err(e) => {
                    tracing::warn!(error = %e, signal = name, "cannot listen for a signal");
                    forever()
                }
            };
            out.push((name, wait));
        }
        out
    }
}

#[cfg(windows)]
mod platform {
    use super::{forever, Wait};
    use tokio::signal::windows;

    /// One listener per console control event (tokio installs the handler once).
    macro_rules! event {
        ($out:ident, $name:literal, $make:path) => {
            let wait: Wait = match $make() {
                Ok(mut s) => Box::pin(async move {
                    s.recv().await;
                }),
                Err(e) => {
                    tracing::warn!(error = %e, event = $name, "cannot listen for a console event");
                    forever()
                }
            };
            $out.push(($name, wait));
        };
    }

    pub fn listen() -> Vec<(&'static str, Wait)> {
        let mut out = Vec::new();
        event!(out, "Ctrl+C", windows::ctrl_c);
        event!(out, "Ctrl+Break", windows::ctrl_break);
        event!(out, "console closed", windows::ctrl_close);
        event!(out, "logoff", windows::ctrl_logoff);
        event!(out, "shutdown", windows::ctrl_shutdown);
        out
    }
}
