//! Owns the state shared by all handlers: configuration, per-route call counters and response ids.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::HeaderMap;
use tokio_util::sync::CancellationToken;

use crate::auth;
use crate::config::Fault;
use crate::config::MockConfig;
use crate::error::{ApiError, Shape};

/// A counted route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// `GET /v1/models`.
    Models,
    /// `POST /v1/chat/completions`.
    Chat,
    /// `POST /v1/messages`.
    Messages,
    /// `GET /api/tags`.
    Tags,
    /// `GET /v1/key`.
    Key,
    /// `GET /v1/credits`.
    Credits,
    /// `GET /v1beta/models`.
    GeminiModels,
    /// `POST /v1beta/models/{model}:generateContent` and `:streamGenerateContent`.
    GeminiGenerate,
    /// `POST /v1/responses`.
    Responses,
    /// `POST /v1/responses/input_tokens`.
    ResponsesInputTokens,
    /// `POST /v1/responses/compact`.
    ResponsesCompact,
    /// `POST /v1/embeddings`.
    Embeddings,
    /// `POST /v1/messages/count_tokens`.
    CountTokens,
    /// `POST /v1beta/models/{model}:countTokens`.
    GeminiCountTokens,
    /// `GET /v1beta/models/{model}`.
    GeminiModel,
    /// `POST /backend-api/codex/responses` (ChatGPT mode).
    ChatGptResponses,
    /// `GET /backend-api/codex/models` (ChatGPT mode).
    ChatGptModels,
    /// The organization endpoints of books mode.
    Books,
}

impl Route {
    const ALL: [Route; 18] = [
        Route::Models,
        Route::Chat,
        Route::Messages,
        Route::Tags,
        Route::Key,
        Route::Credits,
        Route::GeminiModels,
        Route::GeminiGenerate,
        Route::Responses,
        Route::ResponsesInputTokens,
        Route::ResponsesCompact,
        Route::Embeddings,
        Route::CountTokens,
        Route::GeminiCountTokens,
        Route::GeminiModel,
        Route::ChatGptResponses,
        Route::ChatGptModels,
        Route::Books,
    ];

    /// The public label used by `MockServer::calls`.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Route::Models => "models",
            Route::Chat => "chat",
            Route::Messages => "messages",
            Route::Tags => "tags",
            Route::Key => "key",
            Route::Credits => "credits",
            Route::GeminiModels => "gemini_models",
            Route::GeminiGenerate => "gemini_generate",
            Route::Responses => "responses",
            Route::ResponsesInputTokens => "responses_input_tokens",
            Route::ResponsesCompact => "responses_compact",
            Route::Embeddings => "embeddings",
            Route::CountTokens => "count_tokens",
            Route::GeminiCountTokens => "gemini_count_tokens",
            Route::GeminiModel => "gemini_model",
            Route::ChatGptResponses => "chatgpt_responses",
            Route::ChatGptModels => "chatgpt_models",
            Route::Books => "books",
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    fn from_label(label: &str) -> Option<Route> {
        Self::ALL.into_iter().find(|r| r.label() == label)
    }
}

/// A random start for the ids (below 2^40, so they stay short), from the standard library's
/// randomly seeded hasher.
fn first_id() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(u64::from(std::process::id()));
    (h.finish() >> 24).max(1)
}

/// Everything the handlers share.
#[derive(Debug)]
pub(crate) struct Shared {
    /// The server's configuration (immutable once started).
    pub config: MockConfig,
    /// Fired on shutdown; running streams stop early.
    pub cancel: CancellationToken,
    counters: [AtomicU64; Route::ALL.len()],
    total: AtomicU64,
    next_id: AtomicU64,
    /// The faults not used yet, next first.
    faults: Mutex<VecDeque<Fault>>,
    /// Applied to every generation request once the script is used up, until cleared.
    steady: Mutex<Option<Fault>>,
    faults_used: AtomicU64,
    /// Generation requests answered 429 because their key is in `rate_limited_keys` or past
    /// its requests per minute, or their plan token past its window.
    rate_limited: AtomicU64,
    /// Requests per key in the current minute.
    pub limits: crate::limits::Counts,
    /// Each plan token's usage window (plan mode).
    pub plans: crate::plan_window::Windows,
    /// Each ChatGPT access token's usage window (ChatGPT mode).
    pub chatgpt: crate::plan_window::Windows,
    /// What the mock served, per key, model and UTC day (see `ledger`).
    pub books: crate::ledger::Books,
}

