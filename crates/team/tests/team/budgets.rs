use super::limits::link;
use std::sync::Arc;
use switchyard_gateway::SharedBudgets;
use switchyard_team::testing::TempRedis;
use switchyard_team::{BudgetScope, TeamBudget, TeamBudgets};

pub fn budget(name: &str, scope: BudgetScope, limit_usd: f64, spent_usd: f64) -> TeamBudget {
    TeamBudget {
        name: name.into(),
        scope,
        limit_usd,
        period_start_ms: 1_700_000_000_000,
        period_end_ms: i64::MAX / 2,
        spent_usd,
        message: format!("{name} is used up"),
    }
}

/// `attempts` reservations of `usd` spread over `replicas`, all at once; the ones that got in.
pub async fn reserve_all(
    replicas: &[Arc<TeamBudgets>],
    attempts: usize,
    usd: f64,
) -> Vec<Box<dyn switchyard_gateway::Held>> {
    let tasks: Vec<_> = (0..attempts)
        .map(|i| {
            let r = Arc::clone(&replicas[i % replicas.len()]);
            tokio::spawn(async move { r.reserve(None, "Mock", Some("capped"), usd).await })
        })
        .collect();
    let mut held = Vec::new();
    for t in tasks {
        match t.await.unwrap() {
            Ok(Some(h)) => held.push(h),
            Ok(None) => panic!("the budget covers the request"),
            Err(message) => assert_eq!(message, "cap is used up"),
        }
    }
    held
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_reservations_on_three_replicas_never_pass_the_limit_and_settling_frees_room() {
    let redis = TempRedis::start();
    let cap = budget("cap", BudgetScope::Route("capped".into()), 1.0, 0.1);
    let replicas: Vec<_> = (0..3)
        .map(|_| {
            let b = TeamBudgets::new(Some(link(&redis)), None);
            b.set(vec![cap.clone()]);
            Arc::new(b)
        })
        .collect();
    // $0.10 spent per the ledger: room for three of $0.30, not ten.
    let held = reserve_all(&replicas, 10, 0.3).await;
    assert_eq!(held.len(), 3);
    let counted = replicas[0].counted_usd(&cap).await.unwrap();
    assert!((counted - 1.0).abs() < 1e-9, "{counted}");

    // Each really cost $0.05: settling frees the difference (written in the background).
    for h in held {
        h.settle(0.05);
    }
    super::until(
        std::time::Duration::from_secs(2),
        "the settlements land",
        || async {
            replicas[1]
                .counted_usd(&cap)
                .await
                .is_some_and(|c| (c - 0.25).abs() < 1e-9)
        },
    )
    .await;
    assert_eq!(reserve_all(&replicas, 10, 0.3).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_outside_every_budget_reserves_nothing_and_with_redis_away_the_replica_counts_alone(
) {
    let redis = TempRedis::start();
    let b = TeamBudgets::new(Some(link(&redis)), None);
    b.set(vec![
        budget("mock only", BudgetScope::Backend("Other".into()), 1.0, 0.0),
        budget("route", BudgetScope::Route("elsewhere".into()), 1.0, 0.0),
    ]);
    assert!(b
        .reserve(None, "Mock", Some("capped"), 0.5)
        .await
        .unwrap()
        .is_none());
    b.set(vec![budget("all", BudgetScope::All, 1.0, 0.0)]);
    let in_flight = b.reserve(None, "Mock", None, 0.5).await.unwrap();
    assert!(in_flight.is_some());
    assert_eq!(
        b.reserve(None, "Mock", None, 0.6).await.err().as_deref(),
        Some("all is used up")
    );
    redis.stop();
    // Degraded, no team database either: this replica's own count (the ledger's $0 and what it
    // holds itself; the $0.50 held in Redis is not seen), and the request path does not wait.
    let started = std::time::Instant::now();
    let held = b.reserve(None, "Mock", None, 0.6).await.unwrap();
    assert!(held.is_some(), "held by this replica's own count");
    assert_eq!(
        b.reserve(None, "Mock", None, 0.6).await.err().as_deref(),
        Some("all is used up")
    );
    assert!(started.elapsed() < std::time::Duration::from_millis(600));
}

#[test]
fn periods_are_utc_days_and_calendar_months() {
    use switchyard_team::period_bounds;
    let at = |s: &str| {
        // Seconds since the epoch of a UTC date (GNU date is not needed: the dates are fixed).
        let known = [
            ("2026-11-26T15:30:00Z", 1_795_707_000_000),
            ("2026-11-01T00:00:00Z", 1_793_491_200_000),
            ("2026-12-01T00:00:00Z", 1_796_083_200_000),
            ("2028-02-01T00:00:00Z", 1_832_976_000_000),
            ("2028-02-29T12:00:00Z", 1_835_438_400_000),
            ("2028-03-01T00:00:00Z", 1_835_481_600_000),
        ];
        known.iter().find(|(k, _)| *k == s).unwrap().1
    };
    let now = at("2026-11-26T15:30:00Z");
    assert_eq!(
        period_bounds("day", now),
        (
            now - 15 * 3_600_000 - 30 * 60_000,
            now + 8 * 3_600_000 + 30 * 60_000
        )
    );
    assert_eq!(
        period_bounds("month", now),
        (at("2026-11-01T00:00:00Z"), at("2026-12-01T00:00:00Z"))
    );
    assert_eq!(
        period_bounds("month", at("2028-02-29T12:00:00Z")),
        (at("2028-02-01T00:00:00Z"), at("2028-03-01T00:00:00Z")),
        "a leap February"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_persons_budget_covers_only_that_persons_tokens() {
    let redis = TempRedis::start();
    let b = TeamBudgets::new(Some(link(&redis)), None);
    b.set_team(vec![budget(
        "ana's",
        BudgetScope::Person("Ana@example.com".into()),
        1.0,
        0.0,
    )]);
    assert!(b
        .reserve(Some("ana@example.com"), "Mock", None, 0.6)
        .await
        .unwrap()
        .is_some());
    assert_eq!(
        b.reserve(Some("ana@example.com"), "Mock", None, 0.6)
            .await
            .err()
            .as_deref(),
        Some("ana's is used up")
    );
    assert!(b
        .reserve(Some("bo@example.com"), "Mock", None, 0.6)
        .await
        .unwrap()
        .is_none());
    assert!(
        b.reserve(None, "Mock", None, 0.6).await.unwrap().is_none(),
        "a replica's own token"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_used_up_period_that_ended_does_not_refuse_a_request_of_the_next() {
    let redis = TempRedis::start();
    let b = TeamBudgets::new(Some(link(&redis)), None);
    let mut ended = budget("day cap", BudgetScope::All, 1.0, 1.0);
    ended.period_end_ms = 1_700_000_000_000 + 86_400_000; // a day in 2023: long past
    let current = budget("month cap", BudgetScope::All, 5.0, 0.0);
    b.set_team(vec![ended.clone()]);
    assert!(
        b.reserve(None, "Mock", None, 0.5).await.unwrap().is_none(),
        "the ended period's spend is not held against this request"
    );
    b.set_team(vec![ended, current]);
    assert!(
        b.reserve(None, "Mock", None, 0.5).await.unwrap().is_some(),
        "the current period still reserves"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counter_below_the_ledger_is_raised_to_it_and_what_is_held_stays_held() {
    let redis = TempRedis::start();
    let mut cap = budget("cap", BudgetScope::All, 1.0, 0.1);
    let b = TeamBudgets::new(Some(link(&redis)), None);
    b.set(vec![cap.clone()]);
    let counted = |b: &TeamBudgets, cap: &TeamBudget| {
        let (b, cap) = (b.clone(), cap.clone());
        async move { b.counted_usd(&cap).await.unwrap() }
    };
    // A request in flight holds $0.05.
    let held = b.reserve(None, "Mock", None, 0.05).await.unwrap().unwrap();
    assert!((counted(&b, &cap).await - 0.15).abs() < 1e-9);

    // While Redis was away the team spent $0.80 more: the ledger says $0.90, the counter $0.10,
    // which would still let $0.30 through.
    cap.spent_usd = 0.9;
    b.set(vec![cap.clone()]);
    assert!(b.reconcile().await);
    let now = counted(&b, &cap).await;
    assert!(
        (now - 0.95).abs() < 1e-9,
        "the ledger's $0.90 and the $0.05 held: {now}"
    );
    assert_eq!(
        b.reserve(None, "Mock", None, 0.1).await.err().as_deref(),
        Some("cap is used up")
    );

    // The request in flight settles at $0.04; a later, lower ledger figure lowers nothing.
    held.settle(0.04);
    super::until(
        std::time::Duration::from_secs(2),
        "the settlement lands",
        || async { (counted(&b, &cap).await - 0.94).abs() < 1e-9 },
    )
    .await;
    cap.spent_usd = 0.5;
    b.set(vec![cap.clone()]);
    assert!(b.reconcile().await);
    assert!((counted(&b, &cap).await - 0.94).abs() < 1e-9);
    assert!(b.reserve(None, "Mock", None, 0.05).await.unwrap().is_some());
}
