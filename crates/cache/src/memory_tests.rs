use super::*;
use crate::test_support::{key, simple, T0};

fn cache(max_entries: usize, max_bytes: usize) -> MemoryCache {
    MemoryCache::new(MemoryConfig {
        max_entries,
        max_bytes,
        ttl: Duration::from_secs(600),
    })
}

fn put(c: &mut MemoryCache, n: u64, bytes: usize, now: i64) -> bool {
    c.insert(key(n), Arc::new(simple("x")), bytes, now, None)
}

#[test]
fn entries_live_until_their_ttl() {
    let mut c = cache(10, 1000);
    put(&mut c, 1, 10, T0);
    c.insert(
        key(2),
        Arc::new(simple("y")),
        10,
        T0,
        Some(Duration::from_secs(5)),
    );
    assert!(c.get(&key(1), T0 + 599_999).is_some());
    assert!(c.get(&key(2), T0 + 4_999).is_some());
    assert!(c.get(&key(2), T0 + 5_000).is_none(), "per-entry TTL");
    assert!(c.get(&key(1), T0 + 600_000).is_none(), "default TTL");
    assert_eq!(
        (c.len(), c.bytes()),
        (0, 0),
        "expired entries are dropped on touch"
    );
}

#[test]
fn evicts_least_recently_used_by_count() {
    let mut c = cache(3, 1000);
    for n in 1..=3 {
        put(&mut c, n, 10, T0);
    }
    assert!(c.get(&key(1), T0).is_some(), "1 is now most recent");
    // Looked up (a miss) before it is stored, as `Cache` does: so it is asked for more often
    // than the never-looked-up victim and passes admission.
    assert!(c.get(&key(4), T0).is_none());
    assert!(put(&mut c, 4, 10, T0));
    assert!(c.get(&key(2), T0).is_none(), "2 was least recent");
    for n in [1, 3, 4] {
        assert!(c.get(&key(n), T0).is_some());
    }
    assert_eq!(c.len(), 3);
}

#[test]
fn evicts_by_bytes_and_refuses_oversized_answers() {
    let mut c = cache(100, 100);
    for n in 1..=4 {
        put(&mut c, n, 25, T0);
    }
    assert_eq!(c.bytes(), 100);
    assert!(
        c.get(&key(5), T0).is_none(),
        "a lookup first, so 5 passes admission"
    );
    assert!(put(&mut c, 5, 60, T0));
    assert!(c.bytes() <= 100);
    assert!(
        c.get(&key(1), T0).is_none()
            && c.get(&key(2), T0).is_none()
            && c.get(&key(3), T0).is_none()
    );
    assert!(c.get(&key(4), T0).is_some() && c.get(&key(5), T0).is_some());
    assert!(!put(&mut c, 6, 101, T0), "larger than the whole layer");
    assert!(c.get(&key(6), T0).is_none());
}

#[test]
fn replacing_a_key_keeps_byte_accounting_exact() {
    let mut c = cache(10, 1000);
    put(&mut c, 1, 10, T0);
    put(&mut c, 1, 30, T0);
    assert_eq!((c.len(), c.bytes()), (1, 30));
    assert!(c.remove(&key(1)));
    assert_eq!((c.len(), c.bytes()), (0, 0));
}

#[test]
fn remove_where_purge_and_usage_by_route() {
    let mut c = cache(10, 1000);
    c.insert(
        key(1),
        Arc::new(crate::test_support::answer("a", "r1", "m1", "b")),
        10,
        T0,
        None,
    );
    c.insert(
        key(2),
        Arc::new(crate::test_support::answer("a", "r2", "m2", "b")),
        20,
        T0,
        None,
    );
    c.insert(
        key(3),
        Arc::new(crate::test_support::answer("a", "r2", "m2", "b")),
        5,
        T0,
        Some(Duration::from_secs(1)),
    );
    let usage = c.usage_by_route();
    assert_eq!(usage.get("r2"), Some(&(2, 25)));
    assert_eq!(c.purge_expired(T0 + 1_000), 1);
    assert_eq!(c.remove_where(|a| a.model == "m1"), 1);
    assert_eq!((c.len(), c.bytes()), (1, 20));
    c.clear();
    assert!(c.is_empty());
}

#[test]
fn zero_bounds_store_nothing() {
    let mut c = cache(0, 1000);
    assert!(!put(&mut c, 1, 1, T0));
    let mut c = cache(10, 1000);
    assert!(!c.insert(key(1), Arc::new(simple("x")), 1, T0, Some(Duration::ZERO)));
}

#[path = "memory_admission_tests.rs"]
mod admission;
