//! Commands of the Routes page.

use super::dto::{BackendHealth, RouteForm};
use crate::{dtos, Core, IpcError};
use switchyard_app::RouteView;

type Res<T> = Result<T, IpcError>;

pub async fn list_routes(core: &Core) -> Res<Vec<RouteView>> {
    Ok(core.app()?.routes().list().await?)
}

/// Creates (`id` = null) or replaces a route; validated first, nothing saved on error.
#[tracing::instrument(skip(core, form))]
pub async fn save_route(core: &Core, id: Option<String>, form: RouteForm) -> Res<RouteView> {
    Ok(core.app()?.routes().save(id, form.into()).await?.view)
}

#[tracing::instrument(skip(core))]
pub async fn delete_route(core: &Core, id: String) -> Res<()> {
    Ok(core.app()?.routes().delete(id).await?)
}

/// Live breaker, cool-down and latency of every enabled backend and key.
pub async fn gateway_health(core: &Core) -> Res<Vec<BackendHealth>> {
    Ok(dtos(core.app()?.routes().live_health()))
}
