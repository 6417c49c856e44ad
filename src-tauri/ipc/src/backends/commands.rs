//! Commands of backends, keys and key import. Like every command: async, typed, instrumented
//! with secrets skipped, one statement each: call the service, convert the result.

use super::dto::{Backend, BackendDraft, Check, Key, KeyInput, KindInfo};
use super::forms::ImportScanResult;
use crate::files::{Access, FileHandle, Granted};
use crate::issues::ValidationReport;
use crate::{dtos, Core, IpcError};
use switchyard_app::AppError;
use switchyard_app::ImportReport as ImportResult;
use switchyard_domain::BackendKind;

type Res<T> = Result<T, IpcError>;

pub async fn backend_kinds(_core: &Core) -> Res<Vec<KindInfo>> {
    Ok(BackendKind::ALL.into_iter().map(KindInfo::from).collect())
}

#[tracing::instrument(skip(core))]
pub async fn list_backends(core: &Core) -> Res<Vec<Backend>> {
    Ok(dtos(core.app()?.backends().list().await?))
}

/// Live validation for the add/edit dialog. Nothing is saved.
#[tracing::instrument(level = "debug", skip(core, draft, key))]
pub async fn validate_backend(
    core: &Core,
    draft: BackendDraft,
    editing_id: Option<String>,
    key: Option<KeyInput>,
) -> Res<ValidationReport> {
    Ok(core
        .app()?
        .backends()
        .validate(draft.parse()?, editing_id, key.map(Into::into))
        .await?
        .into())
}

#[tracing::instrument(skip(core, draft, key), fields(kind = draft.kind_id()))]
pub async fn create_backend(
    core: &Core,
    draft: BackendDraft,
    key: Option<KeyInput>,
) -> Res<Backend> {
    Ok(core
        .app()?
        .backends()
        .create(draft.parse()?, key.map(Into::into))
        .await?
        .into())
}

/// `approved_origin`: the new host the dialog said saving approves for the backend's keys (its
/// note, shown before the click), if it showed one. The core approves exactly that origin: a
/// save that would send the keys anywhere else is refused, nothing saved.
#[tracing::instrument(skip(core, draft), fields(kind = draft.kind_id()))]
pub async fn update_backend(
    core: &Core,
    id: String,
    draft: BackendDraft,
    approved_origin: Option<String>,
) -> Res<Backend> {
    let draft = draft.parse()?;
    let approved = switchyard_app::config_file::Approved::Listed {
        hosts: approved_origin
            .into_iter()
            .map(|to| switchyard_app::config_file::HostChange {
                backend: draft.name.trim().to_string(),
                from: String::new(),
                to,
                keys: 0,
            })
            .collect(),
        exposure: Vec::new(),
    };
    Ok(core
        .app()?
        .backends()
        .update(id, draft, approved)
        .await?
        .into())
}

#[tracing::instrument(skip(core))]
pub async fn set_backend_enabled(core: &Core, id: String, enabled: bool) -> Res<Backend> {
    Ok(core
        .app()?
        .backends()
        .set_enabled(id, enabled)
        .await?
        .into())
}

/// `ids` lists every backend once, in the new order.
#[tracing::instrument(skip(core))]
pub async fn reorder_backends(core: &Core, ids: Vec<String>) -> Res<Vec<Backend>> {
    Ok(dtos(core.app()?.backends().reorder(ids).await?))
}

#[tracing::instrument(skip(core))]
pub async fn delete_backend(core: &Core, id: String) -> Res<()> {
    Ok(core.app()?.backends().delete(id).await?)
}

#[tracing::instrument(skip(core, key))]
pub async fn add_key(core: &Core, backend_id: String, key: KeyInput) -> Res<Key> {
    Ok(core.app()?.keys().add(backend_id, key.into()).await?.into())
}

/// Live validation for the add-key dialog. Nothing is saved.
#[tracing::instrument(level = "debug", skip(core, key))]
pub async fn validate_key(core: &Core, backend_id: String, key: KeyInput) -> Res<ValidationReport> {
    Ok(core
        .app()?
        .keys()
        .validate(backend_id, key.into())
        .await?
        .into())
}

#[tracing::instrument(skip(core))]
pub async fn delete_key(core: &Core, key_id: String) -> Res<()> {
    Ok(core.app()?.keys().delete(key_id).await?)
}

/// The one command that returns a key: an explicit reveal the UI hides again after a few seconds.
#[tracing::instrument(skip(core))]
pub async fn reveal_key(core: &Core, key_id: String) -> Res<String> {
    Ok(core.app()?.keys().reveal(key_id).await?.expose().clone())
}

/// Zero-cost test of a key, or of a keyless backend when `keyId` is null.
#[tracing::instrument(skip(core))]
pub async fn test_key(core: &Core, backend_id: String, key_id: Option<String>) -> Res<Check> {
    Ok(core
        .app()?
        .keys()
        .test(&backend_id, key_id.as_deref())
        .await?
        .into())
}

/// Finds keys in the environment and, if given, a chosen `.env` file. Results are masked.
#[tracing::instrument(skip(core))]
pub async fn scan_import(core: &Core, file: Option<FileHandle>) -> Res<ImportScanResult> {
    let file = core.files()?.resolve_opt(file.as_ref(), Access::Read)?;
    let path = file.as_ref().map(|f| f.path().to_path_buf());
    let scanned = core.app()?.backends().scan_import(path).await;
    Ok(scrub_opt(file.as_ref(), scanned)?.into())
}

/// Imports the findings `ids` of the last scan of the same file.
#[tracing::instrument(skip(core))]
pub async fn import_keys(
    core: &Core,
    file: Option<FileHandle>,
    ids: Vec<String>,
) -> Res<ImportResult> {
    let file = core.files()?.resolve_opt(file.as_ref(), Access::Read)?;
    let path = file.as_ref().map(|f| f.path().to_path_buf());
    let imported = core.app()?.backends().import_keys(path, ids).await;
    scrub_opt(file.as_ref(), imported)
}

/// `result` with its error naming `file` as the caller knows it.
fn scrub_opt<T>(file: Option<&Granted>, result: Result<T, AppError>) -> Res<T> {
    result.map_err(|e| match file {
        Some(f) => f.scrub(e.into()),
        None => e.into(),
    })
}
