//! One backend's state machine (see the rules in the parent module).
//! Invariants: `status`/`reasons` always equal `evaluate(last_eval_ms)`; latency memory is bounded
//! by `latency_window`; per-key memory by the number of keys ever seen (until `remove_key`).

use super::{Snapshot, StateConfig, Status, Transition};
use crate::fmt;
use crate::sample::{Outcome, ProbeSample};
use crate::signal::{BreakerSignal, Passive, Signal};
use crate::stats::nearest_rank;
use std::collections::{BTreeMap, VecDeque};

/// A probed target's last outcome and failure streak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Probed {
    last: Outcome,
    streak: u32,
}

impl Probed {
    fn record(prev: Option<Probed>, outcome: Outcome) -> Probed {
        let streak = match (outcome.is_failure(), prev) {
            (false, _) => 0,
            (true, Some(p)) => p.streak.saturating_add(1),
            (true, None) => 1,
        };
        Probed {
            last: outcome,
            streak,
        }
    }

    /// "last probe failed: timeout" or "3 probes in a row failed: timeout".
    fn streak_reason(self) -> String {
        if self.streak <= 1 {
            format!("last probe failed: {}", self.last.label())
        } else {
            format!(
                "{} probes in a row failed: {}",
                self.streak,
                self.last.label()
            )
        }
    }
}

#[derive(Debug, Clone, Default)]
struct KeyTrack {
    probe: Option<Probed>,
    rejected: bool,
    limited_until: Option<i64>,
    breaker: Option<BreakerSignal>,
}

impl KeyTrack {
    /// What is wrong with the key at `now`, if anything (one reason, most serious first).
    fn problem(&self, now: i64) -> Option<String> {
        let probe = self.probe;
        if self.breaker == Some(BreakerSignal::Open) {
            return Some(": circuit open".into());
        }
        if self.rejected || probe.is_some_and(|p| p.last == Outcome::Invalid) {
            return Some(" invalid".into());
        }
        if let Some(until) = self.limited_until.filter(|u| *u > now) {
            return Some(format!(
                " rate-limited for {}",
                fmt::minutes_ceil(until - now)
            ));
        }
        if probe.is_some_and(|p| p.last == Outcome::RateLimited) {
            return Some(" rate-limited".into());
        }
        if let Some(p) = probe.filter(|p| p.streak > 0) {
            return Some(format!(": {}", p.streak_reason()));
        }
        if self.breaker == Some(BreakerSignal::HalfOpen) {
            return Some(": circuit half-open".into());
        }
        None
    }
}

/// The health of one backend.
#[derive(Debug, Clone)]
pub struct BackendHealth {
    backend_id: String,
    config: StateConfig,
    probe: Option<Probed>,
    keys: BTreeMap<String, KeyTrack>,
    breaker: BreakerSignal,
    limited_until: Option<i64>,
    error_rate: Option<(u32, u32)>,
    latencies: VecDeque<u32>,
    status: Status,
    reasons: Vec<String>,
}

impl BackendHealth {
    /// A backend with no evidence yet (Unknown).
    pub fn new(backend_id: String, config: StateConfig) -> Self {
        Self {
            backend_id,
            config,
            probe: None,
            keys: BTreeMap::new(),
            breaker: BreakerSignal::Closed,
            limited_until: None,
            error_rate: None,
            latencies: VecDeque::new(),
            status: Status::Unknown,
            reasons: vec![UNKNOWN_REASON.to_string()],
        }
    }

