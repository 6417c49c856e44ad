//! The loopback gateway. Every tool on the machine points its `base_url` here:
//! `http://127.0.0.1:4141/v1` (OpenAI Chat Completions, Responses, embeddings),
//! `http://127.0.0.1:4141` (Anthropic Messages, Gemini's native `/v1beta`). Switchyard picks a
//! backend, injects its key from the keychain, translates between the formats, retries, fails
//! over and records every request. Tauri-free: the desktop app and `switchyard serve` run the
//! same code.

mod answer;
mod attempt;
mod betas;
mod caching;
mod capture;
mod clock;
mod codex_catalogue;
mod config;
mod count;
mod deps;
mod egress;
mod embeddings;
mod encoding;
mod exhausted;
mod forward;
mod generate;
mod guard;
mod handle;
mod headroom;
mod health;
mod hop;
mod host;
mod http;
mod inbound;
mod limits;
mod log;
mod models;
mod names;
mod outbound;
pub mod presence;
pub mod probe;
mod refusal;
mod replay;
mod reply;
pub mod resilience;
mod resolve;
mod respond;
mod routes;
mod scrub;
pub mod serve;
pub mod settings;
mod shared;
mod sign_in;
mod socket;
mod spend;
mod stream;
mod subscription;
mod table;
mod tls;
mod upstream;

pub use clock::{Clock, ManualClock, SystemClock};
pub use codex_catalogue::{CodexTemplate, TemplateError};
pub use config::{ConnectionLimits, GatewayConfig, Timeouts, DEFAULT_PORT};
pub use deps::{
    Authenticator, Caller, Held, KeySource, Ledger, NoObserver, Observer, Room, Shared,
    SharedAnswer, SharedBreakers, SharedBudgets, SharedLimits,
};
pub use egress::{key_header, Approval, Cleared, Withheld};
pub use guard::presented_token;
pub use handle::GatewayHandle;
pub use headroom::{heard as read_headroom, passed as passed_headroom};
pub use health::{Health, TrackState};
pub use hop::BareHop;
pub use http::HttpClients;
pub use limits::Refused;
pub use reply::Shape;
pub use resolve::{resolve, Candidate, Plan};
pub use serve::StartError;
pub use sign_in::{SIGN_IN_LABEL, TOKEN_HEADER};
pub use spend::{Spend, SpendLimit, SpendScope};
pub use subscription::{is_plan, OVERFLOW_REASON, PLAN_ID_PREFIX};
pub use table::{
    CacheMode, KeyRef, Limits, Route, RouteCache, RouteCandidate, RoutingTable, TableHandle, Target,
};
pub use tls::{TlsError, TlsFiles};

use axum::Router;
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
    /// What is shared with the other replicas of a team gateway, if any.
    pub shared: Shared,
    /// Outbound clients, one set per serving thread (see [`GatewayState::http`]).
    http: Box<[outbound::Outbound]>,
    /// Paused by the user (tray or Gateway page): every request gets a 503 until resumed.
    pub paused: std::sync::atomic::AtomicBool,
    /// The response cache, if the app gave one.
    pub cache: Option<switchyard_cache::Cache>,
    /// The user's cache switch (on by default).
    pub cache_on: std::sync::atomic::AtomicBool,
    /// Whether one tool may be answered from what another tool's request cached (on by
    /// default); off puts the caller's token in the cache key.
    pub cache_shared: std::sync::atomic::AtomicBool,
    /// The price table and the budgets' hard stops.
    pub spend: Arc<Spend>,
    /// Requests between their admission and their ledger record (streams included).
    pub in_flight: Arc<std::sync::atomic::AtomicI64>,
    /// This gateway's key: proves at [`presence::IDENTITY_PATH`] whose gateway it is.
    pub identity: presence::Identity,
    /// The `anthropic-beta` flags each backend refused (see `betas`).
    betas: betas::BetaMemory,
    /// Responses WebSocket sessions open now, at most [`ConnectionLimits::sockets`] (`socket`).
    sockets: Arc<tokio::sync::Semaphore>,
    /// Cancelled when the gateway stops: open WebSocket sessions close after their turn.
    stop: CancellationToken,
    /// Codex's own model metadata, the app's to set (`codex_catalogue`); none: an empty catalogue.
    codex_template: std::sync::RwLock<Option<Arc<CodexTemplate>>>,
    /// Each vendor's plan window as last found (`subscription`).
    plans: subscription::Windows,
}

impl GatewayState {
    /// The outbound clients of the serving thread this runs on.
    pub(crate) fn http(&self) -> &outbound::Outbound {
        http::of_worker(&self.http)
    }

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
    /// Routes the application serves on the gateway's address (`/metrics`, `/mcp`), behind the
    /// same guard: Host, allowed networks, Origin and a token (the `Caller` is in the request's
    /// extensions). See [`GatewayConfig::metrics_open_on_loopback`] for the one exception.
    pub extra_routes: Option<Router>,
    /// Limits and breakers shared with a team's other replicas; none by default.
    pub shared: Shared,
}

/// A running gateway; dropping it shuts the server down gracefully.
pub struct Gateway {
    addr: SocketAddr,
    state: Arc<GatewayState>,
    cancel: CancellationToken,
    serving: std::sync::Mutex<Option<serve::Serving>>,
}

