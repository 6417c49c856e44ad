//! Commands of the Cache page.

use super::dto::{CacheClearScope, CacheSettings, CacheStats};
use crate::ipc::{Core, IpcError};
use tauri::State;

type Res<T> = Result<T, IpcError>;

/// Entries, size, hit rate and savings, overall and per route; lookups count from `since`.
#[tauri::command]
#[specta::specta]
pub async fn cache_stats(core: State<'_, Core>, since: String) -> Res<CacheStats> {
    Ok(core.app()?.cache().overview(since).await?.into())
}

#[tauri::command]
#[specta::specta]
pub async fn get_cache_settings(core: State<'_, Core>) -> Res<CacheSettings> {
    Ok(core.app()?.cache().settings().await?.into())
}

/// Validated first; the switch and the lifetime apply at once, the sizes at the next start.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core))]
pub async fn set_cache_settings(
    core: State<'_, Core>,
    settings: CacheSettings,
) -> Res<CacheSettings> {
    Ok(core
        .app()?
        .cache()
        .set_settings(settings.into())
        .await?
        .into())
}

/// Removes stored answers; returns how many.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core))]
pub async fn clear_cache(core: State<'_, Core>, scope: CacheClearScope) -> Res<f64> {
    Ok(core.app()?.cache().clear(scope.into()).await? as f64)
}
