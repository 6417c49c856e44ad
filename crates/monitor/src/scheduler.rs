//! The probe scheduler: probes every target concurrently, each on its own jittered interval,
//! through an injected [`Prober`]; publishes every sample on an mpsc channel and keeps the
//! newest per target in a TTL cache for the UI.
//!
//! Lifecycle: [`Scheduler::start`] spawns nothing; [`Scheduler::set_targets`] starts a task per
//! new target (warm-up: probed right away, targets added together staggered by
//! `warmup_stagger`), stops removed ones (their cached sample goes too) and hands changed
//! intervals/timeouts to running tasks, which use them from their next probe on.
//! [`Scheduler::shutdown`] cancels every task and waits for them; dropping the scheduler cancels
//! them without waiting.
//!
//! Invariants: the only I/O is tokio timers (so `#[tokio::test(start_paused = true)]` drives it);
//! wall-clock stamps come from the injected [`WallClock`]; jitter draws come from a seeded
//! SplitMix64 and stay within `interval × [1 − jitter, 1 + jitter)`; no lock is held across an
//! `.await`.

mod cache;
mod worker;

use crate::sample::{ProbeReport, ProbeSample, ProbeTarget, TargetId};
use cache::TtlCache;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use switchyard_policy::SplitMix64;
use tokio::sync::{mpsc, oneshot, watch};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use worker::{Reply, WorkerInputs};

/// A boxed, sendable future (what [`Prober::probe`] returns).
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// The wall clock, in Unix milliseconds; injected so tests are deterministic.
pub type WallClock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// Sends one zero-cost probe. The app implements it with its HTTP probe; tests with closures.
pub trait Prober: Send + Sync + 'static {
    /// Probes `target`. The scheduler applies the timeout, so this may take as long as it likes.
    fn probe(&self, target: &TargetId) -> BoxFuture<ProbeReport>;
}

impl<F, Fut> Prober for F
where
    F: Fn(&TargetId) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ProbeReport> + Send + 'static,
{
    fn probe(&self, target: &TargetId) -> BoxFuture<ProbeReport> {
        Box::pin(self(target))
    }
}

/// Scheduler tuning.
#[derive(Debug, Clone, PartialEq)]
pub struct SchedulerConfig {
    /// How long [`Scheduler::latest`] returns a sample. Default 60 s.
    pub cache_ttl: Duration,
    /// Relative jitter of each gap, clamped to `[0, 0.5]`. Default 0.10 (±10 %).
    pub jitter: f64,
    /// Delay between the warm-up probes of targets added together. Default 5 ms.
    pub warmup_stagger: Duration,
    /// Seed of the jitter generator.
    pub seed: u64,
    /// Capacity of the sample channel; a full channel makes probing wait. Default 256.
    pub channel_capacity: usize,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        Self {
            cache_ttl: Duration::from_secs(60),
            jitter: 0.10,
            warmup_stagger: Duration::from_millis(5),
            seed: 0x5EED_F00D_u64,
            channel_capacity: 256,
        }
    }
}

/// Why a scheduler call was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchedulerError {
    /// [`Scheduler::shutdown`] was called.
    #[error("the health monitor has been shut down")]
    ShutDown,
    /// Not called from inside a tokio runtime.
    #[error("the health monitor needs a tokio runtime")]
    NoRuntime,
    /// No such target is scheduled.
    #[error("{0} is not monitored")]
    UnknownTarget(TargetId),
    /// The same target appears twice.
    #[error("{0} is listed twice")]
    DuplicateTarget(TargetId),
    /// A target's interval or timeout is zero.
    #[error("{id}: {reason}")]
    InvalidTarget {
        /// The target.
        id: TargetId,
        /// What is wrong.
        reason: &'static str,
    },
}

/// State shared by the scheduler and its tasks.
struct Shared {
    prober: Arc<dyn Prober>,
    clock: WallClock,
    jitter: f64,
    rng: Mutex<SplitMix64>,
    cache: TtlCache,
}

