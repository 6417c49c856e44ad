//! Builders shared by the unit tests: samples and signals at given wall-clock times.

use crate::sample::{Outcome, ProbeSample, TargetId};
use crate::signal::{MetricPoint, Passive, RequestOutcome, Signal};

/// An arbitrary wall-clock origin (2023-11-14 22:13:20 UTC).
pub(crate) const T0: i64 = 1_700_000_000_000;
pub(crate) const SEC: i64 = 1000;
pub(crate) const MIN: i64 = 60_000;

fn target(backend: &str, key: Option<&str>) -> TargetId {
    TargetId {
        backend_id: backend.to_string(),
        key_id: key.map(str::to_string),
    }
}

/// A sample with `outcome`; `Ok` ones get `latency_ms`, others none.
pub(crate) fn sample(
    backend: &str,
    key: Option<&str>,
    outcome: Outcome,
    latency_ms: u32,
    at: i64,
) -> ProbeSample {
    let status = match outcome {
        Outcome::Ok => Some(200),
        Outcome::Invalid => Some(401),
        Outcome::RateLimited => Some(429),
        Outcome::ProviderError => Some(500),
        Outcome::Unreachable | Outcome::Timeout => None,
    };
    ProbeSample {
        target: target(backend, key),
        at: tokio::time::Instant::now(),
        at_unix_ms: at,
        outcome,
        latency_ms: (outcome == Outcome::Ok).then_some(latency_ms),
        http_status: status,
        message: outcome.label().to_string(),
    }
}

/// A backend-level probe signal.
pub(crate) fn probe(backend: &str, outcome: Outcome, at: i64) -> Signal {
    Signal::Probe(sample(backend, None, outcome, 100, at))
}

/// A per-key probe signal.
pub(crate) fn key_probe(backend: &str, key: &str, outcome: Outcome, at: i64) -> Signal {
    Signal::Probe(sample(backend, Some(key), outcome, 100, at))
}

/// A successful backend-level probe with a latency.
pub(crate) fn ok_in(backend: &str, latency_ms: u32, at: i64) -> Signal {
    Signal::Probe(sample(backend, None, Outcome::Ok, latency_ms, at))
}

/// A passive gateway signal.
pub(crate) fn passive(backend: &str, at: i64, event: Passive) -> Signal {
    Signal::Passive {
        backend_id: backend.to_string(),
        at_unix_ms: at,
        event,
    }
}

/// A gateway request outcome.
pub(crate) fn request(backend: &str, ok: bool, latency_ms: u32, at: i64) -> Signal {
    Signal::Request(RequestOutcome {
        backend_id: backend.to_string(),
        key_id: None,
        at_unix_ms: at,
        ok,
        latency_ms: Some(latency_ms),
    })
}

/// A named metric value for a backend.
pub(crate) fn metric(name: &str, backend: &str, value: f64, at: i64) -> Signal {
    Signal::Metric(MetricPoint {
        name: name.to_string(),
        backend_id: backend.to_string(),
        key_id: None,
        at_unix_ms: at,
        value,
    })
}
