//! A circuit breaker for one backend (or one key): stops sending traffic to something that keeps
//! failing, probes it after a pause, and restores it once probes succeed.
//!
//! ```text
//!            N consecutive failures, or failure rate ≥ threshold
//!            over the window with ≥ min_requests (checked on failure)
//!   ┌────────┐ ─────────────────────────────────────────────► ┌──────────────────┐
//!   │ Closed │                                                │ Open { until }   │
//!   └────────┘ ◄──────────────┐                               └──────────────────┘
//!       ▲    close_after      │   any trial failure:             │ now ≥ until
//!       │    consecutive      │   open_for ×= backoff_factor     │ (next try_acquire)
//!       │    trial successes  │   (≤ max_open_for)               ▼
//!       │               ┌─────┴─────┐ ────────────────────────► ┌──────────┐
//!       └────────────── │ HalfOpen  │ ◄──────────────────────── │          │
//!                       └───────────┘   at most half_open_trials trial permits in flight
//! ```
//!
//! Invariants:
//! - Every transition bumps a generation; permits from an earlier generation are accepted and
//!   ignored (a slow request started while closed cannot re-open or close the breaker later).
//! - A trial permit holds a slot token; dropping it unreported frees the slot, so a cancelled
//!   request cannot wedge the breaker half-open. Reporting consumes the permit.
//! - Only a re-open from half-open lengthens the open period; a full close resets it.
//! - Failure-rate memory is a fixed ring of 10 buckets spanning `window`.
//! - Transitions are returned (never logged) so callers emit events on transitions only.

use crate::window::BucketRing;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

mod config;
pub use config::BreakerConfig;

/// Buckets in the failure-rate window.
const WINDOW_BUCKETS: u32 = 10;

/// `Rejected::retry_in` while half-open with every trial slot taken: the trial's outcome decides.
pub const HALF_OPEN_RETRY_HINT: Duration = Duration::from_secs(1);

/// What the breaker is doing, as seen from outside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerState {
    /// Traffic flows; outcomes are counted.
    Closed,
    /// Traffic is refused until `until`.
    Open {
        /// When the breaker will admit a trial request.
        until: Instant,
    },
    /// A limited number of trial requests probe the backend.
    HalfOpen,
}

/// Why a transition happened.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TransitionReason {
    /// This many failures in a row while closed.
    ConsecutiveFailures(u32),
    /// `failures` of `requests` in the window failed.
    FailureRate {
        /// Failures in the window.
        failures: u64,
        /// All requests in the window.
        requests: u64,
    },
    /// The open period elapsed; probing.
    OpenElapsed,
    /// A half-open trial failed.
    TrialFailed,
    /// This many half-open trials succeeded in a row.
    TrialsSucceeded(u32),
}

impl fmt::Display for TransitionReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::ConsecutiveFailures(n) => write!(f, "{n} consecutive failures"),
            Self::FailureRate { failures, requests } => {
                let pct = failures as f64 * 100.0 / requests.max(1) as f64;
                write!(
                    f,
                    "{failures} of {requests} recent requests failed ({pct:.0}%)"
                )
            }
            Self::OpenElapsed => f.write_str("open period elapsed; probing"),
            Self::TrialFailed => f.write_str("trial request failed"),
            Self::TrialsSucceeded(n) => write!(f, "{n} trial requests succeeded"),
        }
    }
}

/// A state change, for the caller to turn into an event.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    /// State before.
    pub from: BreakerState,
    /// State after.
    pub to: BreakerState,
    /// Why.
    pub reason: TransitionReason,
}

/// `try_acquire` refused: the breaker is open, or half-open with every trial slot taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("circuit open; retry in {} ms", retry_in.as_millis())]
pub struct Rejected {
    /// How long until the breaker may admit a request (a hint when half-open).
    pub retry_in: Duration,
}

/// Permission to send one request. Report it with `on_success`/`on_failure`; dropping it
/// unreported cancels the attempt and frees any trial slot.
#[derive(Debug)]
#[must_use = "report the outcome with Breaker::on_success or Breaker::on_failure"]
pub struct Permit {
    generation: u64,
    trial: Option<Arc<()>>,
    transition: Option<Transition>,
}

impl Permit {
    /// The transition this acquisition caused (open → half-open), if any.
    pub fn transition(&self) -> Option<&Transition> {
        self.transition.as_ref()
    }

    /// Whether this is a half-open trial.
    pub fn is_trial(&self) -> bool {
        self.trial.is_some()
    }
}

#[derive(Debug)]
enum Phase {
    Closed {
        consecutive: u32,
    },
    Open {
        until: Instant,
    },
    /// `slots` is cloned into each trial permit: in-flight trials = strong count − 1.
    HalfOpen {
        slots: Arc<()>,
        successes: u32,
    },
}

impl Phase {
    fn view(&self) -> BreakerState {
        match *self {
            Self::Closed { .. } => BreakerState::Closed,
            Self::Open { until } => BreakerState::Open { until },
            Self::HalfOpen { .. } => BreakerState::HalfOpen,
        }
    }
}

