//! Live health of backends and keys, from gateway traffic: a circuit breaker per backend and per
//! key, keys marked invalid after 401/403, cool-downs after 429, latency EWMA and success ratio,
//! and one retry budget for the whole gateway. One short std mutex; never held across `.await`.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use switchyard_domain::Circuit;
use switchyard_policy::{
    Breaker, BreakerConfig, BreakerState, CandidateStats, Ewma, Headroom, Permit, Rejected,
    RetryBudget, RetryBudgetConfig, SplitMix64, Transition,
};

#[derive(Default)]
struct Track {
    breaker: Option<Breaker>,
    latency: Option<Ewma>,
    ok: u64,
    total: u64,
    cooldown_until: Option<Instant>,
    invalid: bool,
    /// What the provider's last answer said about the limits, and when (Unix seconds).
    headroom: Option<(Headroom, i64)>,
}

struct Inner {
    tracks: HashMap<String, Track>,
    /// The retry budget shared by every request (retries as a fraction of requests; not money).
    retry_budget: RetryBudget,
    rng: SplitMix64,
}

pub struct Health {
    config: BreakerConfig,
    inner: Mutex<Inner>,
}

/// The breaker's state without its timer.
pub(crate) fn circuit(state: BreakerState) -> Circuit {
    match state {
        BreakerState::Closed => Circuit::Closed,
        BreakerState::Open { .. } => Circuit::Open,
        BreakerState::HalfOpen => Circuit::HalfOpen,
    }
}

/// What the UI shows for a backend or key.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackState {
    pub id: String,
    pub breaker: Circuit,
    pub cooling_down_secs: Option<u64>,
    pub invalid: bool,
    pub latency_ms: Option<f64>,
    pub availability: f64,
    /// The provider's last word on its limits, and when it was said (Unix seconds).
    pub headroom: Option<(Headroom, i64)>,
}

impl TrackState {
    /// A backend or key the gateway has not used yet.
    pub fn untouched(id: &str) -> Self {
        TrackState {
            id: id.to_string(),
            breaker: Circuit::Closed,
            cooling_down_secs: None,
            invalid: false,
            latency_ms: None,
            availability: 1.0,
            headroom: None,
        }
    }
}

impl Health {
    pub fn new(config: BreakerConfig, retry_budget: RetryBudgetConfig, seed: u64) -> Self {
        Health {
            config,
            inner: Mutex::new(Inner {
                tracks: HashMap::new(),
                retry_budget: RetryBudget::new(retry_budget),
                rng: SplitMix64::new(seed),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn with<T>(&self, id: &str, f: impl FnOnce(&mut Track, &BreakerConfig) -> T) -> T {
        let mut inner = self.lock();
        let track = inner.tracks.entry(id.to_string()).or_default();
        f(track, &self.config)
    }

    /// A uniform draw in [0, 1) for strategies and jitter.
    pub fn rand(&self) -> f64 {
        self.lock().rng.next_f64()
    }

    /// An original request, counted towards the retry budget.
    pub fn record_request(&self, now: Instant) {
        self.lock().retry_budget.record_request(now);
    }

    /// Whether the retry budget allows one more retry now (taking it if so).
    pub fn try_retry(&self, now: Instant) -> bool {
        self.lock().retry_budget.try_retry(now)
    }

    /// Asks the breaker of a backend or key for permission to send.
    pub fn acquire(&self, id: &str, now: Instant) -> Result<Permit, Rejected> {
        self.with(id, |t, c| {
            t.breaker
                .get_or_insert_with(|| Breaker::new(*c))
                .try_acquire(now)
        })
    }

    /// Reports how an attempt went. Returns the breaker transition, if any.
    pub fn report(
        &self,
        id: &str,
        permit: Permit,
        ok: bool,
        latency: Option<Duration>,
        now: Instant,
    ) -> Option<Transition> {
        self.with(id, |t, c| {
            t.total += 1;
            if ok {
                t.ok += 1;
            }
            if let Some(l) = latency.filter(|_| ok) {
                t.latency
                    .get_or_insert_with(|| Ewma::new(0.3))
                    .observe(l.as_secs_f64() * 1000.0);
            }
            let breaker = t.breaker.get_or_insert_with(|| Breaker::new(*c));
            if ok {
                breaker.on_success(permit, now)
            } else {
                breaker.on_failure(permit, now)
            }
        })
    }

    /// A key the provider refused: skipped until it is edited or the app restarts.
    pub fn mark_invalid(&self, key_id: &str) {
        self.with(key_id, |t, _| t.invalid = true);
    }

    /// Forgets what was learned about a key (it was replaced or re-tested).
    pub fn forget(&self, id: &str) {
        self.lock().tracks.remove(id);
    }

    pub fn cool_down(&self, id: &str, until: Instant) {
        self.with(id, |t, _| {
            t.cooldown_until = Some(t.cooldown_until.map_or(until, |u| u.max(until)))
        });
    }

    /// Keeps what a provider's answer said about the limits of a key or backend.
    pub fn saw_headroom(&self, id: &str, headroom: Headroom, at: SystemTime) {
        let secs = at
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        self.with(id, |t, _| t.headroom = Some((headroom, secs)));
    }

    /// The most room any of `ids` (a backend's keys) has left, as last said; `None` when any
    /// of them has not said (it may have room).
    pub fn room<'a>(&self, ids: impl IntoIterator<Item = &'a str>, now: SystemTime) -> Option<f64> {
        let inner = self.lock();
        let mut best: Option<f64> = Some(0.0);
        for id in ids {
            let room = inner
                .tracks
                .get(id)
                .and_then(|t| t.headroom.as_ref())
                .and_then(|(h, _)| h.room(now));
            best = match (best, room) {
                (Some(b), Some(r)) => Some(b.max(r)),
                _ => None,
            };
        }
        best
    }

    /// False for an invalid key or one still cooling down.
    pub fn usable(&self, id: &str, now: Instant) -> bool {
        self.with(id, |t, _| {
            !t.invalid && t.cooldown_until.is_none_or(|u| u <= now)
        })
    }

    /// Inputs for the routing strategy.
    pub fn stats(
        &self,
        id: &str,
        weight: u32,
        cost_per_mtok: Option<f64>,
        now: Instant,
    ) -> CandidateStats {
        self.with(id, |t, _| CandidateStats {
            available: t.cooldown_until.is_none_or(|u| u <= now)
                && !matches!(
                    t.breaker.as_ref().map(|b| b.state(now)),
                    Some(BreakerState::Open { .. })
                ),
            weight,
            latency_ewma_ms: t.latency.as_ref().and_then(Ewma::value),
            cost_per_mtok,
            availability: if t.total == 0 {
                1.0
            } else {
                t.ok as f64 / t.total as f64
            },
            room: None,
        })
    }

    /// The state of every backend and key seen so far.
    pub fn snapshot(&self, now: Instant) -> Vec<TrackState> {
        let inner = self.lock();
        inner
            .tracks
            .iter()
            .map(|(id, t)| TrackState {
                id: id.clone(),
                breaker: t
                    .breaker
                    .as_ref()
                    .map_or(Circuit::Closed, |b| circuit(b.state(now))),
                cooling_down_secs: t
                    .cooldown_until
                    .filter(|u| *u > now)
                    .map(|u| (u - now).as_secs().max(1)),
                invalid: t.invalid,
                latency_ms: t.latency.as_ref().and_then(Ewma::value),
                availability: if t.total == 0 {
                    1.0
                } else {
                    t.ok as f64 / t.total as f64
                },
                headroom: t.headroom.clone(),
            })
            .collect()
    }
}
