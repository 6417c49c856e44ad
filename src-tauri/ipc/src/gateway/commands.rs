//! Commands of the Gateway and Requests pages.

use super::dto::{CreatedToken, GatewaySettingsState, RequestQuery, Token};
use crate::backends::dto::Backend;
use crate::{dtos, Core, IpcError};
use switchyard_app::changes::{Approved, ExposureChange};
use switchyard_app::BackendLimits;
use switchyard_app::{GatewayInfo as GatewayStatus, GatewaySettings};
use switchyard_domain::RequestRecord;

type Res<T> = Result<T, IpcError>;

pub async fn gateway_status(core: &Core) -> Res<GatewayStatus> {
    Ok(core.app()?.gateway_control().info())
}

pub async fn list_tokens(core: &Core) -> Res<Vec<Token>> {
    Ok(dtos(core.app()?.tokens().list().await?))
}

/// Creates a token for a tool; its value is in the answer once and never again.
#[tracing::instrument(skip(core))]
pub async fn create_token(core: &Core, name: String) -> Res<CreatedToken> {
    Ok(core.app()?.tokens().create(name).await?.into())
}

/// Creates a scrape token (reads `GET /metrics` only, for Prometheus); its value is in the
/// answer once and never again.
#[tracing::instrument(skip(core))]
pub async fn create_scrape_token(core: &Core, name: String) -> Res<CreatedToken> {
    let scope = switchyard_app::TokenScope::Metrics;
    Ok(core
        .app()?
        .tokens()
        .create_scoped(name, scope)
        .await?
        .into())
}

#[tracing::instrument(skip(core))]
pub async fn revoke_token(core: &Core, id: String) -> Res<Token> {
    Ok(core.app()?.tokens().revoke(id).await?.into())
}

/// The newest ledger rows matching the filters.
/// (The CLI's `requests --json` prints the same type: one shape for both.)
pub async fn recent_requests(core: &Core, query: RequestQuery) -> Res<Vec<RequestRecord>> {
    Ok(core
        .app()?
        .gateway_control()
        .recent_requests(query.into())
        .await?)
}

pub async fn get_gateway_settings(core: &Core) -> Res<GatewaySettingsState> {
    let app = core.app()?;
    let saved = app.gateway_control().settings().await?;
    Ok(GatewaySettingsState {
        restart_needed: app.gateway_control().restart_needed(&saved),
        port_fixed: app.gateway_control().port_fixed(),
        settings: saved,
    })
}

/// What saving these settings would open (validated first; nothing saved): the changes the
/// window asks the user to approve before `update_gateway_settings`.
#[tracing::instrument(skip(core))]
pub async fn preview_gateway_settings(
    core: &Core,
    settings: GatewaySettings,
) -> Res<Vec<ExposureChange>> {
    let effects = core
        .app()?
        .gateway_control()
        .settings_effects(settings)
        .await?;
    Ok(effects.exposure)
}

/// Saves the gateway settings (validated; nothing saved on error). They apply at the next start.
/// `approved`: the changes the window's question listed; a save that opens anything else is
/// refused.
#[tracing::instrument(skip(core))]
pub async fn update_gateway_settings(
    core: &Core,
    settings: GatewaySettings,
    approved: Vec<ExposureChange>,
) -> Res<GatewaySettingsState> {
    let app = core.app()?;
    let approved = Approved::Listed {
        hosts: Vec::new(),
        exposure: approved,
    };
    let saved = app
        .gateway_control()
        .update_settings(settings, &approved)
        .await?;
    Ok(GatewaySettingsState {
        restart_needed: app.gateway_control().restart_needed(&saved),
        port_fixed: app.gateway_control().port_fixed(),
        settings: saved,
    })
}

/// Sets a backend's traffic limits (in flight, requests and tokens per minute).
#[tracing::instrument(skip(core))]
pub async fn set_backend_limits(core: &Core, id: String, limits: BackendLimits) -> Res<Backend> {
    Ok(core.app()?.backends().set_limits(id, limits).await?.into())
}

/// Pauses (every request answered 503) or resumes the gateway.
#[tracing::instrument(skip(core))]
pub async fn set_gateway_paused(core: &Core, paused: bool) -> Res<GatewayStatus> {
    let app = core.app()?;
    app.gateway_control().set_paused(paused)?;
    Ok(app.gateway_control().info())
}
