//! The window's own commands: what only this process knows (its first paint), and saving the
//! settings with the OS login entry first (which the core writes).

use crate::remote::Remote;
use serde_json::json;
use switchyard_ipc::app::dto::{AppInfo, UserSettings};
use switchyard_ipc::IpcError;
use tauri::State;

type Res<T> = Result<T, IpcError>;

/// Version, folders and the Demo server's address (from the core), with the window's
/// first-paint time.
#[tauri::command]
#[specta::specta]
pub async fn app_info(remote: State<'_, Remote>) -> Res<AppInfo> {
    let mut info: AppInfo = remote.call("app_info", json!({})).await?;
    info.first_paint_ms = remote.first_paint_ms();
    Ok(info)
}

/// Called once by the UI after its first paint, to measure start-up time.
#[tauri::command]
#[specta::specta]
pub async fn report_first_paint(remote: State<'_, Remote>) -> Res<u32> {
    Ok(remote.first_paint())
}

#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(remote))]
pub async fn update_settings(
    remote: State<'_, Remote>,
    settings: UserSettings,
) -> Res<UserSettings> {
    crate::settings::save(&remote, settings).await
}
