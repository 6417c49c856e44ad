//! The persistent layer: one small SQLite file of its own (not the app database), capped in
//! bytes with least-recently-used eviction.
//!
//! Schema (`user_version` 2): `entries(id INTEGER PRIMARY KEY, key BLOB UNIQUE, bytes, route,
//! model, backend, stored_at, expires_at, value BLOB)`, and the recency of each row in a narrow
//! table of its own, `recency(id INTEGER PRIMARY KEY, last_used)` indexed on `last_used`, kept in
//! step by a delete trigger. A rowid table keeps a ~1 KiB answer on its leaf page (a `WITHOUT
//! ROWID` table of such rows spills them onto overflow pages and copies them into interior
//! pages: a 3× larger file and slower lookups), and the narrow recency table makes the batched
//! `last_used` writes touch a few dozen small pages instead of one big leaf per hit. A file with
//! another schema version is a cache, not data: its tables are dropped and recreated, never an
//! error.
//!
//! Invariants:
//! - After every [`DiskCache::put`], the sum of `bytes` is at most `max_bytes`; the least
//!   recently used rows go first, never the row just written.
//! - A row that fails to decode (flipped byte, truncation, unknown version) is a miss: it is
//!   deleted and counted in [`DiskStats::corrupt_dropped`]; an expired row is a miss and deleted.
//! - `last_used` is strictly increasing across uses (the wall clock, nudged forward on ties),
//!   so LRU order is exact even within one millisecond. A hit is a pure read: its `last_used`
//!   update is queued and written in one batch (before every eviction, every
//!   [`TOUCH_BATCH`] hits, and on drop), so eviction always sees exact recency. Queued updates
//!   name rows by id; ids are only handed out by [`DiskCache::put`], which writes the queue
//!   first, so a queued id never lands on a newer row.
//!
//! Every call is blocking SQLite I/O behind a short `std` mutex: async callers run it on the
//! blocking pool (`tokio::task::spawn_blocking`), as [`crate::Cache`] does.
//! [`DiskCache::get_many`] answers a batch under one lock and one read transaction.

use crate::entry::CachedAnswer;
use crate::key::CacheKey;
use crate::CacheError;
use batch::{
    flush_if_full, flush_touches, lookup, next_use, queue_touch, write_touches, Found, LOOKUP,
};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

const SCHEMA_VERSION: u32 = 2;
/// Queued `last_used` updates are written once this many rows are pending. A write dirties
/// most of the small recency table's pages whatever its size, so a larger batch costs less per
/// hit (256 → 1024 cut the mean 100-key batch by about a third in `cache-bench`); a crash loses
/// at most this many recency updates, never a row.
pub const TOUCH_BATCH: usize = 1024;
const SCHEMA: &str = "CREATE TABLE entries (
        id         INTEGER PRIMARY KEY,
        key        BLOB NOT NULL UNIQUE,
        bytes      INTEGER NOT NULL,
        route      TEXT NOT NULL,
        model      TEXT NOT NULL,
        backend    TEXT NOT NULL,
        stored_at  INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        value      BLOB NOT NULL
    ) STRICT;
    CREATE TABLE recency (
        id        INTEGER PRIMARY KEY,
        last_used INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX recency_lru ON recency (last_used);
    CREATE TRIGGER entries_forget AFTER DELETE ON entries BEGIN
        DELETE FROM recency WHERE id = old.id;
    END;";

/// What the persistent layer holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DiskStats {
    /// Rows.
    pub entries: u64,
    /// Sum of row sizes.
    pub bytes: u64,
    /// Rows dropped because they failed to decode, since open.
    pub corrupt_dropped: u64,
    /// Per route: (rows, bytes).
    pub routes: BTreeMap<String, (u64, u64)>,
}

struct Inner {
    conn: Connection,
    total_bytes: u64,
    last_used: i64,
    corrupt: u64,
    /// Row id → queued `last_used`; ordered, so a flush walks the recency table in order.
    pending: BTreeMap<i64, i64>,
}

/// The SQLite layer.
pub struct DiskCache {
    inner: Mutex<Inner>,
    max_bytes: u64,
}

