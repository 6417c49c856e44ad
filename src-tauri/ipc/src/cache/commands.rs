//! Commands of the Cache page.

use super::dto::CacheSettingsForm;
use crate::{Core, IpcError};
use switchyard_app::{CacheOverview, CacheScope, CacheSettings};

type Res<T> = Result<T, IpcError>;

/// Entries, size, hit rate and savings, overall and per route; lookups count from `since`.
pub async fn cache_stats(core: &Core, since: String) -> Res<CacheOverview> {
    Ok(core.app()?.cache().overview(since).await?)
}

pub async fn get_cache_settings(core: &Core) -> Res<CacheSettings> {
    Ok(core.app()?.cache().settings().await?)
}

/// Validated first; the switch and the lifetime apply at once, the sizes at the next start.
#[tracing::instrument(skip(core))]
pub async fn set_cache_settings(core: &Core, settings: CacheSettingsForm) -> Res<CacheSettings> {
    Ok(core.app()?.cache().set_settings(settings.into()).await?)
}

/// Removes stored answers; returns how many.
#[tracing::instrument(skip(core))]
pub async fn clear_cache(core: &Core, scope: CacheScope) -> Res<f64> {
    Ok(core.app()?.cache().clear(scope).await? as f64)
}
