use std::sync::Arc;
use std::time::Duration;
use switchyard_team::testing::TempRedis;
use switchyard_team::{Link, SharedWindow};

const MINUTE: Duration = Duration::from_secs(60);

/// A replica's own connection to `redis`.
pub fn link(redis: &TempRedis) -> Arc<Link> {
    Arc::new(Link::new(&redis.url()).unwrap())
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
