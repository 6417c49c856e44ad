//! Built-in conditions driven by discrete events: failure streaks, breaker states, refused keys
//! and rate-limit episodes. Thresholds are documented in the `rule` module.
//! Invariants: memory is bounded by the number of backends and keys that reported something;
//! `firing` lists keys in sorted order.

use super::{target_label, Condition, Firing};
use crate::fmt;
use crate::sample::{Outcome, TargetId};
use crate::signal::{BreakerSignal, Passive, Signal};
use std::collections::BTreeMap;

/// Backend faults in a row, per backend.
pub(super) struct BackendDown {
    failures: u32,
    streaks: BTreeMap<String, (u32, Outcome, String)>,
}

impl BackendDown {
    pub(super) fn new(failures: u32) -> Self {
        Self {
            failures: failures.max(1),
            streaks: BTreeMap::new(),
        }
    }
}

impl Condition for BackendDown {
    fn observe(&mut self, signal: &Signal) {
        let Signal::Probe(s) = signal else { return };
        let entry = self.streaks.entry(s.target.backend_id.clone()).or_insert((
            0,
            s.outcome,
            String::new(),
        ));
        if s.outcome.is_backend_fault() {
            *entry = (entry.0.saturating_add(1), s.outcome, s.message.clone());
        } else {
            entry.0 = 0;
        }
    }

    fn firing(&mut self, _now: i64) -> Vec<Firing> {
        self.streaks
            .iter()
            .filter(|(_, (n, _, _))| *n >= self.failures)
            .map(|(backend, (n, last, message))| Firing {
                target: TargetId::backend(backend.clone()),
                summary: format!("{backend} is down"),
                detail: format!(
                    "{n} probes in a row failed; last: {} ({message})",
                    last.label()
                ),
            })
            .collect()
    }

    fn forget(&mut self, backend_id: &str) {
        self.streaks.remove(backend_id);
    }
}

/// Breakers currently not closed, per backend or key.
#[derive(Default)]
pub(super) struct CircuitOpened {
    open: BTreeMap<TargetId, BreakerSignal>,
}

impl Condition for CircuitOpened {
    fn observe(&mut self, signal: &Signal) {
        let Signal::Passive {
            backend_id,
            event: Passive::Breaker { key_id, state },
            ..
        } = signal
        else {
            return;
        };
        let target = TargetId {
            backend_id: backend_id.clone(),
            key_id: key_id.clone(),
        };
        match state {
            BreakerSignal::Closed => {
                self.open.remove(&target);
            }
            // Half-open keeps an open alert open: traffic is still held back.
            BreakerSignal::HalfOpen => {
                if let Some(s) = self.open.get_mut(&target) {
                    *s = BreakerSignal::HalfOpen;
                }
            }
            BreakerSignal::Open => {
                self.open.insert(target, BreakerSignal::Open);
            }
        }
    }

    fn firing(&mut self, _now: i64) -> Vec<Firing> {
        self.open
            .keys()
            .map(|target| Firing {
                target: target.clone(),
                summary: format!("{}: circuit opened", target_label(target)),
                detail: format!(
                    "the gateway stopped sending requests to {} after repeated failures",
                    target_label(target)
                ),
            })
            .collect()
    }

    fn forget(&mut self, backend_id: &str) {
        self.open.retain(|t, _| t.backend_id != backend_id);
    }
}

/// Keys (or keyless backends) the provider refused, with why.
#[derive(Default)]
pub(super) struct KeyInvalid {
    invalid: BTreeMap<TargetId, String>,
}

impl Condition for KeyInvalid {
    fn observe(&mut self, signal: &Signal) {
        match signal {
            Signal::Probe(s) => match s.outcome {
                Outcome::Invalid => {
                    let status = s.http_status.map(|c| format!(" ({c})")).unwrap_or_default();
                    let why = format!("the provider refused it on a probe{status}: {}", s.message);
                    self.invalid.insert(s.target.clone(), why);
                }
                Outcome::Ok | Outcome::RateLimited => {
                    self.invalid.remove(&s.target);
                }
                _ => {}
            },
            Signal::Passive {
                backend_id,
                event: Passive::KeyRejected { key_id },
                ..
            } => {
                let target = TargetId::key(backend_id.clone(), key_id.clone());
                let why = "the provider refused it on a request (401/403)".to_string();
                self.invalid.entry(target).or_insert(why);
            }
            _ => {}
        }
    }

