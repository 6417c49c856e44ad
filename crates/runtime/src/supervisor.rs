//! The one owner of background work. Every loop the core runs (monitor consumer, retention,
//! repricing, budget checks, cache upkeep, the outside-change watch) is spawned here, with a name,
//! under one `CancellationToken` and one `TaskTracker`, so `stop` can cancel them all and wait for
//! them to end. The shell processes use the same type for theirs: the core process (tray loops,
//! event forwarding, window connections), the window process (event forwarding, close and signal
//! handling) and the IPC layer's calls. Periodic loops use [`Supervisor::every`]: a missed tick is skipped, never
//! bunched, and cancellation is checked in the same `select!` as the tick and the work.
//!
//! Invariant: after `stop` returns `true`, no task spawned here is running; spawning after `stop`
//! runs nothing.

use std::future::Future;
use std::time::Duration;
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// Owns background tasks: spawn through it, stop through it.
#[derive(Clone, Default)]
pub struct Supervisor {
    tracker: TaskTracker,
    cancel: CancellationToken,
}

impl Supervisor {
    /// Runs `task` until it ends or the supervisor stops (then it is dropped at its next await).
    pub fn spawn(&self, name: &'static str, task: impl Future<Output = ()> + Send + 'static) {
        if self.cancel.is_cancelled() {
            tracing::debug!(task = name, "not started: shutting down");
            return;
        }
        let cancel = self.cancel.clone();
        self.tracker.spawn(async move {
            tokio::select! {
                _ = cancel.cancelled() => tracing::debug!(task = name, "task cancelled"),
                _ = task => tracing::debug!(task = name, "task finished"),
            }
        });
    }

    /// `task`, owned by this supervisor, for a runtime this process does not enter itself (the
    /// window's Tauri runtime: `tauri::async_runtime::spawn(tasks.track(name, task))`). It ends
    /// when the supervisor stops, and [`Supervisor::stop`] waits for it like the others.
    pub fn track(
        &self,
        name: &'static str,
        task: impl Future<Output = ()> + Send + 'static,
    ) -> impl Future<Output = ()> + Send + 'static {
        let cancel = self.cancel.clone();
        self.tracker.track_future(async move {
            tokio::select! {
                _ = cancel.cancelled() => tracing::debug!(task = name, "task cancelled"),
                _ = task => tracing::debug!(task = name, "task finished"),
            }
        })
    }

    /// Runs `task(cancelled)`, which watches the token itself so it can finish cleanly (flush
    /// what it holds) before it returns. [`Supervisor::stop`] waits for it.
    pub fn spawn_with<Fut>(&self, name: &'static str, task: impl FnOnce(CancellationToken) -> Fut)
    where
        Fut: Future<Output = ()> + Send + 'static,
    {
        if self.cancel.is_cancelled() {
            tracing::debug!(task = name, "not started: shutting down");
            return;
        }
        let run = task(self.cancel.clone());
        self.tracker.spawn(async move {
            run.await;
            tracing::debug!(task = name, "task finished");
        });
    }

    /// Runs `work` now and then every `period` (missed ticks skipped) until the supervisor stops.
    /// A run in progress is cancelled at its next await when the supervisor stops.
    pub fn every<F, Fut>(&self, name: &'static str, period: Duration, mut work: F)
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send,
    {
        self.spawn(name, async move {
            let mut tick = tokio::time::interval(period);
            tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
            loop {
                tick.tick().await;
                work().await;
            }
        });
    }

    /// Cancels every task and waits up to `within` for them to end. Returns whether they all did.
    /// Whether [`Supervisor::stop`] was called: long work checks it between steps.
    pub fn stopping(&self) -> CancellationToken {
        self.cancel.clone()
    }

    pub async fn stop(&self, within: Duration) -> bool {
        self.cancel.cancel();
        self.tracker.close();
        let ended = tokio::time::timeout(within, self.tracker.wait())
            .await
            .is_ok();
        if !ended {
            tracing::warn!(
                left = self.tracker.len(),
                "background tasks still running after shutdown"
            );
        }
        ended
    }

    /// Tasks still running.
    pub fn running(&self) -> usize {
        self.tracker.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    #[tokio::test(start_paused = true)]
    async fn every_runs_at_once_then_on_each_period_and_stops_when_told() {
        let sup = Supervisor::default();
        let runs = Arc::new(AtomicU32::new(0));
        let counted = Arc::clone(&runs);
        sup.every("count", Duration::from_secs(60), move || {
            let counted = Arc::clone(&counted);
            async move {
                counted.fetch_add(1, Ordering::SeqCst);
            }
        });
        tokio::time::sleep(Duration::from_secs(150)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 3, "at 0, 60 and 120 s");
        assert!(sup.stop(Duration::from_secs(1)).await);
        assert_eq!(sup.running(), 0);
        tokio::time::sleep(Duration::from_secs(600)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 3, "nothing runs after stop");
    }

    #[tokio::test(start_paused = true)]
    async fn a_tracked_future_on_another_spawner_is_stopped_and_waited_for() {
        let sup = Supervisor::default();
        let ended = Arc::new(AtomicU32::new(0));
        let e = Arc::clone(&ended);
        // As the window process does: spawned by another runtime's spawn, owned here.
        drop(tokio::spawn(sup.track("forever elsewhere", async move {
            std::future::pending::<()>().await;
            e.fetch_add(1, Ordering::SeqCst);
        })));
        tokio::task::yield_now().await;
        assert_eq!(sup.running(), 1, "tracked while it runs");
        assert!(
            sup.stop(Duration::from_secs(1)).await,
            "stop cancels it and waits"
        );
        assert_eq!(sup.running(), 0);
        assert_eq!(
            ended.load(Ordering::SeqCst),
            0,
            "cancelled, not run to its end"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn stop_cancels_a_task_blocked_in_an_await_and_refuses_new_ones() {
        let sup = Supervisor::default();
        sup.spawn("forever", std::future::pending());
        assert_eq!(sup.running(), 1);
        assert!(sup.stop(Duration::from_secs(1)).await);
        let ran = Arc::new(AtomicU32::new(0));
        let r = Arc::clone(&ran);
        sup.spawn("late", async move {
            r.fetch_add(1, Ordering::SeqCst);
        });
        tokio::task::yield_now().await;
        assert_eq!(ran.load(Ordering::SeqCst), 0);
        assert_eq!(sup.running(), 0);
    }
}
