//! IPC shapes for the Gateway and Requests pages. A token's value appears only in
//! `CreatedToken`, once; everything else shows its prefix.

pub use super::error_class::ErrorClassName;
use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_app::{AttemptRecord, GatewayInfo, RequestRecord, TokenRow};

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

/// What a token may call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum TokenScope {
    /// A tool's token: every gateway endpoint.
    Gateway,
    /// A scrape token: `GET /metrics` only (Prometheus' `authorization: credentials:`).
    Metrics,
    /// A team's admin token (never a desktop's own): also the team's administration API.
    Admin,
    /// A panel token: signs a browser in to the control panel (`switchyard serve --ui`) only.
    Panel,
    /// A connected tool's token (`connect` made it): generation and the model list only.
    Generate,
}

mirror_enum!(switchyard_app::TokenScope => TokenScope { Gateway, Metrics, Admin, Panel, Generate });

impl From<TokenRow> for Token {
    fn from(t: TokenRow) -> Self {
        Token {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
            scope: t.scope.into(),
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

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    pub n: u32,
    pub backend: String,
    pub key_label: Option<String>,
    pub model: String,
    pub status: Option<u16>,
    pub error_class: Option<ErrorClassName>,
    pub latency_ms: u32,
}

impl From<AttemptRecord> for Attempt {
    fn from(a: AttemptRecord) -> Self {
        Attempt {
            n: a.n,
            backend: a.backend,
            key_label: a.key_label,
            model: a.model,
            status: a.status,
            error_class: a.error_class.map(Into::into),
            latency_ms: a.latency_ms,
        }
    }
}

/// One ledger row. Token counts are `f64` (specta exports no 64-bit integers); they are exact
/// below 2^53.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LedgerRow {
    pub id: String,
    pub started_at: String,
    pub token_name: Option<String>,
    pub inbound: String,
    pub route: Option<String>,
    pub requested_model: String,
    pub backend: Option<String>,
    pub key_label: Option<String>,
    pub model: Option<String>,
    pub status: u16,
    pub error_class: Option<ErrorClassName>,
    pub reason: Option<String>,
    pub attempts: u32,
    pub latency_ms: u32,
    pub ttfb_ms: Option<u32>,
    pub input_tokens: f64,
    pub output_tokens: f64,
    pub cache_read_tokens: f64,
    pub cache_write_tokens: f64,
    /// Of the cache writes, those with a 1-hour lifetime; `null` on rows recorded before the
    /// ledger kept the split.
    pub cache_write_1h_tokens: Option<f64>,
    /// Of the output, hidden reasoning; `null` as above.
    pub reasoning_tokens: Option<f64>,
    /// `null`: the model has no known price.
    pub cost_usd: Option<f64>,
    pub streamed: bool,
    /// How the request met the response cache: hit, shared, miss, refresh, bypass, skip;
    /// `null` when the cache was off.
    pub cache: Option<String>,
    /// What a cache hit would have cost upstream.
    pub saved_usd: Option<f64>,
    /// The id of the provider's answer (`msg_…`, `chatcmpl-…`, `resp_…`), which the caller saw.
    pub provider_id: Option<String>,
    pub attempt_list: Vec<Attempt>,
}

impl From<RequestRecord> for LedgerRow {
    fn from(r: RequestRecord) -> Self {
        LedgerRow {
            id: r.id,
            started_at: r.started_at,
            token_name: r.token_name,
            inbound: r.inbound,
            route: r.route,
            requested_model: r.requested_model,
            backend: r.backend,
            key_label: r.key_label,
            model: r.model,
            status: r.status,
            error_class: r.error_class.map(Into::into),
            reason: r.reason,
            attempts: r.attempts,
            latency_ms: r.latency_ms,
            ttfb_ms: r.ttfb_ms,
            input_tokens: r.input_tokens as f64,
            output_tokens: r.output_tokens as f64,
            cache_read_tokens: r.cache_read_tokens as f64,
            cache_write_tokens: r.cache_write_tokens as f64,
            cache_write_1h_tokens: r.cache_write_1h_tokens.map(|n| n as f64),
            reasoning_tokens: r.reasoning_tokens.map(|n| n as f64),
            cost_usd: r.cost_usd,
            streamed: r.streamed,
            cache: r.cache,
            saved_usd: r.saved_usd,
            provider_id: r.provider_id,
            attempt_list: r.attempt_list.into_iter().map(Into::into).collect(),
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
    pub error_class: Option<ErrorClassName>,
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
            error_class: q.error_class.map(Into::into),
            before: q.before,
            limit: q.limit.unwrap_or(100),
        }
    }
}

/// The user's gateway settings; they apply when the gateway next starts.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct GatewaySettingsForm {
    pub port: u16,
    /// Listen on every interface for other machines (tokens still required; `Host` must name
    /// this machine).
    pub allow_non_loopback: bool,
    /// Browser origins allowed to call the gateway, e.g. `http://localhost:5173`.
    pub allowed_origins: Vec<String>,
    /// Networks other machines may connect from (`192.168.1.0/24` or one address; empty: any).
    pub allowed_networks: Vec<String>,
    /// Breakers, retries and the first-byte timeout.
    pub resilience: ResilienceForm,
    /// Programs on this machine may read `GET /metrics` without a token (off by default: a
    /// gateway or scrape token is needed). Opening it shows every local program and user the
    /// backend, model, route and token names and the spend.
    pub metrics_open_on_loopback: bool,
    /// Serve the control panel to a browser at `/panel/` (this machine only; a panel token
    /// signs in).
    pub serve_panel: bool,
}