/// A circuit breaker; see the module docs for the state machine.
#[derive(Debug)]
pub struct Breaker {
    config: BreakerConfig,
    phase: Phase,
    generation: u64,
    /// The open period the next opening uses.
    open_for: Duration,
    /// Counter `a` = successes, `b` = failures (closed phase only).
    window: BucketRing,
}

impl Default for Breaker {
    fn default() -> Self {
        Self::new(BreakerConfig::default())
    }
}

impl Breaker {
    /// A closed breaker.
    pub fn new(config: BreakerConfig) -> Self {
        let config = config.sanitized();
        Self {
            config,
            phase: Phase::Closed { consecutive: 0 },
            generation: 0,
            open_for: config.open_for,
            window: BucketRing::new(config.window / WINDOW_BUCKETS, WINDOW_BUCKETS as usize),
        }
    }

    /// The configuration in force (after sanitising).
    pub fn config(&self) -> &BreakerConfig {
        &self.config
    }

    /// The state at `now`. An open breaker whose period has elapsed reads as half-open (the
    /// transition itself is reported by the next `try_acquire`).
    pub fn state(&self, now: Instant) -> BreakerState {
        match self.phase {
            Phase::Open { until } if now >= until => BreakerState::HalfOpen,
            ref phase => phase.view(),
        }
    }

    /// Asks to send one request at `now`.
    pub fn try_acquire(&mut self, now: Instant) -> Result<Permit, Rejected> {
        let mut transition = None;
        if let Phase::Open { until } = self.phase {
            if now < until {
                return Err(Rejected {
                    retry_in: until - now,
                });
            }
            let slots = Arc::new(());
            let half_open = Phase::HalfOpen {
                slots,
                successes: 0,
            };
            transition = Some(self.enter(half_open, TransitionReason::OpenElapsed));
        }
        let trial = match &self.phase {
            Phase::HalfOpen { slots, .. } => {
                let in_flight = Arc::strong_count(slots).saturating_sub(1);
                if in_flight >= self.config.half_open_trials as usize {
                    return Err(Rejected {
                        retry_in: HALF_OPEN_RETRY_HINT,
                    });
                }
                Some(Arc::clone(slots))
            }
            _ => None,
        };
        Ok(Permit {
            generation: self.generation,
            trial,
            transition,
        })
    }

    /// Reports that the request behind `permit` succeeded.
    pub fn on_success(&mut self, permit: Permit, now: Instant) -> Option<Transition> {
        if permit.generation != self.generation {
            return None;
        }
        match &mut self.phase {
            Phase::Closed { consecutive } => {
                *consecutive = 0;
                self.window.add(now, 1, 0);
                None
            }
            Phase::HalfOpen { successes, .. } => {
                *successes += 1;
                let n = *successes;
                drop(permit);
                (n >= self.config.close_after).then(|| {
                    self.open_for = self.config.open_for;
                    self.window.clear();
                    let closed = Phase::Closed { consecutive: 0 };
                    self.enter(closed, TransitionReason::TrialsSucceeded(n))
                })
            }
            Phase::Open { .. } => None,
        }
    }

    /// Reports that the request behind `permit` failed (in a way that counts against the
    /// backend: the caller decides which errors those are).
    pub fn on_failure(&mut self, permit: Permit, now: Instant) -> Option<Transition> {
        if permit.generation != self.generation {
            return None;
        }
        drop(permit);
        match &mut self.phase {
            Phase::Closed { consecutive } => {
                *consecutive += 1;
                let n = *consecutive;
                self.window.add(now, 0, 1);
                let (successes, failures) = self.window.totals(now);
                let requests = successes + failures;
                let reason = if n >= self.config.consecutive_failures {
                    TransitionReason::ConsecutiveFailures(n)
                } else if requests >= u64::from(self.config.min_requests)
                    && failures as f64 >= self.config.failure_rate * requests as f64
                {
                    TransitionReason::FailureRate { failures, requests }
                } else {
                    return None;
                };
                Some(self.open(now, reason))
            }
            Phase::HalfOpen { .. } => {
                let longer = self.open_for.as_secs_f64() * self.config.backoff_factor;
                self.open_for = Duration::try_from_secs_f64(longer)
                    .map_or(self.config.max_open_for, |d| {
                        d.min(self.config.max_open_for)
                    });
                Some(self.open(now, TransitionReason::TrialFailed))
            }
            Phase::Open { .. } => None,
        }
    }

    fn open(&mut self, now: Instant, reason: TransitionReason) -> Transition {
        self.window.clear();
        let until = now.checked_add(self.open_for).unwrap_or(now);
        self.enter(Phase::Open { until }, reason)
    }

    fn enter(&mut self, phase: Phase, reason: TransitionReason) -> Transition {
        let from = self.phase.view();
        self.phase = phase;
        self.generation += 1;
        Transition {
            from,
            to: self.phase.view(),
            reason,
        }
    }
}

#[cfg(test)]
#[path = "breaker_tests.rs"]
mod tests;
