//! The window's own commands: what only this process knows (its first paint) or can do (the
//! OS login entry, through Tauri's autostart plugin).

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
#[tracing::instrument(skip(app, remote))]
pub async fn update_settings(
    app: tauri::AppHandle,
    remote: State<'_, Remote>,
    settings: UserSettings,
) -> Res<UserSettings> {
    crate::settings::save(&app, &remote, settings).await
}