impl Shared {
    /// Fresh state with zeroed counters.
    pub(crate) fn new(config: MockConfig, cancel: CancellationToken) -> Self {
        Self {
            faults: Mutex::new(config.faults.iter().copied().collect()),
            books: crate::ledger::Books::new(&config),
            steady: Mutex::new(None),
            rate_limited: AtomicU64::new(0),
            faults_used: AtomicU64::new(0),
            config,
            cancel,
            counters: Default::default(),
            total: AtomicU64::new(0),
            next_id: AtomicU64::new(first_id()),
            limits: crate::limits::Counts::default(),
            plans: crate::plan_window::Windows::default(),
            chatgpt: crate::plan_window::Windows::default(),
        }
    }

    /// Counts one request to `route` (and to the total).
    pub(crate) fn hit(&self, route: Route) {
        tracing::debug!(route = route.label(), "mock request");
        self.counters[route.index()].fetch_add(1, Ordering::Relaxed);
        self.hit_unrouted();
    }

    /// Counts one request that matched no route (total only).
    pub(crate) fn hit_unrouted(&self) {
        self.total.fetch_add(1, Ordering::Relaxed);
    }

    /// Requests counted for `label`; 0 for unknown labels.
    pub(crate) fn calls(&self, label: &str) -> u64 {
        Route::from_label(label).map_or(0, |r| self.counters[r.index()].load(Ordering::Relaxed))
    }

    /// All requests received, including unknown paths.
    pub(crate) fn total_calls(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }

    /// A new response id number, shared by every endpoint that mints ids: counted up from a
    /// random start, so two mock servers (the Demo backend and a tool's own "provider") never
    /// give the same id, as two real answers would not.
    pub(crate) fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Takes the next fault of the script, else the steady fault (`None` when neither) and
    /// counts it as used.
    pub(crate) fn next_fault(&self) -> Option<Fault> {
        // A poisoned lock only means a handler panicked mid-pop; the queue itself is intact.
        let scripted = self
            .faults
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop_front();
        let fault = scripted.or_else(|| {
            *self
                .steady
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        });
        if fault.is_some() {
            self.faults_used.fetch_add(1, Ordering::Relaxed);
        }
        fault
    }

    /// Sets (or, with `None`, clears) the fault every generation request gets once the script
    /// is used up.
    pub(crate) fn set_steady_fault(&self, fault: Option<Fault>) {
        *self
            .steady
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = fault;
    }

    pub(crate) fn count_rate_limited(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn rate_limited(&self) -> u64 {
        self.rate_limited.load(Ordering::Relaxed)
    }

    /// Faults of the script used so far.
    pub(crate) fn faults_used(&self) -> u64 {
        self.faults_used.load(Ordering::Relaxed)
    }

    /// Checks the request's key against the configuration, answering in `shape` on failure. An
    /// Anthropic request with a plan token (see `plan`) passes.
    pub(crate) fn authorize(&self, headers: &HeaderMap, shape: Shape) -> Result<(), ApiError> {
        if shape == Shape::Anthropic && crate::plan_window::admits(&self.config, headers) {
            return Ok(());
        }
        auth::check(&self.config, auth::extract_key(headers, shape), shape)
    }
}

/// Seconds since the Unix epoch (0 if the clock is before it).
pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl crate::limits::Limited for Shared {
    fn counts(&self) -> &crate::limits::Counts {
        &self.limits
    }
    fn requests_per_minute(&self) -> u32 {
        self.config.requests_per_minute
    }
    fn refused(&self) {
        self.count_rate_limited();
    }
}
