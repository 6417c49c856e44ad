use super::limits::link;
use super::until;
use std::time::Duration;
use switchyard_gateway::SharedBreakers;
use switchyard_team::testing::TempRedis;
use switchyard_team::{Bus, TeamBreakers};

/// A replica's breakers, following the team from now on.
fn replica(redis: &TempRedis) -> (TeamBreakers, tokio::task::JoinHandle<()>) {
    let bus = Bus::start(&redis.address()).unwrap();
    let breakers = TeamBreakers::new(link(redis), bus);
    let follow = tokio::spawn(breakers.follow());
    (breakers, follow)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_breaker_opened_by_one_replica_is_seen_by_the_others_and_by_one_started_later() {
    let redis = TempRedis::start();
    let (a, _fa) = replica(&redis);
    let (b, _fb) = replica(&redis);
    // The bus subscribes in the background: wait until B hears (a publish before that is lost).
    tokio::time::sleep(Duration::from_millis(300)).await;

    a.opened("Alpha", Duration::from_secs(3));
    let took = until(Duration::from_secs(1), "B sees Alpha open", || async {
        b.open_elsewhere("Alpha").is_some()
    })
    .await;
    assert!(took < Duration::from_secs(1), "{took:?}");
    let left = b.open_elsewhere("Alpha").unwrap();
    assert!(
        left > Duration::from_secs(2) && left <= Duration::from_secs(3),
        "{left:?}"
    );
    assert_eq!(
        b.open_elsewhere("Beta"),
        None,
        "only the backend that failed"
    );
    assert_eq!(
        a.open_elsewhere("Alpha"),
        None,
        "A's own breaker holds it, not the team's"
    );

    // A replica started while the breaker is open reads it from Redis.
    let (c, _fc) = replica(&redis);
    until(Duration::from_secs(1), "C reads Alpha open", || async {
        c.open_elsewhere("Alpha").is_some()
    })
    .await;

    // It closes everywhere when its time is up.
    until(Duration::from_secs(4), "Alpha closes", || async {
        b.open_elsewhere("Alpha").is_none() && c.open_elsewhere("Alpha").is_none()
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_away_a_breaker_stays_with_its_replica_and_nothing_waits() {
    let redis = TempRedis::start();
    let (a, _fa) = replica(&redis);
    let (b, _fb) = replica(&redis);
    tokio::time::sleep(Duration::from_millis(300)).await;
    redis.stop();
    a.opened("Alpha", Duration::from_secs(3));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(b.open_elsewhere("Alpha"), None);
    // Back: what is opened from now on is shared again.
    redis.restart();
    until(Duration::from_secs(5), "B shares again", || async {
        a.opened("Gamma", Duration::from_secs(3));
        tokio::time::sleep(Duration::from_millis(200)).await;
        b.open_elsewhere("Gamma").is_some()
    })
    .await;
}
