//! What is probed and what a probe found: [`TargetId`], [`ProbeTarget`], [`Outcome`],
//! [`ProbeReport`] (what a prober returns) and [`ProbeSample`] (a report stamped by the scheduler).
//!
//! Invariants: a sample's `target` and both timestamps are set by the scheduler, never by the
//! prober, so a prober cannot mislabel a result; `at` and `at_unix_ms` describe the same moment
//! (when the result became known), one on tokio's clock for scheduling and TTLs, one on the
//! injected wall clock for storage and statistics.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;
use switchyard_domain::CheckOutcome;

/// Default time between two probes of one target.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(30);
/// Default time a probe may take before it counts as [`Outcome::Timeout`].
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// A backend as a whole (`key_id: None`), or one of its keys.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetId {
    /// The backend's id.
    pub backend_id: String,
    /// The key's id, for a per-key probe.
    pub key_id: Option<String>,
}

impl TargetId {
    /// The backend-level target (no key, or a keyless backend).
    pub fn backend(backend_id: impl Into<String>) -> Self {
        Self {
            backend_id: backend_id.into(),
            key_id: None,
        }
    }

    /// The target for one key of a backend.
    pub fn key(backend_id: impl Into<String>, key_id: impl Into<String>) -> Self {
        Self {
            backend_id: backend_id.into(),
            key_id: Some(key_id.into()),
        }
    }
}

impl fmt::Display for TargetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.key_id {
            Some(key) => write!(f, "{}/{}", self.backend_id, key),
            None => f.write_str(&self.backend_id),
        }
    }
}

/// One target with its cadence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeTarget {
    /// What to probe.
    pub id: TargetId,
    /// Nominal time between two probes (each gap is jittered by ±10 %). Must be non-zero.
    pub interval: Duration,
    /// How long one probe may take before it is recorded as [`Outcome::Timeout`]. Must be
    /// non-zero.
    pub timeout: Duration,
}

impl ProbeTarget {
    /// A target with the default interval (30 s) and timeout (5 s).
    pub fn new(id: TargetId) -> Self {
        Self {
            id,
            interval: DEFAULT_INTERVAL,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The same target with another interval.
    pub fn with_interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// The same target with another timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// What one probe found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// 2xx: the backend answered and the key works.
    Ok,
    /// 401/403 (or a provider's equivalent): the key was refused.
    Invalid,
    /// 429: the key works but is throttled.
    RateLimited,
    /// No connection (DNS, refused, TLS).
    Unreachable,
    /// No answer within the target's timeout.
    Timeout,
    /// The provider answered something unexpected (5xx, 404 …).
    ProviderError,
}

impl Outcome {
    /// Every outcome, in declaration order.
    pub const ALL: [Outcome; 6] = [
        Outcome::Ok,
        Outcome::Invalid,
        Outcome::RateLimited,
        Outcome::Unreachable,
        Outcome::Timeout,
        Outcome::ProviderError,
    ];

    /// The stable id stored in `probe_samples.outcome` (same as the serde name), e.g.
    /// "rateLimited".
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Invalid => "invalid",
            Outcome::RateLimited => "rateLimited",
            Outcome::Unreachable => "unreachable",
            Outcome::Timeout => "timeout",
            Outcome::ProviderError => "providerError",
        }
    }

    /// The outcome with this stable id.
    pub fn parse(s: &str) -> Option<Outcome> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// Whether the probe succeeded. Uptime counts exactly these samples as "up".
    pub fn is_ok(self) -> bool {
        self == Outcome::Ok
    }

    /// Whether the probe counts as failed for "N failures in a row": everything except `Ok` and
    /// `RateLimited` (a throttled key still works, it is only busy).
    pub fn is_failure(self) -> bool {
        !matches!(self, Outcome::Ok | Outcome::RateLimited)
    }

    /// Whether the backend itself did not answer properly (no connection, no answer, or an
    /// unexpected answer), as opposed to answering about the key.
    pub fn is_backend_fault(self) -> bool {
        matches!(
            self,
            Outcome::Unreachable | Outcome::Timeout | Outcome::ProviderError
        )
    }

    /// A short lower-case label for reasons and summaries, e.g. "unreachable".
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Invalid => "key invalid",
            Outcome::RateLimited => "rate-limited",
            Outcome::Unreachable => "unreachable",
            Outcome::Timeout => "timeout",
            Outcome::ProviderError => "provider error",
        }
    }
}

impl From<CheckOutcome> for Outcome {
    fn from(c: CheckOutcome) -> Self {
        match c {
            CheckOutcome::Valid => Outcome::Ok,
            CheckOutcome::Invalid => Outcome::Invalid,
            CheckOutcome::RateLimited => Outcome::RateLimited,
            CheckOutcome::Unreachable => Outcome::Unreachable,
            CheckOutcome::Timeout => Outcome::Timeout,
            CheckOutcome::Unexpected => Outcome::ProviderError,
        }
    }
}

/// What a [`Prober`](crate::Prober) returns: the app's `ProbeResult`, minus target and time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeReport {
    /// Classification of the answer.
    pub outcome: Outcome,
    /// Time to the answer, when there was one.
    pub latency_ms: Option<u32>,
    /// HTTP status, when there was one.
    pub http_status: Option<u16>,
    /// A short sentence for the UI, e.g. "valid, 180 ms".
    pub message: String,
}

impl ProbeReport {
    /// A successful report with a latency (handy for fakes and tests).
    pub fn ok(latency_ms: u32) -> Self {
        Self {
            outcome: Outcome::Ok,
            latency_ms: Some(latency_ms),
            http_status: Some(200),
            message: format!("ok, {latency_ms} ms"),
        }
    }

    /// A report with no latency and no status (handy for fakes and tests).
    pub fn failed(outcome: Outcome, message: impl Into<String>) -> Self {
        Self {
            outcome,
            latency_ms: None,
            http_status: None,
            message: message.into(),
        }
    }
}

/// One probe result, stamped by the scheduler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeSample {
    /// What was probed.
    pub target: TargetId,
    /// When the result became known, on tokio's clock (pausable in tests).
    pub at: tokio::time::Instant,
    /// The same moment on the injected wall clock, in Unix milliseconds.
    pub at_unix_ms: i64,
    /// Classification.
    pub outcome: Outcome,
    /// Time to the answer, when there was one.
    pub latency_ms: Option<u32>,
    /// HTTP status, when there was one.
    pub http_status: Option<u16>,
    /// A short sentence for the UI.
    pub message: String,
}

impl ProbeSample {
    /// Stamps `report` as the result for `target` at the given moment.
    pub fn from_report(
        target: TargetId,
        at: tokio::time::Instant,
        at_unix_ms: i64,
        report: ProbeReport,
    ) -> Self {
        Self {
            target,
            at,
            at_unix_ms,
            outcome: report.outcome,
            latency_ms: report.latency_ms,
            http_status: report.http_status,
            message: report.message,
        }
    }
}

#[cfg(test)]
#[path = "sample_tests.rs"]
mod tests;
