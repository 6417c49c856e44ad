//! Commands of Settings → My machines.

use super::dto::{SyncKeep, SyncKind, SyncSettings, SyncStatus};
use crate::{Core, IpcError};
use switchyard_app::secrets::SecretString;

type Res<T> = Result<T, IpcError>;

pub async fn sync_status(core: &Core) -> Res<SyncStatus> {
    Ok(core.app()?.sync().status().await?.into())
}

/// `database_url` null keeps the saved address; a new one is tried before it is kept.
#[tracing::instrument(skip(core, database_url))]
pub async fn save_sync(
    core: &Core,
    database_url: Option<String>,
    settings: SyncSettings,
) -> Res<SyncStatus> {
    let url = database_url
        .filter(|u| !u.trim().is_empty())
        .map(SecretString::from);
    Ok(core.app()?.sync().save(url, settings.into()).await?.into())
}

#[tracing::instrument(skip(core))]
pub async fn forget_sync(core: &Core) -> Res<SyncStatus> {
    Ok(core.app()?.sync().forget().await?.into())
}

#[tracing::instrument(skip(core))]
pub async fn sync_now(core: &Core) -> Res<SyncStatus> {
    let app = core.app()?;
    app.sync().run().await?;
    Ok(app.sync().status().await?.into())
}

#[tracing::instrument(skip(core))]
pub async fn resolve_sync_conflict(
    core: &Core,
    kind: SyncKind,
    name: String,
    keep: SyncKeep,
) -> Res<SyncStatus> {
    let app = core.app()?;
    app.sync().resolve(kind.into(), name, keep.into()).await?;
    Ok(app.sync().status().await?.into())
}