impl Shared {
    /// `interval` scaled by a uniform draw in `[1 − jitter, 1 + jitter)`.
    fn jittered(&self, interval: Duration) -> Duration {
        let draw = self
            .rng
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .next_f64();
        interval.mul_f64(1.0 + self.jitter * (2.0 * draw - 1.0))
    }
}

/// A running target's controls.
struct Worker {
    target: watch::Sender<ProbeTarget>,
    refresh: mpsc::Sender<Reply>,
    cancel: CancellationToken,
}

/// Runs the probes. Not `Clone`: share it behind an `Arc`.
pub struct Scheduler {
    shared: Arc<Shared>,
    warmup_stagger: Duration,
    /// Handed to each new task; taken by `shutdown` so the channel closes once tasks end.
    out: Mutex<Option<mpsc::Sender<ProbeSample>>>,
    workers: Mutex<HashMap<TargetId, Worker>>,
    cancel: CancellationToken,
    tracker: TaskTracker,
}

impl Scheduler {
    /// A scheduler with no targets, and the receiving end of its sample channel.
    pub fn start(
        config: SchedulerConfig,
        prober: Arc<dyn Prober>,
        clock: WallClock,
    ) -> (Scheduler, mpsc::Receiver<ProbeSample>) {
        let (out, rx) = mpsc::channel(config.channel_capacity.max(1));
        let shared = Shared {
            prober,
            clock,
            jitter: config.jitter.clamp(0.0, 0.5),
            rng: Mutex::new(SplitMix64::new(config.seed)),
            cache: TtlCache::new(config.cache_ttl),
        };
        let scheduler = Scheduler {
            shared: Arc::new(shared),
            warmup_stagger: config.warmup_stagger,
            out: Mutex::new(Some(out)),
            workers: Mutex::new(HashMap::new()),
            cancel: CancellationToken::new(),
            tracker: TaskTracker::new(),
        };
        (scheduler, rx)
    }

    /// Replaces the set of targets: new ones start with a warm-up probe, removed ones stop (and
    /// leave the cache), changed ones take their new interval and timeout from their next probe.
    /// Validates the whole list first; on error nothing changes.
    pub fn set_targets(&self, targets: Vec<ProbeTarget>) -> Result<(), SchedulerError> {
        if self.cancel.is_cancelled() {
            return Err(SchedulerError::ShutDown);
        }
        let runtime =
            tokio::runtime::Handle::try_current().map_err(|_| SchedulerError::NoRuntime)?;
        let wanted = validate(targets)?;
        let out = self
            .out
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or(SchedulerError::ShutDown)?;
        let mut workers = self.lock_workers();
        workers.retain(|id, worker| {
            let keep = wanted.contains_key(id);
            if !keep {
                worker.cancel.cancel();
                self.shared.cache.remove(id);
            }
            keep
        });
        let mut added = 0u32;
        for (id, target) in wanted {
            if let Some(worker) = workers.get(&id) {
                worker.target.send_if_modified(|current| {
                    let changed = *current != target;
                    *current = target.clone();
                    changed
                });
                continue;
            }
            let first_delay = self.warmup_stagger * added;
            added += 1;
            let worker = self.spawn(&runtime, target, first_delay, out.clone());
            workers.insert(id, worker);
        }
        Ok(())
    }

    /// The targets currently scheduled, sorted by id.
    pub fn targets(&self) -> Vec<ProbeTarget> {
        let mut targets: Vec<ProbeTarget> = self
            .lock_workers()
            .values()
            .map(|w| w.target.borrow().clone())
            .collect();
        targets.sort_by(|a, b| a.id.cmp(&b.id));
        targets
    }

    /// Probes `id` now (or joins a refresh already queued) and returns the fresh sample, which is
    /// also cached and published. The target's schedule restarts from this probe.
    pub async fn probe_now(&self, id: &TargetId) -> Result<ProbeSample, SchedulerError> {
        let pending = self.request(id).await?;
        pending.await.map_err(|_| SchedulerError::ShutDown)
    }

