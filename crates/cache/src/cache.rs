//! The two layers together: memory first, then disk (a disk hit is promoted to memory), with
//! invalidation, accounting and single-flight.
//!
//! # Single-flight
//! [`Cache::get_or_fetch`] keeps one in-flight marker per key (a `watch` channel in a short
//! `std` mutex). The first caller of a missing key leads: it checks disk, else calls `fetch`,
//! stores the answer and publishes it; concurrent callers of the same key wait and get that
//! answer as [`Source::Shared`]. **Errors are not shared and never cached**: when the leader's
//! fetch fails (or the leader is cancelled), its marker is removed and each waiter retries —
//! one becomes the new leader, so a failing upstream sees one call at a time, not a stampede,
//! and every caller gets its own error or answer.
//!
//! # Blocking
//! [`Cache::get`], [`Cache::put`], the `clear_*` methods and [`Cache::stats`] touch SQLite and
//! block: async callers run them in `spawn_blocking`. [`Cache::get_or_fetch`] already does.
//!
//! Invariants: no lock is held across an `.await`; the stored TTL of an entry is the same in
//! both layers; only what `fetch` returned `Ok` (a complete reply) is ever stored.

use crate::disk::DiskCache;
use crate::entry::CachedAnswer;
use crate::key::CacheKey;
use crate::memory::{MemoryCache, MemoryConfig};
use crate::stats::{Accounting, CacheStats, Event};
use crate::CacheError;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::sync::watch;

/// The wall clock, in Unix milliseconds; injected so TTL tests are deterministic.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// Where an answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// From memory or disk.
    Hit,
    /// From this caller's own upstream call (now stored).
    Miss,
    /// From a concurrent identical request's upstream call.
    Shared,
}

/// Cache tuning.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CacheConfig {
    /// Memory bounds and the TTL of new entries (used for the disk rows too).
    pub memory: MemoryConfig,
}

type Flight = watch::Receiver<Option<Arc<CachedAnswer>>>;

struct Inner {
    memory: Mutex<MemoryCache>,
    disk: Option<Arc<DiskCache>>,
    clock: Clock,
    flights: Mutex<HashMap<CacheKey, Flight>>,
    accounting: Mutex<Accounting>,
}

