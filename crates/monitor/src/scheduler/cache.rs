//! The latest sample per target, readable only while fresh.
//!
//! Invariants: at most one entry per target (the newest); an entry is fresh while
//! `now - sample.at < ttl` on tokio's clock (so paused-time tests can expire it); stale entries
//! are kept until replaced or their target is removed, which bounds memory by the target count.
//! A hand-written map rather than moka/quick_cache because those read the real clock.

use crate::sample::{ProbeSample, TargetId};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

pub(super) struct TtlCache {
    ttl: Duration,
    entries: Mutex<HashMap<TargetId, ProbeSample>>,
}

impl TtlCache {
    pub(super) fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The newest sample for `id` if it is younger than the TTL.
    pub(super) fn fresh(&self, id: &TargetId) -> Option<ProbeSample> {
        let now = Instant::now();
        self.lock()
            .get(id)
            .filter(|s| now.saturating_duration_since(s.at) < self.ttl)
            .cloned()
    }

    /// Keeps `sample` unless a newer one for its target is already there. Refuses (returns
    /// false) once `live` is cancelled: the remover cancels before it removes, and this check
    /// happens under the same lock as the removal, so no sample outlives its target.
    pub(super) fn put_unless_cancelled(
        &self,
        sample: ProbeSample,
        live: &CancellationToken,
    ) -> bool {
        let mut entries = self.lock();
        if live.is_cancelled() {
            return false;
        }
        match entries.get(&sample.target) {
            Some(old) if old.at > sample.at => {}
            _ => {
                entries.insert(sample.target.clone(), sample);
            }
        }
        true
    }

    pub(super) fn remove(&self, id: &TargetId) {
        self.lock().remove(id);
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<TargetId, ProbeSample>> {
        // A panic while holding this lock cannot leave the map half-updated (single inserts).
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
