use super::*;
use crate::test_support::{answer, key, simple, T0};

const TTL: Duration = Duration::from_secs(600);

fn row_bytes() -> u64 {
    simple("x").encode().len() as u64
}

fn count(d: &DiskCache) -> u64 {
    d.stats().unwrap().entries
}

#[test]
fn put_then_get_round_trips() {
    let d = DiskCache::open_in_memory(1 << 20).unwrap();
    assert_eq!(d.get(&key(1), T0).unwrap(), None);
    let size = d.put(&key(1), &simple("x"), T0, TTL).unwrap().unwrap();
    let (got, n) = d.get(&key(1), T0 + 1).unwrap().unwrap();
    assert_eq!((got, n), (simple("x"), size));
}

#[test]
fn expired_rows_are_misses_and_deleted() {
    let d = DiskCache::open_in_memory(1 << 20).unwrap();
    d.put(&key(1), &simple("x"), T0, Duration::from_secs(1))
        .unwrap();
    assert!(d.get(&key(1), T0 + 999).unwrap().is_some());
    assert!(d.get(&key(1), T0 + 1_000).unwrap().is_none());
    assert_eq!(count(&d), 0);
    d.put(&key(2), &simple("x"), T0, Duration::from_secs(1))
        .unwrap();
    assert_eq!(d.purge_expired(T0 + 1_000).unwrap(), 1);
}

#[test]
fn evicts_least_recently_used_rows_to_stay_under_the_cap() {
    let cap = row_bytes() * 3;
    let d = DiskCache::open_in_memory(cap).unwrap();
    for n in 1..=3 {
        d.put(&key(n), &simple("x"), T0, TTL).unwrap();
    }
    assert!(
        d.get(&key(1), T0).unwrap().is_some(),
        "1 becomes most recent"
    );
    d.put(&key(4), &simple("x"), T0, TTL).unwrap();
    assert!(
        d.get(&key(2), T0).unwrap().is_none(),
        "2 was least recently used"
    );
    for n in [1, 3, 4] {
        assert!(d.get(&key(n), T0).unwrap().is_some(), "{n} kept");
    }
    let s = d.stats().unwrap();
    assert!(s.bytes <= cap);
    assert_eq!(s.entries, 3);
    let big = simple(&"y".repeat(cap as usize));
    assert_eq!(
        d.put(&key(9), &big, T0, TTL).unwrap(),
        None,
        "over the cap alone"
    );
    assert_eq!(count(&d), 3);
}

#[test]
fn survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub").join("cache.sqlite");
    {
        let d = DiskCache::open(&path, 1 << 20).unwrap();
        d.put(&key(1), &simple("persisted"), T0, TTL).unwrap();
    }
    let d = DiskCache::open(&path, 1 << 20).unwrap();
    let (got, _) = d.get(&key(1), T0 + 5).unwrap().unwrap();
    assert_eq!(got, simple("persisted"));
    assert_eq!(d.stats().unwrap().bytes, row_bytes_of("persisted"));
}

fn row_bytes_of(text: &str) -> u64 {
    simple(text).encode().len() as u64
}

#[test]
fn a_flipped_byte_is_a_miss_and_the_row_is_removed() {
    let d = DiskCache::open_in_memory(1 << 20).unwrap();
    d.put(&key(1), &simple("x"), T0, TTL).unwrap();
    // Flip one payload byte by rewriting the blob through raw SQL.
    let mut bad = simple("x").encode();
    bad[40] ^= 0x01;
    let hex: String = bad.iter().map(|b| format!("{b:02X}")).collect();
    d.raw(&format!("UPDATE entries SET value = X'{hex}'"))
        .unwrap();
    assert_eq!(d.get(&key(1), T0).unwrap(), None);
    let s = d.stats().unwrap();
    assert_eq!((s.entries, s.bytes, s.corrupt_dropped), (0, 0, 1));
}

#[test]
fn a_truncated_row_is_a_miss_and_the_row_is_removed() {
    let d = DiskCache::open_in_memory(1 << 20).unwrap();
    d.put(&key(1), &simple("x"), T0, TTL).unwrap();
    d.put(&key(2), &simple("x"), T0, TTL).unwrap();
    d.raw("UPDATE entries SET value = substr(value, 1, 20)")
        .unwrap();
    assert_eq!(d.get(&key(1), T0).unwrap(), None);
    d.raw("UPDATE entries SET value = X''").unwrap();
    assert_eq!(d.get(&key(2), T0).unwrap(), None);
    let s = d.stats().unwrap();
    assert_eq!((s.entries, s.corrupt_dropped), (0, 2));
}

