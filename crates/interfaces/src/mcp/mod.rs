//! The MCP server (the official Rust SDK, `rmcp`): Switchyard for AI agents. Tools `ask` (a
//! prompt through the gateway: cached, budgeted and in the ledger like any tool's request),
//! `status`, `costs`, `readiness`, `list_backends` and `list_routes`; resources
//! `switchyard://health` and `switchyard://costs/today`. Served over stdio (`switchyard mcp`,
//! [`serve_stdio`]) and Streamable HTTP at `/mcp` on the gateway ([`http::router`], behind the
//! gateway's token guard). Tool inputs are checked against their JSON Schema by the SDK; a tool
//! that cannot do its work answers a tool error with the reason. Nothing secret is ever in an
//! answer: keys are counted, never shown. Every tool and resource asks the authorization table
//! (`switchyard_domain::authz`, through [`access`]) before it answers: on a team replica a tool's
//! token may not run `readiness` and sees only its owner's spend in `costs`.

mod access;
pub mod http;
mod views;

use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolResult, ContentBlock, Implementation, ListResourcesResult, ListToolsResult,
    PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult,
    Resource, ResourceContents, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{tool, tool_handler, tool_router, ErrorData as McpError, RoleServer, ServerHandler};
use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_app::Switchyard;
use switchyard_domain::authz::Entry;

const HEALTH_URI: &str = "switchyard://health";
const COSTS_URI: &str = "switchyard://costs/today";

/// The token `ask` uses when the client brought none (stdio): valid in this process only.
#[derive(Clone)]
pub(crate) enum OwnToken {
    Process(switchyard_secrets::SecretString),
    /// Over HTTP, each request's own token is used (see `views::ask`).
    None,
}

#[derive(Clone)]
pub struct SwitchyardMcp {
    app: Switchyard,
    own: OwnToken,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AskParams {
    /// What to ask.
    pub prompt: String,
    /// A route name (see list_routes) or a model, optionally as "Backend/model" (see
    /// list_backends). Default: the first route, else the first enabled backend's model.
    pub model: Option<String>,
    /// An optional system message.
    pub system: Option<String>,
    /// The most tokens the answer may have (1 to 32768; default 1024).
    pub max_tokens: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CostsParams {
    /// `today` (default), `week` (the last 7 days) or `month` (the last 30 days).
    pub period: Option<String>,
}

fn json_result(value: &serde_json::Value) -> CallToolResult {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    CallToolResult::success(vec![ContentBlock::text(text)])
}

fn tool_error(message: impl Into<String>) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message.into())])
}

fn answer(result: Result<serde_json::Value, String>) -> CallToolResult {
    match result {
        Ok(v) => json_result(&v),
        Err(e) => tool_error(e),
    }
}

#[tool_router]
impl SwitchyardMcp {
    pub(crate) fn new(app: Switchyard, own: OwnToken) -> SwitchyardMcp {
        SwitchyardMcp { app, own }
    }

    /// Sends a prompt through Switchyard's gateway and returns the answer with the backend
    /// that served it, the tokens and the cost.
    #[tool(
        description = "Ask a model through Switchyard's gateway (routed, cached, budgeted and recorded). Returns the answer, the backend and model that served it, tokens and cost."
    )]
    async fn ask(
        &self,
        Parameters(p): Parameters<AskParams>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        if let Err(e) = access::check(&self.app, &self.own, &ctx, Entry::McpAsk) {
            return tool_error(e);
        }
        let parts = ctx.extensions.get::<axum::http::request::Parts>();
        answer(views::ask(&self.app, &self.own, parts, p).await)
    }

    #[tool(
        description = "Health of every enabled backend: status with reasons, uptime and latency percentiles from the health monitor."
    )]
    async fn status(&self, ctx: RequestContext<RoleServer>) -> CallToolResult {
        if let Err(e) = access::check(&self.app, &self.own, &ctx, Entry::McpStatus) {
            return tool_error(e);
        }
        answer(views::status(&self.app).await)
    }

    #[tool(
        description = "Spend and tokens for a period (today, week or month), in total and by backend, model, route and tool."
    )]
    async fn costs(
        &self,
        Parameters(p): Parameters<CostsParams>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        match access::check(&self.app, &self.own, &ctx, Entry::McpCosts) {
            Ok(granted) => answer(views::costs(&self.app, p.period.as_deref(), &granted).await),
            Err(e) => tool_error(e),
        }
    }

    #[tool(
        description = "Run Switchyard's readiness checks (keychain, database, gateway, configuration, notifications, every backend; no tokens spent) and return the scorecard as a switchyard-report/1 JSON report."
    )]
    async fn readiness(&self, ctx: RequestContext<RoleServer>) -> CallToolResult {
        if let Err(e) = access::check(&self.app, &self.own, &ctx, Entry::McpReadiness) {
            return tool_error(e);
        }
        match switchyard_readiness::Readiness::new(&self.app).run().await {
            Ok(run) => match serde_json::to_value(run.report()) {
                Ok(v) => json_result(&v),
                Err(e) => tool_error(format!("The scorecard could not be written: {e}")),
            },
            Err(e) => tool_error(format!("The readiness checks could not run: {e}")),
        }
    }

    #[tool(
        description = "The configured backends: name, kind, endpoint, default model, number of keys (never the keys), enabled, status."
    )]
    async fn list_backends(&self, ctx: RequestContext<RoleServer>) -> CallToolResult {
        if let Err(e) = access::check(&self.app, &self.own, &ctx, Entry::McpListBackends) {
            return tool_error(e);
        }
        answer(views::backends(&self.app).await)
    }

    #[tool(
        description = "The routes (names a request can use as its model): strategy and candidates in order."
    )]
    async fn list_routes(&self, ctx: RequestContext<RoleServer>) -> CallToolResult {
        if let Err(e) = access::check(&self.app, &self.own, &ctx, Entry::McpListRoutes) {
            return tool_error(e);
        }
        answer(views::routes(&self.app).await)
    }
}

