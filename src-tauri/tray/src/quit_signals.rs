//! The system's requests to quit, per platform, each ending in the core's clean shutdown:
//! SIGTERM and SIGINT on Unix (logout and shutdown send SIGTERM); on Windows the console's
//! Ctrl+C and Ctrl+Break, its window closing, the user logging off and the system shutting down
//! (Windows gives a handler a few seconds for the last three, enough for the ledger's last
//! batch).

use tokio_util::sync::CancellationToken;

/// The quit requests this process listens for.
pub struct Signals {
    waits: Vec<(&'static str, Wait)>,
}

type Wait = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// A listener that could not be installed never fires (it is logged once at start).
fn forever() -> Wait {
    Box::pin(std::future::pending())
}

impl Signals {
    pub fn listen() -> Signals {
        let waits = platform::listen();
        Signals { waits }
    }

    /// Returns when Quit was asked for: `quit` cancelled, or one of the system's requests.
    pub async fn wait_for_quit(&mut self, quit: &CancellationToken) {
        let waits = std::mem::take(&mut self.waits);
        let names: Vec<&'static str> = waits.iter().map(|(n, _)| *n).collect();
        let system = futures_util::future::select_all(waits.into_iter().map(|(_, w)| w));
        tokio::select! {
            _ = quit.cancelled() => {}
            (_, i, _) = system => tracing::info!(signal = names.get(i).copied().unwrap_or("?"), "asked to quit"),
        }
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
