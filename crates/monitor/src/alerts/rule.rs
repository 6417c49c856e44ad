//! Alert rules as the user edits them (serde, camelCase, durations in whole seconds or minutes so
//! the UI never sees 64-bit integers), their defaults, validation, and the condition each builds.
//!
//! Threshold semantics, per kind (all windows are the last `window_secs` up to now, `(now − w, now]`):
//! * `backendDown`: fires when the backend failed `failures` probes in a row (default 3, the same
//!   N at which the state machine says Down). Only backend faults count (unreachable, timeout,
//!   provider error); any answer about the key (ok, invalid, rate-limited) resets the count.
//! * `circuitOpened`: fires while a backend's or key's breaker is open or half-open.
//! * `errorRate`: fires when more than `percent` % of the window's requests (or probes) failed,
//!   given at least `minSamples` of them. Default 20 % over 5 min, at least 20 requests.
//! * `latencyP95`: fires when the nearest-rank p95 of the window's successful latencies is over
//!   `thresholdMs`, given at least `minSamples`. Default 2000 ms over 5 min of probes, at least 5.
//! * `keyInvalid`: fires from a 401/403 (probe, or rejection by the gateway) until the key next
//!   answers ok or rate-limited.
//! * `rateLimitedFor`: fires when a backend or key has been rate-limited for more than `minutes`
//!   (default 5), counting a provider's announced `until` as part of the episode.
//! * `metric`: fires when the aggregate of a named metric over the window compares true with the
//!   threshold, given at least `minSamples` values.

use super::error::AlertError;
use super::metrics::threshold_error;
pub use super::metrics::{
    BALANCE_METRIC, BUDGET_METRIC, CACHE_HIT_METRIC, LIMIT_METRIC, TEAM_REDIS_METRIC,
    UNROUTED_METRIC,
};
use super::QuietHours;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use switchyard_domain::Field;

fn budget_rule(id: &str, percent: f64) -> AlertRule {
    threshold_rule(id, BUDGET_METRIC, percent)
}

fn threshold_rule(id: &str, metric: &str, percent: f64) -> AlertRule {
    AlertRule {
        id: id.to_string(),
        enabled: true,
        kind: RuleKind::Metric(MetricRule {
            metric: metric.into(),
            aggregate: Aggregation::Last,
            compare: Compare::AtLeast,
            threshold: percent,
            window_secs: 3600,
            min_samples: 1,
        }),
    }
}

/// Which traffic a windowed rule counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Source {
    /// Gateway requests ([`Signal::Request`](crate::Signal)).
    Requests,
    /// Active probes ([`Signal::Probe`](crate::Signal)).
    Probes,
}

/// How a metric rule compares the aggregate with its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Compare {
    /// Fires when the aggregate is strictly above the threshold.
    Above,
    /// Fires when the aggregate is strictly below the threshold.
    Below,
    /// Fires when the aggregate reaches the threshold (budgets: "100 % used" fires at 100).
    AtLeast,
}

/// How a metric rule reduces the values in its window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Aggregation {
    /// Arithmetic mean.
    Mean,
    /// Smallest value.
    Min,
    /// Largest value.
    Max,
    /// Sum.
    Sum,
    /// Newest value.
    Last,
}

/// A generic "condition over a metric" (cache hit rate, spend, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricRule {
    /// The [`MetricPoint::name`](crate::MetricPoint) it reads.
    pub metric: String,
    /// Reduction over the window.
    pub aggregate: Aggregation,
    /// Direction of the comparison.
    pub compare: Compare,
    /// The threshold.
    pub threshold: f64,
    /// Window length in seconds.
    pub window_secs: u32,
    /// Fewest values in the window before it can fire.
    pub min_samples: u32,
}

/// What a rule watches, with its thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum RuleKind {
    /// Failed probes in a row.
    BackendDown {
        /// Failures in a row that open the alert.
        failures: u32,
    },
    /// A circuit breaker opened.
    CircuitOpened,
    /// Error rate over a window.
    ErrorRate {
        /// Percentage of failures above which it fires.
        percent: f64,
        /// Window length in seconds.
        window_secs: u32,
        /// Fewest samples in the window before it can fire.
        min_samples: u32,
        /// Requests or probes.
        source: Source,
    },
    /// p95 latency over a window.
    LatencyP95 {
        /// Latency above which it fires.
        threshold_ms: u32,
        /// Window length in seconds.
        window_secs: u32,
        /// Fewest samples in the window before it can fire.
        min_samples: u32,
        /// Requests or probes.
        source: Source,
    },
    /// A key was refused (401/403).
    KeyInvalid,
    /// Rate-limited for too long.
    RateLimitedFor {
        /// Minutes of rate limiting after which it fires.
        minutes: u32,
    },
    /// A named metric compared with a threshold.
    Metric(MetricRule),
}

