//! Owns the mock server's configuration: accepted and rate-limited keys, latency, the model list,
//! the fault script, the subscription plans (Claude's and ChatGPT's), the request record and the
//! provider's books (books mode).

use std::path::PathBuf;
use std::time::Duration;

/// Simulated model speed: a pause before the first response byte and a pause between tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Latency {
    /// Delay before the first byte of a generation response (headers included).
    pub first_byte: Duration,
    /// Delay between two consecutive tokens (one word is one token).
    pub per_token: Duration,
}

impl Latency {
    /// No delay at all.
    pub const ZERO: Latency = Latency {
        first_byte: Duration::ZERO,
        per_token: Duration::ZERO,
    };

    /// Total delay for a non-streamed answer of `tokens` tokens: first byte plus the gaps between tokens.
    pub fn total_for(&self, tokens: usize) -> Duration {
        let gaps = u32::try_from(tokens.saturating_sub(1)).unwrap_or(u32::MAX);
        self.first_byte
            .saturating_add(self.per_token.saturating_mul(gaps))
    }
}

/// How the mock server behaves. Build one with [`MockConfig::demo`] or [`MockConfig::instant`] and adjust fields.
#[derive(Debug, Clone, PartialEq)]
pub struct MockConfig {
    /// None: any key (or none) is accepted. Some(list): the key must be one of these, else 401.
    pub accepted_keys: Option<Vec<String>>,
    /// Keys that get 429 with `retry-after: 7` (and OpenAI-style x-ratelimit-* headers).
    pub rate_limited_keys: Vec<String>,
    /// Extra delay before answering the model-list / key-info endpoints (to test client timeouts).
    pub probe_delay: Duration,
    /// Simulated model speed for chat, messages, Gemini generate and responses (embeddings wait
    /// the first-byte delay).
    pub latency: Latency,
    /// Model ids listed by the model-list endpoints; chat accepts any model id.
    pub models: Vec<String>,
    /// Requests per minute each key may send to the OpenAI and Anthropic generation endpoints
    /// before a 429; every answer says how many are left in the providers' rate-limit headers.
    pub requests_per_minute: u32,
    /// The credit limit `GET /v1/key` reports (OpenRouter's key info); `None`: no limit.
    pub credit_limit_usd: Option<f64>,
    /// The account's credits `GET /v1/credits` reports (OpenRouter's, for a management key);
    /// `None`: that endpoint refuses the key with 403, as OpenRouter does for other keys.
    pub account_credits_usd: Option<f64>,
    /// Prices (USD per million input and output tokens) listed next to models, as OpenRouter's
    /// model list does. When any is set, `GET /v1/models` answers in OpenRouter's shape (name,
    /// context length, per-token prices as strings; a model without one gets `"-1"`).
    pub listed_prices: Vec<(String, f64, f64)>,
    /// Fault script: each generation request (chat, messages, Gemini generate, responses,
    /// embeddings) consumes the next one, in order; once it is used up, requests behave normally.
    /// Empty in both presets.
    pub faults: Vec<Fault>,
    /// Plan mode: Anthropic serving a Claude subscription (Pro/Max) to OAuth tokens, with a
    /// usage window that runs out and resets. `None` in both presets.
    pub plan: Option<PlanConfig>,
    /// ChatGPT mode: OpenAI's ChatGPT backend serving a ChatGPT plan (Plus/Pro) to Codex on
    /// `/backend-api/codex/…`, with a usage window that runs out and resets. `None` in both
    /// presets (those routes then answer 404).
    pub chatgpt: Option<ChatGptPlan>,
    /// Append one JSON line per request received (any path, refused ones included) to this
    /// file: method, path, query, headers verbatim, body size and the body when it is text.
    /// `None` in both presets.
    pub record: Option<PathBuf>,
    /// Books mode: the admin key (OpenAI admin key, Anthropic Admin API key, OpenRouter
    /// management key), the only key the organization endpoints accept (see `books`); refused
    /// with 401 on the generation and model-list endpoints, as the providers refuse it. `None`
    /// in both presets: those endpoints then answer 404.
    pub admin_key: Option<String>,
    /// Usage the provider bills that never passed the mock (another machine's, another tool's),
    /// on the books from the start. Empty in both presets.
    pub books_extra: Vec<BooksExtra>,
    /// At most this many buckets (and list items) per page of the books endpoints, whatever the
    /// request's `limit` says, so clients must follow the pages. `None`: the documented limits.
    pub books_page_size: Option<usize>,
    /// The first N requests to the books endpoints get 429 with `retry-after: 1` and the
    /// provider's rate-limit body. 0 in both presets.
    pub books_throttle: u64,
    /// The books endpoints answer 200 with JSON of another shape. `false` in both presets.
    pub books_malformed: bool,
}

/// One line of usage on the provider's books that never passed the mock: what `key` spent on
/// `model` on the UTC day `day` (`YYYY-MM-DD`). Deserializes from the camelCase JSON of
/// `--books-extra`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BooksExtra {
    /// The API key (as the caller would present it).
    pub key: String,
    pub model: String,
    /// `YYYY-MM-DD`, UTC.
    pub day: String,
    /// Input tokens not read from a cache.
    #[serde(default)]
    pub input: u64,
    /// Input tokens read from the prompt cache.
    #[serde(default)]
    pub cached_input: u64,
    /// Input tokens written to the prompt cache (Anthropic's 5-minute cache).
    #[serde(default)]
    pub cache_write: u64,
    #[serde(default)]
    pub output: u64,
    #[serde(default)]
    pub requests: u64,
    #[serde(default)]
    pub cost_usd: f64,
}

