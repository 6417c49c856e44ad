//! Switchyard's mock provider: a real HTTP server on 127.0.0.1 that speaks the OpenAI (chat
//! completions, Responses with input-token counting and compaction, embeddings), Anthropic
//! (messages, token counting), Gemini (model list and lookup, native `generateContent` /
//! `streamGenerateContent`, `countTokens`), Ollama (tags) and OpenRouter (key info) wire
//! formats, streaming included, with scripted faults ([`Fault`]) for resilience tests. It powers
//! the in-app Demo backend, tests and benchmarks. This module owns the server lifecycle
//! ([`MockServer`]) and the route table.
//!
//! Replies are deterministic (one word is one token). Every generation endpoint also scripts a
//! tool round trip, so real coding agents can run against it: a conversation ending with a tool
//! result is answered `Tool result: <output>`, and a last user message containing
//! `run: <command>` gets one call of the declared shell-like tool (`bash`, `shell`,
//! `run_shell_command`, `exec_command`, …) with arguments fitted to its schema.
//!
//! - [`MockConfig::plan`] (`--plan-token`, `--plan-requests`, `--plan-reset`): a Claude subscription's OAuth tokens, N messages per window, then 429 until it resets.
//! - [`MockConfig::chatgpt`] (`--chatgpt-token`, `--chatgpt-account`, `--chatgpt-requests`, `--chatgpt-reset`): ChatGPT's backend serving a ChatGPT plan to Codex on `/backend-api/codex/{responses,models}`, N responses per window, then 429 `usage_limit_reached` until it resets.
//! - [`MockConfig::record`] (`--record FILE`): appends every request received to a file, one JSON line with its headers verbatim.
//! - [`MockConfig::admin_key`] (`--admin-key`, with `--books-extra`, `--books-page-size`, `--books-429`, `--books-malformed`): books mode, the provider's own books of what the mock served (per key, model and UTC day) on OpenAI's, Anthropic's and OpenRouter's organization usage endpoints (see `books`).

mod admit;
mod anthropic;
mod auth;
mod body;
mod books;
mod chatgpt;
mod config;
mod convo;
mod count;
mod embeddings;
mod error;
mod fault;
mod gemini;
mod ledger;
mod limits;
mod models;
mod openai;
mod plan;
mod plan_window;
mod query;
mod record;
mod responses;
mod script;
mod sse;
mod state;
mod text;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use axum::Router;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use config::{BooksExtra, ChatGptPlan, Fault, Latency, MockConfig, PlanConfig};
pub use models::LISTED_CONTEXT;

use error::{ApiError, ErrorKind, Shape};
use state::Shared;

/// A running mock server. Shuts down gracefully on [`MockServer::shutdown`] or when dropped.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    cancel: CancellationToken,
    task: Option<JoinHandle<()>>,
}

impl MockServer {
    /// Binds 127.0.0.1 on an ephemeral port, spawns the server on the current tokio runtime and
    /// returns once it is listening.
    pub async fn start(config: MockConfig) -> std::io::Result<MockServer> {
        Self::start_on(0, config).await
    }

