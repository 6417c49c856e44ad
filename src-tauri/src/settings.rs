//! User settings as the desktop shell applies them: the Settings form is merged over what is
//! saved by the core (which keeps its one-time close hint), and "start at login" is carried out
//! through Tauri's autostart plugin (an XDG autostart `.desktop` file on Linux, a launch agent
//! on macOS, the Run registry key on Windows) before it is saved.
//!
//! Invariant: the saved `start_at_login` matches what the OS was told. A failed OS change saves
//! nothing; a failed save puts the OS entry back.

use crate::ipc::{ErrorKind, IpcError};
use crate::lifecycle::HIDDEN_ARG;
use crate::remote::Remote;
use serde_json::json;
use switchyard_ipc::app::dto::UserSettings;
use tauri::{AppHandle, Runtime};
use tauri_plugin_autostart::ManagerExt;

/// The autostart plugin. The login entry starts Switchyard in the tray, without a window.
pub fn autostart_plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_autostart::Builder::new()
        .arg(HIDDEN_ARG)
        .build()
}

/// Adds or removes the login entry.
fn set_login_entry(app: &AppHandle, on: bool) -> Result<(), IpcError> {
    let manager = app.autolaunch();
    let done = if on {
        manager.enable()
    } else {
        manager.disable()
    };
    done.map_err(|e| {
        tracing::warn!(error = %e, on, "could not change start at login");
        let verb = if on { "turn on" } else { "turn off" };
        IpcError::new(
            ErrorKind::File,
            format!("Could not {verb} start at login: {e}"),
        )
    })
}

/// Saves the Settings form, changing the login entry first when "start at login" changed.
pub async fn save(
    app: &AppHandle,
    remote: &Remote,
    form: UserSettings,
) -> Result<UserSettings, IpcError> {
    let saved: UserSettings = remote.call("get_settings", json!({})).await?;
    let was = saved.start_at_login;
    let changed = form.start_at_login != was;
    if changed {
        set_login_entry(app, form.start_at_login)?;
    }
    let result = remote
        .call::<UserSettings>("save_settings", json!({ "settings": form }))
        .await;
    if result.is_err() && changed {
        let _ = set_login_entry(app, was);
    }
    result
}

/// At start: a login entry the user removed outside Switchyard (a desktop's "Startup
/// Applications") turns the setting off; one that is there is rewritten, so it starts this
/// binary even after the app moved (an AppImage, an update).
pub async fn sync_login_entry(app: &AppHandle, remote: &Remote) {
    let settings = match remote.call::<UserSettings>("get_settings", json!({})).await {
        Ok(s) if s.start_at_login => s,
        Ok(_) => return,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the settings to check start at login");
            return;
        }
    };
    match app.autolaunch().is_enabled() {
        Ok(true) => {
            let _ = set_login_entry(app, true);
        }
        Ok(false) => {
            tracing::info!("the login entry was removed outside Switchyard; start at login is off");
            let off = UserSettings {
                start_at_login: false,
                ..settings
            };
            let saved = remote
                .call::<UserSettings>("save_settings", json!({ "settings": off }))
                .await;
            if let Err(e) = saved {
                tracing::warn!(error = %e, "could not turn start at login off");
            }
        }
        Err(e) => tracing::warn!(error = %e, "cannot check the login entry"),
    }
}