impl DiskCache {
    /// Opens (creating if needed) the cache file at `path`, capped at `max_bytes`.
    pub fn open(path: &Path, max_bytes: u64) -> Result<DiskCache, CacheError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(CacheError::Io)?;
        }
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        Self::setup(conn, max_bytes)
    }

    /// A private in-memory database, for tests.
    pub fn open_in_memory(max_bytes: u64) -> Result<DiskCache, CacheError> {
        Self::setup(Connection::open_in_memory()?, max_bytes)
    }

    fn setup(conn: Connection, max_bytes: u64) -> Result<DiskCache, CacheError> {
        // A cache may lose its last commits on power loss; WAL + NORMAL never corrupts it.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "cache_size", -16_384)?;
        conn.pragma_update(None, "mmap_size", 256 * 1024 * 1024)?;
        conn.pragma_update(None, "journal_size_limit", 8 * 1024 * 1024)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let version: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version != SCHEMA_VERSION {
            conn.execute_batch(&format!(
                "BEGIN IMMEDIATE;
                 DROP TABLE IF EXISTS entries;
                 DROP TABLE IF EXISTS recency;
                 {SCHEMA}
                 PRAGMA user_version = {SCHEMA_VERSION};
                 COMMIT;"
            ))?;
            if version != 0 {
                // Best effort: hand the old rows' pages back to the file system.
                let _ = conn.execute_batch("VACUUM");
            }
        }
        let (total, last): (i64, i64) = conn.query_row(
            "SELECT (SELECT COALESCE(SUM(bytes), 0) FROM entries),
                    (SELECT COALESCE(MAX(last_used), 0) FROM recency)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let inner = Inner {
            conn,
            total_bytes: u64::try_from(total).unwrap_or(0),
            last_used: last,
            corrupt: 0,
            pending: BTreeMap::new(),
        };
        Ok(DiskCache {
            inner: Mutex::new(inner),
            max_bytes,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The byte cap.
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// The live answer for `key` and its size, marking it used; expired or corrupt rows are
    /// deleted and reported as a miss.
    pub fn get(
        &self,
        key: &CacheKey,
        now_ms: i64,
    ) -> Result<Option<(CachedAnswer, usize)>, CacheError> {
        Ok(self
            .get_with_expiry(key, now_ms)?
            .map(|(answer, bytes, _)| (answer, bytes)))
    }

    /// [`DiskCache::get`] plus the row's expiry (Unix ms), so a copy promoted to memory expires
    /// with it.
    pub fn get_with_expiry(
        &self,
        key: &CacheKey,
        now_ms: i64,
    ) -> Result<Option<(CachedAnswer, usize, i64)>, CacheError> {
        let mut g = self.lock();
        let found = lookup(&mut *g.conn.prepare_cached(LOOKUP)?, key, now_ms)?;
        match found {
            Found::Missing => Ok(None),
            Found::Expired(id) => {
                let freed = delete_row(&g.conn, id)?;
                g.total_bytes = g.total_bytes.saturating_sub(freed);
                Ok(None)
            }
            Found::Corrupt(id) => {
                let freed = delete_row(&g.conn, id)?;
                g.total_bytes = g.total_bytes.saturating_sub(freed);
                g.corrupt += 1;
                Ok(None)
            }
            Found::Hit(id, answer, bytes, expires_at) => {
                queue_touch(&mut g, id, now_ms);
                flush_if_full(&mut g)?;
                Ok(Some((answer, bytes, expires_at)))
            }
        }
    }

    /// Stores `answer` until `now_ms + ttl`, then evicts least recently used rows until the
    /// total is within the cap. Returns the stored size, or `None` when the answer alone is
    /// over the cap (nothing stored).
    pub fn put(
        &self,
        key: &CacheKey,
        answer: &CachedAnswer,
        now_ms: i64,
        ttl: Duration,
    ) -> Result<Option<usize>, CacheError> {
        let value = answer.encode();
        let size = value.len() as u64;
        if size > self.max_bytes {
            return Ok(None);
        }
        let ttl_ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX);
        let mut g = self.lock();
        // Queued recency goes first, in the same commit: eviction below must see it.
        let pending = std::mem::take(&mut g.pending);
        let used = next_use(&mut g, now_ms);
        let before = g.total_bytes;
        let tx = g.conn.transaction()?;
        write_touches(&tx, &pending)?;
        let old: Option<i64> = tx
            .prepare_cached("SELECT bytes FROM entries WHERE key = ?1")?
            .query_row([&key.0[..]], |r| r.get(0))
            .optional()?;
        let id: i64 = tx
            .prepare_cached(
                "INSERT INTO entries
                 (key, bytes, route, model, backend, stored_at, expires_at, value)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (key) DO UPDATE SET bytes = excluded.bytes,
                   route = excluded.route, model = excluded.model, backend = excluded.backend,
                   stored_at = excluded.stored_at, expires_at = excluded.expires_at,
                   value = excluded.value
                 RETURNING id",
            )?
            .query_row(
                params![
                    &key.0[..],
                    size as i64,
                    answer.route,
                    answer.model,
                    answer.backend,
                    answer.stored_at_unix_ms,
                    now_ms.saturating_add(ttl_ms),
                    value,
                ],
                |r| r.get(0),
            )?;
        tx.prepare_cached(
            "INSERT INTO recency (id, last_used) VALUES (?1, ?2)
             ON CONFLICT (id) DO UPDATE SET last_used = excluded.last_used",
        )?
        .execute(params![id, used])?;
        let old = old.and_then(|b| u64::try_from(b).ok()).unwrap_or(0);
        let mut total = before.saturating_sub(old) + size;
        while total > self.max_bytes {
            let victims: Vec<(i64, i64)> = tx
                .prepare_cached(
                    "SELECT e.id, e.bytes FROM recency r JOIN entries e ON e.id = r.id
                     WHERE r.id != ?1 ORDER BY r.last_used LIMIT 64",
                )?
                .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            if victims.is_empty() {
                break;
            }
            for (victim, b) in victims {
                if total <= self.max_bytes {
                    break;
                }
                tx.prepare_cached("DELETE FROM entries WHERE id = ?1")?
                    .execute([victim])?;
                total = total.saturating_sub(u64::try_from(b).unwrap_or(0));
            }
        }
        tx.commit()?;
        g.total_bytes = total;
        Ok(Some(value.len()))
    }

    /// Deletes everything; returns the rows removed.
    pub fn clear(&self) -> Result<usize, CacheError> {
        self.delete_where("1 = 1", rusqlite::params![])
    }

    /// Deletes rows stored before `cutoff_ms`.
    pub fn clear_older_than(&self, cutoff_ms: i64) -> Result<usize, CacheError> {
        self.delete_where("stored_at < ?1", params![cutoff_ms])
    }

    /// Deletes rows whose answer came from `model`.
    pub fn clear_model(&self, model: &str) -> Result<usize, CacheError> {
        self.delete_where("model = ?1", params![model])
    }

    /// Deletes rows whose answer came from `backend`.
    pub fn clear_backend(&self, backend: &str) -> Result<usize, CacheError> {
        self.delete_where("backend = ?1", params![backend])
    }

    /// Deletes rows of `route`.
    pub fn clear_route(&self, route: &str) -> Result<usize, CacheError> {
        self.delete_where("route = ?1", params![route])
    }

    /// Deletes expired rows.
    pub fn purge_expired(&self, now_ms: i64) -> Result<usize, CacheError> {
        self.delete_where("expires_at <= ?1", params![now_ms])
    }

    /// Rows, bytes and corrupt rows dropped, overall and per route.
    pub fn stats(&self) -> Result<DiskStats, CacheError> {
        let g = self.lock();
        let mut stats = DiskStats {
            corrupt_dropped: g.corrupt,
            ..DiskStats::default()
        };
        let mut stmt = g
            .conn
            .prepare("SELECT route, COUNT(*), SUM(bytes) FROM entries GROUP BY route")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        for row in rows {
            let (route, n, b) = row?;
            let (n, b) = (u64::try_from(n).unwrap_or(0), u64::try_from(b).unwrap_or(0));
            stats.entries += n;
            stats.bytes += b;
            stats.routes.insert(route, (n, b));
        }
        Ok(stats)
    }

    fn delete_where(&self, cond: &str, args: &[&dyn rusqlite::ToSql]) -> Result<usize, CacheError> {
        let mut g = self.lock();
        let n = g
            .conn
            .execute(&format!("DELETE FROM entries WHERE {cond}"), args)?;
        g.total_bytes = g_total(&g.conn)?;
        Ok(n)
    }

    /// Runs raw SQL against the file; tests use it to damage rows.
    #[cfg(test)]
    pub(crate) fn raw(&self, sql: &str) -> Result<(), CacheError> {
        self.lock().conn.execute_batch(sql)?;
        Ok(())
    }
}

fn g_total(conn: &Connection) -> Result<u64, CacheError> {
    let total: i64 = conn.query_row("SELECT COALESCE(SUM(bytes), 0) FROM entries", [], |r| {
        r.get(0)
    })?;
    Ok(u64::try_from(total).unwrap_or(0))
}

impl Drop for DiskCache {
    fn drop(&mut self) {
        // Best effort: losing queued recency only makes eviction slightly less exact.
        let _ = flush_touches(&mut self.lock());
    }
}

/// Deletes row `id` (its recency goes with it, by trigger); returns the bytes freed.
fn delete_row(conn: &Connection, id: i64) -> Result<u64, CacheError> {
    let bytes: Option<i64> = conn
        .prepare_cached("DELETE FROM entries WHERE id = ?1 RETURNING bytes")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    Ok(bytes.and_then(|b| u64::try_from(b).ok()).unwrap_or(0))
}

#[path = "disk_batch.rs"]
mod batch;

#[cfg(test)]
#[path = "disk_tests.rs"]
mod tests;