/// The response cache. Cheap to clone (shared state).
#[derive(Clone)]
pub struct Cache {
    inner: Arc<Inner>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Cache {
    /// A cache over an optional persistent layer.
    pub fn new(config: CacheConfig, disk: Option<DiskCache>, clock: Clock) -> Cache {
        Cache {
            inner: Arc::new(Inner {
                memory: Mutex::new(MemoryCache::new(config.memory)),
                disk: disk.map(Arc::new),
                clock,
                flights: Mutex::new(HashMap::new()),
                accounting: Mutex::new(Accounting::default()),
            }),
        }
    }

    fn now(&self) -> i64 {
        (self.inner.clock)()
    }

    fn ttl(&self) -> Duration {
        lock(&self.inner.memory).config().ttl
    }

    fn record(&self, route: &str, event: Event, answer: Option<&CachedAnswer>) {
        let cost = answer.and_then(|a| a.cost_usd);
        lock(&self.inner.accounting).record(route, event, cost);
    }

    fn disk_error(&self) {
        lock(&self.inner.accounting).disk_errors += 1;
    }

    /// Memory only; no accounting. Never blocks on I/O.
    pub fn peek_memory(&self, key: &CacheKey) -> Option<Arc<CachedAnswer>> {
        lock(&self.inner.memory).get(key, self.now())
    }

    /// Disk only (blocking); a hit is promoted to memory. Disk failures are counted, a miss.
    fn disk_lookup(&self, key: &CacheKey) -> Option<Arc<CachedAnswer>> {
        let disk = self.inner.disk.as_ref()?;
        let now = self.now();
        match disk.get(key, now) {
            Ok(Some((answer, bytes))) => {
                let answer = Arc::new(answer);
                let ttl = self.ttl();
                lock(&self.inner.memory).insert(*key, Arc::clone(&answer), bytes, now, Some(ttl));
                Some(answer)
            }
            Ok(None) => None,
            Err(_) => {
                self.disk_error();
                None
            }
        }
    }

    /// Looks `key` up in memory, then on disk, counting a hit or a miss for `route`. Blocking.
    pub fn get(&self, route: &str, key: &CacheKey) -> Option<Arc<CachedAnswer>> {
        let found = self.peek_memory(key).or_else(|| self.disk_lookup(key));
        match &found {
            Some(a) => self.record(route, Event::Hit { shared: false }, Some(a)),
            None => self.record(route, Event::Miss, None),
        }
        found
    }

    /// Stores a complete answer in both layers. Blocking. A disk failure is returned after the
    /// memory layer was updated.
    pub fn put(
        &self,
        key: &CacheKey,
        answer: CachedAnswer,
    ) -> Result<Arc<CachedAnswer>, CacheError> {
        let answer = Arc::new(answer);
        self.store(key, Arc::clone(&answer)).map(|()| answer)
    }

    fn store(&self, key: &CacheKey, answer: Arc<CachedAnswer>) -> Result<(), CacheError> {
        let now = self.now();
        let ttl = self.ttl();
        let (bytes, result) = match &self.inner.disk {
            Some(disk) => match disk.put(key, &answer, now, ttl) {
                Ok(Some(n)) => (n, Ok(())),
                Ok(None) => (answer.encode().len(), Ok(())),
                Err(e) => (answer.encode().len(), Err(e)),
            },
            None => (answer.encode().len(), Ok(())),
        };
        lock(&self.inner.memory).insert(*key, answer, bytes, now, Some(ttl));
        result
    }

    /// Drops everything, in both layers. Blocking.
    pub fn clear(&self) -> Result<usize, CacheError> {
        self.invalidate(|_| true, |d| d.clear())
    }

    /// Drops answers stored before `cutoff_ms`. Blocking.
    pub fn clear_older_than(&self, cutoff_ms: i64) -> Result<usize, CacheError> {
        self.invalidate(
            |a| a.stored_at_unix_ms < cutoff_ms,
            |d| d.clear_older_than(cutoff_ms),
        )
    }

    /// Drops answers of `route`. Blocking.
    pub fn clear_route(&self, route: &str) -> Result<usize, CacheError> {
        self.invalidate(|a| a.route == route, |d| d.clear_route(route))
    }

    /// Drops answers from `model`. Blocking.
    pub fn clear_model(&self, model: &str) -> Result<usize, CacheError> {
        self.invalidate(|a| a.model == model, |d| d.clear_model(model))
    }

    /// Drops answers from `backend`. Blocking.
    pub fn clear_backend(&self, backend: &str) -> Result<usize, CacheError> {
        self.invalidate(|a| a.backend == backend, |d| d.clear_backend(backend))
    }

    /// Memory first (always), then disk; returns the larger count (a row may be in both).
    fn invalidate(
        &self,
        in_memory: impl FnMut(&CachedAnswer) -> bool,
        on_disk: impl FnOnce(&DiskCache) -> Result<usize, CacheError>,
    ) -> Result<usize, CacheError> {
        let n = lock(&self.inner.memory).remove_where(in_memory);
        match &self.inner.disk {
            Some(disk) => Ok(n.max(on_disk(disk)?)),
            None => Ok(n),
        }
    }

    /// Counters per route and overall, with what each layer holds. Blocking (reads disk).
    pub fn stats(&self) -> Result<CacheStats, CacheError> {
        let (memory_entries, memory_bytes, memory_usage) = {
            let m = lock(&self.inner.memory);
            (m.len() as u64, m.bytes() as u64, m.usage_by_route())
        };
        let (usage, corrupt_dropped) = match &self.inner.disk {
            Some(disk) => {
                let d = disk.stats()?;
                (d.routes, d.corrupt_dropped)
            }
            None => (memory_usage, 0),
        };
        let acc = lock(&self.inner.accounting);
        let (overall, routes) = acc.snapshot(&usage);
        Ok(CacheStats {
            overall,
            routes,
            memory_entries,
            memory_bytes,
            corrupt_dropped,
            disk_errors: acc.disk_errors,
        })
    }

    /// Single-flight lookup: a hit, or one shared upstream call per key (see the module docs).
    /// `route` is for accounting. `fetch` must return only complete replies as `Ok`.
    pub async fn get_or_fetch<F, Fut, E>(
        &self,
        route: &str,
        key: CacheKey,
        fetch: F,
    ) -> Result<(Arc<CachedAnswer>, Source), E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<CachedAnswer, E>>,
    {
        let leader = loop {
            if let Some(a) = self.peek_memory(&key) {
                self.record(route, Event::Hit { shared: false }, Some(&a));
                return Ok((a, Source::Hit));
            }
            let mut rx = {
                let mut flights = lock(&self.inner.flights);
                match flights.get(&key) {
                    Some(rx) => rx.clone(),
                    None => {
                        let (tx, rx) = watch::channel(None);
                        flights.insert(key, rx);
                        break FlightGuard {
                            cache: self,
                            key,
                            tx,
                        };
                    }
                }
            };
            let shared = rx
                .wait_for(Option::is_some)
                .await
                .ok()
                .and_then(|v| v.clone());
            if let Some(a) = shared {
                self.record(route, Event::Hit { shared: true }, Some(&a));
                return Ok((a, Source::Shared));
            }
            // The leader failed or was cancelled: its marker is gone; try again.
        };
        if let Some(a) = self.peek_memory(&key) {
            leader.publish(&a);
            self.record(route, Event::Hit { shared: false }, Some(&a));
            return Ok((a, Source::Hit));
        }
        if self.inner.disk.is_some() {
            let this = self.clone();
            let found = tokio::task::spawn_blocking(move || this.disk_lookup(&key))
                .await
                .unwrap_or_else(|_| {
                    self.disk_error();
                    None
                });
            if let Some(a) = found {
                leader.publish(&a);
                self.record(route, Event::Hit { shared: false }, Some(&a));
                return Ok((a, Source::Hit));
            }
        }
        let answer = Arc::new(fetch().await?);
        let (this, stored) = (self.clone(), Arc::clone(&answer));
        let ok = matches!(
            tokio::task::spawn_blocking(move || this.store(&key, stored)).await,
            Ok(Ok(()))
        );
        if !ok {
            self.disk_error();
        }
        leader.publish(&answer);
        self.record(route, Event::Miss, None);
        Ok((answer, Source::Miss))
    }
}

/// The leader's marker: publishing sends the answer; dropping removes the marker first and then
/// closes the channel, so waiters that wake up retry against a clean map.
struct FlightGuard<'a> {
    cache: &'a Cache,
    key: CacheKey,
    tx: watch::Sender<Option<Arc<CachedAnswer>>>,
}

impl FlightGuard<'_> {
    fn publish(&self, answer: &Arc<CachedAnswer>) {
        self.tx.send_replace(Some(Arc::clone(answer)));
    }
}

impl Drop for FlightGuard<'_> {
    fn drop(&mut self) {
        lock(&self.cache.inner.flights).remove(&self.key);
    }
}

#[cfg(test)]
#[path = "cache_tests.rs"]
mod tests;
