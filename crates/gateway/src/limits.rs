//! Per-backend admission: at most `max_in_flight` requests at once (default 50), and optional
//! requests-per-minute and tokens-per-minute ceilings over a sliding 60 s window. A backend at its
//! limit is skipped like an unavailable one (the request fails over); the slot is held until the
//! answer — streamed or not — is finished.

use crate::clock::Clock;
use crate::table::Limits;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The rate limits' window.
pub(crate) const WINDOW: Duration = Duration::from_secs(60);

/// Why a backend cannot take one more request now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("at its in-flight limit ({0} requests at once)")]
    Busy(u32),
    #[error("at its requests-per-minute limit ({limit}); next slot in {} s", retry_in.as_secs().max(1))]
    Rpm { limit: u32, retry_in: Duration },
    #[error("at its tokens-per-minute limit ({limit}); next slot in {} s", retry_in.as_secs().max(1))]
    Tpm { limit: u32, retry_in: Duration },
}

impl Refused {
    /// How long until the backend has room again (a request at once: a second, a guess).
    pub fn retry_in(&self) -> Duration {
        match self {
            Refused::Busy(_) => Duration::from_secs(1),
            Refused::Rpm { retry_in, .. } | Refused::Tpm { retry_in, .. } => *retry_in,
        }
    }
}

#[derive(Default)]
struct Slot {
    sem: Option<(u32, Arc<Semaphore>)>,
    sent: VecDeque<Instant>,
    tokens: VecDeque<(Instant, u64)>,
    token_sum: u64,
}

impl Slot {
    fn prune(&mut self, now: Instant) {
        while self
            .sent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            self.sent.pop_front();
        }
        while let Some((t, n)) = self.tokens.front().copied() {
            if now.duration_since(t) < WINDOW {
                break;
            }
            self.token_sum -= n;
            self.tokens.pop_front();
        }
    }

    fn semaphore(&mut self, cap: u32) -> Arc<Semaphore> {
        match &self.sem {
            Some((c, s)) if *c == cap => Arc::clone(s),
            // A changed limit starts a fresh semaphore; requests on the old one drain.
            _ => {
                let s = Arc::new(Semaphore::new(cap as usize));
                self.sem = Some((cap, Arc::clone(&s)));
                s
            }
        }
    }
}

pub struct Limiter {
    clock: Arc<dyn Clock>,
    slots: Mutex<HashMap<String, Slot>>,
}

/// A held request slot; tokens used are reported through it. Dropping it frees the slot.
pub struct Admission {
    _permit: OwnedSemaphorePermit,
    limiter: Arc<Limiter>,
    backend_id: String,
    /// Its place in the requests-per-minute window, when the backend has one.
    sent: Option<Instant>,
    track_tokens: bool,
    /// The team's tokens-per-minute window of this backend (by its name), when shared.
    shared: Option<(Arc<dyn crate::deps::SharedLimits>, String)>,
}

impl Admission {
    /// Gives the slot back unused (the team's window refused the request): the
    /// requests-per-minute window counts only what went out.
    pub(crate) fn refund(self) {
        if let Some(sent) = self.sent {
            let mut slots = self.limiter.lock();
            if let Some(slot) = slots.get_mut(&self.backend_id) {
                if let Some(at) = slot.sent.iter().rposition(|t| *t == sent) {
                    slot.sent.remove(at);
                }
            }
        }
    }

    /// Also counts the tokens in the team's window `name` (a team replica).
    pub(crate) fn share_tokens(&mut self, shared: Arc<dyn crate::deps::SharedLimits>, name: &str) {
        if self.track_tokens {
            self.shared = Some((shared, name.to_string()));
        }
    }

    /// Counts tokens toward the backend's tokens-per-minute window.
    pub fn used_tokens(&self, n: u64) {
        if let (Some((shared, name)), true) = (&self.shared, n > 0) {
            shared.used_tokens(name, n);
        }
        if self.track_tokens && n > 0 {
            let now = self.limiter.clock.now();
            let mut slots = self.limiter.lock();
            let slot = slots.entry(self.backend_id.clone()).or_default();
            slot.tokens.push_back((now, n));
            slot.token_sum += n;
        }
    }
}

