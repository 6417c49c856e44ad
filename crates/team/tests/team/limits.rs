use std::sync::Arc;
use std::time::Duration;
use switchyard_team::testing::TempRedis;
use switchyard_team::{Link, SharedWindow};

const MINUTE: Duration = Duration::from_secs(60);

/// A replica's own connection to `redis`.
pub fn link(redis: &TempRedis) -> Arc<Link> {
    Arc::new(Link::new(&redis.address()).unwrap())
}

/// `attempts` admissions spread over `windows` (one per replica), all at once.
async fn admitted(
    windows: &[Arc<SharedWindow>],
    key: &str,
    limit: u32,
    attempts: usize,
) -> (usize, usize) {
    let tasks: Vec<_> = (0..attempts)
        .map(|i| {
            let w = Arc::clone(&windows[i % windows.len()]);
            let key = key.to_string();
            tokio::spawn(async move { w.admit(&key, limit, MINUTE).await })
        })
        .collect();
    let (mut yes, mut shared) = (0, 0);
    for t in tasks {
        let v = t.await.unwrap();
        yes += usize::from(v.admitted);
        shared += usize::from(v.shared);
    }
    (yes, shared)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_limit_of_60_a_minute_holds_for_the_team_not_per_replica() {
    let redis = TempRedis::start();
    let replicas: Vec<_> = (0..3)
        .map(|_| Arc::new(SharedWindow::new(Some(link(&redis)))))
        .collect();
    let (yes, shared) = admitted(&replicas, "route:team", 60, 180).await;
    assert_eq!(yes, 60, "exactly the limit across three replicas");
    assert_eq!(shared, 180, "every admission was counted in Redis");
    // Another window is counted on its own.
    assert_eq!(admitted(&replicas, "route:other", 5, 9).await.0, 5);
    // A refusal says when the oldest place leaves the window (Redis's clock: within the minute).
    let refused = replicas[1].admit("route:team", 60, MINUTE).await;
    assert!(!refused.admitted && refused.shared);
    assert!(
        refused.retry_in > Duration::from_secs(50) && refused.retry_in <= MINUTE,
        "{:?}",
        refused.retry_in
    );
    // The tokens window too: 100 used of 100, so none left until that second leaves it.
    replicas[0].used_tokens("tokens:team", 100, MINUTE);
    let mut full = replicas[2].tokens_left("tokens:team", 100, MINUTE).await;
    for _ in 0..50 {
        if !full.admitted {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        full = replicas[2].tokens_left("tokens:team", 100, MINUTE).await;
    }
    assert!(!full.admitted && full.shared);
    assert!(
        full.retry_in >= Duration::from_secs(58) && full.retry_in <= MINUTE,
        "{:?}",
        full.retry_in
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_away_each_replica_counts_alone_and_says_so_then_shares_again() {
    let redis = TempRedis::start();
    let replicas: Vec<_> = (0..3)
        .map(|_| Arc::new(SharedWindow::new(Some(link(&redis)))))
        .collect();
    assert_eq!(admitted(&replicas, "warm", 1, 3).await, (1, 3));
    redis.stop();
    let (yes, shared) = admitted(&replicas, "route:down", 10, 60).await;
    assert_eq!(shared, 0, "nothing was counted in Redis");
    assert_eq!(
        yes, 30,
        "each replica admits its own 10: degraded, not refused"
    );
    redis.restart();
    tokio::time::sleep(Duration::from_millis(1100)).await; // past the pause before Redis is tried again
    let (yes, shared) = admitted(&replicas, "route:back", 10, 30).await;
    assert_eq!((yes, shared), (10, 30), "shared again");
}

#[tokio::test]
async fn without_redis_a_replica_counts_its_own_window() {
    let alone = SharedWindow::new(None);
    let mut yes = 0;
    for _ in 0..8 {
        yes += usize::from(alone.admit("k", 5, MINUTE).await.admitted);
    }
    assert_eq!(yes, 5);
}

/// Waits until `window` says `key` has no tokens left (the writes go out in the background).
async fn until_spent(window: &SharedWindow, key: &str, limit: u32) {
    crate::until(Duration::from_secs(2), "the team's token count", || async {
        !window.tokens_left(key, limit, MINUTE).await.admitted
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_used_on_two_replicas_count_against_one_team_window() {
    let redis = TempRedis::start();
    let (a, b) = (
        SharedWindow::new(Some(link(&redis))),
        SharedWindow::new(Some(link(&redis))),
    );
    let limit = 1_000;
    let left = a.tokens_left("backend:Mock", limit, MINUTE).await;
    assert_eq!((left.admitted, left.shared), (true, true));
    a.used_tokens("backend:Mock", 600, MINUTE);
    b.used_tokens("backend:Mock", 300, MINUTE);
    // 900 of 1 000: room left for both; 200 more on B spends it for A too.
    crate::until(Duration::from_secs(2), "900 counted", || async {
        a.tokens_left("backend:Mock", 901, MINUTE).await.admitted
            && !a.tokens_left("backend:Mock", 900, MINUTE).await.admitted
    })
    .await;
    assert!(b.tokens_left("backend:Mock", limit, MINUTE).await.admitted);
    b.used_tokens("backend:Mock", 200, MINUTE);
    until_spent(&a, "backend:Mock", limit).await;
    assert!(
        a.tokens_left("backend:Other", limit, MINUTE).await.admitted,
        "another backend's window is its own"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_away_a_replica_goes_by_the_tokens_it_counted_itself() {
    let redis = TempRedis::start();
    let a = SharedWindow::new(Some(link(&redis)));
    redis.stop();
    a.used_tokens("backend:Mock", 700, MINUTE);
    let v = a.tokens_left("backend:Mock", 1_000, MINUTE).await;
    assert_eq!((v.admitted, v.shared), (true, false));
    a.used_tokens("backend:Mock", 300, MINUTE);
    let v = a.tokens_left("backend:Mock", 1_000, MINUTE).await;
    assert_eq!(
        (v.admitted, v.shared),
        (false, false),
        "1 000 of 1 000 used here"
    );
}
