use super::*;
use crate::cache::CacheConfig;
use crate::disk::DiskCache;
use crate::test_support::{key, simple, T0};
use std::sync::atomic::{AtomicI64, Ordering};

fn cache(disk: bool) -> (Arc<AtomicI64>, Cache) {
    let now = Arc::new(AtomicI64::new(T0));
    let c = Arc::clone(&now);
    let disk = disk.then(|| DiskCache::open_in_memory(1 << 20).unwrap());
    let cache = Cache::new(
        CacheConfig::default(),
        disk,
        Arc::new(move || c.load(Ordering::SeqCst)),
    );
    (now, cache)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lease_completed_elsewhere_answers_the_waiters() {
    let (_, c) = cache(true);
    let Lookup::Lead(lease) = c.lookup("r", key(1), None).await else {
        panic!("nothing stored yet: this caller leads");
    };
    let waiter = {
        let c = c.clone();
        tokio::spawn(async move {
            match c.lookup("r", key(1), None).await {
                Lookup::Found(a, src) => (a, src),
                Lookup::Lead(_) => panic!("must wait for the leader, not lead"),
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(30)).await;
    // The gateway completes from inside a streamed body, on another task.
    tokio::spawn(async move { lease.complete_in_background(simple("streamed")) })
        .await
        .unwrap();
    let (a, src) = waiter.await.unwrap();
    assert_eq!((&*a, src), (&simple("streamed"), Source::Shared));
    c.flush();
    assert!(
        c.inner
            .disk
            .as_ref()
            .unwrap()
            .get(&key(1), T0)
            .unwrap()
            .is_some(),
        "written to disk in the background"
    );
    let s = c.stats().unwrap();
    assert_eq!(
        (s.overall.hits, s.overall.misses, s.overall.shared),
        (1, 1, 1)
    );
}

#[tokio::test]
async fn a_dropped_lease_lets_the_next_caller_lead() {
    let (_, c) = cache(false);
    let Lookup::Lead(lease) = c.lookup("r", key(2), None).await else {
        panic!("leads");
    };
    drop(lease); // an error or a cut stream: nothing stored
    assert!(c.peek_memory(&key(2)).is_none());
    assert!(matches!(c.lookup("r", key(2), None).await, Lookup::Lead(_)));
}

#[tokio::test]
async fn a_lease_ttl_overrides_the_default() {
    let (now, c) = cache(true);
    let Lookup::Lead(lease) = c.lookup("r", key(3), Some(Duration::from_secs(5))).await else {
        panic!("leads");
    };
    lease.complete(simple("short")).await;
    now.store(T0 + 4_999, Ordering::SeqCst);
    assert!(matches!(
        c.lookup("r", key(3), None).await,
        Lookup::Found(..)
    ));
    now.store(T0 + 5_000, Ordering::SeqCst);
    assert!(
        matches!(c.lookup("r", key(3), None).await, Lookup::Lead(_)),
        "gone from memory and disk after its own 5 s, not the default 600 s"
    );
}

#[tokio::test]
async fn refresh_replaces_without_reading_and_lookup_only_never_leads() {
    let (_, c) = cache(true);
    assert!(c.lookup_only("r", key(4)).await.is_none());
    assert!(
        matches!(c.lookup("r", key(4), None).await, Lookup::Lead(_)),
        "lookup_only left no marker behind"
    );
    c.put(&key(4), simple("old")).unwrap();
    let lease = c.refresh("r", key(4), None);
    lease.complete(simple("new")).await;
    let got = c.lookup_only("r", key(4)).await.unwrap();
    assert_eq!(*got, simple("new"));
}

#[tokio::test]
async fn a_disk_hit_keeps_the_rows_own_expiry_in_memory() {
    let (now, c) = cache(true);
    let Lookup::Lead(lease) = c.lookup("r", key(5), Some(Duration::from_secs(10))).await else {
        panic!("leads");
    };
    lease.complete(simple("ten seconds")).await;
    c.inner.memory.lock().unwrap().clear(); // as after a restart
    now.store(T0 + 2_000, Ordering::SeqCst);
    assert!(
        matches!(c.lookup("r", key(5), None).await, Lookup::Found(..)),
        "from disk"
    );
    now.store(T0 + 10_000, Ordering::SeqCst);
    assert!(
        c.peek_memory(&key(5)).is_none(),
        "the promoted copy expires with the row, not after the default TTL"
    );
}

#[test]
fn a_background_write_is_made_even_when_its_runtime_stops_first() {
    let (_, c) = cache(true);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let Lookup::Lead(lease) = c.lookup("r", key(7), None).await else {
            panic!("nothing stored yet");
        };
        lease.complete_in_background(simple("last words"));
    });
    // The gateway's serving threads stop their runtimes this way.
    rt.shutdown_background();
    c.flush();
    let disk = c.inner.disk.as_ref().unwrap();
    let stored = disk.get(&key(7), T0).unwrap().map(|(a, _)| a);
    assert_eq!(stored, Some(simple("last words")), "the write was not lost");
    assert_eq!(c.stats().unwrap().disk_errors, 0);
}

#[test]
fn flush_without_a_disk_or_writes_returns_at_once() {
    cache(false).1.flush();
    cache(true).1.flush();
}