#[test]
fn clears_by_model_backend_route_and_age() {
    let d = DiskCache::open_in_memory(1 << 20).unwrap();
    let mut old = answer("a", "r1", "m1", "b1");
    old.stored_at_unix_ms = T0 - 10;
    d.put(&key(1), &old, T0, TTL).unwrap();
    d.put(&key(2), &answer("a", "r2", "m2", "b1"), T0, TTL)
        .unwrap();
    d.put(&key(3), &answer("a", "r2", "m3", "b2"), T0, TTL)
        .unwrap();
    d.put(&key(4), &answer("a", "r3", "m4", "b3"), T0, TTL)
        .unwrap();
    assert_eq!(d.stats().unwrap().routes.get("r2").map(|r| r.0), Some(2));
    assert_eq!(d.clear_older_than(T0).unwrap(), 1);
    assert_eq!(d.clear_model("m2").unwrap(), 1);
    assert_eq!(d.clear_backend("b2").unwrap(), 1);
    assert_eq!(d.clear_route("r3").unwrap(), 1);
    assert_eq!(count(&d), 0);
    d.put(&key(5), &simple("x"), T0, TTL).unwrap();
    assert_eq!(d.clear().unwrap(), 1);
    assert_eq!(d.stats().unwrap().bytes, 0);
}

#[test]
fn a_file_with_another_schema_version_is_reset() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite");
    {
        let d = DiskCache::open(&path, 1 << 20).unwrap();
        d.put(&key(1), &simple("x"), T0, TTL).unwrap();
        d.raw("PRAGMA user_version = 99").unwrap();
    }
    let d = DiskCache::open(&path, 1 << 20).unwrap();
    assert_eq!(count(&d), 0);
    assert!(d.get(&key(1), T0).unwrap().is_none());
}

#[test]
fn queued_recency_is_flushed_on_drop_and_honoured_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite");
    let cap = row_bytes() * 3;
    {
        let d = DiskCache::open(&path, cap).unwrap();
        for n in 1..=3 {
            d.put(&key(n), &simple("x"), T0, TTL).unwrap();
        }
        assert!(d.get(&key(1), T0 + 10).unwrap().is_some(), "queued touch");
    }
    let d = DiskCache::open(&path, cap).unwrap();
    d.put(&key(4), &simple("x"), T0 + 20, TTL).unwrap();
    assert!(
        d.get(&key(2), T0 + 30).unwrap().is_none(),
        "2 was least recently used"
    );
    assert!(
        d.get(&key(1), T0 + 30).unwrap().is_some(),
        "1's touch survived the restart"
    );
}

#[test]
fn many_hits_flush_in_batches_without_losing_rows() {
    let d = DiskCache::open_in_memory(1 << 24).unwrap();
    let rows = TOUCH_BATCH as u64 + 44;
    for n in 0..rows {
        d.put(&key(n), &simple("x"), T0, TTL).unwrap();
    }
    for n in 0..rows {
        assert!(d.get(&key(n), T0 + 1).unwrap().is_some());
    }
    assert_eq!(
        d.lock().pending.len(),
        44,
        "the first full batch was written"
    );
    assert_eq!(count(&d), rows);
}

/// Rows in `recency`; the delete trigger keeps it equal to the rows in `entries`.
fn recency_rows(d: &DiskCache) -> u64 {
    let n: i64 = d
        .lock()
        .conn
        .query_row("SELECT COUNT(*) FROM recency", [], |r| r.get(0))
        .unwrap();
    u64::try_from(n).unwrap()
}

/// Flips one payload byte of `k`'s row.
fn damage(d: &DiskCache, k: &CacheKey, text: &str) {
    let mut bad = simple(text).encode();
    bad[40] ^= 0x01;
    let hex = |b: &[u8]| b.iter().map(|b| format!("{b:02X}")).collect::<String>();
    d.raw(&format!(
        "UPDATE entries SET value = X'{}' WHERE key = X'{}'",
        hex(&bad),
        hex(&k.0)
    ))
    .unwrap();
}

#[test]
fn get_many_answers_hits_misses_expired_and_corrupt_rows_in_order() {
    let d = DiskCache::open_in_memory(1 << 20).unwrap();
    let one = d.put(&key(1), &simple("one"), T0, TTL).unwrap().unwrap();
    d.put(&key(2), &simple("two"), T0, Duration::from_secs(1))
        .unwrap();
    d.put(&key(3), &simple("three"), T0, TTL).unwrap();
    let five = d.put(&key(5), &simple("five"), T0, TTL).unwrap().unwrap();
    damage(&d, &key(3), "three");
    let keys = [key(1), key(4), key(2), key(3), key(5)];
    let got = d.get_many(&keys, T0 + 1_000).unwrap();
    assert_eq!(
        got,
        vec![
            Some((simple("one"), one)),
            None,
            None,
            None,
            Some((simple("five"), five))
        ]
    );
    let s = d.stats().unwrap();
    assert_eq!(
        (s.entries, s.corrupt_dropped),
        (2, 1),
        "expired and corrupt rows removed"
    );
    assert_eq!(s.bytes, (one + five) as u64);
    assert_eq!(recency_rows(&d), 2);
    assert_eq!(d.get_many(&[], T0).unwrap(), vec![]);
}

