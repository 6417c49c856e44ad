//! The loopback gateway. Every tool on the machine points its `base_url` here:
//! `http://127.0.0.1:4141/v1` (OpenAI-shaped) or `http://127.0.0.1:4141` (Anthropic-shaped).
//! Switchyard picks a backend, injects its key from the keychain, retries, fails over and records
//! every request. Tauri-free: the desktop app and `switchyard serve` run the same code.

mod attempt;
mod caching;
mod clock;
mod config;
mod deps;
mod forward;
mod guard;
mod health;
mod http;
mod limits;
mod log;
mod replay;
mod reply;
mod resolve;
mod respond;
mod spend;
mod table;
mod upstream;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{GatewayConfig, Timeouts, DEFAULT_PORT};
pub use deps::{Authenticator, Caller, KeySource, Ledger, NoObserver, Observer};
pub use health::{Health, TrackState};
pub use http::HttpClients;
pub use limits::Refused;
pub use log::{cost_in, cost_per_mtok, cost_per_mtok_in};
pub use reply::Shape;
pub use resolve::{resolve, Candidate, Plan};
pub use spend::{Spend, SpendLimit, SpendScope};
pub use table::{
    CacheMode, KeyRef, Limits, Route, RouteCache, RouteCandidate, RoutingTable, TableHandle, Target,
};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// Everything a request handler needs.
pub struct GatewayState {
    pub config: GatewayConfig,
    pub table: TableHandle,
    pub health: Arc<Health>,
    pub auth: Arc<dyn Authenticator>,
    pub keys: Arc<dyn KeySource>,
    pub ledger: Arc<dyn Ledger>,
    pub observer: Arc<dyn Observer>,
    pub clock: Arc<dyn Clock>,
    pub limiter: Arc<limits::Limiter>,
    pub http: HttpClients,
    /// Paused by the user (tray or Gateway page): every request gets a 503 until resumed.
    pub paused: std::sync::atomic::AtomicBool,
    /// The response cache, if the app gave one.
    pub cache: Option<switchyard_cache::Cache>,
    /// The user's cache switch (on by default).
    pub cache_on: std::sync::atomic::AtomicBool,
    /// The price table and the budgets' hard stops.
    pub spend: Arc<Spend>,
}