/// One user-editable rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertRule {
    /// Unique id, also the alerts' `rule`.
    pub id: String,
    /// Disabled rules are not evaluated.
    pub enabled: bool,
    /// What it watches.
    #[serde(flatten)]
    pub kind: RuleKind,
}

impl AlertRule {
    /// The built-in rules with their default thresholds, all enabled.
    pub fn defaults() -> Vec<AlertRule> {
        let rule = |id: &str, kind| AlertRule {
            id: id.to_string(),
            enabled: true,
            kind,
        };
        vec![
            rule("backendDown", RuleKind::BackendDown { failures: 3 }),
            rule("circuitOpened", RuleKind::CircuitOpened),
            rule(
                "errorRate",
                RuleKind::ErrorRate {
                    percent: 20.0,
                    window_secs: 300,
                    min_samples: 20,
                    source: Source::Requests,
                },
            ),
            rule(
                "latencyP95",
                RuleKind::LatencyP95 {
                    threshold_ms: 2000,
                    window_secs: 300,
                    min_samples: 5,
                    source: Source::Probes,
                },
            ),
            rule("keyInvalid", RuleKind::KeyInvalid),
            rule("rateLimitedFor", RuleKind::RateLimitedFor { minutes: 5 }),
            // Fed by the app every 5 minutes with the last hour's response-cache hit rate.
            rule(
                "cacheHitRate",
                RuleKind::Metric(MetricRule {
                    metric: CACHE_HIT_METRIC.into(),
                    aggregate: Aggregation::Last,
                    compare: Compare::Below,
                    threshold: 0.5,
                    window_secs: 3600,
                    min_samples: 1,
                }),
            ),
            // Fed by the app every minute with each budget's percentage used this period; a new
            // period starts near 0, so each threshold fires once per period.
            budget_rule("budget50", 50.0),
            budget_rule("budget80", 80.0),
            budget_rule("budget100", 100.0),
            // Fed by the app after each import of the tools' records and each gateway answer
            // with rate-limit headers; a window that resets starts near 0 again, so each
            // threshold fires once per window and resolves when it resets.
            threshold_rule("limit80", LIMIT_METRIC, 80.0),
            threshold_rule("limit95", LIMIT_METRIC, 95.0),
            threshold_rule("limit100", LIMIT_METRIC, 100.0),
            // Fed by a team replica every 10 s: fires when its Redis stops answering (each
            // replica then limits, breaks and caches on its own), resolves when it is back. A
            // desktop without a team never feeds it.
            AlertRule {
                id: "teamRedisDown".into(),
                enabled: true,
                kind: RuleKind::Metric(MetricRule {
                    metric: TEAM_REDIS_METRIC.into(),
                    aggregate: Aggregation::Last,
                    compare: Compare::Below,
                    threshold: 1.0,
                    window_secs: 120,
                    min_samples: 1,
                }),
            },
            // Fed with each key's credits after its probe: fires under $1 left, resolves on a
            // top-up.
            AlertRule {
                id: "balanceLow".into(),
                enabled: true,
                kind: RuleKind::Metric(MetricRule {
                    metric: BALANCE_METRIC.into(),
                    aggregate: Aggregation::Last,
                    compare: Compare::Below,
                    threshold: 1.0,
                    window_secs: 3600,
                    min_samples: 1,
                }),
            },
            // Fed after each read of a provider's books: fires when a key the user keeps has
            // 1,000 tokens or more in two days that nothing Switchyard saw (a tool left
            // unconnected, a copied key, a leak); resolves when a later read shows none.
            AlertRule {
                id: "unroutedUsage".into(),
                enabled: true,
                kind: RuleKind::Metric(MetricRule {
                    metric: UNROUTED_METRIC.into(),
                    aggregate: Aggregation::Last,
                    compare: Compare::AtLeast,
                    threshold: 1000.0,
                    window_secs: 2 * 86_400,
                    min_samples: 1,
                }),
            },
        ]
    }

    /// Whether this is one of the built-in budget threshold rules.
    pub fn is_budget_rule(&self) -> bool {
        matches!(&self.kind, RuleKind::Metric(m) if m.metric == BUDGET_METRIC)
    }