    fn firing(&mut self, _now: i64) -> Vec<Firing> {
        self.invalid
            .iter()
            .map(|(target, why)| Firing {
                target: target.clone(),
                summary: match &target.key_id {
                    Some(key) => format!("{}: key “{key}” invalid", target.backend_id),
                    None => format!("{}: credentials refused", target.backend_id),
                },
                detail: why.clone(),
            })
            .collect()
    }

    fn forget(&mut self, backend_id: &str) {
        self.invalid.retain(|t, _| t.backend_id != backend_id);
    }
}

/// One continuous stretch of rate limiting.
#[derive(Debug, Clone, Copy)]
struct Episode {
    since: i64,
    /// The latest moment the limit is known to last to.
    until: i64,
    /// The newest probe of the target was rate-limited.
    probe_limited: bool,
}

impl Episode {
    fn ongoing(&self, now: i64) -> bool {
        now < self.until || self.probe_limited
    }
}

/// Rate-limit episodes per backend or key.
pub(super) struct RateLimitedFor {
    limit_ms: i64,
    episodes: BTreeMap<TargetId, Episode>,
}

impl RateLimitedFor {
    pub(super) fn new(minutes: u32) -> Self {
        Self {
            limit_ms: i64::from(minutes) * 60_000,
            episodes: BTreeMap::new(),
        }
    }

    /// Extends the target's episode to `until`, or starts one at `at` if none is running.
    fn limited(&mut self, target: TargetId, at: i64, until: i64, by_probe: bool) {
        let running = self.episodes.get(&target).filter(|e| e.ongoing(at));
        let mut ep = running.copied().unwrap_or(Episode {
            since: at,
            until: at,
            probe_limited: false,
        });
        ep.until = ep.until.max(until);
        if by_probe {
            ep.probe_limited = true;
        }
        self.episodes.insert(target, ep);
    }
}

impl Condition for RateLimitedFor {
    fn observe(&mut self, signal: &Signal) {
        match signal {
            Signal::Probe(s) if s.outcome == Outcome::RateLimited => {
                self.limited(s.target.clone(), s.at_unix_ms, s.at_unix_ms, true);
            }
            // Any other answer (ok, invalid) proves the limit is gone.
            Signal::Probe(s) if !s.outcome.is_backend_fault() => {
                self.episodes.remove(&s.target);
            }
            Signal::Passive {
                backend_id,
                at_unix_ms,
                event:
                    Passive::RateLimited {
                        key_id,
                        until_unix_ms,
                    },
            } => {
                let target = TargetId {
                    backend_id: backend_id.clone(),
                    key_id: key_id.clone(),
                };
                self.limited(target, *at_unix_ms, *until_unix_ms, false);
            }
            _ => {}
        }
    }

    fn firing(&mut self, now: i64) -> Vec<Firing> {
        self.episodes.retain(|_, e| e.ongoing(now));
        self.episodes
            .iter()
            .filter_map(|(target, e)| {
                let length = now.max(e.until) - e.since;
                (length > self.limit_ms).then(|| Firing {
                    target: target.clone(),
                    summary: format!(
                        "{}: rate-limited for {}",
                        target_label(target),
                        fmt::minutes_ceil(length)
                    ),
                    detail: format!(
                        "throttled for {}, counting the wait the provider announced; the rule allows {}",
                        fmt::minutes_ceil(length),
                        fmt::minutes_ceil(self.limit_ms)
                    ),
                })
            })
            .collect()
    }

    fn forget(&mut self, backend_id: &str) {
        self.episodes.retain(|t, _| t.backend_id != backend_id);
    }
}
