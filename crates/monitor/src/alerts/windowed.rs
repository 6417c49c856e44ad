//! Built-in conditions over a sliding time window: error rate, p95 latency, and the generic
//! "aggregate of a named metric compared with a threshold".
//!
//! Invariants: a window at `now` holds the values stamped in `(now − window, now]`; values from
//! the future (clock skew) are kept until they fall out; each series keeps at most
//! `MAX_POINTS` values (oldest dropped first), so memory is bounded whatever the traffic.

use super::rule::{Aggregation, Compare, MetricRule, Source};
use super::{target_label, Condition, Firing};
use crate::fmt;
use crate::sample::TargetId;
use crate::signal::Signal;
use crate::stats::nearest_rank;
use std::collections::{BTreeMap, VecDeque};

const MAX_POINTS: usize = 10_000;

/// Timestamped values per backend/key.
struct Series<T> {
    window_ms: i64,
    points: BTreeMap<TargetId, VecDeque<(i64, T)>>,
}

impl<T: Copy> Series<T> {
    fn new(window_ms: i64) -> Self {
        Self {
            window_ms: window_ms.max(1),
            points: BTreeMap::new(),
        }
    }

    fn push(&mut self, target: TargetId, at: i64, value: T) {
        let q = self.points.entry(target).or_default();
        q.push_back((at, value));
        if q.len() > MAX_POINTS {
            q.pop_front();
        }
    }

    /// Drops values older than the window and returns what is left, per target.
    fn current(&mut self, now: i64) -> impl Iterator<Item = (&TargetId, Vec<T>)> {
        let start = now.saturating_sub(self.window_ms);
        self.points.retain(|_, q| {
            q.retain(|(at, _)| *at > start);
            !q.is_empty()
        });
        self.points.iter().map(move |(t, q)| {
            (
                t,
                q.iter().filter(|(at, _)| *at <= now).map(|p| p.1).collect(),
            )
        })
    }

    fn forget(&mut self, backend_id: &str) {
        self.points.retain(|t, _| t.backend_id != backend_id);
    }

    fn window_label(&self) -> String {
        window_label(self.window_ms)
    }
}

fn window_label(ms: i64) -> String {
    if ms % 60_000 == 0 {
        format!("{} min", ms / 60_000)
    } else {
        fmt::secs(u64::try_from(ms).unwrap_or(0))
    }
}

fn source_noun(source: Source) -> &'static str {
    match source {
        Source::Requests => "requests",
        Source::Probes => "probes",
    }
}

/// `(backend, at, ok, latency)` of a request or probe, if it is from `source`.
fn outcome_of(signal: &Signal, source: Source) -> Option<(TargetId, i64, bool, Option<u32>)> {
    match (signal, source) {
        (Signal::Request(r), Source::Requests) => Some((
            TargetId::backend(r.backend_id.clone()),
            r.at_unix_ms,
            r.ok,
            r.latency_ms,
        )),
        (Signal::Probe(s), Source::Probes) => Some((
            TargetId::backend(s.target.backend_id.clone()),
            s.at_unix_ms,
            s.outcome.is_ok(),
            s.latency_ms,
        )),
        _ => None,
    }
}

/// Share of failed requests (or probes) per backend.
pub(super) struct ErrorRate {
    percent: f64,
    min_samples: usize,
    source: Source,
    series: Series<bool>,
}

impl ErrorRate {
    pub(super) fn new(percent: f64, window_ms: i64, min_samples: u32, source: Source) -> Self {
        Self {
            percent,
            min_samples: min_samples.max(1) as usize,
            source,
            series: Series::new(window_ms),
        }
    }
}

impl Condition for ErrorRate {
    fn observe(&mut self, signal: &Signal) {
        if let Some((target, at, ok, _)) = outcome_of(signal, self.source) {
            self.series.push(target, at, ok);
        }
    }

    fn firing(&mut self, now: i64) -> Vec<Firing> {
        let (percent, min, noun) = (self.percent, self.min_samples, source_noun(self.source));
        let window = self.series.window_label();
        self.series
            .current(now)
            .filter_map(|(target, oks)| {
                let n = oks.len();
                let failed = oks.iter().filter(|ok| !**ok).count();
                // failed / n > percent / 100, without dividing.
                let over = n >= min && failed as f64 * 100.0 > percent * n as f64;
                over.then(|| Firing {
                    target: target.clone(),
                    summary: format!(
                        "{}: error rate {} over {}",
                        target_label(target),
                        fmt::percent(failed as f64 / n as f64),
                        fmt::percent(percent / 100.0)
                    ),
                    detail: format!("{failed} of {n} {noun} failed in the last {window}"),
                })
            })
            .collect()
    }

