//! A sliding window of two counters, kept as a fixed ring of time buckets (used by the retry
//! budget and the circuit breaker).
//!
//! Invariants: memory is `slots.len()` buckets regardless of traffic; a count stays in the
//! window for between `(len - 1) × slot_len` and `len × slot_len` after it was added (bucket
//! granularity). Time is passed in; the first `now` seen becomes the ring's origin. Instants
//! slightly out of order (callers racing for a lock) are tolerated: they land in the newest
//! bucket instead of wiping it.

use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Slot {
    /// Bucket number since the origin; `None` = never used.
    epoch: Option<u64>,
    a: u64,
    b: u64,
}

/// Two counters (`a`, `b`) summed over the last `len` buckets of `slot_len` each.
#[derive(Debug, Clone)]
pub(crate) struct BucketRing {
    slot_len: Duration,
    origin: Option<Instant>,
    slots: Vec<Slot>,
}

impl BucketRing {
    /// A ring of `len` (at least 1) buckets of `slot_len` (at least 1 ms) each.
    pub(crate) fn new(slot_len: Duration, len: usize) -> Self {
        Self {
            slot_len: slot_len.max(Duration::from_millis(1)),
            origin: None,
            slots: vec![Slot::default(); len.max(1)],
        }
    }

    /// Number of buckets (fixed at construction).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.slots.len()
    }

    fn epoch(&self, origin: Instant, now: Instant) -> u64 {
        let n = now.saturating_duration_since(origin).as_nanos() / self.slot_len.as_nanos();
        u64::try_from(n).unwrap_or(u64::MAX)
    }

    /// Adds `a` and `b` to the bucket covering `now`.
    pub(crate) fn add(&mut self, now: Instant, a: u64, b: u64) {
        let origin = *self.origin.get_or_insert(now);
        let epoch = self.epoch(origin, now);
        let len = self.slots.len() as u64;
        let slot = &mut self.slots[(epoch % len) as usize];
        match slot.epoch {
            Some(e) if e >= epoch => {}
            _ => {
                *slot = Slot {
                    epoch: Some(epoch),
                    a: 0,
                    b: 0,
                }
            }
        }
        slot.a = slot.a.saturating_add(a);
        slot.b = slot.b.saturating_add(b);
    }

    /// Sums of `a` and `b` over the buckets still inside the window at `now`.
    pub(crate) fn totals(&self, now: Instant) -> (u64, u64) {
        let Some(origin) = self.origin else {
            return (0, 0);
        };
        let current = self.epoch(origin, now);
        let len = self.slots.len() as u64;
        self.slots
            .iter()
            .filter(|s| s.epoch.is_some_and(|e| e.saturating_add(len) > current))
            .fold((0, 0), |(a, b), s| {
                (a.saturating_add(s.a), b.saturating_add(s.b))
            })
    }

    /// Forgets every count (the origin is kept).
    pub(crate) fn clear(&mut self) {
        self.slots.fill(Slot::default());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_expire_after_the_window() {
        let t0 = Instant::now();
        let mut ring = BucketRing::new(Duration::from_secs(1), 10);
        ring.add(t0, 3, 1);
        assert_eq!(
            ring.totals(t0 + Duration::from_millis(9_999)),
            (3, 1),
            "still inside"
        );
        assert_eq!(
            ring.totals(t0 + Duration::from_secs(10)),
            (0, 0),
            "10 buckets later: gone"
        );
    }

    #[test]
    fn reused_bucket_starts_from_zero() {
        let t0 = Instant::now();
        let mut ring = BucketRing::new(Duration::from_secs(1), 2);
        ring.add(t0, 5, 5);
        ring.add(t0 + Duration::from_secs(2), 1, 0);
        assert_eq!(
            ring.totals(t0 + Duration::from_secs(2)),
            (1, 0),
            "old counts wiped"
        );
    }

    #[test]
    fn slightly_late_instant_joins_the_newest_bucket() {
        let t0 = Instant::now();
        let mut ring = BucketRing::new(Duration::from_secs(1), 3);
        ring.add(t0, 0, 0);
        ring.add(t0 + Duration::from_secs(4), 1, 0);
        ring.add(t0 + Duration::from_secs(1), 1, 0);
        assert_eq!(
            ring.totals(t0 + Duration::from_secs(4)),
            (2, 0),
            "nothing is lost"
        );
    }

    #[test]
    fn memory_stays_fixed_under_long_traffic() {
        let t0 = Instant::now();
        let mut ring = BucketRing::new(Duration::from_secs(1), 10);
        for s in 0..10_000 {
            ring.add(t0 + Duration::from_secs(s), 1, 0);
        }
        assert_eq!(ring.len(), 10, "bounded memory");
        assert_eq!(
            ring.totals(t0 + Duration::from_secs(9_999)).0,
            10,
            "one per live second"
        );
    }
}
