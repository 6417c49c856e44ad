//! Batched work on the SQLite layer: [`DiskCache::get_many`] and the queue of `last_used`
//! writes every hit adds to.
//!
//! A lookup outside a transaction pays for its own read transaction (taking and releasing a WAL
//! read-mark lock: two `fcntl` calls, ~2 µs of a ~6.5 µs `get` in `cache-bench`), more than the
//! B-tree search itself; the rest is mostly decoding (SHA-256 + JSON, ~2 µs). [`DiskCache::get_many`]
//! reads every key under one lock, in one read transaction, with one prepared statement, and
//! removes the expired and corrupt rows it found in one write transaction afterwards (a read
//! transaction that turned into a write could fail with `SQLITE_BUSY_SNAPSHOT` if another
//! connection wrote in between).

use super::{delete_row, DiskCache, Inner};
use crate::entry::CachedAnswer;
use crate::key::CacheKey;
use crate::CacheError;
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension, Statement};
use std::collections::{BTreeMap, HashMap};

/// `value` is read last: an expired row never reads its (possibly overflowing) blob.
pub(super) const LOOKUP: &str = "SELECT id, expires_at, value FROM entries WHERE key = ?1";

/// One key's row, read and decoded.
#[expect(
    clippy::large_enum_variant,
    reason = "a return value that is matched at once; boxing would allocate per hit"
)]
pub(super) enum Found {
    Missing,
    Expired(i64),
    Corrupt(i64),
    /// Row id, answer, encoded size, expiry (Unix ms).
    Hit(i64, CachedAnswer, usize, i64),
}

impl DiskCache {
    /// [`DiskCache::get`] for every key of `keys`, answered in order (a key given twice is
    /// answered at both positions), under one lock and one read transaction. Per key, exactly
    /// as `get`: a hit is marked used, an expired row is a miss and deleted, a row that fails
    /// to decode is a miss, deleted and counted in [`super::DiskStats::corrupt_dropped`].
    pub fn get_many(
        &self,
        keys: &[CacheKey],
        now_ms: i64,
    ) -> Result<Vec<Option<(CachedAnswer, usize)>>, CacheError> {
        let mut g = self.lock();
        let mut out: Vec<Option<(CachedAnswer, usize)>> = Vec::with_capacity(keys.len());
        let mut first: HashMap<[u8; 32], usize> = HashMap::with_capacity(keys.len());
        let (mut hits, mut doomed, mut corrupt) = (Vec::new(), Vec::new(), 0u64);
        {
            let tx = g.conn.transaction()?;
            {
                let mut stmt = tx.prepare_cached(LOOKUP)?;
                for (at, key) in keys.iter().enumerate() {
                    if let Some(&seen) = first.get(&key.0) {
                        let again = out[seen].clone();
                        out.push(again);
                        continue;
                    }
                    first.insert(key.0, at);
                    out.push(match lookup(&mut stmt, key, now_ms)? {
                        Found::Missing => None,
                        Found::Expired(id) => {
                            doomed.push(id);
                            None
                        }
                        Found::Corrupt(id) => {
                            doomed.push(id);
                            corrupt += 1;
                            None
                        }
                        Found::Hit(id, answer, bytes, _) => {
                            hits.push(id);
                            Some((answer, bytes))
                        }
                    });
                }
            }
            tx.commit()?;
        }
        if !doomed.is_empty() {
            let tx = g.conn.transaction()?;
            let mut freed = 0u64;
            for &id in &doomed {
                freed += delete_row(&tx, id)?;
            }
            tx.commit()?;
            g.total_bytes = g.total_bytes.saturating_sub(freed);
            g.corrupt += corrupt;
        }
        for id in hits {
            queue_touch(&mut g, id, now_ms);
        }
        flush_if_full(&mut g)?;
        Ok(out)
    }
}

/// Reads and decodes `key`'s row with the prepared [`LOOKUP`]. The blob is decoded where
/// SQLite holds it (checksum verified), never copied out first.
pub(super) fn lookup(
    stmt: &mut Statement<'_>,
    key: &CacheKey,
    now_ms: i64,
) -> rusqlite::Result<Found> {
    let found = stmt
        .query_row([&key.0[..]], |r| {
            let id: i64 = r.get(0)?;
            let expires_at: i64 = r.get(1)?;
            if expires_at <= now_ms {
                return Ok(Found::Expired(id));
            }
            Ok(match r.get_ref(2)? {
                ValueRef::Blob(value) => match CachedAnswer::decode(value) {
                    Ok(answer) => Found::Hit(id, answer, value.len(), expires_at),
                    Err(_) => Found::Corrupt(id),
                },
                _ => Found::Corrupt(id),
            })
        })
        .optional()?;
    Ok(found.unwrap_or(Found::Missing))
}

/// Queues a `last_used` write for row `id`.
pub(super) fn queue_touch(g: &mut Inner, id: i64, now_ms: i64) {
    let used = next_use(g, now_ms);
    g.pending.insert(id, used);
}

/// Writes the queue once it holds [`super::TOUCH_BATCH`] rows.
pub(super) fn flush_if_full(g: &mut Inner) -> Result<(), CacheError> {
    if g.pending.len() >= super::TOUCH_BATCH {
        flush_touches(g)?;
    }
    Ok(())
}

/// Writes the queued `last_used` updates in one transaction.
pub(super) fn flush_touches(g: &mut Inner) -> Result<(), CacheError> {
    if g.pending.is_empty() {
        return Ok(());
    }
    let pending = std::mem::take(&mut g.pending);
    let tx = g.conn.transaction()?;
    write_touches(&tx, &pending)?;
    tx.commit()?;
    Ok(())
}

/// Writes `pending` (row id → `last_used`) in row order, inside the caller's transaction.
pub(super) fn write_touches(
    conn: &Connection,
    pending: &BTreeMap<i64, i64>,
) -> Result<(), CacheError> {
    let mut stmt = conn.prepare_cached("UPDATE recency SET last_used = ?2 WHERE id = ?1")?;
    for (id, used) in pending {
        stmt.execute(params![id, used])?;
    }
    Ok(())
}

/// The next `last_used`: the wall clock, nudged past the previous use.
pub(super) fn next_use(g: &mut Inner, now_ms: i64) -> i64 {
    g.last_used = now_ms.max(g.last_used.saturating_add(1));
    g.last_used
}