impl Limiter {
    pub fn new(clock: Arc<dyn Clock>) -> Arc<Self> {
        Arc::new(Limiter {
            clock,
            slots: Mutex::new(HashMap::new()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Slot>> {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes a slot for one upstream request, or says which limit is reached.
    pub fn admit(
        self: &Arc<Self>,
        backend_id: &str,
        limits: &Limits,
    ) -> Result<Admission, Refused> {
        let now = self.clock.now();
        let mut slots = self.lock();
        let slot = slots.entry(backend_id.to_string()).or_default();
        slot.prune(now);
        if let Some(limit) = limits.rpm {
            if slot.sent.len() >= limit as usize {
                let oldest = slot.sent.front().copied().unwrap_or(now);
                let retry_in = WINDOW.saturating_sub(now.duration_since(oldest));
                return Err(Refused::Rpm { limit, retry_in });
            }
        }
        if let Some(limit) = limits.tpm {
            if slot.token_sum >= u64::from(limit) {
                let oldest = slot.tokens.front().map_or(now, |t| t.0);
                let retry_in = WINDOW.saturating_sub(now.duration_since(oldest));
                return Err(Refused::Tpm { limit, retry_in });
            }
        }
        let cap = limits.max_in_flight.max(1);
        let permit = slot
            .semaphore(cap)
            .try_acquire_owned()
            .map_err(|_| Refused::Busy(cap))?;
        let sent = limits.rpm.map(|_| now);
        if sent.is_some() {
            slot.sent.push_back(now);
        }
        Ok(Admission {
            _permit: permit,
            limiter: Arc::clone(self),
            backend_id: backend_id.to_string(),
            sent,
            track_tokens: limits.tpm.is_some(),
            shared: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn limits(max: u32, rpm: Option<u32>, tpm: Option<u32>) -> Limits {
        Limits {
            max_in_flight: max,
            rpm,
            tpm,
        }
    }

    #[test]
    fn in_flight_slots_are_freed_on_drop() {
        let l = Limiter::new(Arc::new(ManualClock::default()));
        let lim = limits(2, None, None);
        let a = l.admit("b", &lim).unwrap();
        let _b = l.admit("b", &lim).unwrap();
        assert_eq!(l.admit("b", &lim).err(), Some(Refused::Busy(2)));
        assert!(l.admit("other", &lim).is_ok(), "limits are per backend");
        drop(a);
        assert!(l.admit("b", &lim).is_ok());
    }

    #[test]
    fn requests_per_minute_slide() {
        let clock = ManualClock::default();
        let l = Limiter::new(Arc::new(clock.clone()));
        let lim = limits(50, Some(2), None);
        drop(l.admit("b", &lim).unwrap());
        clock.advance(Duration::from_secs(20));
        drop(l.admit("b", &lim).unwrap());
        let Err(Refused::Rpm { limit: 2, retry_in }) = l.admit("b", &lim) else {
            panic!("third request in a minute must be refused");
        };
        assert_eq!(retry_in, Duration::from_secs(40));
        clock.advance(Duration::from_secs(40));
        assert!(
            l.admit("b", &lim).is_ok(),
            "the first request left the window"
        );
    }

    #[test]
    fn a_refunded_slot_leaves_the_window_and_frees_its_place() {
        let clock = ManualClock::default();
        let l = Limiter::new(Arc::new(clock.clone()));
        let lim = limits(50, Some(2), None);
        drop(l.admit("b", &lim).unwrap());
        let refused_by_the_team = l.admit("b", &lim).unwrap();
        refused_by_the_team.refund();
        assert!(
            l.admit("b", &lim).is_ok(),
            "the refunded place is free again"
        );
        assert!(matches!(l.admit("b", &lim), Err(Refused::Rpm { .. })));
        // Refunding a slot of a backend without a window is a no-op.
        l.admit("c", &limits(1, None, None)).unwrap().refund();
        assert!(l.admit("c", &limits(1, None, None)).is_ok());
    }

    #[test]
    fn tokens_per_minute_count_what_was_used() {
        let clock = ManualClock::default();
        let l = Limiter::new(Arc::new(clock.clone()));
        let lim = limits(50, None, Some(1000));
        l.admit("b", &lim).unwrap().used_tokens(600);
        l.admit("b", &lim).unwrap().used_tokens(500);
        assert!(matches!(
            l.admit("b", &lim),
            Err(Refused::Tpm { limit: 1000, .. })
        ));
        clock.advance(Duration::from_secs(60));
        assert!(l.admit("b", &lim).is_ok());
    }

    #[test]
    fn a_changed_limit_applies_to_new_requests() {
        let l = Limiter::new(Arc::new(ManualClock::default()));
        let _a = l.admit("b", &limits(1, None, None)).unwrap();
        assert!(l.admit("b", &limits(1, None, None)).is_err());
        assert!(l.admit("b", &limits(3, None, None)).is_ok());
    }
}
