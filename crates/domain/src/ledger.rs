//! The request ledger's records: what the gateway writes about each request it handled and
//! each upstream attempt it made, and what the store, the CLI, exports and the UI read back.
//! Plain data shared by the gateway (which fills them), the store (which persists them) and
//! the app (which lists, exports and reprices them); no behaviour beyond serialization.
//!
//! Invariants:
//! - Never holds a key or a token's secret: only the key's label and the token's name.
//! - Times are RFC 3339 (UTC).
//! - Token counts follow the canonical usage semantics: `input_tokens` excludes cache reads
//!   and writes, `output_tokens` includes reasoning.
//! - `cost_usd` is `None` when the model has no known price: unknown is never recorded as $0.
//! - `attempt_list` is numbered from 1 in the order the attempts were made, and holds at most
//!   `attempts` entries (readers that do not load attempts leave it empty).
//! - Serialization is camelCase with the same field names as the UI's `LedgerRow`
//!   (`switchyard requests --json`), so renaming a field is a breaking change.

/// One finished (or abandoned) gateway request. Serializes camelCase with the same field names as
/// the UI's `LedgerRow` (`switchyard requests --json`).
// Read back from the team's ledger (its `record` column); a field a later version adds is
// missing from an older row and takes its default.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "LedgerRow"))]
#[serde(rename_all = "camelCase", default)]
pub struct RequestRecord {
    pub id: String,
    /// RFC 3339.
    pub started_at: String,
    pub token_name: Option<String>,
    /// The API the caller used: `openai` (Chat Completions), `anthropic` (Messages),
    /// `responses` (OpenAI Responses), `gemini` (Gemini native), `embeddings`, or `count_tokens`
    /// (token counting in any of those APIs; $0, no tokens).
    pub inbound: String,
    pub route: Option<String>,
    pub requested_model: String,
    /// The backend that answered (or the last one tried).
    pub backend: Option<String>,
    pub key_label: Option<String>,
    pub model: Option<String>,
    pub status: u16,
    pub error_class: Option<crate::ErrorClass>,
    /// Why this backend was chosen.
    pub reason: Option<String>,
    pub attempts: u32,
    pub latency_ms: u32,
    pub ttfb_ms: Option<u32>,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub input_tokens: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub output_tokens: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub cache_read_tokens: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub cache_write_tokens: u64,
    /// Of `cache_write_tokens`, those written with Anthropic's 1-hour lifetime (priced higher).
    /// `None` on rows recorded before the ledger kept this split: their cost cannot be
    /// recomputed exactly, so a repricing keeps it.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub cache_write_1h_tokens: Option<u64>,
    /// Of `output_tokens`, hidden reasoning (some models price it apart). `None` as above.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub reasoning_tokens: Option<u64>,
    /// `None`: the model has no known price (never recorded as $0).
    pub cost_usd: Option<f64>,
    pub streamed: bool,
    /// How the request met the response cache: `hit`, `shared` (a concurrent identical
    /// request's answer), `miss`, `refresh`, `bypass`, `skip` (not cacheable); `None` when the
    /// cache is off.
    pub cache: Option<String>,
    /// What a cache hit would have cost upstream (the original answer's cost).
    pub saved_usd: Option<f64>,
    /// The id of the provider's answer (`msg_…`, `chatcmpl-…`, `resp_…`, Gemini's
    /// `responseId`), which the caller also sees: matches a tool's own log of the request to
    /// this row, so it is counted once.
    pub provider_id: Option<String>,
    /// The id the caller was given when it differs from [`Self::provider_id`]: a Responses
    /// caller served by another format gets a `resp_…` id made from the provider's. A tool's
    /// log may keep either, so matching uses both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    pub attempt_list: Vec<AttemptRecord>,
}

/// One upstream attempt of a request: which backend, key and model, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "Attempt"))]
#[serde(rename_all = "camelCase")]
pub struct AttemptRecord {
    /// 1 for the first attempt.
    pub n: u32,
    pub backend: String,
    pub key_label: Option<String>,
    pub model: String,
    /// `None` when no HTTP answer came (connect error, timeout).
    pub status: Option<u16>,
    pub error_class: Option<crate::ErrorClass>,
    pub latency_ms: u32,
}
