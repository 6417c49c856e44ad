//! What the core process does besides the page's commands: one instance per data folder, the
//! window's own calls (`window_closed`, a file its dialog chose), and waiting for Quit.

use serde_json::{json, Value};
use std::fs::File;
use std::path::Path;
use std::sync::Arc;
use switchyard_ipc::wire::{CallFuture, Handler};
use switchyard_ipc::{dispatch, Core, IpcError, UiEvent};
use switchyard_notify::{Kind, Notification, Urgency};
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

/// Takes the data folder's core lock; `None` when another core holds it. Held until exit; the
/// file names the holder's pid (for scripts and a curious user).
pub fn single_instance(data_dir: &Path) -> Result<Option<File>, String> {
    use std::io::Write;
    let path = data_dir.join(switchyard_channel::CORE_LOCK);
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
            // Also where the window reads it: a locked file cannot be read on Windows.
            let pid_file = data_dir.join(switchyard_channel::CORE_PID);
            std::fs::write(&pid_file, pid)
                .map_err(|e| format!("cannot write {}: {e}", pid_file.display()))?;
            Ok(Some(file))
        }
        Ok(false) => Ok(None),
        Err(e) => Err(format!("cannot lock {}: {e}", path.display())),
    }
}

/// The ways the system asks the core to quit, listened for from the start so that one arriving
/// while the core starts still ends in the clean shutdown (the ledger flushed).
pub struct Signals(switchyard_os::QuitRequests);

impl Signals {
    pub fn listen() -> Signals {
        Signals(switchyard_os::QuitRequests::listen())
    }

    /// Returns when Quit was asked for: `quit` cancelled (the tray, the window), or the system.
    pub async fn wait_for_quit(&mut self, quit: &CancellationToken) {
        tokio::select! {
            _ = quit.cancelled() => {}
            name = self.0.next() => tracing::info!(request = name, "asked to quit"),
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

    /// A file the user picked in the window's native dialog: a handle for the page's file
    /// commands. Only the window sends this, over the data folder's private socket; it is not a
    /// command of the list, so the browser panel (which calls the list) cannot.
    fn grant_file(&self, args: Value) -> Result<Value, IpcError> {
        let grant: switchyard_ipc::wire::Grant = serde_json::from_value(args).map_err(|_| {
            IpcError::new(
                switchyard_ipc::ErrorKind::Validation,
                "The window's chosen file did not fit.",
            )
        })?;
        let chosen = self
            .core
            .files()?
            .chosen_in_dialog(grant.path, grant.purpose);
        Ok(json!(chosen))
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

/// The window's "start at login": the OS login entry, written here so that one piece of code
/// does it on every platform (`switchyard_app::login_item`). `{ "on": bool }` changes it; no
/// argument reads it. Answers whether it is on.
async fn login_entry(args: Value) -> Result<Value, IpcError> {
    let set = args.get("on").and_then(Value::as_bool);
    let on = tokio::task::spawn_blocking(move || {
        let item = switchyard_app::login_item::LoginItem::of_this_install()?;
        match set {
            Some(on) => item.set(on).map(|()| on),
            None => item.is_on(),
        }
        .map_err(switchyard_app::AppError::from)
    })
    .await
    .map_err(|_| {
        IpcError::new(
            switchyard_ipc::ErrorKind::Internal,
            "The login entry could not be read.",
        )
    })??;
    Ok(json!({ "on": on }))
}

impl Handler for Control {
    fn call(self: Arc<Self>, name: String, args: Value) -> CallFuture {
        Box::pin(async move {
            match name.as_str() {
                "window_closed" => self.window_closed().await,
                // The window installs an update: stop as Quit does.
                "quit_for_update" => {
                    tracing::info!("quitting for an update");
                    // The window installs it now: nothing is left to install at Quit.
                    if let Ok(updates) = self.core.updates() {
                        if let Err(e) = updates.cancel_install_on_quit().await {
                            tracing::warn!(error = %e, "the update waiting for Quit stays");
                        }
                    }
                    self.quit.cancel();
                    Ok(json!({ "quitting": true }))
                }
                "login_entry" => login_entry(args).await,
                switchyard_ipc::wire::GRANT_FILE => self.grant_file(args),
                _ => dispatch(&self.core, &name, args).await,
            }
        })
    }

    fn events(&self) -> broadcast::Receiver<UiEvent> {
        self.ui.subscribe()
    }
}
