//! User settings as the desktop shell applies them: the Settings form is merged over what is
//! saved by the core (which keeps its one-time close hint), and "start at login" is carried out
//! by the core (`switchyard_app::login_item`: an XDG autostart `.desktop` file on Linux, the Run
//! key under HKCU on Windows, a launch agent on macOS) before it is saved.
//!
//! Invariant: the saved `start_at_login` matches what the OS was told. A failed OS change saves
//! nothing; a failed save puts the OS entry back.

use crate::remote::Remote;
use serde_json::json;
use switchyard_ipc::app::dto::UserSettings;
use switchyard_ipc::IpcError;

#[derive(serde::Deserialize)]
struct LoginEntry {
    on: bool,
}

/// Adds or removes the login entry (the core writes it; it starts Switchyard in the tray).
async fn set_login_entry(remote: &Remote, on: bool) -> Result<(), IpcError> {
    remote
        .call::<LoginEntry>("login_entry", json!({ "on": on }))
        .await
        .map(|_| ())
}

/// Whether the login entry is there.
async fn login_entry_on(remote: &Remote) -> Result<bool, IpcError> {
    Ok(remote
        .call::<LoginEntry>("login_entry", json!({}))
        .await?
        .on)
}

/// Saves the Settings form, changing the login entry first when "start at login" changed.
pub async fn save(remote: &Remote, form: UserSettings) -> Result<UserSettings, IpcError> {
    let saved: UserSettings = remote.call("get_settings", json!({})).await?;
    let was = saved.start_at_login;
    let changed = form.start_at_login != was;
    if changed {
        set_login_entry(remote, form.start_at_login).await?;
    }
    let result = remote
        .call::<UserSettings>("save_settings", json!({ "settings": form }))
        .await;
    if result.is_err() && changed {
        let _ = set_login_entry(remote, was).await;
    }
    result
}

/// At start: a login entry the user removed outside Switchyard (a desktop's "Startup
/// Applications") turns the setting off; one that is there is rewritten, so it starts this
/// binary even after the app moved (an AppImage, an update).
pub async fn sync_login_entry(remote: &Remote) {
    let settings = match remote.call::<UserSettings>("get_settings", json!({})).await {
        Ok(s) if s.start_at_login => s,
        Ok(_) => return,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the settings to check start at login");
            return;
        }
    };
    match login_entry_on(remote).await {
        Ok(true) => {
            let _ = set_login_entry(remote, true).await;
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
