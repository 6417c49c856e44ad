//! Commands of the Tools page: connect coding tools to the gateway, Claude Code's status line,
//! and moving plaintext provider keys into the keychain.

use super::dto::{parse_tool, paths, FilesChanged, KeySweep, MovedKey, ToolInfo, ToolResult};
use crate::ipc::{Core, IpcError};
use switchyard_app::ConnectChoice;
use tauri::State;

type Res<T> = Result<T, IpcError>;

/// Every supported tool: installed (and its version), connected, and its usage today.
#[tauri::command]
#[specta::specta]
pub async fn list_tools(core: State<'_, Core>) -> Res<Vec<ToolInfo>> {
    Ok(core
        .app()?
        .tools()
        .list()
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Route names, then each enabled backend's `Backend/model`.
#[tauri::command]
#[specta::specta]
pub async fn tool_model_choices(core: State<'_, Core>) -> Res<Vec<String>> {
    Ok(core.app()?.tools().model_choices().await?)
}

/// Connects (or reconnects) `tool` with its own gateway token; `model` null lets Switchyard pick.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core))]
pub async fn connect_tool(
    core: State<'_, Core>,
    tool: String,
    model: Option<String>,
) -> Res<ToolResult> {
    Ok(core
        .app()?
        .tools()
        .connect(
            parse_tool(&tool)?,
            ConnectChoice {
                model,
                ..ConnectChoice::default()
            },
        )
        .await?
        .into())
}

/// Undoes the keys connecting set (keeping any the user changed since) and revokes the token.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core))]
pub async fn disconnect_tool(core: State<'_, Core>, tool: String) -> Res<ToolResult> {
    Ok(core
        .app()?
        .tools()
        .disconnect(parse_tool(&tool)?)
        .await?
        .into())
}

#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core))]
pub async fn install_statusline(core: State<'_, Core>) -> Res<FilesChanged> {
    Ok(core.app()?.tools().install_statusline().await?.into())
}

/// Removes Switchyard's status line; the user's own one comes back.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core))]
pub async fn uninstall_statusline(core: State<'_, Core>) -> Res<FilesChanged> {
    Ok(core.app()?.tools().uninstall_statusline().await?.into())
}

/// Provider keys in shell profiles, the tools' files and `extra_files`, masked.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core))]
pub async fn find_keys(core: State<'_, Core>, extra_files: Vec<String>) -> Res<KeySweep> {
    Ok(core
        .app()?
        .tools()
        .find_keys(paths(extra_files))
        .await?
        .into())
}

/// Tests finding `id` (from `find_keys` over the same files), stores it under `backend_id` (or
/// the first backend of its kind, else a new one) and takes it out of its file.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core))]
pub async fn move_key(
    core: State<'_, Core>,
    id: String,
    extra_files: Vec<String>,
    backend_id: Option<String>,
) -> Res<MovedKey> {
    Ok(core
        .app()?
        .tools()
        .move_key(id, paths(extra_files), backend_id)
        .await?
        .into())
}

/// Every key moved out of a file, newest first.
#[tauri::command]
#[specta::specta]
pub async fn key_moves(core: State<'_, Core>) -> Res<Vec<MovedKey>> {
    Ok(core
        .app()?
        .tools()
        .key_moves()
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Puts a moved key's line back in its file.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core))]
pub async fn restore_key(core: State<'_, Core>, move_id: String) -> Res<MovedKey> {
    Ok(core.app()?.tools().restore_key(move_id).await?.into())
}
