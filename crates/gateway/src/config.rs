//! Gateway settings: where it listens, what it accepts, and how long it waits.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

/// The documented default port: `http://127.0.0.1:4141/v1`.
pub const DEFAULT_PORT: u16 = 4141;

#[derive(Debug, Clone, PartialEq)]
pub struct GatewayConfig {
    /// Loopback unless the user explicitly allows otherwise.
    pub bind: SocketAddr,
    /// Accept requests from other machines (only with a non-loopback bind). Their `Host` must
    /// still name this machine: one of `host_names`, or the address the connection came in on.
    pub allow_non_loopback: bool,
    /// This machine's names, accepted as `Host` when other machines may connect (e.g. `devbox`,
    /// `devbox.local`; lower case).
    pub host_names: Vec<String>,
    /// Networks other machines may connect from when allowed (empty: any); loopback always may.
    pub allowed_networks: Vec<ipnet::IpNet>,
    /// Browser origins allowed to call the gateway (none by default: DNS-rebinding defence).
    pub allowed_origins: Vec<String>,
    /// Largest request body accepted.
    pub body_limit: usize,
    /// What a client connection may hold: see `serve.rs`.
    pub connections: ConnectionLimits,
    pub timeouts: Timeouts,
    /// Retries of the same candidate on 5xx / connect errors / timeouts, before failing over.
    pub retries_per_candidate: u32,
    /// `max_tokens` sent to Anthropic when an OpenAI-shaped caller gave none.
    pub default_max_tokens: u32,
    /// Circuit breakers (per backend and per key): 3 failures open for 60 s, and so on.
    pub breaker: switchyard_policy::BreakerConfig,
    /// Retries allowed beyond first attempts: 20 % of requests plus a small reserve.
    pub retry_budget: switchyard_policy::RetryBudgetConfig,
    /// `GET /metrics` (when the app serves it) answers callers on this machine without a
    /// token (the user's opt-out; off by default). Other machines always need one.
    pub metrics_open_on_loopback: bool,
    /// Threads that serve connections. Each is a single-threaded runtime with its own upstream
    /// connections, so a request and its upstream call stay on one thread (no wake-ups between
    /// threads per request); one accept loop gives each new connection to the thread serving
    /// the fewest. 0 serves on the runtime that started
    /// the gateway instead. Default: one per core, at most 4.
    pub workers: usize,
    /// HTTPS beside plain HTTP on the same port, from the user's certificate and key (`tls.rs`);
    /// none by default.
    pub tls: Option<crate::tls::TlsFiles>,
}

/// One serving thread per core, at most 4 (a desktop gateway on loopback needs no more).
pub fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// Limits on the callers' side of the gateway, so a slow or idle client cannot hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// A request head must arrive whole within this; also how long a kept-alive connection may
    /// wait idle for its next request.
    pub header_read: Duration,
    /// A request body must arrive whole within this (answered 408 otherwise).
    pub body_read: Duration,
    /// Connections served at once; more wait in the accept queue.
    pub max: usize,
    /// Responses WebSocket sessions open at once (`socket`); at the cap an upgrade is answered
    /// 426, which the agents take as "use HTTP".
    pub sockets: usize,
    /// How long a WebSocket session may wait for its next message before it is closed (the
    /// agents keep one open between turns, while their user reads and types).
    pub socket_idle: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_read: Duration::from_secs(10),
            body_read: Duration::from_secs(60),
            max: 1024,
            sockets: 64,
            socket_idle: Duration::from_secs(300),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    /// From sending the request to the first byte of the answer.
    pub first_byte: Duration,
    /// Between two chunks of a streamed answer.
    pub idle: Duration,
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(5),
            first_byte: Duration::from_secs(60),
            idle: Duration::from_secs(60),
            total: Duration::from_secs(600),
        }
    }
}

impl Default for GatewayConfig {
    fn default() -> Self {
        GatewayConfig {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, DEFAULT_PORT)),
            allow_non_loopback: false,
            host_names: Vec::new(),
            allowed_networks: Vec::new(),
            allowed_origins: Vec::new(),
            body_limit: 10 * 1024 * 1024,
            connections: ConnectionLimits::default(),
            timeouts: Timeouts::default(),
            retries_per_candidate: 1,
            default_max_tokens: 4096,
            breaker: switchyard_policy::BreakerConfig::default(),
            retry_budget: switchyard_policy::RetryBudgetConfig::default(),
            metrics_open_on_loopback: false,
            workers: default_workers(),
            tls: None,
        }
    }
}
