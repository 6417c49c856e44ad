//! Commands of Settings → My machines.

use super::dto::SyncStatus;
use crate::{Core, IpcError};
use switchyard_app::secrets::SecretString;
use switchyard_app::sync::{Keep, Kind, SyncSettings};

type Res<T> = Result<T, IpcError>;

pub async fn sync_status(core: &Core) -> Res<SyncStatus> {
    Ok(core.app()?.sync().status().await?.into())
}

/// `database_url` null keeps the saved address; a new one is tried before it is kept.
/// `space_key` null keeps the kept key (or draws one for an empty space).
#[tracing::instrument(skip(core, database_url, space_key))]
pub async fn save_sync(
    core: &Core,
    database_url: Option<String>,
    space_key: Option<String>,
    settings: SyncSettings,
) -> Res<SyncStatus> {
    let secret = |v: Option<String>| v.filter(|u| !u.trim().is_empty()).map(SecretString::from);
    let sync = core.app()?.sync();
    Ok(sync
        .save(secret(database_url), secret(space_key), settings)
        .await?
        .into())
}

/// The space's key, revealed on the user's request for their next machine.
#[tracing::instrument(skip(core))]
pub async fn reveal_space_key(core: &Core) -> Res<String> {
    Ok(core
        .app()?
        .sync()
        .reveal_space_key()
        .await?
        .expose()
        .clone())
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
    kind: Kind,
    name: String,
    keep: Keep,
) -> Res<SyncStatus> {
    let app = core.app()?;
    app.sync().resolve(kind, name, keep).await?;
    Ok(app.sync().status().await?.into())
}