/// How the gateway copes with a failing provider.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ResilienceForm {
    /// Consecutive failures that open a backend's breaker (1–1000).
    pub breaker_failures: u32,
    /// Failed share of the last 30 s (at least 10 requests), in percent, that also opens a
    /// breaker; 0 turns the rule off (0–100).
    pub breaker_failure_rate_pct: u32,
    /// Seconds an open breaker skips its backend before a trial (1–3600).
    pub breaker_open_secs: u32,
    /// Good trials in a row that close a half-open breaker (1–100).
    pub breaker_close_after: u32,
    /// Retries of one candidate before the next is tried (0–5).
    pub retries_per_candidate: u32,
    /// Seconds a provider may stay silent before its first byte (1–600).
    pub first_byte_timeout_secs: u32,
}

mirror_struct!(
    switchyard_app::Resilience,
    ResilienceForm {
        breaker_failures,
        breaker_failure_rate_pct,
        breaker_open_secs,
        breaker_close_after,
        retries_per_candidate,
        first_byte_timeout_secs,
    }
);

/// Saved settings and whether the running gateway still uses different ones.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct GatewaySettingsState {
    pub settings: GatewaySettingsForm,
    /// A restart of Switchyard is needed for the saved settings to take effect.
    pub restart_needed: bool,
    /// This run's port came from `--port` or `SWITCHYARD_GATEWAY_PORT`, which win over the
    /// saved port.
    pub port_fixed: bool,
}

impl From<switchyard_app::GatewaySettings> for GatewaySettingsForm {
    fn from(s: switchyard_app::GatewaySettings) -> Self {
        GatewaySettingsForm {
            port: s.port,
            allow_non_loopback: s.allow_non_loopback,
            allowed_origins: s.allowed_origins,
            allowed_networks: s.allowed_networks,
            resilience: s.resilience.into(),
            metrics_open_on_loopback: s.metrics_open_on_loopback,
            serve_panel: s.serve_panel,
        }
    }
}

impl From<GatewaySettingsForm> for switchyard_app::GatewaySettings {
    fn from(s: GatewaySettingsForm) -> Self {
        switchyard_app::GatewaySettings {
            port: s.port,
            allow_non_loopback: s.allow_non_loopback,
            allowed_origins: s.allowed_origins,
            allowed_networks: s.allowed_networks,
            resilience: s.resilience.into(),
            metrics_open_on_loopback: s.metrics_open_on_loopback,
            serve_panel: s.serve_panel,
        }
    }
}
