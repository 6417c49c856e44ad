//! A retry budget in the style of Finagle's `RetryBudget` / Linkerd: retries may add at most a
//! fixed fraction of load on top of original requests, so a struggling backend is not
//! hammered by a retry storm.
//!
//! Model: every original request deposits `ratio` tokens; every retry withdraws one. Deposits and
//! withdrawals expire after `window`. A reserve of `min_retries_per_sec × window` tokens is
//! always added, so low-traffic routes can still retry.
//!
//! ```text
//! available(now) = min_retries_per_sec × window_secs
//!                + ratio × requests_in_window − retries_in_window      (never below 0)
//! ```
//!
//! Invariants: memory is one bucket per second of `window` (10 for the default), whatever the
//! traffic; expiry has one-second granularity (a count lives between `window − 1 s` and
//! `window`); a retry is granted only while at least one whole token is available.

use crate::window::BucketRing;
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// Longest supported window; bounds the bucket ring at one hour of one-second buckets.
const MAX_WINDOW_SECS: u64 = 3_600;

/// Tolerance for float round-off when comparing the balance with one token.
const EPSILON: f64 = 1e-9;

/// Tuning for [`RetryBudget`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RetryBudgetConfig {
    /// Tokens each original request deposits (retries per request). Default 0.2.
    pub ratio: f64,
    /// How long deposits and withdrawals count. Default 10 s; rounded up to whole seconds.
    #[serde(rename = "windowMs", with = "crate::serde_ms")]
    pub window: Duration,
    /// Retries per second allowed regardless of traffic. Default 3.
    pub min_retries_per_sec: u32,
}

impl Default for RetryBudgetConfig {
    fn default() -> Self {
        Self {
            ratio: 0.2,
            window: Duration::from_secs(10),
            min_retries_per_sec: 3,
        }
    }
}

/// Tracks requests and retries over a sliding window and decides whether a retry is affordable.
#[derive(Debug, Clone)]
pub struct RetryBudget {
    ratio: f64,
    reserve: f64,
    /// Counter `a` = original requests, `b` = retries.
    ring: BucketRing,
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self::new(RetryBudgetConfig::default())
    }
}

impl RetryBudget {
    /// A budget with `config`; a negative or NaN ratio counts as 0.
    pub fn new(config: RetryBudgetConfig) -> Self {
        let window_secs = config
            .window
            .as_secs()
            .saturating_add(u64::from(config.window.subsec_nanos() > 0))
            .clamp(1, MAX_WINDOW_SECS);
        let ratio = if config.ratio > 0.0 {
            config.ratio
        } else {
            0.0
        };
        Self {
            ratio,
            reserve: f64::from(config.min_retries_per_sec) * window_secs as f64,
            ring: BucketRing::new(Duration::from_secs(1), window_secs as usize),
        }
    }

    /// Records an original (non-retry) request, depositing `ratio` tokens.
    pub fn record_request(&mut self, now: Instant) {
        self.ring.add(now, 1, 0);
    }

    /// Withdraws one token and returns `true` if a retry is affordable now; otherwise changes
    /// nothing and returns `false`.
    pub fn try_retry(&mut self, now: Instant) -> bool {
        if self.available(now) + EPSILON < 1.0 {
            return false;
        }
        self.ring.add(now, 0, 1);
        true
    }

