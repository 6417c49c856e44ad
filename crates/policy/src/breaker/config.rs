//! Tuning for the circuit breaker, and how out-of-range values are repaired.
//! Invariant: after `sanitized()`, every count is ≥ 1, `backoff_factor` ≥ 1,
//! `open_for` ≤ `max_open_for` ≤ 24 h, and a NaN `failure_rate` disables rate-based opening.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Longest open period honoured, whatever the configuration says.
const MAX_OPEN: Duration = Duration::from_secs(24 * 3600);

/// Tuning for [`Breaker`](super::Breaker). Zero counts are treated as 1; durations are capped at 24 h.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BreakerConfig {
    /// Consecutive failures (while closed) that open the breaker. Default 3.
    pub consecutive_failures: u32,
    /// Failure ratio over `window` that opens the breaker. Default 0.5.
    pub failure_rate: f64,
    /// Sliding window for the failure rate. Default 30 s.
    #[serde(rename = "windowMs", with = "crate::serde_ms")]
    pub window: Duration,
    /// Requests the window must hold before the rate can open the breaker. Default 10.
    pub min_requests: u32,
    /// First open period. Default 60 s.
    #[serde(rename = "openForMs", with = "crate::serde_ms")]
    pub open_for: Duration,
    /// Multiplier on the open period at each re-open from half-open. Default 2.
    pub backoff_factor: f64,
    /// Longest open period. Default 10 min.
    #[serde(rename = "maxOpenForMs", with = "crate::serde_ms")]
    pub max_open_for: Duration,
    /// Trial requests allowed in flight while half-open. Default 1.
    pub half_open_trials: u32,
    /// Consecutive trial successes that close the breaker. Default 3.
    pub close_after: u32,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        Self {
            consecutive_failures: 3,
            failure_rate: 0.5,
            window: Duration::from_secs(30),
            min_requests: 10,
            open_for: Duration::from_secs(60),
            backoff_factor: 2.0,
            max_open_for: Duration::from_secs(600),
            half_open_trials: 1,
            close_after: 3,
        }
    }
}

impl BreakerConfig {
    pub(super) fn sanitized(mut self) -> Self {
        self.consecutive_failures = self.consecutive_failures.max(1);
        if self.failure_rate.is_nan() {
            self.failure_rate = f64::INFINITY; // disables rate-based opening
        }
        self.min_requests = self.min_requests.max(1);
        self.open_for = self.open_for.min(MAX_OPEN);
        self.max_open_for = self.max_open_for.clamp(self.open_for, MAX_OPEN);
        if self.backoff_factor.is_nan() || self.backoff_factor < 1.0 {
            self.backoff_factor = 1.0;
        }
        self.half_open_trials = self.half_open_trials.max(1);
        self.close_after = self.close_after.max(1);
        self
    }
}