    /// Probes every target now, concurrently, and returns the samples sorted by target id.
    /// Targets removed while waiting are left out.
    pub async fn probe_all_now(&self) -> Result<Vec<ProbeSample>, SchedulerError> {
        if self.cancel.is_cancelled() {
            return Err(SchedulerError::ShutDown);
        }
        let ids: Vec<TargetId> = self.lock_workers().keys().cloned().collect();
        // Ask everyone first, then wait: the probes run concurrently.
        let mut pending = Vec::with_capacity(ids.len());
        for id in &ids {
            if let Ok(rx) = self.request(id).await {
                pending.push(rx);
            }
        }
        let mut samples = Vec::with_capacity(pending.len());
        for rx in pending {
            if let Ok(sample) = rx.await {
                samples.push(sample);
            }
        }
        samples.sort_by(|a, b| a.target.cmp(&b.target));
        Ok(samples)
    }

    /// The newest sample for `id` if it is younger than the cache TTL.
    pub fn latest(&self, id: &TargetId) -> Option<ProbeSample> {
        self.shared.cache.fresh(id)
    }

    /// Stops every task and waits until they have ended; the sample channel then closes once
    /// drained. Later calls are refused with [`SchedulerError::ShutDown`]; calling it twice is
    /// harmless.
    pub async fn shutdown(&self) {
        self.cancel.cancel();
        self.out
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        self.lock_workers().clear();
        self.tracker.close();
        self.tracker.wait().await;
    }

    fn spawn(
        &self,
        runtime: &tokio::runtime::Handle,
        target: ProbeTarget,
        first_delay: Duration,
        out: mpsc::Sender<ProbeSample>,
    ) -> Worker {
        let (target_tx, target_rx) = watch::channel(target);
        let (refresh_tx, refresh_rx) = mpsc::channel(32);
        let cancel = self.cancel.child_token();
        let inputs = WorkerInputs {
            target: target_rx,
            refresh: refresh_rx,
            cancel: cancel.clone(),
            first_delay,
            out,
        };
        self.tracker
            .spawn_on(worker::run(Arc::clone(&self.shared), inputs), runtime);
        Worker {
            target: target_tx,
            refresh: refresh_tx,
            cancel,
        }
    }

    /// Queues a refresh for `id` and returns where its sample will arrive.
    async fn request(
        &self,
        id: &TargetId,
    ) -> Result<oneshot::Receiver<ProbeSample>, SchedulerError> {
        if self.cancel.is_cancelled() {
            return Err(SchedulerError::ShutDown);
        }
        let refresh = self
            .lock_workers()
            .get(id)
            .map(|w| w.refresh.clone())
            .ok_or_else(|| SchedulerError::UnknownTarget(id.clone()))?;
        let (tx, rx) = oneshot::channel();
        // Closed: the target was removed (or the scheduler shut down) since the lookup.
        refresh
            .send(tx)
            .await
            .map_err(|_| SchedulerError::UnknownTarget(id.clone()))?;
        Ok(rx)
    }

    fn lock_workers(&self) -> MutexGuard<'_, HashMap<TargetId, Worker>> {
        self.workers.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Scheduler {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// Checks the list (non-zero durations, no duplicates) and keys it by id in a stable order.
fn validate(targets: Vec<ProbeTarget>) -> Result<BTreeMap<TargetId, ProbeTarget>, SchedulerError> {
    let mut seen = HashSet::new();
    let mut wanted = BTreeMap::new();
    for t in targets {
        if t.interval.is_zero() {
            return Err(invalid(&t, "the interval must be longer than zero"));
        }
        if t.timeout.is_zero() {
            return Err(invalid(&t, "the timeout must be longer than zero"));
        }
        if !seen.insert(t.id.clone()) {
            return Err(SchedulerError::DuplicateTarget(t.id));
        }
        wanted.insert(t.id.clone(), t);
    }
    Ok(wanted)
}

fn invalid(t: &ProbeTarget, reason: &'static str) -> SchedulerError {
    SchedulerError::InvalidTarget {
        id: t.id.clone(),
        reason,
    }
}

#[cfg(test)]
#[path = "scheduler_tests.rs"]
mod tests;
