//! Commands of the app itself: version and folders, keychain state, settings. What only the
//! window knows (its first paint) and what only the window can do (the OS login entry) is added
//! by the shell around `app_info` and `save_settings`.

use super::dto::{AppInfo, KeychainStatus, UserSettings};
use crate::{Core, IpcError};
use switchyard_updates::UpdateStatus;

type Res<T> = Result<T, IpcError>;

/// Version and folders; `first_paint_ms` is the window's to fill in.
pub async fn app_info(core: &Core) -> Res<AppInfo> {
    core.info()
}

pub async fn keychain_status(core: &Core) -> Res<KeychainStatus> {
    Ok(KeychainStatus::from_check(
        core.app()?.keychain_service(),
        core.app()?.keys().keychain_check().await,
    ))
}

pub async fn get_settings(core: &Core) -> Res<UserSettings> {
    Ok(core.app()?.preferences().get().await?)
}

/// Saves the Settings form over what is saved (the one-time close hint stays the core's).
#[tracing::instrument(skip(core))]
pub async fn save_settings(core: &Core, settings: UserSettings) -> Res<UserSettings> {
    let prefs = core.app()?.preferences();
    let saved = prefs.get().await?;
    Ok(prefs.update(settings.apply_to(saved)).await?)
}

/// What the last update check found.
pub async fn update_status(core: &Core) -> Res<UpdateStatus> {
    Ok(core.updates()?.status().await?)
}

/// Checks for a newer Switchyard now (a failed check is in the answer's `error`).
#[tracing::instrument(skip(core))]
pub async fn check_for_updates(core: &Core) -> Res<UpdateStatus> {
    Ok(core.updates()?.check().await?)
}

/// Downloads and verifies `version` now, to install it when Switchyard quits.
#[tracing::instrument(skip(core))]
pub async fn install_update_on_quit(core: &Core, version: String) -> Res<UpdateStatus> {
    Ok(core.updates()?.install_on_quit(version).await?)
}

/// Installs nothing at Quit after all.
#[tracing::instrument(skip(core))]
pub async fn cancel_update_on_quit(core: &Core) -> Res<UpdateStatus> {
    Ok(core.updates()?.cancel_install_on_quit().await?)
}

/// The window's install of `version` failed: it is not offered for installing again.
#[tracing::instrument(skip(core))]
pub async fn update_install_failed(core: &Core, version: String, reason: String) -> Res<()> {
    Ok(core.updates()?.install_failed(version, reason).await?)
}