/// A Claude subscription plan as Anthropic's API serves it to Claude Code: the OAuth access
/// tokens it accepts as `Authorization: Bearer` (with `anthropic-beta: oauth-2025-04-20`) and
/// each token's usage window, which starts at its first `/v1/messages` request, answers
/// `requests` of them and refuses the rest with 429 until `reset` after its start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanConfig {
    /// The accepted OAuth access tokens (e.g. `sk-ant-oat01-…`); each has its own window.
    pub tokens: Vec<String>,
    /// `/v1/messages` requests answered per window (0: every one is refused).
    pub requests: u64,
    /// Length of a window, from its first request to its reset (Anthropic's is five hours).
    pub reset: Duration,
}

impl PlanConfig {
    /// Anthropic's window length: five hours.
    pub const FIVE_HOURS: Duration = Duration::from_secs(5 * 3600);

    /// A plan accepting `tokens`, answering `requests` requests per five-hour window.
    pub fn new(tokens: Vec<String>, requests: u64) -> Self {
        Self {
            tokens,
            requests,
            reset: Self::FIVE_HOURS,
        }
    }
}

/// A ChatGPT plan (Plus/Pro) as OpenAI's ChatGPT backend serves it to the Codex CLI signed in
/// with ChatGPT: the access tokens it accepts as `Authorization: Bearer` on
/// `/backend-api/codex/…`, the `chatgpt-account-id` every request must carry, and each token's
/// usage window, which starts at its first `/backend-api/codex/responses` request, answers
/// `requests` of them and refuses the rest with the 429 `usage_limit_reached` until `reset`
/// after its start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatGptPlan {
    /// The accepted access tokens (JWTs, `eyJ…`); each has its own window.
    pub tokens: Vec<String>,
    /// The account id every request must send as `chatgpt-account-id`.
    pub account_id: String,
    /// `/backend-api/codex/responses` requests answered per window (0: every one is refused).
    pub requests: u64,
    /// Length of a window, from its first request to its reset (ChatGPT's primary window is
    /// five hours).
    pub reset: Duration,
}

impl ChatGptPlan {
    /// A plan accepting `tokens` for the account `account_id`, answering `requests` requests
    /// per five-hour window.
    pub fn new(tokens: Vec<String>, account_id: impl Into<String>, requests: u64) -> Self {
        Self {
            tokens,
            account_id: account_id.into(),
            requests,
            reset: PlanConfig::FIVE_HOURS,
        }
    }
}

/// Model ids served by both presets.
const DEFAULT_MODELS: [&str; 2] = ["demo-chat", "demo-fast"];

impl MockConfig {
    /// Plausible latency for the in-app Demo backend (~150 ms to first byte, ~12 ms per token), models ["demo-chat", "demo-fast"].
    pub fn demo() -> Self {
        Self {
            latency: Latency {
                first_byte: Duration::from_millis(150),
                per_token: Duration::from_millis(12),
            },
            requests_per_minute: 10_000,
            ..Self::instant()
        }
    }

    /// Zero latency, for tests and benchmarks.
    pub fn instant() -> Self {
        Self {
            accepted_keys: None,
            rate_limited_keys: Vec::new(),
            probe_delay: Duration::ZERO,
            latency: Latency::ZERO,
            models: DEFAULT_MODELS.iter().map(|m| (*m).to_owned()).collect(),
            faults: Vec::new(),
            requests_per_minute: 1_000_000,
            credit_limit_usd: Some(10.0),
            account_credits_usd: None,
            listed_prices: Vec::new(),
            plan: None,
            chatgpt: None,
            record: None,
            admin_key: None,
            books_extra: Vec::new(),
            books_page_size: None,
            books_throttle: 0,
            books_malformed: false,
        }
    }

    /// The same configuration with `faults` as its fault script (see [`MockConfig::faults`]).
    #[must_use]
    pub fn with_faults(mut self, faults: Vec<Fault>) -> Self {
        self.faults = faults;
        self
    }
}

impl Default for MockConfig {
    /// Same as [`MockConfig::instant`].
    fn default() -> Self {
        Self::instant()
    }
}

/// One scripted misbehaviour, used up by one generation request (chat, messages, Gemini generate,
/// responses, embeddings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answer this HTTP status with a provider-shaped error body (an invalid code answers 500).
    /// A 429 carries `retry-after: 1`.
    Status(u16),
    /// Sleep before sending the headers (meant to outlast the client's first-byte timeout), then
    /// answer normally if the client is still there. Server shutdown ends the sleep early.
    HangBeforeFirstByte(Duration),
    /// Streaming: send this many SSE frames, then drop the connection without the terminating
    /// events. Non-streaming: send the first half of the JSON body, then drop the connection.
    CutAfterChunks(usize),
    /// Answer 200 with `content-type: application/json` and a body that is not JSON (whether or
    /// not a stream was asked for).
    InvalidJson,
    /// Wait this long on top of the configured latency, then answer normally.
    Latency(Duration),
}
