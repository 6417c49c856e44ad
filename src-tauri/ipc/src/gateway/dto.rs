//! IPC shapes for the Gateway and Requests pages. A token's value appears only in
//! `CreatedToken`, once; everything else shows its prefix. The settings travel as the gateway's
//! own `GatewaySettings` (TS `GatewaySettingsForm`), its state as the core's `GatewayInfo` (TS
//! `GatewayStatus`).

use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_app::TokenRow;
use switchyard_domain::{ErrorClass, TokenScope};

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Token {
    pub id: String,
    pub name: String,
    /// `sy-3f9a12`: enough to tell tokens apart, not to use one.
    pub prefix: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
    /// What the token may call: every endpoint (a tool's token the user made), generation and
    /// the model list only (a connected tool's), `/metrics` only (a scrape token), the panel only.
    pub scope: TokenScope,
}

impl From<TokenRow> for Token {
    fn from(t: TokenRow) -> Self {
        // Destructured: a column added to the row fails to build here until it is shown or
        // masked. The hash never leaves the core.
        let TokenRow {
            id,
            name,
            hash: _,
            prefix,
            created_at,
            last_used_at,
            revoked_at,
            scope,
            // Shown on the Tools page, with the connection that chose it.
            subscription: _,
        } = t;
        Token {
            id,
            name,
            prefix,
            created_at,
            last_used_at,
            revoked_at,
            scope,
        }
    }
}

/// A token just created: `value` is shown once and never again.
#[derive(Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CreatedToken {
    pub token: Token,
    pub value: String,
}

impl From<switchyard_app::NewToken> for CreatedToken {
    fn from(t: switchyard_app::NewToken) -> Self {
        CreatedToken {
            value: t.token.expose().clone(),
            token: t.row.into(),
        }
    }
}

/// The API a caller used, as the ledger's `inbound` column records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub enum InboundApi {
    /// OpenAI Chat Completions.
    #[serde(rename = "openai")]
    OpenAiChat,
    /// OpenAI Responses (Codex CLI).
    #[serde(rename = "responses")]
    Responses,
    /// Anthropic Messages (Claude Code).
    #[serde(rename = "anthropic")]
    Anthropic,
    /// Gemini's native API (Gemini CLI).
    #[serde(rename = "gemini")]
    Gemini,
    /// OpenAI embeddings (`/v1/embeddings`).
    #[serde(rename = "embeddings")]
    Embeddings,
    /// Token counting in any of the APIs ($0, no tokens).
    #[serde(rename = "count_tokens")]
    CountTokens,
}

impl InboundApi {
    /// The ledger's value.
    pub fn as_str(self) -> &'static str {
        match self {
            InboundApi::OpenAiChat => "openai",
            InboundApi::Responses => "responses",
            InboundApi::Anthropic => "anthropic",
            InboundApi::Gemini => "gemini",
            InboundApi::Embeddings => "embeddings",
            InboundApi::CountTokens => "count_tokens",
        }
    }
}

/// Filters for the Requests page.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RequestQuery {
    pub backend: Option<String>,
    pub route: Option<String>,
    pub token_name: Option<String>,
    /// Only requests in this API.
    #[serde(default)]
    pub inbound: Option<InboundApi>,
    /// `true` only failures, `false` only successes.
    pub failed: Option<bool>,
    /// Only requests that failed with this class.
    #[serde(default)]
    pub error_class: Option<ErrorClass>,
    pub before: Option<String>,
    pub limit: Option<u32>,
}

impl From<RequestQuery> for switchyard_app::RequestFilter {
    fn from(q: RequestQuery) -> Self {
        switchyard_app::RequestFilter {
            backend: q.backend,
            route: q.route,
            token_name: q.token_name,
            inbound: q.inbound.map(|a| a.as_str().to_string()),
            failed: q.failed,
            error_class: q.error_class,
            before: q.before,
            limit: q.limit.unwrap_or(100),
        }
    }
}

/// Saved settings and whether the running gateway still uses different ones.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct GatewaySettingsState {
    pub settings: switchyard_app::GatewaySettings,
    /// A restart of Switchyard is needed for the saved settings to take effect.
    pub restart_needed: bool,
    /// This run's port came from `--port` or `SWITCHYARD_GATEWAY_PORT`, which win over the
    /// saved port.
    pub port_fixed: bool,
}
