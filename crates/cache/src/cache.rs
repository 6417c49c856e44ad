//! The two layers together: memory first, then disk (a disk hit is promoted to memory), with
//! invalidation and accounting. Single-flight lookups are in [`crate::flight`].
//!
//! # Blocking
//! [`Cache::get`], [`Cache::put`], the `clear_*` methods, [`Cache::purge_expired`] and
//! [`Cache::stats`] touch SQLite and block: async callers run them in `spawn_blocking`.
//!
//! Invariants: no lock is held across an `.await`; the stored TTL of an entry is the same in
//! both layers; only complete replies are ever stored.

use crate::disk::DiskCache;
use crate::entry::CachedAnswer;
use crate::key::CacheKey;
use crate::memory::{MemoryCache, MemoryConfig};
use crate::stats::{Accounting, CacheStats, Event};
use crate::CacheError;
use std::collections::HashMap;
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

pub(crate) type Flight = watch::Receiver<Option<Arc<CachedAnswer>>>;

pub(crate) struct Inner {
    pub(crate) memory: Mutex<MemoryCache>,
    pub(crate) disk: Option<Arc<DiskCache>>,
    clock: Clock,
    pub(crate) flights: Mutex<HashMap<CacheKey, Flight>>,
    accounting: Mutex<Accounting>,
    /// The queue of the thread making background disk writes, once started (see `writer`).
    pub(crate) writer: Mutex<Option<std::sync::mpsc::Sender<Job>>>,
    /// A tier shared with other processes, if one was added (see `remote`).
    pub(crate) remote: Mutex<Option<Arc<dyn crate::tier::RemoteTier>>>,
}

/// The response cache. Cheap to clone (shared state).
#[derive(Clone)]
pub struct Cache {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
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
                writer: Mutex::new(None),
                remote: Mutex::new(None),
            }),
        }
    }

    pub(crate) fn now(&self) -> i64 {
        (self.inner.clock)()
    }

    /// The default TTL of new entries.
    pub fn default_ttl(&self) -> Duration {
        lock(&self.inner.memory).config().ttl
    }

    /// Changes the default TTL of new entries (stored entries keep theirs).
    pub fn set_default_ttl(&self, ttl: Duration) {
        lock(&self.inner.memory).set_ttl(ttl);
    }

    /// The persistent layer's byte cap, if there is one.
    pub fn disk_cap_bytes(&self) -> Option<u64> {
        self.inner.disk.as_ref().map(|d| d.max_bytes())
    }

    pub(crate) fn record(&self, route: &str, event: Event, answer: Option<&CachedAnswer>) {
        let cost = answer.and_then(|a| a.cost_usd);
        lock(&self.inner.accounting).record(route, event, cost);
    }

    pub(crate) fn disk_error(&self) {
        lock(&self.inner.accounting).disk_errors += 1;
    }

    /// Memory only; no accounting. Never blocks on I/O.
    pub fn peek_memory(&self, key: &CacheKey) -> Option<Arc<CachedAnswer>> {
        lock(&self.inner.memory).get(key, self.now())
    }

    /// [`Cache::peek_memory`] for a request that already looked once (not counted again for
    /// admission).
    pub(crate) fn peek_memory_again(&self, key: &CacheKey) -> Option<Arc<CachedAnswer>> {
        lock(&self.inner.memory).get_again(key, self.now())
    }

    /// Disk only (blocking); a hit is promoted to memory. Disk failures are counted, a miss.
    pub(crate) fn disk_lookup(&self, key: &CacheKey) -> Option<Arc<CachedAnswer>> {
        let disk = self.inner.disk.as_ref()?;
        let now = self.now();
        match disk.get_with_expiry(key, now) {
            Ok(Some((answer, bytes, expires_at))) => {
                let answer = Arc::new(answer);
                // The memory copy expires when the row does (a per-route TTL survives restarts).
                let left = u64::try_from(expires_at.saturating_sub(now)).unwrap_or(0);
                let ttl = Duration::from_millis(left);
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

    /// Stores a complete answer in both layers for the default TTL. Blocking. A disk failure
    /// is returned after the memory layer was updated.
    pub fn put(
        &self,
        key: &CacheKey,
        answer: CachedAnswer,
    ) -> Result<Arc<CachedAnswer>, CacheError> {
        let answer = Arc::new(answer);
        self.remember(key, Arc::clone(&answer), None);
        self.persist(key, &answer, None).map(|()| answer)
    }

    /// The memory half of a store (never blocks on I/O); `ttl` `None` is the default.
    pub(crate) fn remember(
        &self,
        key: &CacheKey,
        answer: Arc<CachedAnswer>,
        ttl: Option<Duration>,
    ) {
        let ttl = ttl.unwrap_or_else(|| self.default_ttl());
        let bytes = answer.encode().len();
        lock(&self.inner.memory).insert(*key, answer, bytes, self.now(), Some(ttl));
    }

    /// The disk half of a store. Blocking.
    pub(crate) fn persist(
        &self,
        key: &CacheKey,
        answer: &CachedAnswer,
        ttl: Option<Duration>,
    ) -> Result<(), CacheError> {
        let Some(disk) = &self.inner.disk else {
            return Ok(());
        };
        let ttl = ttl.unwrap_or_else(|| self.default_ttl());
        disk.put(key, answer, self.now(), ttl).map(|_| ())
    }

    /// Drops expired answers from both layers. Blocking.
    pub fn purge_expired(&self) -> Result<usize, CacheError> {
        let now = self.now();
        let n = lock(&self.inner.memory).purge_expired(now);
        match &self.inner.disk {
            Some(disk) => Ok(n.max(disk.purge_expired(now)?)),
            None => Ok(n),
        }
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
}

/// One piece of work for the writer thread.
pub(crate) enum Job {
    /// Store `answer` under `key`, as of `now_ms`, for `ttl`.
    Put {
        key: CacheKey,
        answer: Arc<CachedAnswer>,
        now_ms: i64,
        ttl: Duration,
    },
    /// Answer once every job before this one is done.
    Flush(std::sync::mpsc::Sender<()>),
}

#[cfg(test)]
#[path = "cache_tests.rs"]
mod tests;