    /// Tokens currently available (fractional; a retry needs one whole token).
    pub fn available(&self, now: Instant) -> f64 {
        let (requests, retries) = self.ring.totals(now);
        (self.reserve + self.ratio * requests as f64 - retries as f64).max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    fn no_floor() -> RetryBudget {
        RetryBudget::new(RetryBudgetConfig {
            min_retries_per_sec: 0,
            ..RetryBudgetConfig::default()
        })
    }

    fn drain(budget: &mut RetryBudget, now: Instant) -> usize {
        (0..10_000).take_while(|_| budget.try_retry(now)).count()
    }

    #[test]
    fn idle_budget_offers_the_floor_reserve() {
        let budget = RetryBudget::default();
        let reserve = budget.available(Instant::now());
        assert_eq!(
            reserve, 30.0,
            "3 retries/s × 10 s window, with no traffic at all"
        );
    }

    #[test]
    fn each_request_deposits_ratio_tokens() {
        let t0 = Instant::now();
        let mut budget = no_floor();
        for _ in 0..10 {
            budget.record_request(t0);
        }
        assert!(
            (budget.available(t0) - 2.0).abs() < 1e-9,
            "10 requests × 0.2 = 2 tokens"
        );
    }

    #[test]
    fn hundred_requests_allow_twenty_retries_without_floor() {
        let t0 = Instant::now();
        let mut budget = no_floor();
        (0..100).for_each(|_| budget.record_request(t0));
        assert_eq!(drain(&mut budget, t0), 20, "20% of 100 requests");
    }

    #[test]
    fn hundred_requests_allow_twenty_retries_plus_the_floor() {
        let t0 = Instant::now();
        let mut budget = RetryBudget::default();
        (0..100).for_each(|_| budget.record_request(t0));
        assert_eq!(drain(&mut budget, t0), 50, "20 earned + 30 reserve");
        assert!(
            !budget.try_retry(t0 + secs(5)),
            "still spent later in the same window"
        );
    }

    #[test]
    fn refused_retry_withdraws_nothing() {
        let t0 = Instant::now();
        let mut budget = no_floor();
        (0..4).for_each(|_| budget.record_request(t0));
        assert!(!budget.try_retry(t0), "0.8 tokens is less than one retry");
        budget.record_request(t0);
        assert!(
            budget.try_retry(t0),
            "the refusal did not consume the 0.8 tokens"
        );
    }

    #[test]
    fn deposits_expire_after_the_window() {
        let t0 = Instant::now();
        let mut budget = no_floor();
        (0..100).for_each(|_| budget.record_request(t0));
        assert_eq!(
            budget.available(t0 + Duration::from_millis(9_999)),
            20.0,
            "still fresh"
        );
        assert_eq!(budget.available(t0 + secs(10)), 0.0, "expired after 10 s");
        assert!(
            !budget.try_retry(t0 + secs(10)),
            "no retries from stale deposits"
        );
    }

    #[test]
    fn withdrawals_expire_so_the_budget_refills() {
        let t0 = Instant::now();
        let mut budget = RetryBudget::default();
        assert_eq!(drain(&mut budget, t0), 30, "the reserve alone");
        assert_eq!(
            budget.available(t0 + secs(10)),
            30.0,
            "spent retries age out too"
        );
    }

    #[test]
    fn only_recent_requests_count() {
        let t0 = Instant::now();
        let mut budget = no_floor();
        (0..50).for_each(|_| budget.record_request(t0));
        (0..50).for_each(|_| budget.record_request(t0 + secs(6)));
        assert_eq!(
            budget.available(t0 + secs(12)),
            10.0,
            "only the later 50 remain"
        );
    }

    #[test]
    fn negative_ratio_means_floor_only() {
        let t0 = Instant::now();
        let mut budget = RetryBudget::new(RetryBudgetConfig {
            ratio: -1.0,
            ..RetryBudgetConfig::default()
        });
        (0..100).for_each(|_| budget.record_request(t0));
        assert_eq!(
            budget.available(t0),
            30.0,
            "a bad ratio cannot drain the reserve"
        );
    }

    #[test]
    fn memory_is_one_bucket_per_window_second() {
        let t0 = Instant::now();
        let mut budget = RetryBudget::default();
        for s in 0..1_000 {
            budget.record_request(t0 + secs(s));
        }
        assert_eq!(budget.ring.len(), 10, "bounded regardless of traffic");
    }

    #[test]
    fn config_serialises_as_camel_case() {
        let json = serde_json::to_string(&RetryBudgetConfig::default()).unwrap();
        assert_eq!(
            json, r#"{"ratio":0.2,"windowMs":10000,"minRetriesPerSec":3}"#,
            "shape"
        );
    }
}
