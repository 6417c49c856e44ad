//! Commands of the Tools page: connect coding tools to the gateway, Claude Code's status line,
//! and moving plaintext provider keys into the keychain.

use super::dto::parse_tool;
use crate::files::{Access, FileHandle, Granted};
use crate::{Core, IpcError};
use switchyard_app::{KeyMove as MovedKey, KeyScan};
use switchyard_tools::{ConnectChoice, FilesReport as FilesChanged};
use switchyard_tools::{ToolReport as ToolResult, ToolStatus as ToolInfo};

type Res<T> = Result<T, IpcError>;

/// Every supported tool: installed (and its version), connected, and its usage today.
pub async fn list_tools(core: &Core) -> Res<Vec<ToolInfo>> {
    Ok(core.tools()?.list().await?)
}

/// Route names, then each enabled backend's `Backend/model`.
pub async fn tool_model_choices(core: &Core) -> Res<Vec<String>> {
    Ok(core.tools()?.model_choices().await?)
}

/// Connects (or reconnects) `tool` with its own gateway token; `model` null lets Switchyard pick.
#[tracing::instrument(skip(core))]
pub async fn connect_tool(
    core: &Core,
    tool: String,
    model: Option<String>,
    team: Option<bool>,
    way: Option<super::dto::ConnectWay>,
) -> Res<ToolResult> {
    Ok(core
        .tools()?
        .connect(
            parse_tool(&tool)?,
            ConnectChoice {
                model,
                team: team.unwrap_or(false),
                way: way.map(Into::into).unwrap_or_default(),
                ..ConnectChoice::default()
            },
        )
        .await?)
}

/// Undoes the keys connecting set (keeping any the user changed since) and revokes the token.
#[tracing::instrument(skip(core))]
pub async fn disconnect_tool(core: &Core, tool: String) -> Res<ToolResult> {
    Ok(core.tools()?.disconnect(parse_tool(&tool)?).await?)
}

#[tracing::instrument(skip(core))]
pub async fn install_statusline(core: &Core) -> Res<FilesChanged> {
    Ok(core.tools()?.install_statusline().await?)
}

/// Removes Switchyard's status line; the user's own one comes back.
#[tracing::instrument(skip(core))]
pub async fn uninstall_statusline(core: &Core) -> Res<FilesChanged> {
    Ok(core.tools()?.uninstall_statusline().await?)
}

/// The paths of the chosen `files`, and the chosen files to name errors by.
fn chosen(core: &Core, files: &[FileHandle], wanted: Access) -> Res<Vec<Granted>> {
    core.files()?.resolve_all(files, wanted)
}

fn scrubbed(files: &[Granted], e: IpcError) -> IpcError {
    files.iter().fold(e, |e, f| f.scrub(e))
}

/// Provider keys in shell profiles, the tools' files and the chosen `files`, masked.
#[tracing::instrument(skip(core))]
pub async fn find_keys(core: &Core, files: Vec<FileHandle>) -> Res<KeyScan> {
    let files = chosen(core, &files, Access::Read)?;
    let paths = files.iter().map(|f| f.path().to_path_buf()).collect();
    let found = core.app()?.key_sweep().find_keys(paths).await;
    found.map_err(|e| scrubbed(&files, e.into()))
}

/// Tests finding `id` (from `find_keys` over the same files), stores it under `backend_id` (or
/// the first backend of its kind, else a new one) and takes it out of its file.
#[tracing::instrument(skip(core))]
pub async fn move_key(
    core: &Core,
    id: String,
    files: Vec<FileHandle>,
    backend_id: Option<String>,
) -> Res<MovedKey> {
    let files = chosen(core, &files, Access::ReadWrite)?;
    let paths = files.iter().map(|f| f.path().to_path_buf()).collect();
    let sweep = core.app()?.key_sweep();
    let moved = sweep.move_key(id, paths, backend_id).await;
    moved.map_err(|e| scrubbed(&files, e.into()))
}

/// Every key moved out of a file, newest first.
pub async fn key_moves(core: &Core) -> Res<Vec<MovedKey>> {
    Ok(core.app()?.key_sweep().key_moves().await?)
}

/// Puts a moved key's line back in its file.
#[tracing::instrument(skip(core))]
pub async fn restore_key(core: &Core, move_id: String) -> Res<MovedKey> {
    Ok(core.app()?.key_sweep().restore_key(move_id).await?)
}