#[test]
fn get_many_answers_a_repeated_key_at_every_position() {
    let d = DiskCache::open_in_memory(1 << 20).unwrap();
    let size = d.put(&key(1), &simple("x"), T0, TTL).unwrap().unwrap();
    d.put(&key(3), &simple("bad"), T0, TTL).unwrap();
    damage(&d, &key(3), "bad");
    let hit = Some((simple("x"), size));
    let keys = [key(1), key(1), key(2), key(3), key(1), key(3), key(2)];
    let got = d.get_many(&keys, T0).unwrap();
    assert_eq!(
        got,
        vec![hit.clone(), hit.clone(), None, None, hit, None, None]
    );
    let s = d.stats().unwrap();
    assert_eq!(
        (s.entries, s.corrupt_dropped),
        (1, 1),
        "a repeated corrupt row is dropped once"
    );
}

#[test]
fn get_many_agrees_with_get_and_marks_hits_used() {
    let cap = row_bytes() * 3;
    let (a, b) = (
        DiskCache::open_in_memory(cap).unwrap(),
        DiskCache::open_in_memory(cap).unwrap(),
    );
    for d in [&a, &b] {
        for n in 1..=3 {
            d.put(&key(n), &simple("x"), T0, TTL).unwrap();
        }
    }
    let keys = [key(3), key(1), key(7)];
    let one_by_one: Vec<_> = keys.iter().map(|k| b.get(k, T0 + 5).unwrap()).collect();
    assert_eq!(a.get_many(&keys, T0 + 5).unwrap(), one_by_one);
    for d in [&a, &b] {
        d.put(&key(4), &simple("x"), T0 + 10, TTL).unwrap();
        assert!(
            d.get(&key(2), T0 + 20).unwrap().is_none(),
            "2 was least recently used"
        );
        for n in [1, 3, 4] {
            assert!(d.get(&key(n), T0 + 20).unwrap().is_some(), "{n} kept");
        }
    }
}

#[test]
fn get_many_flushes_recency_in_batches_without_losing_rows() {
    let d = DiskCache::open_in_memory(1 << 24).unwrap();
    let n = TOUCH_BATCH as u64 + 44;
    for i in 0..n {
        d.put(&key(i), &simple("x"), T0, TTL).unwrap();
    }
    let keys: Vec<CacheKey> = (0..n).map(key).collect();
    let got = d.get_many(&keys, T0 + 1).unwrap();
    assert!(got.iter().all(Option::is_some));
    assert!(d.lock().pending.is_empty(), "a full queue is written");
    assert_eq!((count(&d), recency_rows(&d)), (n, n));
}

#[test]
fn recency_rows_follow_deleted_entries() {
    let d = DiskCache::open_in_memory(1 << 20).unwrap();
    d.put(&key(1), &answer("a", "r1", "m1", "b1"), T0, TTL)
        .unwrap();
    d.put(&key(2), &answer("a", "r2", "m2", "b2"), T0, TTL)
        .unwrap();
    d.put(&key(2), &answer("b", "r2", "m2", "b2"), T0, TTL)
        .unwrap();
    assert_eq!(recency_rows(&d), 2, "a replaced row keeps one recency row");
    d.clear_model("m1").unwrap();
    assert_eq!(recency_rows(&d), 1);
    d.clear().unwrap();
    assert_eq!(recency_rows(&d), 0);
}

#[test]
fn a_version_1_file_is_reset_and_usable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE entries (key BLOB PRIMARY KEY, value BLOB NOT NULL,
               bytes INTEGER NOT NULL, route TEXT NOT NULL, model TEXT NOT NULL,
               backend TEXT NOT NULL, stored_at INTEGER NOT NULL, last_used INTEGER NOT NULL,
               expires_at INTEGER NOT NULL) STRICT, WITHOUT ROWID;
             CREATE INDEX entries_lru ON entries (last_used);
             INSERT INTO entries VALUES (X'01', X'02', 1, 'r', 'm', 'b', 0, 0, 9e15);
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let d = DiskCache::open(&path, 1 << 20).unwrap();
    assert_eq!((count(&d), d.stats().unwrap().bytes), (0, 0));
    d.put(&key(1), &simple("x"), T0, TTL).unwrap();
    assert_eq!(d.get(&key(1), T0).unwrap().map(|h| h.0), Some(simple("x")));
}
