//! A team's hard stops with Redis away: reservations move to the team database (so the stop
//! still holds for every replica together), and with PostgreSQL away too each replica stops on
//! its own count (the team ledger's last figure plus what it spent since).

use super::budgets::{budget, reserve_all};
use super::limits::link;
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchyard_gateway::SharedBudgets;
use switchyard_team::testing::{TempPostgres, TempRedis};
use switchyard_team::{BudgetScope, TeamBudget, TeamBudgets, TeamDb};

async fn replicas(
    pg: &TempPostgres,
    redis: Option<&TempRedis>,
    cap: &TeamBudget,
) -> Vec<Arc<TeamBudgets>> {
    let mut out = Vec::new();
    for _ in 0..3 {
        let db = TeamDb::connect(&pg.address()).await.unwrap();
        let b = TeamBudgets::new(redis.map(link), Some(db));
        b.set(vec![cap.clone()]);
        out.push(Arc::new(b));
    }
    out
}

/// The reservations the team database holds.
async fn holds(pg: &TempPostgres) -> i64 {
    let client = super::sql(pg).await;
    let row = client
        .query_one("SELECT count(*) FROM team_budget_holds", &[])
        .await
        .unwrap();
    row.get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_redis_the_team_database_holds_the_stop_for_three_replicas() {
    let pg = TempPostgres::start();
    let cap = budget("cap", BudgetScope::Route("capped".into()), 1.0, 0.1);
    let replicas = replicas(&pg, None, &cap).await;
    // $0.10 spent per the ledger: room for three of $0.30, not ten, though all ask at once.
    let held = reserve_all(&replicas, 10, 0.3).await;
    assert_eq!(held.len(), 3);
    assert_eq!(holds(&pg).await, 3, "one hold per request in flight");
    for h in held {
        h.settle(0.05);
    }
    super::until(Duration::from_secs(3), "the settlements land", || async {
        holds(&pg).await == 0
    })
    .await;
    // $0.25 settled: room for two more.
    assert_eq!(reserve_all(&replicas, 10, 0.3).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_stopped_the_stop_moves_to_postgresql_and_a_ledger_figure_above_the_counter_raises_it(
) {
    let pg = TempPostgres::start();
    let redis = TempRedis::start();
    let cap = budget("cap", BudgetScope::All, 1.0, 0.1);
    let replicas = replicas(&pg, Some(&redis), &cap).await;
    // Redis up: $0.60 spent through it, now in the ledger's figure.
    for h in reserve_all(&replicas, 3, 0.2).await {
        h.settle(0.2);
    }
    assert_eq!(holds(&pg).await, 0, "Redis held those, not the database");
    redis.stop();
    for r in &replicas {
        r.set(vec![budget("cap", BudgetScope::All, 1.0, 0.7)]);
    }
    let started = Instant::now();
    let held = reserve_all(&replicas, 6, 0.2).await;
    assert_eq!(
        held.len(),
        1,
        "$0.70 spent: room for one more of $0.20 for the whole team"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(holds(&pg).await, 1);
    // Dropped unsettled: counted at its worst case, $0.90 in all. A replica whose figure is
    // older ($0.10) still reserves from the database's count.
    drop(held);
    replicas[0].set(vec![cap.clone()]);
    assert_eq!(reserve_all(&replicas[..1], 3, 0.2).await.len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_postgresql_and_redis_away_each_replica_stops_on_its_own_count() {
    let pg = TempPostgres::start();
    let cap = budget("cap", BudgetScope::All, 1.0, 0.5);
    let replicas = replicas(&pg, None, &cap).await;
    let one = &replicas[0];
    pg.stop();
    let started = Instant::now();
    let first = one.reserve(None, "Mock", None, 0.2).await.unwrap().unwrap();
    first.settle(0.2);
    // $0.50 at the last figure + $0.20 spent here = $0.70: room for one more of $0.20.
    let second = one.reserve(None, "Mock", None, 0.2).await.unwrap();
    assert!(second.is_some());
    assert_eq!(
        one.reserve(None, "Mock", None, 0.2).await.err().as_deref(),
        Some("cap is used up"),
        "$0.90 counted with the $0.20 in flight"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    // Another replica counts alone too: its own $0.50 figure, none of the first one's spend.
    assert!(replicas[1]
        .reserve(None, "Mock", None, 0.4)
        .await
        .unwrap()
        .is_some());
    // A request dropped unsettled counts as its worst case; a fresh figure from the ledger
    // (which holds the first replica's spend) replaces this replica's own count of it.
    drop(second);
    assert!(one.reserve(None, "Mock", None, 0.2).await.is_err());
    one.set(vec![budget("cap", BudgetScope::All, 1.0, 0.7)]);
    assert!(one
        .reserve(None, "Mock", None, 0.3)
        .await
        .unwrap()
        .is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_back_after_a_pause_catches_up_with_what_postgresql_settled_before_it_reserves() {
    let pg = TempPostgres::start();
    let redis = TempRedis::start();
    let cap = budget("cap", BudgetScope::All, 1.0, 0.0);
    let replicas = replicas(&pg, Some(&redis), &cap).await;
    let one = &replicas[0];
    one.reserve(None, "Mock", None, 0.2)
        .await
        .unwrap()
        .unwrap()
        .settle(0.2);
    // The ledger's figure has the $0.20 by now.
    one.set(vec![budget("cap", BudgetScope::All, 1.0, 0.2)]);
    redis.pause();
    for _ in 0..2 {
        let held = one.reserve(None, "Mock", None, 0.3).await.unwrap().unwrap();
        held.settle(0.3);
    }
    super::until(Duration::from_secs(3), "the settlements land", || async {
        holds(&pg).await == 0
    })
    .await;
    redis.resume();
    // Redis answers again, still saying $0.20 settled — and holding $0.30 for the reservation
    // whose script ran only when Redis woke up (its answer came too late to be used).
    super::until(Duration::from_secs(5), "Redis answers", || async {
        one.counted_usd(&cap).await.is_some()
    })
    .await;
    // (Two such, on a slow machine: the second reservation tried Redis again after its pause.)
    let counted = one.counted_usd(&cap).await.unwrap();
    assert!(
        (counted - 0.5).abs() < 1e-9 || (counted - 0.8).abs() < 1e-9,
        "{counted}"
    );
    // $0.80 settled in all: before reserving in Redis again, its counter is raised to that and
    // the late reservation dropped.
    assert_eq!(
        one.reserve(None, "Mock", None, 0.3).await.err().as_deref(),
        Some("cap is used up")
    );
    let counted = one.counted_usd(&cap).await.unwrap();
    assert!((counted - 0.8).abs() < 1e-9, "{counted}");
    assert!(one
        .reserve(None, "Mock", None, 0.2)
        .await
        .unwrap()
        .is_some());
}