impl Gateway {
    /// Binds and starts serving: on threads of its own ([`GatewayConfig::workers`]), or on the
    /// current tokio runtime when that is 0.
    pub async fn start(config: GatewayConfig, deps: Deps) -> Result<Gateway, StartError> {
        let connect = config.timeouts.connect;
        let http = (0..config.workers.max(1))
            .map(|_| {
                HttpClients::build(|b| {
                    b.connect_timeout(connect)
                        .tcp_nodelay(true)
                        .pool_idle_timeout(outbound::POOL_IDLE)
                        .redirect(reqwest::redirect::Policy::none())
                        .user_agent(outbound::USER_AGENT)
                })
                .map(|library| outbound::Outbound::new(connect, library))
            })
            .collect::<reqwest::Result<Box<[_]>>>()
            .map_err(|e| StartError::Client(e.to_string()))?;
        let bind_error = |source| StartError::Bind {
            addr: config.bind,
            source,
        };
        let tls = config.tls.as_ref().map(tls::acceptor).transpose()?;
        let listener = std::net::TcpListener::bind(config.bind).map_err(bind_error)?;
        listener.set_nonblocking(true).map_err(bind_error)?;
        let addr = listener.local_addr().map_err(bind_error)?;
        let seed = u64::from(addr.port()) ^ 0x5eed_5eed;
        let cancel = CancellationToken::new();
        let sockets = Arc::new(tokio::sync::Semaphore::new(config.connections.sockets));
        let state = Arc::new(GatewayState {
            health: Arc::new(Health::new(config.breaker, config.retry_budget, seed)),
            config,
            table: deps.table,
            auth: deps.auth,
            keys: deps.keys,
            ledger: deps.ledger,
            observer: deps.observer,
            limiter: limits::Limiter::new(Arc::clone(&deps.clock)),
            shared: deps.shared,
            clock: deps.clock,
            http,
            paused: std::sync::atomic::AtomicBool::new(false),
            cache: deps.cache,
            cache_on: std::sync::atomic::AtomicBool::new(true),
            cache_shared: std::sync::atomic::AtomicBool::new(true),
            spend: Arc::new(Spend::default()),
            in_flight: Arc::default(),
            identity: presence::Identity::random(),
            betas: betas::BetaMemory::default(),
            sockets,
            stop: cancel.clone(),
            codex_template: std::sync::RwLock::default(),
            plans: subscription::Windows::default(),
        });
        let app = routes::router(Arc::clone(&state), deps.extra_routes);
        let limits = state.config.connections;
        let max = serve::connection_cap(limits.max);
        let plan = serve::Plan {
            listener,
            app,
            tls,
            limits,
            slots: serve::Slots::new(max),
            stop: cancel.clone(),
        };
        let workers = state.config.workers;
        let serving = serve::start(plan, workers).map_err(StartError::Threads)?;
        tracing::info!(%addr, max_connections = max, workers, "gateway listening");
        Ok(Gateway {
            addr,
            state,
            cancel,
            serving: std::sync::Mutex::new(Some(serving)),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Pauses (every request answered 503) or resumes the gateway without unbinding the port.
    pub fn set_paused(&self, paused: bool) {
        self.handle().set_paused(paused);
    }

    pub fn is_paused(&self) -> bool {
        self.handle().is_paused()
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

    /// Whether tools share cached answers (see [`GatewayHandle::set_cache_shared`]).
    pub fn set_cache_shared(&self, shared: bool) {
        self.handle().set_cache_shared(shared);
    }

    /// The live price table and budget hard stops, for the app to swap.
    pub fn spend(&self) -> Arc<Spend> {
        Arc::clone(&self.state.spend)
    }

    /// The settings it runs with.
    pub fn config(&self) -> &GatewayConfig {
        &self.state.config
    }

    /// Writes where this gateway listens into the data folder `dir`, with its key
    /// ([`presence::publish`]), so this user's other processes find it and prove it is theirs.
    pub fn publish(&self, dir: &std::path::Path) -> std::io::Result<()> {
        presence::publish(dir, self.addr.port(), &self.state.identity)
    }

    /// Live breaker, cool-down and latency state of backends and keys.
    pub fn health(&self) -> Arc<Health> {
        Arc::clone(&self.state.health)
    }

    /// The `anthropic-beta` flags the backend `backend_id` refused and is no longer sent.
    pub fn refused_betas(&self, backend_id: &str) -> Vec<String> {
        self.state.betas.refused(backend_id)
    }

    /// A cheap handle to the running gateway's switches, for the app's feature services (the
    /// cache switch, pause, prices and budgets, live health); it does not keep the port open.
    pub fn handle(&self) -> GatewayHandle {
        GatewayHandle(Arc::clone(&self.state))
    }

    /// Open connections per serving thread, in the order the accept loop weighs them (empty
    /// when serving on the caller's runtime, which does not count them, and once shut down).
    pub fn connections(&self) -> Vec<usize> {
        self.serving
            .lock()
            .ok()
            .and_then(|s| s.as_ref().map(serve::Serving::connections))
            .unwrap_or_default()
    }

    /// Stops accepting, lets in-flight requests finish for up to `grace`, then stops the rest
    /// and waits (up to `grace` again) for the response cache's queued disk writes. Returns
    /// whether every in-flight request finished in time. A second call returns at once.
    pub async fn shutdown(&self, grace: std::time::Duration) -> bool {
        self.cancel.cancel();
        let serving = self.serving.lock().ok().and_then(|mut t| t.take());
        let Some(serving) = serving else { return true };
        let finished = serving.finish(grace).await;
        if !finished {
            tracing::warn!(
                ?grace,
                "requests still in flight after the grace period were cut"
            );
        }
        // The answers stored by the last requests reach the disk before the gateway is gone.
        if let Some(cache) = self.state.cache.clone() {
            let flushed = tokio::task::spawn_blocking(move || cache.flush());
            if tokio::time::timeout(grace, flushed).await.is_err() {
                tracing::warn!(
                    ?grace,
                    "the response cache's last writes did not finish in time"
                );
            }
        }
        finished
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// The current time in Unix seconds.
pub(crate) fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
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
