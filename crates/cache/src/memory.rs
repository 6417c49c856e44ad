//! The in-memory layer: an LRU map bounded by entry count and by bytes, with a TTL per entry.
//!
//! Pure: no clock reads, no locks, no I/O — every call takes `now_ms` (Unix milliseconds), so TTL
//! behaviour is tested with plain numbers. [`crate::Cache`] wraps it in a short `std` mutex.
//!
//! Invariants: after every call, `len() <= max_entries` and `bytes() <= max_bytes`; an entry is
//! never returned at or after its `expires_at`; an answer larger than `max_bytes` is not stored.
//! Recency is a monotonically increasing tick per touch; the smallest tick is evicted first.

use crate::entry::CachedAnswer;
use crate::key::CacheKey;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;
use std::time::Duration;

/// Default entry bound.
pub const DEFAULT_MAX_ENTRIES: usize = 2000;
/// Default byte bound (of encoded answers).
pub const DEFAULT_MAX_BYTES: usize = 64 * 1024 * 1024;
/// Default time to live.
pub const DEFAULT_TTL: Duration = Duration::from_secs(600);

/// Bounds of the in-memory layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryConfig {
    /// Most entries kept. Default 2000.
    pub max_entries: usize,
    /// Most bytes kept (sum of encoded answer sizes). Default 64 MiB.
    pub max_bytes: usize,
    /// Time to live of an entry inserted without its own TTL. Default 600 s.
    pub ttl: Duration,
}

impl Default for MemoryConfig {
    fn default() -> Self {
        MemoryConfig {
            max_entries: DEFAULT_MAX_ENTRIES,
            max_bytes: DEFAULT_MAX_BYTES,
            ttl: DEFAULT_TTL,
        }
    }
}

/// Keys are already SHA-256 digests: their first 8 bytes are a perfectly good hash.
#[derive(Default)]
pub(crate) struct DigestHasher(u64);

impl Hasher for DigestHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes.iter().take(8) {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
}

type KeyMap<V> = HashMap<CacheKey, V, BuildHasherDefault<DigestHasher>>;

struct Slot {
    answer: Arc<CachedAnswer>,
    bytes: usize,
    expires_at: i64,
    tick: u64,
}

/// The in-memory LRU + TTL layer.
pub struct MemoryCache {
    config: MemoryConfig,
    map: KeyMap<Slot>,
    order: BTreeMap<u64, CacheKey>,
    tick: u64,
    bytes: usize,
}

impl MemoryCache {
    /// An empty layer with these bounds.
    pub fn new(config: MemoryConfig) -> Self {
        MemoryCache {
            config,
            map: KeyMap::default(),
            order: BTreeMap::new(),
            tick: 0,
            bytes: 0,
        }
    }

    /// The bounds.
    pub fn config(&self) -> &MemoryConfig {
        &self.config
    }

    /// Changes the TTL of entries inserted from now on (stored entries keep theirs).
    pub fn set_ttl(&mut self, ttl: Duration) {
        self.config.ttl = ttl;
    }

    /// The live answer for `key`, marking it most recently used; an expired one is dropped.
    pub fn get(&mut self, key: &CacheKey, now_ms: i64) -> Option<Arc<CachedAnswer>> {
        let expired = self.map.get(key)?.expires_at <= now_ms;
        if expired {
            self.remove(key);
            return None;
        }
        self.tick += 1;
        let tick = self.tick;
        let slot = self.map.get_mut(key)?;
        self.order.remove(&slot.tick);
        slot.tick = tick;
        self.order.insert(tick, *key);
        Some(Arc::clone(&slot.answer))
    }

    /// Stores `answer` (whose encoded size is `bytes`) for `ttl` (the configured TTL when
    /// `None`), evicting least recently used entries to stay within bounds. Returns whether it
    /// was stored (an answer over `max_bytes` or a zero TTL is not).
    pub fn insert(
        &mut self,
        key: CacheKey,
        answer: Arc<CachedAnswer>,
        bytes: usize,
        now_ms: i64,
        ttl: Option<Duration>,
    ) -> bool {
        self.remove(&key);
        let ttl = ttl.unwrap_or(self.config.ttl);
        let ttl_ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX);
        if bytes > self.config.max_bytes || self.config.max_entries == 0 || ttl_ms == 0 {
            return false;
        }
        while self.map.len() + 1 > self.config.max_entries
            || self.bytes + bytes > self.config.max_bytes
        {
            if !self.evict_one() {
                break;
            }
        }
        self.tick += 1;
        self.order.insert(self.tick, key);
        self.bytes += bytes;
        self.map.insert(
            key,
            Slot {
                answer,
                bytes,
                expires_at: now_ms.saturating_add(ttl_ms),
                tick: self.tick,
            },
        );
        true
    }

    /// Drops `key`; returns whether it was present.
    pub fn remove(&mut self, key: &CacheKey) -> bool {
        match self.map.remove(key) {
            Some(slot) => {
                self.order.remove(&slot.tick);
                self.bytes -= slot.bytes;
                true
            }
            None => false,
        }
    }

    /// Drops every entry for which `drop` is true; returns how many.
    pub fn remove_where(&mut self, mut drop: impl FnMut(&CachedAnswer) -> bool) -> usize {
        let doomed: Vec<CacheKey> = self
            .map
            .iter()
            .filter(|(_, s)| drop(&s.answer))
            .map(|(k, _)| *k)
            .collect();
        for k in &doomed {
            self.remove(k);
        }
        doomed.len()
    }

    /// Drops every expired entry; returns how many.
    pub fn purge_expired(&mut self, now_ms: i64) -> usize {
        let doomed: Vec<CacheKey> = self
            .map
            .iter()
            .filter(|(_, s)| s.expires_at <= now_ms)
            .map(|(k, _)| *k)
            .collect();
        for k in &doomed {
            self.remove(k);
        }
        doomed.len()
    }

    /// Drops everything.
    pub fn clear(&mut self) {
        self.map.clear();
        self.order.clear();
        self.bytes = 0;
    }

    /// Entries held (expired ones included until touched or purged).
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// `(entries, bytes)` per route.
    pub fn usage_by_route(&self) -> BTreeMap<String, (u64, u64)> {
        let mut out: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for slot in self.map.values() {
            let e = out.entry(slot.answer.route.clone()).or_default();
            e.0 += 1;
            e.1 += slot.bytes as u64;
        }
        out
    }

    fn evict_one(&mut self) -> bool {
        match self.order.pop_first() {
            Some((_, key)) => {
                if let Some(slot) = self.map.remove(&key) {
                    self.bytes -= slot.bytes;
                }
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
#[path = "memory_tests.rs"]
mod tests;