    fn forget(&mut self, backend_id: &str) {
        self.series.forget(backend_id);
    }
}

/// What to do about a metric's alert, where there is one thing to say.
fn advice(metric: &str) -> &'static str {
    if metric == super::rule::UNROUTED_METRIC {
        ": the provider billed this key for use nothing in Switchyard saw — connect the tool \
         that uses it (Tools page), or rotate the key at the provider if you do not know what did"
    } else {
        ""
    }
}

/// p95 of successful latencies per backend.
pub(super) struct LatencyP95 {
    threshold_ms: u64,
    min_samples: usize,
    source: Source,
    series: Series<u32>,
}

impl LatencyP95 {
    pub(super) fn new(threshold_ms: u32, window_ms: i64, min_samples: u32, source: Source) -> Self {
        Self {
            threshold_ms: u64::from(threshold_ms),
            min_samples: min_samples.max(1) as usize,
            source,
            series: Series::new(window_ms),
        }
    }
}

impl Condition for LatencyP95 {
    fn observe(&mut self, signal: &Signal) {
        if let Some((target, at, true, Some(ms))) = outcome_of(signal, self.source) {
            self.series.push(target, at, ms);
        }
    }

    fn firing(&mut self, now: i64) -> Vec<Firing> {
        let (threshold, min, noun) = (
            self.threshold_ms,
            self.min_samples,
            source_noun(self.source),
        );
        let window = self.series.window_label();
        self.series
            .current(now)
            .filter_map(|(target, latencies)| {
                let n = latencies.len();
                let mut values: Vec<u64> = latencies.into_iter().map(u64::from).collect();
                let p95 = nearest_rank(&mut values, 0.95).filter(|p| n >= min && *p > threshold)?;
                Some(Firing {
                    target: target.clone(),
                    summary: format!(
                        "{}: p95 latency {} over {}",
                        target_label(target),
                        fmt::secs(p95),
                        fmt::secs(threshold)
                    ),
                    detail: format!("p95 of {n} successful {noun} in the last {window}"),
                })
            })
            .collect()
    }

    fn forget(&mut self, backend_id: &str) {
        self.series.forget(backend_id);
    }
}

/// A named metric's aggregate compared with a threshold, per backend/key.
pub(super) struct MetricThreshold {
    rule: MetricRule,
    series: Series<f64>,
}

impl MetricThreshold {
    pub(super) fn new(rule: MetricRule) -> Self {
        let window_ms = i64::from(rule.window_secs) * 1000;
        Self {
            rule,
            series: Series::new(window_ms),
        }
    }
}

/// Reduces `values` (non-empty, oldest first).
fn aggregate(how: Aggregation, values: &[f64]) -> Option<f64> {
    let last = values.last().copied()?;
    Some(match how {
        Aggregation::Mean => values.iter().sum::<f64>() / values.len() as f64,
        Aggregation::Min => values.iter().copied().fold(f64::INFINITY, f64::min),
        Aggregation::Max => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        Aggregation::Sum => values.iter().sum(),
        Aggregation::Last => last,
    })
}

impl Condition for MetricThreshold {
    fn observe(&mut self, signal: &Signal) {
        if let Signal::Metric(m) = signal {
            if m.name == self.rule.metric && m.value.is_finite() {
                let target = TargetId {
                    backend_id: m.backend_id.clone(),
                    key_id: m.key_id.clone(),
                };
                self.series.push(target, m.at_unix_ms, m.value);
            }
        }
    }

    fn firing(&mut self, now: i64) -> Vec<Firing> {
        let rule = &self.rule;
        let window = window_label(i64::from(rule.window_secs) * 1000);
        let min = rule.min_samples.max(1) as usize;
        self.series
            .current(now)
            .filter_map(|(target, values)| {
                let value = aggregate(rule.aggregate, &values).filter(|_| values.len() >= min)?;
                let (fires, word) = match rule.compare {
                    Compare::Above => (value > rule.threshold, "above"),
                    Compare::Below => (value < rule.threshold, "below"),
                    Compare::AtLeast => (value >= rule.threshold, "at or above"),
                };
                fires.then(|| Firing {
                    target: target.clone(),
                    summary: format!(
                        "{}: {} {} {word} {}",
                        target_label(target),
                        rule.metric,
                        fmt::number(value),
                        fmt::number(rule.threshold)
                    ),
                    detail: format!(
                        "{:?} of {} values in the last {window}",
                        rule.aggregate,
                        values.len()
                    )
                    .to_lowercase()
                        + advice(&rule.metric),
                })
            })
            .collect()
    }

    fn forget(&mut self, backend_id: &str) {
        self.series.forget(backend_id);
    }
}
