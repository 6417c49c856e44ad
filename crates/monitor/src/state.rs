//! Backend health: one state machine per backend that merges active probe samples (backend-level
//! and per key) with passive gateway signals into a [`Status`] with human reasons, and reports a
//! [`Transition`] only when the status changes.
//!
//! Rules, evaluated after every signal and on [`HealthBoard::tick`] (N = `down_after`, default 3;
//! a probe "fails" unless it is `Ok` or `RateLimited`, see [`Outcome::is_failure`](crate::Outcome)):
//!
//! * **Down** if any of: the backend's breaker is open ("circuit open"); the backend-level probe
//!   failed N or more times in a row ("3 probes in a row failed: unreachable"); or every probed
//!   key failed N or more times in a row ("every key failed at least 3 probes in a row").
//! * **Degraded** if not Down and any of: the backend's breaker is half-open ("circuit
//!   half-open"); the backend-level probe failed fewer than N times in a row ("last probe failed:
//!   timeout", "2 probes in a row failed: timeout"); the backend is rate-limited — by the gateway
//!   until a given time ("rate-limited for 4 min") or by its last probe ("rate-limited"); a key
//!   has a problem — its breaker open, invalid by probe or gateway ("key “work” invalid"),
//!   rate-limited ("key “work” rate-limited for 4 min"), failing ("key “work”: last probe
//!   failed: timeout") or its breaker half-open (key reasons are also listed, after the Down
//!   ones, when every key is down); the gateway's error rate is over its threshold with enough
//!   requests ("gateway error rate 35 % over the 25 % threshold"); or the p95 of the last
//!   `latency_window` successful probe latencies is over the threshold ("p95 latency 2.3 s over
//!   the 2 s threshold"; needs `latency_min_samples`).
//! * **Unknown** if neither, and no probe result has arrived yet ("no probe result yet").
//! * **Healthy** otherwise, with no reasons.
//!
//! Reasons list Down causes first, then Degraded ones, in the order above; keys by id.
//! Recovery: an `Ok` probe resets its target's failure streak and clears that target's
//! invalid/rate-limited marks; `RateLimited` also resets the streak (the backend answered).
//! Invariants: pure — no clock, no I/O; time comes from each signal (`at_unix_ms`) or `tick`.

mod backend;

pub use backend::BackendHealth;

use crate::signal::Signal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the Overview shows for a backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "HealthStatus")]
#[serde(rename_all = "camelCase")]
pub enum Status {
    /// No probe result yet and nothing wrong reported.
    Unknown,
    /// Everything checked works.
    Healthy,
    /// Usable, but something is wrong.
    Degraded,
    /// Not usable.
    Down,
}

impl Status {
    /// `healthy`, `degraded`, `down` or `unknown` (the tray's tooltip, the CLI).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Healthy => "healthy",
            Status::Degraded => "degraded",
            Status::Down => "down",
            Status::Unknown => "unknown",
        }
    }
}

/// Thresholds of the state machine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StateConfig {
    /// Failed probes in a row that make a target count as down. Default 3 (at least 1).
    pub down_after: u32,
    /// p95 probe latency above which the backend is Degraded. Default 2000 ms.
    pub latency_threshold_ms: u32,
    /// How many recent successful probe latencies the p95 is taken over. Default 20.
    pub latency_window: u32,
    /// Fewest latencies needed before latency can degrade the backend. Default 5.
    pub latency_min_samples: u32,
    /// Gateway error rate (0–1) above which the backend is Degraded. Default 0.25.
    pub error_rate_threshold: f64,
    /// Fewest gateway requests needed before the error rate counts. Default 20.
    pub error_rate_min_requests: u32,
}

impl Default for StateConfig {
    fn default() -> Self {
        Self {
            down_after: 3,
            latency_threshold_ms: 2000,
            latency_window: 20,
            latency_min_samples: 5,
            error_rate_threshold: 0.25,
            error_rate_min_requests: 20,
        }
    }
}

/// A backend's status and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// The status.
    pub status: Status,
    /// Human reasons; empty when Healthy.
    pub reasons: Vec<String>,
}

/// A backend's status changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// The backend.
    pub backend_id: String,
    /// Status before.
    pub from: Status,
    /// Status after.
    pub to: Status,
    /// Why it is `to` now.
    pub reasons: Vec<String>,
    /// When, Unix ms (the signal's time, or the tick's).
    pub at_unix_ms: i64,
}

/// Every backend's state machine, keyed by backend id; created on a backend's first signal.
#[derive(Debug, Clone, Default)]
pub struct HealthBoard {
    config: StateConfig,
    backends: BTreeMap<String, BackendHealth>,
}

impl HealthBoard {
    /// An empty board.
    pub fn new(config: StateConfig) -> Self {
        Self {
            config,
            backends: BTreeMap::new(),
        }
    }

    /// Feeds one signal to its backend's state machine. Request and metric signals are ignored
    /// (the gateway's aggregate arrives as [`Passive::ErrorRate`](crate::Passive)).
    pub fn observe(&mut self, signal: &Signal) -> Option<Transition> {
        if matches!(signal, Signal::Request(_) | Signal::Metric(_)) {
            return None;
        }
        let id = signal.backend_id();
        if !self.backends.contains_key(id) {
            let health = BackendHealth::new(id.to_string(), self.config.clone());
            self.backends.insert(id.to_string(), health);
        }
        self.backends.get_mut(id)?.observe(signal)
    }

    /// Re-evaluates every backend at `now_unix_ms` (rate limits run out with time alone).
    pub fn tick(&mut self, now_unix_ms: i64) -> Vec<Transition> {
        self.backends
            .values_mut()
            .filter_map(|b| b.tick(now_unix_ms))
            .collect()
    }

    /// A backend's status and reasons as of its last evaluation; `None` if never seen.
    pub fn snapshot(&self, backend_id: &str) -> Option<Snapshot> {
        self.backends.get(backend_id).map(BackendHealth::snapshot)
    }

    /// Every known backend's snapshot, by id.
    pub fn snapshots(&self) -> Vec<(String, Snapshot)> {
        self.backends
            .iter()
            .map(|(id, b)| (id.clone(), b.snapshot()))
            .collect()
    }

    /// Forgets a backend (deleted or disabled). No transition is reported.
    pub fn remove(&mut self, backend_id: &str) {
        self.backends.remove(backend_id);
    }

    /// Forgets one key of a backend (deleted) and re-evaluates at `now_unix_ms`.
    pub fn remove_key(
        &mut self,
        backend_id: &str,
        key_id: &str,
        now_unix_ms: i64,
    ) -> Option<Transition> {
        self.backends
            .get_mut(backend_id)?
            .remove_key(key_id, now_unix_ms)
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