    /// Checks the thresholds, as a change must pass: [`AlertRule::validate_runnable`] and a
    /// known metric's range (`metrics::threshold_error`), its window at most a week.
    pub fn validate(&self) -> Result<(), AlertError> {
        self.validate_runnable()?;
        match &self.kind {
            RuleKind::Metric(m) if m.window_secs > 7 * 86_400 => Err(AlertError::InvalidRule {
                id: self.id.clone(),
                field: Field::Window,
                reason: "the window must be at most a week",
            }),
            RuleKind::Metric(m) => match threshold_error(&m.metric, m.threshold) {
                Some(reason) => Err(AlertError::InvalidRule {
                    id: self.id.clone(),
                    field: Field::Threshold,
                    reason,
                }),
                None => Ok(()),
            },
            _ => Ok(()),
        }
    }

    /// What the engine needs to run the rule. A stored rule saved before the metric ranges
    /// existed (issue 76) still runs: only a change is held to [`AlertRule::validate`].
    pub fn validate_runnable(&self) -> Result<(), AlertError> {
        let bad = |field: Field, reason: &'static str| {
            Err(AlertError::InvalidRule {
                id: self.id.clone(),
                field,
                reason,
            })
        };
        if self.id.trim().is_empty() {
            return bad(Field::Rule, "the id is empty");
        }
        const DAY: u32 = 86_400;
        match &self.kind {
            RuleKind::BackendDown { failures: 0 } => {
                bad(Field::Failures, "failures must be at least 1")
            }
            RuleKind::BackendDown { failures } if *failures > 100 => {
                bad(Field::Failures, "failures must be at most 100")
            }
            RuleKind::ErrorRate { percent, .. } if !(0.0..100.0).contains(percent) => {
                bad(Field::Percent, "percent must be at least 0 and below 100")
            }
            RuleKind::ErrorRate { window_secs: 0, .. }
            | RuleKind::LatencyP95 { window_secs: 0, .. } => {
                bad(Field::Window, "the window must be non-empty")
            }
            RuleKind::ErrorRate { window_secs, .. } | RuleKind::LatencyP95 { window_secs, .. }
                if *window_secs > DAY =>
            {
                bad(Field::Window, "the window must be at most a day")
            }
            RuleKind::ErrorRate { min_samples, .. } | RuleKind::LatencyP95 { min_samples, .. }
                if *min_samples == 0 || *min_samples > 100_000 =>
            {
                bad(
                    Field::MinSamples,
                    "the minimum sample count must be from 1 to 100000",
                )
            }
            RuleKind::LatencyP95 { threshold_ms, .. } if !(1..=600_000).contains(threshold_ms) => {
                bad(
                    Field::Threshold,
                    "the latency threshold must be from 1 ms to 10 min",
                )
            }
            RuleKind::RateLimitedFor { minutes } if !(1..=1440).contains(minutes) => {
                bad(Field::Minutes, "minutes must be from 1 to 1440")
            }
            RuleKind::Metric(m) if m.window_secs == 0 => {
                bad(Field::Window, "the window must be non-empty")
            }
            RuleKind::Metric(m) if m.metric.trim().is_empty() => {
                bad(Field::Rule, "the metric name is empty")
            }
            RuleKind::Metric(m) if !m.threshold.is_finite() => {
                bad(Field::Threshold, "the threshold must be a number")
            }
            _ => Ok(()),
        }
    }
}

/// The whole alert configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AlertConfig {
    /// The rules, evaluated in this order.
    pub rules: Vec<AlertRule>,
    /// Hold-down before a cleared alert resolves (see the module docs). Default 300 s.
    pub cooldown_secs: u32,
    /// When not to notify.
    pub quiet_hours: Option<QuietHours>,
}

impl Default for AlertConfig {
    fn default() -> Self {
        Self {
            rules: AlertRule::defaults(),
            cooldown_secs: 300,
            quiet_hours: None,
        }
    }
}

impl AlertConfig {
    /// Checks every rule as a change must pass ([`AlertRule::validate`]), that ids are unique
    /// and that quiet hours are real minutes.
    pub fn validate(&self) -> Result<(), AlertError> {
        self.rules.iter().try_for_each(AlertRule::validate)?;
        self.validate_runnable()
    }

    /// What the engine needs to run the configuration: a stored one saved by an older version
    /// starts even where a change would now be refused (see [`AlertRule::validate_runnable`]).
    pub fn validate_runnable(&self) -> Result<(), AlertError> {
        let mut ids = HashSet::new();
        for rule in &self.rules {
            rule.validate_runnable()?;
            if !ids.insert(rule.id.as_str()) {
                return Err(AlertError::DuplicateRule(rule.id.clone()));
            }
        }
        if self.cooldown_secs > 86_400 {
            return Err(AlertError::InvalidCooldown);
        }
        match self.quiet_hours {
            Some(q) if !q.is_valid() => Err(AlertError::InvalidQuietHours),
            _ => Ok(()),
        }
    }
}