    /// Binds 127.0.0.1:`port` (0 = ephemeral), spawns the server on the current tokio runtime and
    /// returns once it is listening. Fails when [`MockConfig::record`] cannot be opened for appending.
    pub async fn start_on(port: u16, config: MockConfig) -> std::io::Result<MockServer> {
        let recorder = match &config.record {
            Some(path) => Some(record::Recorder::open(path).map_err(|err| {
                std::io::Error::new(err.kind(), format!("record file {}: {err}", path.display()))
            })?),
            None => None,
        };
        if let Some(bad) = config
            .books_extra
            .iter()
            .find(|e| query::parse_day(&e.day).is_none())
        {
            let message = format!("books extra line: not a YYYY-MM-DD day: {}", bad.day);
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                message,
            ));
        }
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
        let addr = listener.local_addr()?;
        let cancel = CancellationToken::new();
        let shared = Arc::new(Shared::new(config, cancel.clone()));
        let listener = listener.tap_io(|tcp| {
            if let Err(err) = tcp.set_nodelay(true) {
                tracing::trace!("failed to set TCP_NODELAY: {err}");
            }
        });
        let mut app = router(Arc::clone(&shared));
        if let Some(recorder) = recorder {
            // Outermost: every request is recorded, whatever answers it.
            app = app.layer(axum::middleware::from_fn_with_state(
                Arc::new(recorder),
                record::layer,
            ));
        }
        let signal = cancel.clone().cancelled_owned();
        let task = tokio::spawn(async move {
            if let Err(err) = axum::serve(listener, app)
                .with_graceful_shutdown(signal)
                .await
            {
                tracing::warn!("mock server stopped with an error: {err}");
            }
        });
        tracing::info!(%addr, "mock server listening");
        Ok(MockServer {
            addr,
            shared,
            cancel,
            task: Some(task),
        })
    }

    /// The bound address (always 127.0.0.1).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>` (no trailing slash, no /v1).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Number of requests served so far for a route label; 0 for any other label. Rejected
    /// requests (401/429/400) count too. The labels:
    ///
    /// - "models" (`GET /v1/models`), "tags" (`GET /api/tags`), "key" (`GET /v1/key`), "credits" (`GET /v1/credits`);
    /// - "chat" (`POST /v1/chat/completions`), "embeddings" (`POST /v1/embeddings`);
    /// - "responses" (`POST /v1/responses`), "responses_input_tokens"
    ///   (`POST /v1/responses/input_tokens`), "responses_compact" (`POST /v1/responses/compact`);
    /// - "messages" (`POST /v1/messages`), "count_tokens" (`POST /v1/messages/count_tokens`);
    /// - "gemini_models" (`GET /v1beta/models`), "gemini_model" (`GET /v1beta/models/{model}`),
    ///   "gemini_generate" (`:generateContent` and `:streamGenerateContent` together),
    ///   "gemini_count_tokens" (`:countTokens`);
    /// - "chatgpt_responses" (`POST /backend-api/codex/responses`), "chatgpt_models"
    ///   (`GET /backend-api/codex/models`), in ChatGPT mode;
    /// - "books": every request to the organization endpoints of books mode, refused ones too.
    pub fn calls(&self, route: &str) -> u64 {
        self.shared.calls(route)
    }

    /// Number of faults of [`MockConfig::faults`] used so far (one per generation request — chat,
    /// messages, Gemini generate, responses, embeddings — until the script is used up).
    pub fn faults_used(&self) -> u64 {
        self.shared.faults_used()
    }

    /// From now on every generation request gets `fault` (after any left in the script), until
    /// it is set again or cleared with `None`: a provider that starts failing mid-run.
    pub fn set_steady_fault(&self, fault: Option<Fault>) {
        self.shared.set_steady_fault(fault);
    }

    /// Generation requests answered 429 so far because their key is in
    /// [`MockConfig::rate_limited_keys`] or past [`MockConfig::requests_per_minute`], or their
    /// plan token past its window ([`MockConfig::plan`], [`MockConfig::chatgpt`]).
    pub fn rate_limited(&self) -> u64 {
        self.shared.rate_limited()
    }

    /// Number of requests received so far on any path, unknown paths included.
    pub fn total_calls(&self) -> u64 {
        self.shared.total_calls()
    }

    /// Stops accepting connections and ends running streams, without waiting (a server shared
    /// behind a reference; the task ends on its own).
    pub fn stop(&self) {
        self.cancel.cancel();
    }

    /// Stops accepting connections, ends running streams and waits for the server task to finish.
    pub async fn shutdown(mut self) {
        self.cancel.cancel();
        if let Some(task) = self.task.take() {
            if let Err(err) = task.await {
                tracing::warn!("mock server task failed: {err}");
            }
        }
        tracing::info!(addr = %self.addr, "mock server stopped");
    }
}

impl Drop for MockServer {
    /// Triggers the same graceful shutdown as [`MockServer::shutdown`], without waiting for it.
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// The route table.
fn router(shared: Arc<Shared>) -> Router {
    let mut routes = Router::new()
        .route("/v1/models", get(models::list))
        .route("/v1beta/models", get(models::gemini))
        .route(
            "/v1beta/models/{model_action}",
            post(gemini::dispatch).get(models::gemini_model),
        )
        .route("/api/tags", get(models::tags))
        .route("/v1/key", get(models::key))
        .route("/v1/credits", get(models::credits))
        .route("/v1/chat/completions", post(openai::chat))
        .route("/v1/embeddings", post(embeddings::embeddings))
        // Gemini's OpenAI-compatible embeddings endpoint.
        .route("/v1beta/openai/embeddings", post(embeddings::embeddings))
        .route("/v1/responses", post(responses::create))
        .route("/v1/responses/input_tokens", post(responses::input_tokens))
        .route("/v1/responses/compact", post(responses::compact))
        .route("/v1/messages", post(anthropic::messages))
        .route("/v1/messages/count_tokens", post(count::anthropic));
    if shared.config.chatgpt.is_some() {
        // Only in ChatGPT mode; otherwise its paths are unknown (404).
        routes = routes.merge(chatgpt::routes());
    }
    if shared.config.admin_key.is_some() {
        // Only in books mode; otherwise its paths are unknown (404).
        routes = routes.merge(books::routes());
    }
    routes
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&shared),
            limits::layer,
        ))
        // Outside the per-minute limits: a plan caller is counted by its plan window instead.
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&shared),
            plan::layer,
        ))
        .with_state(shared)
}

/// The error shape a request to an unknown route should get.
fn guess_shape(headers: &HeaderMap, uri: &Uri) -> Shape {
    if auth::is_anthropic_style(headers) {
        Shape::Anthropic
    } else if headers.contains_key("x-goog-api-key") || uri.path().starts_with("/v1beta") {
        Shape::Gemini
    } else {
        Shape::OpenAi
    }
}

/// Unknown path: 404 JSON in the best-guess provider shape. Only the path is echoed, never the query.
async fn not_found(
    State(shared): State<Arc<Shared>>,
    method: Method,
    headers: HeaderMap,
    uri: Uri,
) -> ApiError {
    shared.hit_unrouted();
    let message = format!("Invalid URL ({method} {})", uri.path());
    ApiError::new(guess_shape(&headers, &uri), ErrorKind::NotFound(message))
}

/// Known path, wrong method: 405 JSON in the best-guess provider shape.
async fn method_not_allowed(
    State(shared): State<Arc<Shared>>,
    method: Method,
    headers: HeaderMap,
    uri: Uri,
) -> ApiError {
    shared.hit_unrouted();
    let message = format!("Method {method} is not allowed on {}", uri.path());
    ApiError::new(
        guess_shape(&headers, &uri),
        ErrorKind::MethodNotAllowed(message),
    )
}
