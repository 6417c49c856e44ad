//! IPC shapes for the Gateway and Requests pages. A token's value appears only in
//! `CreatedToken`, once; everything else shows its prefix. The settings travel as the gateway's
//! own `GatewaySettings` (TS `GatewaySettingsForm`).

use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_app::{GatewayInfo, TokenRow};
use switchyard_domain::{ErrorClass, TokenScope};

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct GatewayStatus {
    /// `127.0.0.1:4141` while listening.
    pub address: Option<String>,
    /// OpenAI Chat Completions, Responses and embeddings (ends in `/v1`).
    pub openai_base_url: Option<String>,
    /// Anthropic Messages (the root).
    pub anthropic_base_url: Option<String>,
    /// Gemini's native API (the root, like Anthropic's).
    pub gemini_base_url: Option<String>,
    /// Why the gateway is not running (port in use …).
    pub error: Option<String>,
    /// Paused by the user: requests get a 503 until resumed.
    pub paused: bool,
    /// Another program held the gateway's port when it started.
    pub squat: Option<PortSquat>,
}

/// Another program held the gateway's port when it started: what the user is told.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PortSquat {
    /// The port the tools were pointed at.
    pub port: u16,
    /// What the system tells of the program holding it (`account bob, uid 1001`).
    pub holder: Option<String>,
    /// Where the gateway listens instead; `None`: the port was fixed, so it did not start.
    pub moved_to: Option<u16>,
    /// The whole story in a sentence or two.
    pub message: String,
}

impl From<GatewayInfo> for GatewayStatus {
    fn from(g: GatewayInfo) -> Self {
        let GatewayInfo {
            address,
            openai_base_url,
            anthropic_base_url,
            gemini_base_url,
            error,
            paused,
            squat,
        } = g;
        GatewayStatus {
            address,
            openai_base_url,
            anthropic_base_url,
            gemini_base_url,
            error,
            paused,
            squat: squat.map(|s| PortSquat {
                message: s.message(),
                port: s.port,
                holder: s.holder.map(|h| h.to_string()),
                moved_to: s.moved_to,
            }),
        }
    }
}

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
        Token {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
            scope: t.scope,
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
