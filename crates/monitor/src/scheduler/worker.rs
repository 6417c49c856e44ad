//! One task per target: sleep until the next (jittered) start, or until the UI asks for a
//! refresh; probe within the timeout; cache, answer waiting refreshes, publish; repeat.
//!
//! Invariants: probes of one target never overlap (one loop, one probe at a time); starts are
//! spaced by `interval × (1 ± jitter)` measured start to start, and a probe that overruns its
//! gap is followed by a full gap rather than an immediate retry; refresh requests that arrive
//! while a probe is running are answered by the next probe, and all requests queued at that
//! moment share it; cancellation is checked at every `.await`, so a removed target or a shutdown
//! never publishes another sample. No lock is held across an `.await`.

use super::Shared;
use crate::sample::{Outcome, ProbeReport, ProbeSample, ProbeTarget};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{sleep_until, Instant};
use tokio_util::sync::CancellationToken;

/// Where a refresh request wants its sample.
pub(super) type Reply = oneshot::Sender<ProbeSample>;

/// The channels a worker listens on.
pub(super) struct WorkerInputs {
    pub(super) target: watch::Receiver<ProbeTarget>,
    pub(super) refresh: mpsc::Receiver<Reply>,
    pub(super) cancel: CancellationToken,
    /// Delay before the warm-up probe (staggers targets added together).
    pub(super) first_delay: Duration,
    /// Where samples are published.
    pub(super) out: mpsc::Sender<ProbeSample>,
}

pub(super) async fn run(shared: Arc<Shared>, mut inputs: WorkerInputs) {
    let mut next = Instant::now() + inputs.first_delay;
    let mut waiting: Vec<Reply> = Vec::new();
    loop {
        tokio::select! {
            biased;
            () = inputs.cancel.cancelled() => return,
            Some(reply) = inputs.refresh.recv() => waiting.push(reply),
            () = sleep_until(next) => {}
        }
        while let Ok(reply) = inputs.refresh.try_recv() {
            waiting.push(reply);
        }
        let target = inputs.target.borrow_and_update().clone();
        let started = Instant::now();
        let sample = tokio::select! {
            biased;
            () = inputs.cancel.cancelled() => return,
            sample = probe_once(&shared, &target) => sample,
        };
        // Checked under the cache lock: a removed target's last probe never lands in the cache.
        if !shared
            .cache
            .put_unless_cancelled(sample.clone(), &inputs.cancel)
        {
            return;
        }
        for reply in waiting.drain(..) {
            // The caller may have given up waiting; that is fine.
            let _ = reply.send(sample.clone());
        }
        tokio::select! {
            biased;
            () = inputs.cancel.cancelled() => return,
            // A dropped receiver only means nobody listens; keep probing for the cache.
            _ = inputs.out.send(sample) => {}
        }
        let interval = inputs.target.borrow().interval;
        next = next_start(started, Instant::now(), shared.jittered(interval));
    }
}

/// The next start: one gap after this start, or one gap after now if the probe overran.
fn next_start(started: Instant, now: Instant, gap: Duration) -> Instant {
    let ideal = started + gap;
    if ideal > now {
        ideal
    } else {
        now + gap
    }
}

/// Runs one probe within the target's timeout and stamps the result.
async fn probe_once(shared: &Shared, target: &ProbeTarget) -> ProbeSample {
    let probe = shared.prober.probe(&target.id);
    let report = match tokio::time::timeout(target.timeout, probe).await {
        Ok(report) => report,
        Err(_) => ProbeReport::failed(
            Outcome::Timeout,
            format!(
                "no answer within {}",
                crate::fmt::secs(u64::try_from(target.timeout.as_millis()).unwrap_or(u64::MAX))
            ),
        ),
    };
    ProbeSample::from_report(target.id.clone(), Instant::now(), (shared.clock)(), report)
}
