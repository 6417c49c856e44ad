//! Cache accounting: hits, misses, shared (single-flight) answers and saved USD, per route and
//! overall, plus what each layer holds.
//!
//! Pure counters. Invariant: `overall` is always the sum of `routes` for the event counters;
//! a shared answer counts as a hit (it saved an upstream call) and also in `shared`.

use std::collections::BTreeMap;

/// Counters for one route (or all of them).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RouteStats {
    /// Answers served without an upstream call (shared ones included).
    pub hits: u64,
    /// Lookups that went upstream.
    pub misses: u64,
    /// Hits that waited on a concurrent identical request (single-flight).
    pub shared: u64,
    /// Sum of the original cost of every hit.
    pub saved_usd: f64,
    /// Stored entries (the persistent layer when there is one, else memory).
    pub entries: u64,
    /// Bytes of those entries.
    pub bytes: u64,
}

impl RouteStats {
    /// `hits / (hits + misses)`, 0 when nothing was looked up.
    pub fn hit_rate(&self) -> f64 {
        let total = self.hits + self.misses;
        if total == 0 {
            0.0
        } else {
            self.hits as f64 / total as f64
        }
    }
}

/// A snapshot of the whole cache.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CacheStats {
    /// All routes together.
    pub overall: RouteStats,
    /// Per resolved route.
    pub routes: BTreeMap<String, RouteStats>,
    /// Entries in the memory layer.
    pub memory_entries: u64,
    /// Bytes in the memory layer.
    pub memory_bytes: u64,
    /// Rows dropped from the persistent layer because they failed to decode.
    pub corrupt_dropped: u64,
    /// Persistent-layer failures absorbed as misses or skipped writes.
    pub disk_errors: u64,
}

/// What a lookup ended as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event {
    Hit { shared: bool },
    Miss,
}

/// The event counters.
#[derive(Debug, Default)]
pub(crate) struct Accounting {
    pub(crate) routes: BTreeMap<String, RouteStats>,
    pub(crate) disk_errors: u64,
}

impl Accounting {
    pub(crate) fn record(&mut self, route: &str, event: Event, cost_usd: Option<f64>) {
        let stats = match self.routes.get_mut(route) {
            Some(s) => s,
            None => self.routes.entry(route.to_owned()).or_default(),
        };
        match event {
            Event::Hit { shared } => {
                stats.hits += 1;
                stats.shared += u64::from(shared);
                stats.saved_usd += cost_usd
                    .filter(|c| c.is_finite() && *c > 0.0)
                    .unwrap_or(0.0);
            }
            Event::Miss => stats.misses += 1,
        }
    }

    /// Per-route counters with `(entries, bytes)` per route filled in, and their sum.
    pub(crate) fn snapshot(
        &self,
        usage: &BTreeMap<String, (u64, u64)>,
    ) -> (RouteStats, BTreeMap<String, RouteStats>) {
        let mut routes = self.routes.clone();
        for (route, &(n, b)) in usage {
            let s = routes.entry(route.clone()).or_default();
            s.entries = n;
            s.bytes = b;
        }
        let mut overall = RouteStats::default();
        for s in routes.values() {
            overall.hits += s.hits;
            overall.misses += s.misses;
            overall.shared += s.shared;
            overall.saved_usd += s.saved_usd;
            overall.entries += s.entries;
            overall.bytes += s.bytes;
        }
        (overall, routes)
    }
}