    /// Status and reasons as of the last evaluation.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            status: self.status,
            reasons: self.reasons.clone(),
        }
    }

    /// Applies one signal about this backend (others are ignored) and re-evaluates at its time.
    pub fn observe(&mut self, signal: &Signal) -> Option<Transition> {
        if signal.backend_id() != self.backend_id {
            return None;
        }
        match signal {
            Signal::Probe(sample) => self.on_probe(sample),
            Signal::Passive { event, .. } => self.on_passive(event),
            Signal::Request(_) | Signal::Metric(_) => return None,
        }
        self.tick(signal.at_unix_ms())
    }

    /// Re-evaluates at `now_unix_ms`; a transition if the status changed.
    pub fn tick(&mut self, now_unix_ms: i64) -> Option<Transition> {
        let (status, reasons) = self.evaluate(now_unix_ms);
        let from = self.status;
        self.status = status;
        self.reasons = reasons;
        (from != status).then(|| Transition {
            backend_id: self.backend_id.clone(),
            from,
            to: status,
            reasons: self.reasons.clone(),
            at_unix_ms: now_unix_ms,
        })
    }

    /// Forgets a deleted key and re-evaluates.
    pub fn remove_key(&mut self, key_id: &str, now_unix_ms: i64) -> Option<Transition> {
        self.keys.remove(key_id);
        self.tick(now_unix_ms)
    }

    fn on_probe(&mut self, s: &ProbeSample) {
        if s.outcome == Outcome::Ok {
            if let Some(ms) = s.latency_ms {
                self.latencies.push_back(ms);
                let cap = self.config.latency_window.max(1) as usize;
                while self.latencies.len() > cap {
                    self.latencies.pop_front();
                }
            }
        }
        match &s.target.key_id {
            None => {
                self.probe = Some(Probed::record(self.probe, s.outcome));
                if s.outcome == Outcome::Ok {
                    self.limited_until = None;
                }
            }
            Some(key) => {
                let k = self.keys.entry(key.clone()).or_default();
                k.probe = Some(Probed::record(k.probe, s.outcome));
                if s.outcome == Outcome::Ok {
                    k.rejected = false;
                    k.limited_until = None;
                }
            }
        }
    }

    fn on_passive(&mut self, event: &Passive) {
        match event {
            Passive::Breaker {
                key_id: None,
                state,
            } => self.breaker = *state,
            Passive::Breaker {
                key_id: Some(key),
                state,
            } => self.keys.entry(key.clone()).or_default().breaker = Some(*state),
            Passive::KeyRejected { key_id } => {
                self.keys.entry(key_id.clone()).or_default().rejected = true;
            }
            Passive::RateLimited {
                key_id: None,
                until_unix_ms,
            } => self.limited_until = Some(*until_unix_ms),
            Passive::RateLimited {
                key_id: Some(key),
                until_unix_ms,
            } => {
                self.keys.entry(key.clone()).or_default().limited_until = Some(*until_unix_ms);
            }
            Passive::ErrorRate { failures, requests } => {
                self.error_rate = Some((*failures, *requests));
            }
        }
    }

    fn evaluate(&self, now: i64) -> (Status, Vec<String>) {
        let n = self.config.down_after.max(1);
        let mut down = Vec::new();
        let mut degraded = Vec::new();
        match self.breaker {
            BreakerSignal::Open => down.push("circuit open".to_string()),
            BreakerSignal::HalfOpen => degraded.push("circuit half-open".to_string()),
            BreakerSignal::Closed => {}
        }
        if let Some(p) = self.probe.filter(|p| p.streak > 0) {
            let reasons = if p.streak >= n {
                &mut down
            } else {
                &mut degraded
            };
            reasons.push(p.streak_reason());
        }
        let probed: Vec<Probed> = self.keys.values().filter_map(|k| k.probe).collect();
        if !probed.is_empty() && probed.iter().all(|p| p.streak >= n) {
            down.push(format!("every key failed at least {n} probes in a row"));
        }
        if let Some(until) = self.limited_until.filter(|u| *u > now) {
            degraded.push(format!(
                "rate-limited for {}",
                fmt::minutes_ceil(until - now)
            ));
        } else if self.probe.is_some_and(|p| p.last == Outcome::RateLimited) {
            degraded.push("rate-limited".to_string());
        }
        for (id, key) in &self.keys {
            if let Some(problem) = key.problem(now) {
                degraded.push(format!("key “{id}”{problem}"));
            }
        }
        degraded.extend(self.error_rate_reason());
        degraded.extend(self.latency_reason());
        let seen = self.probe.is_some() || !probed.is_empty();
        if !down.is_empty() {
            down.extend(degraded);
            (Status::Down, down)
        } else if !degraded.is_empty() {
            (Status::Degraded, degraded)
        } else if !seen {
            (Status::Unknown, vec![UNKNOWN_REASON.to_string()])
        } else {
            (Status::Healthy, Vec::new())
        }
    }

    fn error_rate_reason(&self) -> Option<String> {
        let (failures, requests) = self.error_rate?;
        if requests == 0 || requests < self.config.error_rate_min_requests {
            return None;
        }
        let rate = f64::from(failures) / f64::from(requests);
        (rate > self.config.error_rate_threshold).then(|| {
            format!(
                "gateway error rate {} over the {} threshold",
                fmt::percent(rate),
                fmt::percent(self.config.error_rate_threshold)
            )
        })
    }

    fn latency_reason(&self) -> Option<String> {
        if self.latencies.len() < self.config.latency_min_samples.max(1) as usize {
            return None;
        }
        let mut values: Vec<u64> = self.latencies.iter().map(|v| u64::from(*v)).collect();
        let p95 = nearest_rank(&mut values, 0.95)?;
        let threshold = u64::from(self.config.latency_threshold_ms);
        (p95 > threshold).then(|| {
            format!(
                "p95 latency {} over the {} threshold",
                fmt::secs(p95),
                fmt::secs(threshold)
            )
        })
    }
}

const UNKNOWN_REASON: &str = "no probe result yet";
