//! Everything the health state machine and the alert engine learn from: active probe samples,
//! passive gateway signals, individual gateway request outcomes and generic named metrics.
//!
//! Invariant: every signal carries its own wall-clock time (`at_unix_ms`); consumers never read a
//! clock, so one recorded stream of signals always replays to the same statuses and alerts.

use crate::sample::ProbeSample;
use switchyard_policy::BreakerState;

/// A circuit-breaker state as the gateway reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BreakerSignal {
    /// Traffic flows.
    Closed,
    /// A few trial requests are let through.
    HalfOpen,
    /// Traffic is refused.
    Open,
}

impl From<&BreakerState> for BreakerSignal {
    fn from(s: &BreakerState) -> Self {
        match s {
            BreakerState::Closed => BreakerSignal::Closed,
            BreakerState::HalfOpen => BreakerSignal::HalfOpen,
            BreakerState::Open { .. } => BreakerSignal::Open,
        }
    }
}

/// Something the gateway noticed while serving traffic (no probe involved).
#[derive(Debug, Clone, PartialEq)]
pub enum Passive {
    /// The breaker of the backend (`key_id: None`) or of one key changed state.
    Breaker {
        /// The key whose breaker this is, or `None` for the backend's.
        key_id: Option<String>,
        /// Its new state.
        state: BreakerSignal,
    },
    /// The provider refused a key (401/403) on a real request.
    KeyRejected {
        /// The refused key.
        key_id: String,
    },
    /// The provider throttled the backend or a key until the given moment (from `Retry-After`).
    RateLimited {
        /// The throttled key, or `None` for the whole backend.
        key_id: Option<String>,
        /// When the provider said to come back, Unix ms.
        until_unix_ms: i64,
    },
    /// The gateway's recent error rate for the backend (its own sliding window).
    ErrorRate {
        /// Failed requests in the window.
        failures: u32,
        /// All requests in the window.
        requests: u32,
    },
}

/// One request the gateway served (or failed to serve) through a backend.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestOutcome {
    /// The backend used.
    pub backend_id: String,
    /// The key used, if any.
    pub key_id: Option<String>,
    /// When the request finished, Unix ms.
    pub at_unix_ms: i64,
    /// Whether the upstream answered successfully.
    pub ok: bool,
    /// Time to the answer, when there was one.
    pub latency_ms: Option<u32>,
}

/// One value of a named metric (cache hit rate, spend …) for a backend or key. Lets new alert
/// kinds plug in without new signal variants.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricPoint {
    /// The metric's name, e.g. "cacheHitRate".
    pub name: String,
    /// The backend it describes.
    pub backend_id: String,
    /// The key it describes, if any.
    pub key_id: Option<String>,
    /// When it was measured, Unix ms.
    pub at_unix_ms: i64,
    /// The value.
    pub value: f64,
}

/// One input to [`HealthBoard`](crate::HealthBoard) and [`AlertEngine`](crate::AlertEngine).
#[derive(Debug, Clone, PartialEq)]
pub enum Signal {
    /// An active probe's result.
    Probe(ProbeSample),
    /// A passive gateway signal about one backend.
    Passive {
        /// The backend it is about.
        backend_id: String,
        /// When it happened, Unix ms.
        at_unix_ms: i64,
        /// What happened.
        event: Passive,
    },
    /// One gateway request's outcome.
    Request(RequestOutcome),
    /// One value of a named metric.
    Metric(MetricPoint),
}

impl Signal {
    /// The backend the signal is about.
    pub fn backend_id(&self) -> &str {
        match self {
            Signal::Probe(s) => &s.target.backend_id,
            Signal::Passive { backend_id, .. } => backend_id,
            Signal::Request(r) => &r.backend_id,
            Signal::Metric(m) => &m.backend_id,
        }
    }

    /// When the signal happened, Unix ms.
    pub fn at_unix_ms(&self) -> i64 {
        match self {
            Signal::Probe(s) => s.at_unix_ms,
            Signal::Passive { at_unix_ms, .. } => *at_unix_ms,
            Signal::Request(r) => r.at_unix_ms,
            Signal::Metric(m) => m.at_unix_ms,
        }
    }
}
