//! Uptime, error rate and latency percentiles from probe samples, hourly rollups that merge, and
//! SLA checks.
//!
//! Definitions (exact, so scripted histories give exact answers):
//! * **Uptime** is count-based: the fraction of probe samples whose outcome is `Ok`
//!   (`up / total`). The scheduler spaces probes evenly (±10 % jitter that averages out), so this
//!   equals time-weighted uptime up to one probe interval, while staying exact, additive across
//!   rollups and free of gap-guessing when the app was not running. Every non-`Ok` outcome
//!   (rate-limited included) counts as down.
//! * **Error rate** is `1 − uptime`: failures / total.
//! * **Latency percentiles** use `Ok` samples only (a fast 500 or a timeout says nothing about
//!   serving latency), recorded in an HDR histogram of 1 ms … 1 h at 3 significant digits:
//!   values below 2048 ms are exact, larger ones within 0.1 %. A percentile `q` is the
//!   nearest-rank value: the smallest recorded value with at least `⌈q·n⌉` values at or below it
//!   (reported as the top of its HDR bucket).
//!
//! Invariants: merging aggregates (or decoded rollups) gives exactly the counts and histogram
//! of aggregating the raw samples; pure — no clock, no I/O.

mod rollup;
mod sla;

pub use rollup::{rollup, rollup_samples, summarize, Bucket, Rollup};
pub use sla::{SlaReport, SlaTarget, SlaTargets};

use crate::sample::{Outcome, ProbeSample};
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// Highest latency tracked (1 h); longer ones are recorded as 1 h.
pub const MAX_LATENCY_MS: u64 = 3_600_000;
/// Significant digits kept by the latency histograms.
pub const SIGNIFICANT_DIGITS: u8 = 3;

/// Why a statistic could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    /// A histogram could not be created (bad bounds).
    #[error("could not create a latency histogram: {0}")]
    Create(#[from] hdrhistogram::CreationError),
    /// A histogram could not be encoded for storage.
    #[error("could not encode a latency histogram: {0}")]
    Encode(#[from] hdrhistogram::serialization::V2SerializeError),
    /// Stored histogram bytes are not a valid V2 histogram.
    #[error("could not decode a stored latency histogram: {0}")]
    Decode(#[from] hdrhistogram::serialization::DeserializeError),
    /// Two histograms could not be merged (incompatible ranges).
    #[error("could not merge latency histograms: {0}")]
    Merge(#[from] hdrhistogram::AdditionError),
    /// A bucket holds more probes than a rollup row can count (over 4 billion).
    #[error("too many probes for one rollup bucket")]
    TooManyProbes,
    /// Rollups can only be merged into buckets at least as wide as theirs.
    #[error("cannot roll {from:?} buckets up into {to:?} buckets")]
    Granularity {
        /// The bucket width found.
        from: Bucket,
        /// The bucket width asked for.
        to: Bucket,
    },
}

/// Probes that were up out of all probes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Uptime {
    /// `Ok` samples.
    pub up: u64,
    /// All samples.
    pub total: u64,
}

impl Uptime {
    /// Failed samples.
    pub fn failures(&self) -> u64 {
        self.total - self.up.min(self.total)
    }

    /// Uptime in percent; `None` without samples.
    pub fn percent(&self) -> Option<f64> {
        (self.total > 0).then(|| self.up as f64 * 100.0 / self.total as f64)
    }

    /// Failures / total in `[0, 1]`; `None` without samples.
    pub fn error_rate(&self) -> Option<f64> {
        (self.total > 0).then(|| self.failures() as f64 / self.total as f64)
    }
}

/// Latency percentiles in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Percentiles {
    /// Latencies recorded.
    pub count: u64,
    /// Median.
    pub p50_ms: u64,
    /// 95th percentile.
    pub p95_ms: u64,
    /// 99th percentile.
    pub p99_ms: u64,
    /// Largest.
    pub max_ms: u64,
}

/// Counts and a latency histogram for a set of samples; merges exactly.
#[derive(Debug, Clone)]
pub struct Aggregate {
    probes: u64,
    failures: u64,
    latency: Histogram<u64>,
}

impl Aggregate {
    /// An empty aggregate.
    pub fn new() -> Result<Self, StatsError> {
        Ok(Self {
            probes: 0,
            failures: 0,
            latency: Histogram::new_with_bounds(1, MAX_LATENCY_MS, SIGNIFICANT_DIGITS)?,
        })
    }

    /// An aggregate of `samples`.
    pub fn of<'a>(samples: impl IntoIterator<Item = &'a ProbeSample>) -> Result<Self, StatsError> {
        let mut agg = Self::new()?;
        for s in samples {
            agg.record(s.outcome, s.latency_ms);
        }
        Ok(agg)
    }

    /// Counts one probe; its latency goes into the histogram if it was `Ok`.
    pub fn record(&mut self, outcome: Outcome, latency_ms: Option<u32>) {
        self.probes += 1;
        if !outcome.is_ok() {
            self.failures += 1;
        } else if let Some(ms) = latency_ms {
            self.latency
                .saturating_record(u64::from(ms).min(MAX_LATENCY_MS));
        }
    }

    /// Adds `other` into `self`.
    pub fn merge(&mut self, other: &Aggregate) -> Result<(), StatsError> {
        self.latency.add(&other.latency)?;
        self.probes += other.probes;
        self.failures += other.failures;
        Ok(())
    }

    /// Probes counted.
    pub fn probes(&self) -> u64 {
        self.probes
    }

    /// Uptime of the counted probes.
    pub fn uptime(&self) -> Uptime {
        Uptime {
            up: self.probes - self.failures.min(self.probes),
            total: self.probes,
        }
    }

    /// p50/p95/p99/max of `Ok` latencies; `None` if none was recorded.
    pub fn percentiles(&self) -> Option<Percentiles> {
        let h = &self.latency;
        (!h.is_empty()).then(|| Percentiles {
            count: h.len(),
            p50_ms: h.value_at_quantile(0.50),
            p95_ms: h.value_at_quantile(0.95),
            p99_ms: h.value_at_quantile(0.99),
            max_ms: h.max(),
        })
    }

    /// The latency histogram (for custom quantiles or charts).
    pub fn histogram(&self) -> &Histogram<u64> {
        &self.latency
    }
}

/// The nearest-rank `q`-quantile of `values` (sorted in place): the `⌈q·n⌉`-th smallest, at
/// least the first. `None` for no values. The same definition as the HDR percentiles, without
/// bucketing, for the small windows of the state machine and the alert rules.
pub fn nearest_rank(values: &mut [u64], q: f64) -> Option<u64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    // The epsilon keeps 0.95 × 100 at rank 95 whatever the float rounding of the product.
    let rank = (q.clamp(0.0, 1.0) * n as f64 - 1e-9).ceil() as usize;
    values.get(rank.clamp(1, n) - 1).copied()
}

#[cfg(test)]
#[path = "stats_tests.rs"]
mod tests;
