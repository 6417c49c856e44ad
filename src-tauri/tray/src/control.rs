//! What the core process does besides the page's commands: one instance per data folder, the
//! socket, the window's own call (`window_closed`), and waiting for Quit.

use serde_json::{json, Value};
use std::fs::File;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;
use switchyard_ipc::wire::{CallFuture, Handler};
use switchyard_ipc::{dispatch, Core, IpcError, UiEvent};
use switchyard_notify::{Kind, Notification, Urgency};
use tokio::net::UnixListener;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

/// Takes the data folder's core lock; `None` when another core holds it. Held until exit; the
/// file names the holder's pid (for scripts and a curious user).
pub fn single_instance(data_dir: &Path) -> Result<Option<File>, String> {
    use std::io::Write;
    let path = data_dir.join("core.lock");
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    match fs4::fs_std::FileExt::try_lock_exclusive(&file) {
        Ok(true) => {
            let pid = format!("{}\n", std::process::id());
            let written = file
                .set_len(0)
                .and_then(|()| file.write_all(pid.as_bytes()));
            if let Err(e) = written {
                tracing::warn!(error = %e, "cannot write the pid into the core lock");
            }
            Ok(Some(file))
        }
        Ok(false) => Ok(None),
        Err(e) => Err(format!("cannot lock {}: {e}", path.display())),
    }
}

/// Listens at `socket` (a file left by a core that died is replaced: the lock says none runs),
/// readable and writable by this user only.
pub fn bind(socket: &Path) -> Result<UnixListener, String> {
    let _ = std::fs::remove_file(socket);
    let listener = UnixListener::bind(socket)
        .map_err(|e| format!("cannot listen at {}: {e}", socket.display()))?;
    std::fs::set_permissions(socket, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| format!("cannot protect {}: {e}", socket.display()))?;
    Ok(listener)
}

/// SIGTERM and SIGINT, listened for from the start so that one arriving while the core starts
/// still ends in the clean shutdown.
pub struct Signals {
    term: Option<tokio::signal::unix::Signal>,
    int: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    pub fn listen() -> Signals {
        use tokio::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate()).ok();
        let int = signal(SignalKind::interrupt()).ok();
        if term.is_none() || int.is_none() {
            tracing::warn!("cannot listen for SIGTERM/SIGINT");
        }
        Signals { term, int }
    }

    /// Returns when Quit was asked for: `quit` cancelled, SIGTERM or SIGINT.
    pub async fn wait_for_quit(&mut self, quit: &CancellationToken) {
        async fn recv(s: &mut Option<tokio::signal::unix::Signal>) {
            match s {
                Some(s) => {
                    s.recv().await;
                }
                None => std::future::pending().await,
            }
        }
        tokio::select! {
            _ = quit.cancelled() => {}
            _ = recv(&mut self.term) => tracing::info!("SIGTERM"),
            _ = recv(&mut self.int) => tracing::info!("SIGINT"),
        }
    }
}

/// The socket's handler: the page's commands through [`dispatch`], plus the window's own calls.
pub struct Control {
    core: Core,
    ui: broadcast::Sender<UiEvent>,
    quit: CancellationToken,
}

impl Control {
    pub fn new(core: Core, ui: broadcast::Sender<UiEvent>, quit: CancellationToken) -> Self {
        Control { core, ui, quit }
    }

    /// The window closed: quit if the user turned "keep running in the tray" off; otherwise
    /// keep running and, the first time, say so in a notification.
    async fn window_closed(&self) -> Result<Value, IpcError> {
        let Ok(core) = self.core.app() else {
            // Without a core there is nothing to keep running.
            self.quit.cancel();
            return Ok(json!({ "quitting": true }));
        };
        let settings = core.preferences().get().await?;
        if !settings.keep_running_in_tray {
            self.quit.cancel();
            return Ok(json!({ "quitting": true }));
        }
        tracing::info!("window closed; still running in the tray");
        if !settings.close_hint_shown {
            core.notifications()
                .send(Notification::new(
                    Kind::Verdict,
                    Urgency::Low,
                    "Switchyard is still running in the tray",
                    "The gateway keeps serving your tools. Open Switchyard from the tray icon or \
                     by launching it again; Quit in the tray menu stops it.",
                ))
                .await;
            let shown = switchyard_app::Settings {
                close_hint_shown: true,
                ..settings
            };
            core.preferences().update(shown).await?;
        }
        Ok(json!({ "quitting": false }))
    }
}

impl Handler for Control {
    fn call(self: Arc<Self>, name: String, args: Value) -> CallFuture {
        Box::pin(async move {
            match name.as_str() {
                "window_closed" => self.window_closed().await,
                _ => dispatch(&self.core, &name, args).await,
            }
        })
    }

    fn events(&self) -> broadcast::Receiver<UiEvent> {
        self.ui.subscribe()
    }
}