#[tool_handler]
impl ServerHandler for SwitchyardMcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .build(),
        )
        .with_server_info(Implementation::new("switchyard", env!("CARGO_PKG_VERSION")))
        .with_instructions(
            "Switchyard routes requests to the user's LLM providers. Use `ask` to send a prompt through it, `status` and `readiness` to see what works, `costs` for spend, `list_routes` and `list_backends` for names to use as `model`.",
        )
    }

    /// The tools this caller may call (each tool's row in the authorization table), so a
    /// client is never offered one it would be refused.
    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        let tools = Self::tool_router()
            .list_all()
            .into_iter()
            .filter(|t| {
                Entry::mcp_tool(&t.name)
                    .is_some_and(|e| access::check(&self.app, &self.own, &ctx, e).is_ok())
            })
            .collect();
        Ok(ListToolsResult::with_all_items(tools))
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _ctx: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        Ok(ListResourcesResult::with_all_items(vec![
            Resource::new(HEALTH_URI, "health").with_mime_type("application/json"),
            Resource::new(COSTS_URI, "costs-today").with_mime_type("application/json"),
        ]))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        let uri = request.uri.as_str();
        let Some(entry) = Entry::mcp_resource(uri) else {
            return Err(McpError::resource_not_found(
                format!("No resource {uri}: use {HEALTH_URI} or {COSTS_URI}."),
                None,
            ));
        };
        let granted = access::check(&self.app, &self.own, &ctx, entry)
            .map_err(|e| McpError::invalid_request(e, None))?;
        let value = match entry {
            Entry::McpHealth => views::status(&self.app).await,
            Entry::McpCostsToday => views::costs(&self.app, Some("today"), &granted).await,
            other => Err(format!("{other:?} is not a resource.")),
        }
        .map_err(|e| McpError::internal_error(e, None))?;
        let text = serde_json::to_string_pretty(&value).unwrap_or_default();
        let contents =
            ResourceContents::text(text, request.uri.as_str()).with_mime_type("application/json");
        Ok(ReadResourceResult::new(vec![contents]).into())
    }
}

/// `switchyard mcp`: serves MCP on stdin/stdout until the client closes stdin. `ask` goes
/// through this process's own gateway with a token valid in this process only (its requests
/// are recorded as the tool "mcp").
pub async fn serve_stdio(app: Switchyard) -> Result<(), String> {
    use rmcp::ServiceExt;
    let own = OwnToken::Process(app.tokens().for_this_process("mcp"));
    let running = SwitchyardMcp::new(app, own)
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| format!("the MCP client did not initialize: {e}"))?;
    let quit = running
        .waiting()
        .await
        .map_err(|e| format!("the MCP session failed: {e}"))?;
    tracing::info!(?quit, "MCP session over stdio ended");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchyard_domain::authz::Door;

    #[test]
    fn every_tool_the_server_lists_has_a_row_in_the_authorization_table_and_back() {
        let served: std::collections::BTreeSet<String> = SwitchyardMcp::tool_router()
            .list_all()
            .into_iter()
            .map(|t| t.name.to_string())
            .collect();
        let table: std::collections::BTreeSet<String> = Entry::ALL
            .iter()
            .filter_map(|e| match e.row().door {
                Door::McpTool(name) => Some(name.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(
            served, table,
            "each MCP tool is asked of the table by its own row"
        );
        for uri in [HEALTH_URI, COSTS_URI] {
            assert!(Entry::mcp_resource(uri).is_some(), "{uri} has a row");
        }
    }
}
