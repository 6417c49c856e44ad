//! Time as the gateway sees it. Breakers, cool-downs, rate windows and retry waits all read this
//! clock, so tests can drive them with [`ManualClock`] — exact sequences without real waiting —
//! while network timeouts stay on tokio's real timers.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Instant;
    /// Waits `d` (a retry back-off or an advertised `retry-after`).
    fn sleep(&self, d: Duration) -> Sleep;
}

/// The real clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
    fn sleep(&self, d: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(d))
    }
}

/// A clock that moves only when told to. `sleep` advances it at once and remembers the wait,
/// so a test can assert the gateway waited exactly what `retry-after` said.
#[derive(Clone)]
pub struct ManualClock {
    inner: Arc<Mutex<ManualInner>>,
}

struct ManualInner {
    now: Instant,
    slept: Vec<Duration>,
}

impl Default for ManualClock {
    fn default() -> Self {
        ManualClock {
            inner: Arc::new(Mutex::new(ManualInner {
                now: Instant::now(),
                slept: Vec::new(),
            })),
        }
    }
}

impl ManualClock {
    pub fn advance(&self, d: Duration) {
        let mut g = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        g.now += d;
    }

    /// Every wait requested through [`Clock::sleep`] so far.
    pub fn slept(&self) -> Vec<Duration> {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .slept
            .clone()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .now
    }
    fn sleep(&self, d: Duration) -> Sleep {
        let mut g = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        g.now += d;
        g.slept.push(d);
        Box::pin(std::future::ready(()))
    }
}