impl GatewayState {
    /// Whether the response cache is in use.
    pub fn cache_enabled(&self) -> bool {
        self.cache.is_some() && self.cache_on.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// The parts the application supplies.
pub struct Deps {
    pub table: TableHandle,
    pub auth: Arc<dyn Authenticator>,
    pub keys: Arc<dyn KeySource>,
    pub ledger: Arc<dyn Ledger>,
    pub observer: Arc<dyn Observer>,
    /// [`SystemClock`] except in tests.
    pub clock: Arc<dyn Clock>,
    /// The response cache; `None` turns caching off entirely.
    pub cache: Option<switchyard_cache::Cache>,
}

/// A running gateway; dropping it shuts the server down gracefully.
pub struct Gateway {
    addr: SocketAddr,
    state: Arc<GatewayState>,
    cancel: CancellationToken,
    task: Option<tokio::task::JoinHandle<()>>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
}

impl Gateway {
    /// Binds and starts serving on the current tokio runtime.
    pub async fn start(config: GatewayConfig, deps: Deps) -> Result<Gateway, StartError> {
        let connect = config.timeouts.connect;
        let http = HttpClients::build(|b| {
            b.connect_timeout(connect)
                .tcp_nodelay(true)
                .pool_idle_timeout(std::time::Duration::from_secs(90))
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(concat!("switchyard/", env!("CARGO_PKG_VERSION")))
        })
        .map_err(|e| StartError::Client(e.to_string()))?;
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .map_err(|source| StartError::Bind {
                addr: config.bind,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: config.bind,
            source,
        })?;
        let seed = u64::from(addr.port()) ^ 0x5eed_5eed;
        let state = Arc::new(GatewayState {
            health: Arc::new(Health::new(config.breaker, config.retry_budget, seed)),
            config,
            table: deps.table,
            auth: deps.auth,
            keys: deps.keys,
            ledger: deps.ledger,
            observer: deps.observer,
            limiter: limits::Limiter::new(Arc::clone(&deps.clock)),
            clock: deps.clock,
            http,
            paused: std::sync::atomic::AtomicBool::new(false),
            cache: deps.cache,
            cache_on: std::sync::atomic::AtomicBool::new(true),
            spend: Arc::new(Spend::default()),
        });
        let app = router(Arc::clone(&state));
        // No Nagle delay on the callers' side either (the outbound client sets it too).
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::trace!(error = %e, "could not set TCP_NODELAY");
            }
        });
        let cancel = CancellationToken::new();
        let stop = cancel.clone();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async move { stop.cancelled().await })
                .await;
            if let Err(e) = served {
                tracing::error!(error = %e, "gateway stopped");
            }
        });
        tracing::info!(%addr, "gateway listening");
        Ok(Gateway {
            addr,
            state,
            cancel,
            task: Some(task),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Pauses (every request answered 503) or resumes the gateway without unbinding the port.
    pub fn set_paused(&self, paused: bool) {
        self.state
            .paused
            .store(paused, std::sync::atomic::Ordering::Relaxed);
        tracing::info!(paused, "gateway pause changed");
    }

    pub fn is_paused(&self) -> bool {
        self.state.paused.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Turns the response cache on or off (when the gateway has one); takes effect at once.
    pub fn set_cache_enabled(&self, on: bool) {
        self.state
            .cache_on
            .store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether requests use the response cache.
    pub fn cache_enabled(&self) -> bool {
        self.state.cache_enabled()
    }

    /// The live price table and budget hard stops, for the app to swap.
    pub fn spend(&self) -> Arc<Spend> {
        Arc::clone(&self.state.spend)
    }

    /// The settings it runs with.
    pub fn config(&self) -> &GatewayConfig {
        &self.state.config
    }

    /// Live breaker, cool-down and latency state of backends and keys.
    pub fn health(&self) -> Arc<Health> {
        Arc::clone(&self.state.health)
    }

    /// Stops accepting, lets in-flight requests finish, then returns.
    pub async fn shutdown(mut self) {
        self.cancel.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

fn router(state: Arc<GatewayState>) -> Router {
    Router::new()
        .route("/v1/chat/completions", post(chat_completions))
        .route("/v1/messages", post(messages))
        .route("/v1/models", get(models))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            guard::check,
        ))
        .fallback(not_found)
        .with_state(state)
}

async fn chat_completions(
    State(state): State<Arc<GatewayState>>,
    Extension(caller): Extension<Caller>,
    req: Request,
) -> Response {
    handle(state, Shape::OpenAi, caller, req).await
}

async fn messages(
    State(state): State<Arc<GatewayState>>,
    Extension(caller): Extension<Caller>,
    req: Request,
) -> Response {
    handle(state, Shape::Anthropic, caller, req).await
}

async fn handle(state: Arc<GatewayState>, shape: Shape, caller: Caller, req: Request) -> Response {
    let headers: HeaderMap = req.headers().clone();
    if let Some(ct) = headers.get("content-type").and_then(|v| v.to_str().ok()) {
        if !ct.to_ascii_lowercase().starts_with("application/json") {
            return reply::error(
                shape,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Send the request as application/json.",
            );
        }
    }
    let limit = state.config.body_limit;
    let bytes = match axum::body::to_bytes(req.into_body(), limit).await {
        Ok(b) => b,
        Err(_) => {
            let msg = format!(
                "The request body is over the {} MiB limit.",
                limit / (1024 * 1024)
            );
            return reply::error(shape, StatusCode::PAYLOAD_TOO_LARGE, &msg);
        }
    };
    let json: Value = match serde_json::from_slice(&bytes) {
        Ok(v @ Value::Object(_)) => v,
        Ok(_) => {
            return reply::error(
                shape,
                StatusCode::BAD_REQUEST,
                "The request body must be a JSON object.",
            )
        }
        Err(e) => {
            let msg = format!(
                "The request body is not valid JSON (line {}, column {}).",
                e.line(),
                e.column()
            );
            return reply::error(shape, StatusCode::BAD_REQUEST, &msg);
        }
    };
    let Some(requested) = json
        .get("model")
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        return reply::error(
            shape,
            StatusCode::BAD_REQUEST,
            "`model` is required: a model id or a Switchyard route name.",
        );
    };
    let table = state.table.get();
    let Some(plan) = resolve(&table, &requested) else {
        let shown: String = requested.chars().take(80).collect();
        let msg = format!("Unknown model or route “{shown}”: no enabled backend serves it. Add a route or a backend on the Switchyard Routes page.");
        return reply::error(shape, StatusCode::NOT_FOUND, &msg);
    };
    let mut inbound = upstream::Inbound::new(shape, json);
    let mut log = log::RequestLog::new(
        Arc::clone(&state.ledger),
        Arc::clone(&state.observer),
        Arc::clone(&state.spend),
        &caller,
        shape,
        &requested,
        inbound.stream,
    );
    match caching::decide(&state, &plan, &requested, &mut inbound, &headers).await {
        caching::Decision::Refused(resp) => {
            log.finish(400, Some("bad_request"));
            resp
        }
        caching::Decision::Answered(answer, label) => {
            log.set_route(plan.route.clone());
            replay::respond(&inbound, &answer, label, log)
        }
        caching::Decision::Forward { label, capture } => {
            if let Some(l) = label {
                log.cache(l);
            }
            inbound.capture = capture.map(|c| *c);
            let mut resp = forward::run(&state, plan, inbound, log, headers).await;
            caching::label(&mut resp, label);
            resp
        }
    }
}

/// `GET /v1/models`: routes and the default model of each enabled backend.
async fn models(State(state): State<Arc<GatewayState>>, headers: HeaderMap) -> Response {
    let table = state.table.get();
    let mut ids: Vec<(String, String)> = table
        .routes
        .iter()
        .map(|r| (r.name.clone(), "switchyard-route".to_string()))
        .collect();
    for t in &table.targets {
        if !t.default_model.is_empty() && !ids.iter().any(|(id, _)| id == &t.default_model) {
            ids.push((t.default_model.clone(), t.name.clone()));
        }
    }
    if Shape::of("/v1/models", &headers) == Shape::Anthropic {
        let data: Vec<Value> = ids.iter().map(|(id, _)| serde_json::json!({"type": "model", "id": id, "display_name": id, "created_at": "2025-01-01T00:00:00Z"})).collect();
        return Json(serde_json::json!({"data": data, "has_more": false, "first_id": ids.first().map(|i| &i.0), "last_id": ids.last().map(|i| &i.0)})).into_response();
    }
    let data: Vec<Value> = ids.iter().map(|(id, owner)| serde_json::json!({"id": id, "object": "model", "created": 0, "owned_by": owner})).collect();
    Json(serde_json::json!({"object": "list", "data": data})).into_response()
}

async fn not_found(req: Request<Body>) -> Response {
    let shape = Shape::of(req.uri().path(), req.headers());
    reply::error(
        shape,
        StatusCode::NOT_FOUND,
        "No such endpoint: use /v1/chat/completions, /v1/messages or /v1/models.",
    )
}

/// The current time as RFC 3339 (UTC).
pub(crate) fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// The innermost error message (the useful part of a reqwest error).
pub(crate) fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}
