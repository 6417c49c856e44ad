use super::limits::link;
use super::until;
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchyard_cache::{Cache, CacheConfig, CacheKey, CachedAnswer, Lookup, RemoteTier, Source};
use switchyard_team::testing::TempRedis;
use switchyard_team::{TeamCache, MAX_ENTRY_BYTES};
use switchyard_wire::canonical::{ChatResponse, Part};

fn answer(text: &str) -> CachedAnswer {
    CachedAnswer {
        response: ChatResponse {
            id: "chatcmpl-1".into(),
            model: "m".into(),
            content: vec![Part::Text(text.into())],
            ..ChatResponse::default()
        },
        stored_at_unix_ms: 1_700_000_000_000,
        cost_usd: Some(0.25),
        route: "r".into(),
        model: "m".into(),
        backend: "b".into(),
    }
}

fn now_ms() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    i64::try_from(since.unwrap().as_millis()).unwrap()
}

fn key(n: u8) -> CacheKey {
    CacheKey([n; 32])
}

/// A replica's response cache (memory only) with the team's tier.
fn replica(redis: &TempRedis) -> Cache {
    let cache = Cache::new(CacheConfig::default(), None, Arc::new(now_ms));
    cache.set_remote(Arc::new(TeamCache::new(link(redis), 1 << 20)));
    cache
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_stored_by_one_replica_is_a_hit_on_another_with_the_ttl_it_was_given() {
    let redis = TempRedis::start();
    let (a, c) = (replica(&redis), replica(&redis));
    let Lookup::Lead(lease) = a.lookup("r", key(1), Some(Duration::from_secs(30))).await else {
        panic!("an empty cache leads");
    };
    lease.complete(answer("forty-two")).await;
    // The write to Redis goes out in the background.
    until(Duration::from_secs(1), "C finds A's answer", || async {
        matches!(
            c.lookup("r", key(1), None).await,
            Lookup::Found(_, Source::Hit)
        )
    })
    .await;
    assert_eq!(*c.peek_memory(&key(1)).unwrap(), answer("forty-two"));
    // C keeps it in memory from now on: a second lookup does not ask Redis.
    redis.stop();
    let started = Instant::now();
    assert!(c.peek_memory(&key(1)).is_some());
    assert!(matches!(
        c.lookup("r", key(1), None).await,
        Lookup::Found(_, Source::Hit)
    ));
    assert!(started.elapsed() < Duration::from_millis(100));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tier_stays_under_its_byte_cap_evicting_the_oldest_and_skips_oversized_answers() {
    let redis = TempRedis::start();
    let one = answer(&"x".repeat(10_000)).encode().len();
    let tier = TeamCache::new(link(&redis), u64::try_from(one * 3).unwrap());
    for n in 1..=5u8 {
        tier.put(
            key(n),
            answer(&"x".repeat(10_000)).encode(),
            Duration::from_secs(60),
        );
        // In order: each put is its own background write.
        until(Duration::from_secs(1), "the put lands", || async {
            tier.get(&key(n)).await.is_some()
        })
        .await;
    }
    let stored = tier.stored_bytes().await.unwrap();
    assert!(stored <= u64::try_from(one * 3).unwrap(), "{stored} > cap");
    assert!(tier.get(&key(1)).await.is_none(), "the oldest went first");
    assert!(tier.get(&key(2)).await.is_none());
    for n in 3..=5 {
        let (bytes, left) = tier.get(&key(n)).await.unwrap();
        assert_eq!(
            CachedAnswer::decode(&bytes).unwrap(),
            answer(&"x".repeat(10_000))
        );
        assert!(left > Duration::from_secs(50), "{left:?}");
    }
    // Too big to share: stays with the replica that fetched it.
    tier.put(
        key(9),
        vec![0; MAX_ENTRY_BYTES + 1],
        Duration::from_secs(60),
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(tier.get(&key(9)).await.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_away_a_lookup_misses_within_the_timeout_and_nothing_fails() {
    let redis = TempRedis::start();
    let a = replica(&redis);
    redis.stop();
    let started = Instant::now();
    let Lookup::Lead(lease) = a.lookup("r", key(7), None).await else {
        panic!("a miss leads");
    };
    assert!(
        started.elapsed() < Duration::from_millis(600),
        "{:?}",
        started.elapsed()
    );
    lease.complete(answer("still served")).await;
    assert!(a.peek_memory(&key(7)).is_some(), "kept by this replica");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_one_replica_fetches_a_key_another_waits_for_its_answer_instead_of_fetching() {
    let redis = TempRedis::start();
    let (a, b) = (replica(&redis), replica(&redis));
    let ttl = Some(Duration::from_secs(30));
    let Lookup::Lead(lease) = a.lookup("r", key(7), ttl).await else {
        panic!("the first replica leads");
    };
    // B finds the key claimed by A and waits; A's answer reaches it, no fetch of its own.
    let waiting = tokio::spawn({
        let b = b.clone();
        async move { b.lookup("r", key(7), ttl).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!waiting.is_finished(), "B waits while A fetches");
    lease.complete(answer("fetched once")).await;
    match tokio::time::timeout(Duration::from_secs(5), waiting).await {
        Ok(Ok(Lookup::Found(got, Source::Shared))) => {
            assert_eq!(
                got.response.content,
                vec![Part::Text("fetched once".into())]
            );
        }
        Ok(Ok(Lookup::Found(_, other))) => panic!("found as {other:?}, not as a shared answer"),
        _ => panic!("B did not get A's answer"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_whose_fetch_failed_releases_the_key_and_a_waiting_one_fetches_it() {
    let redis = TempRedis::start();
    let (a, b) = (replica(&redis), replica(&redis));
    let ttl = Some(Duration::from_secs(30));
    let Lookup::Lead(lease) = a.lookup("r", key(8), ttl).await else {
        panic!("the first replica leads");
    };
    let waiting = tokio::spawn({
        let b = b.clone();
        async move { b.lookup("r", key(8), ttl).await }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    drop(lease); // A's upstream call failed: nothing stored, the claim released.
    match tokio::time::timeout(Duration::from_secs(5), waiting).await {
        Ok(Ok(Lookup::Lead(_))) => {}
        _ => panic!("B did not take over the fetch"),
    }
}
