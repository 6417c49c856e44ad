use super::*;
use crate::test_support::{answer, key, simple, T0};
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};

fn clock() -> (Arc<AtomicI64>, Clock) {
    let now = Arc::new(AtomicI64::new(T0));
    let c = Arc::clone(&now);
    (now, Arc::new(move || c.load(Ordering::SeqCst)))
}

fn with_disk(disk: DiskCache) -> (Arc<AtomicI64>, Cache) {
    let (now, clock) = clock();
    (now, Cache::new(CacheConfig::default(), Some(disk), clock))
}

fn memory_only() -> (Arc<AtomicI64>, Cache) {
    let (now, clock) = clock();
    (now, Cache::new(CacheConfig::default(), None, clock))
}

#[test]
fn ttl_expires_in_both_layers_with_the_injected_clock() {
    let (now, c) = with_disk(DiskCache::open_in_memory(1 << 20).unwrap());
    c.put(&key(1), simple("x")).unwrap();
    now.fetch_add(599_999, Ordering::SeqCst);
    assert!(c.get("r", &key(1)).is_some());
    now.fetch_add(1, Ordering::SeqCst);
    assert!(
        c.get("r", &key(1)).is_none(),
        "expired in memory and on disk"
    );
    let s = c.stats().unwrap();
    assert_eq!(
        (s.overall.hits, s.overall.misses, s.overall.entries),
        (1, 1, 0)
    );
}

#[test]
fn a_disk_hit_is_promoted_to_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.sqlite");
    {
        let (_, c) = with_disk(DiskCache::open(&path, 1 << 20).unwrap());
        c.put(&key(1), simple("x")).unwrap();
    }
    let (_, c) = with_disk(DiskCache::open(&path, 1 << 20).unwrap());
    assert!(
        c.peek_memory(&key(1)).is_none(),
        "a fresh process starts cold"
    );
    assert_eq!(
        c.get("r", &key(1)).as_deref(),
        Some(&simple("x")),
        "restart persistence"
    );
    assert!(c.peek_memory(&key(1)).is_some(), "promoted");
}

#[test]
fn stats_per_route_and_overall_with_saved_usd() {
    let (_, c) = memory_only();
    c.put(&key(1), answer("a", "r1", "m", "b")).unwrap();
    c.put(&key(2), answer("a", "r2", "m", "b")).unwrap();
    c.get("r1", &key(1));
    c.get("r1", &key(1));
    c.get("r2", &key(2));
    c.get("r2", &key(3));
    let s = c.stats().unwrap();
    let r1 = &s.routes["r1"];
    assert_eq!((r1.hits, r1.misses, r1.entries), (2, 0, 1));
    assert!((r1.saved_usd - 0.5).abs() < 1e-9);
    assert_eq!(
        (s.overall.hits, s.overall.misses, s.overall.entries),
        (3, 1, 2)
    );
    assert!((s.overall.hit_rate() - 0.75).abs() < 1e-9);
    assert_eq!(s.memory_entries, 2);
    assert!(s.overall.bytes > 0 && s.overall.bytes == s.memory_bytes);
}

#[test]
fn invalidation_reaches_both_layers() {
    let (_, c) = with_disk(DiskCache::open_in_memory(1 << 20).unwrap());
    c.put(&key(1), answer("a", "r1", "m1", "b1")).unwrap();
    c.put(&key(2), answer("a", "r2", "m2", "b2")).unwrap();
    c.put(&key(3), answer("a", "r3", "m3", "b3")).unwrap();
    assert_eq!(c.clear_model("m1").unwrap(), 1);
    assert_eq!(c.clear_backend("b2").unwrap(), 1);
    assert_eq!(c.clear_route("r3").unwrap(), 1);
    for n in 1..=3 {
        assert!(c.get("r", &key(n)).is_none());
    }
    c.put(&key(4), simple("x")).unwrap();
    assert_eq!(c.clear_older_than(T0 + 1).unwrap(), 1);
    c.put(&key(5), simple("x")).unwrap();
    assert_eq!(c.clear().unwrap(), 1);
    assert_eq!(c.stats().unwrap().memory_entries, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_hundred_concurrent_identical_requests_make_one_upstream_call() {
    let (_, c) = with_disk(DiskCache::open_in_memory(1 << 20).unwrap());
    let calls = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let (c, calls) = (c.clone(), Arc::clone(&calls));
        tasks.push(tokio::spawn(async move {
            c.get_or_fetch("r", key(7), || async move {
                calls.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                Ok::<_, String>(simple("shared"))
            })
            .await
        }));
    }
    let mut sources = Vec::new();
    for t in tasks {
        let (a, src) = t.await.unwrap().unwrap();
        assert_eq!(*a, simple("shared"));
        sources.push(src);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1, "exactly one fetch");
    assert_eq!(sources.iter().filter(|s| **s == Source::Miss).count(), 1);
    let s = c.stats().unwrap();
    assert_eq!((s.overall.hits, s.overall.misses), (99, 1));
    let (_, src) = c
        .get_or_fetch("r", key(7), || async { Err::<CachedAnswer, _>("unused") })
        .await
        .unwrap();
    assert_eq!(src, Source::Hit);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_not_cached_and_waiters_retry() {
    let (_, c) = memory_only();
    let calls = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let (c, calls) = (c.clone(), Arc::clone(&calls));
        tasks.push(tokio::spawn(async move {
            c.get_or_fetch("r", key(8), || async move {
                let n = calls.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                if n == 0 {
                    Err("upstream 503")
                } else {
                    Ok(simple("second try"))
                }
            })
            .await
        }));
    }
    let results: Vec<_> = futures_join(tasks).await;
    let errors = results.iter().filter(|r| r.is_err()).count();
    assert_eq!(errors, 1, "only the failed leader sees its error");
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "one retry leader, the rest shared"
    );
    assert!(c.peek_memory(&key(8)).is_some());
}

#[tokio::test]
async fn a_failed_fetch_leaves_nothing_behind() {
    let (_, c) = with_disk(DiskCache::open_in_memory(1 << 20).unwrap());
    let r = c
        .get_or_fetch("r", key(9), || async { Err::<CachedAnswer, _>(()) })
        .await;
    assert!(r.is_err());
    assert!(c.get("r", &key(9)).is_none());
    let (_, src) = c
        .get_or_fetch("r", key(9), || async { Ok::<_, ()>(simple("ok")) })
        .await
        .unwrap();
    assert_eq!(src, Source::Miss);
}

#[tokio::test]
async fn a_cancelled_leader_does_not_strand_waiters() {
    let (_, c) = memory_only();
    let leader = {
        let c = c.clone();
        tokio::spawn(async move {
            c.get_or_fetch("r", key(10), || {
                std::future::pending::<Result<CachedAnswer, ()>>()
            })
            .await
        })
    };
    tokio::task::yield_now().await;
    leader.abort();
    let _ = leader.await;
    let (a, _) = c
        .get_or_fetch("r", key(10), || async { Ok::<_, ()>(simple("after")) })
        .await
        .unwrap();
    assert_eq!(*a, simple("after"));
}

async fn futures_join<T>(tasks: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}
