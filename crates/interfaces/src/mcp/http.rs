//! MCP over Streamable HTTP at `/mcp` on the gateway's address. The gateway's guard has already
//! checked Host, the allowed networks, Origin and the token before a request gets here, so the
//! SDK's own Host check is off. Stateless (no sessions: every request is answered on its own,
//! in JSON), so nothing outlives a request and shutdown waits for nothing. `ask` uses the
//! caller's own token, so its requests are recorded under the caller's tool name.

use super::{OwnToken, SwitchyardMcp};
use axum::Router;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use std::sync::Arc;

/// The `/mcp` route, for [`switchyard_gateway::Deps::extra_routes`].
pub(crate) fn router(core: crate::CoreSlot) -> Router {
    let config = StreamableHttpServerConfig::default()
        .disable_allowed_hosts()
        .with_legacy_session_mode(false)
        .with_json_response(true);
    let service = StreamableHttpService::new(
        move || {
            crate::core_in(&core)
                .map(|app| SwitchyardMcp::new(app, OwnToken::None))
                .ok_or_else(|| std::io::Error::other("Switchyard is starting or stopping"))
        },
        Arc::new(NeverSessionManager::default()),
        config,
    );
    Router::new().nest_service("/mcp", service)
}
