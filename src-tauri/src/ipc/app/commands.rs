//! Commands of the app itself: version and folders, start-up time, keychain state, settings.

use super::dto::{AppInfo, KeychainStatus, UserSettings};
use crate::ipc::{Core, IpcError};
use tauri::State;

type Res<T> = Result<T, IpcError>;

#[tauri::command]
#[specta::specta]
pub async fn app_info(core: State<'_, Core>) -> Res<AppInfo> {
    core.info()
}

/// Called once by the UI after its first paint, to measure start-up time.
#[tauri::command]
#[specta::specta]
pub async fn report_first_paint(core: State<'_, Core>) -> Res<u32> {
    Ok(core.first_paint())
}

#[tauri::command]
#[specta::specta]
pub async fn keychain_status(core: State<'_, Core>) -> Res<KeychainStatus> {
    Ok(KeychainStatus::from_check(
        core.app()?.keychain_service(),
        core.app()?.keys().keychain_check().await,
    ))
}

#[tauri::command]
#[specta::specta]
pub async fn get_settings(core: State<'_, Core>) -> Res<UserSettings> {
    Ok(core.app()?.preferences().get().await?.into())
}

#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(app, core))]
pub async fn update_settings(
    app: tauri::AppHandle,
    core: State<'_, Core>,
    settings: UserSettings,
) -> Res<UserSettings> {
    crate::settings::save(&app, core.app()?, settings).await
}
