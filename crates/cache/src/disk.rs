//! The persistent layer: one small SQLite file of its own (not the app database), one table,
//! capped in bytes with least-recently-used eviction.
//!
//! Schema (`user_version` 1): `entries(key BLOB PRIMARY KEY, value BLOB, bytes, route, model,
//! backend, stored_at, last_used, expires_at)` with an index on `last_used`. A file with another
//! schema version is a cache, not data: its table is dropped and recreated, never an error.
//!
//! Invariants:
//! - After every [`DiskCache::put`], the sum of `bytes` is at most `max_bytes`; the least
//!   recently used rows go first, never the row just written.
//! - A row that fails to decode (flipped byte, truncation, unknown version) is a miss: it is
//!   deleted and counted in [`DiskStats::corrupt_dropped`]; an expired row is a miss and deleted.
//! - `last_used` is strictly increasing across uses (the wall clock, nudged forward on ties),
//!   so LRU order is exact even within one millisecond. A hit is a pure read: its `last_used`
//!   update is queued and written in one batch (before every eviction, every
//!   [`TOUCH_BATCH`] hits, and on drop), so eviction always sees exact recency.
//!
//! Every call is blocking SQLite I/O behind a short `std` mutex: async callers run it on the
//! blocking pool (`tokio::task::spawn_blocking`), as [`crate::Cache`] does.

use crate::entry::CachedAnswer;
use crate::key::CacheKey;
use crate::CacheError;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

const SCHEMA_VERSION: u32 = 1;
/// Queued `last_used` updates are written once this many are pending.
pub const TOUCH_BATCH: usize = 256;
const SCHEMA: &str = "CREATE TABLE entries (
        key        BLOB PRIMARY KEY,
        value      BLOB NOT NULL,
        bytes      INTEGER NOT NULL,
        route      TEXT NOT NULL,
        model      TEXT NOT NULL,
        backend    TEXT NOT NULL,
        stored_at  INTEGER NOT NULL,
        last_used  INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX entries_lru ON entries (last_used);";

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
    pending: HashMap<[u8; 32], i64>,
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
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "cache_size", -16_384)?;
        conn.pragma_update(None, "mmap_size", 256 * 1024 * 1024)?;
        conn.pragma_update(None, "journal_size_limit", 8 * 1024 * 1024)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let version: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version != SCHEMA_VERSION {
            conn.execute_batch("DROP TABLE IF EXISTS entries;")?;
            conn.execute_batch(SCHEMA)?;
            conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        }
        let (total, last): (i64, i64) = conn.query_row(
            "SELECT COALESCE(SUM(bytes), 0), COALESCE(MAX(last_used), 0) FROM entries",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let inner = Inner {
            conn,
            total_bytes: u64::try_from(total).unwrap_or(0),
            last_used: last,
            corrupt: 0,
            pending: HashMap::new(),
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
        let mut g = self.lock();
        let row: Option<(Vec<u8>, i64)> = g
            .conn
            .prepare_cached("SELECT value, expires_at FROM entries WHERE key = ?1")?
            .query_row([&key.0[..]], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((value, expires_at)) = row else {
            return Ok(None);
        };
        if expires_at <= now_ms {
            delete(&mut g, key)?;
            return Ok(None);
        }
        match CachedAnswer::decode(&value) {
            Ok(answer) => {
                let used = next_use(&mut g, now_ms);
                g.pending.insert(key.0, used);
                if g.pending.len() >= TOUCH_BATCH {
                    flush_touches(&mut g)?;
                }
                Ok(Some((answer, value.len())))
            }
            Err(_) => {
                delete(&mut g, key)?;
                g.corrupt += 1;
                Ok(None)
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
        flush_touches(&mut g)?;
        let used = next_use(&mut g, now_ms);
        g.pending.remove(&key.0);
        let before = g.total_bytes;
        let tx = g.conn.transaction()?;
        let old: Option<i64> = tx
            .prepare_cached("SELECT bytes FROM entries WHERE key = ?1")?
            .query_row([&key.0[..]], |r| r.get(0))
            .optional()?;
        tx.prepare_cached(
            "INSERT OR REPLACE INTO entries
             (key, value, bytes, route, model, backend, stored_at, last_used, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            &key.0[..],
            value,
            size as i64,
            answer.route,
            answer.model,
            answer.backend,
            answer.stored_at_unix_ms,
            used,
            now_ms.saturating_add(ttl_ms),
        ])?;
        let old = old.and_then(|b| u64::try_from(b).ok()).unwrap_or(0);
        let mut total = before.saturating_sub(old) + size;
        while total > self.max_bytes {
            let victims: Vec<(Vec<u8>, i64)> = tx
                .prepare_cached(
                    "SELECT key, bytes FROM entries WHERE key != ?1 ORDER BY last_used LIMIT 64",
                )?
                .query_map([&key.0[..]], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            if victims.is_empty() {
                break;
            }
            for (k, b) in victims {
                if total <= self.max_bytes {
                    break;
                }
                tx.prepare_cached("DELETE FROM entries WHERE key = ?1")?
                    .execute([&k])?;
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

/// Writes the queued `last_used` updates in one transaction.
fn flush_touches(g: &mut Inner) -> Result<(), CacheError> {
    if g.pending.is_empty() {
        return Ok(());
    }
    let pending = std::mem::take(&mut g.pending);
    let tx = g.conn.transaction()?;
    {
        let mut stmt = tx.prepare_cached("UPDATE entries SET last_used = ?2 WHERE key = ?1")?;
        for (key, used) in &pending {
            stmt.execute(params![&key[..], used])?;
        }
    }
    tx.commit()?;
    Ok(())
}

fn next_use(g: &mut Inner, now_ms: i64) -> i64 {
    g.last_used = now_ms.max(g.last_used.saturating_add(1));
    g.last_used
}

fn delete(g: &mut Inner, key: &CacheKey) -> Result<(), CacheError> {
    let bytes: Option<i64> = g
        .conn
        .prepare_cached("DELETE FROM entries WHERE key = ?1 RETURNING bytes")?
        .query_row([&key.0[..]], |r| r.get(0))
        .optional()?;
    if let Some(b) = bytes {
        g.total_bytes = g.total_bytes.saturating_sub(u64::try_from(b).unwrap_or(0));
    }
    Ok(())
}

#[cfg(test)]
#[path = "disk_tests.rs"]
mod tests;
