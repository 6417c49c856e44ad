use std::sync::Arc;
use std::time::Duration;
use switchyard_core::RequestRecord;
use switchyard_gateway::Ledger;
use switchyard_team::testing::TempPostgres;
use switchyard_team::{TeamDb, TeamLedger};
use tokio_util::sync::CancellationToken;

fn request(n: usize) -> RequestRecord {
    RequestRecord {
        id: format!("req-{n:05}"),
        started_at: "2026-11-26T10:00:00Z".into(),
        inbound: "openai".into(),
        requested_model: "demo-chat".into(),
        backend: Some("Demo".into()),
        status: 200,
        input_tokens: 3,
        output_tokens: 5,
        latency_ms: 12,
        ..Default::default()
    }
}

async fn rows(pg: &TempPostgres) -> (i64, i64) {
    let (client, conn) = tokio_postgres::connect(&pg.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let row = client
        .query_one(
            "SELECT count(*), count(DISTINCT id) FROM team_requests",
            &[],
        )
        .await
        .unwrap();
    (row.get(0), row.get(1))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_lands_exactly_once_though_the_database_restarts_mid_load() {
    let pg = TempPostgres::start();
    let db = TeamDb::connect(&pg.url()).await.unwrap();
    let (ledger, pump) = TeamLedger::new(db, "replica-a", 50_000);
    let stop = CancellationToken::new();
    let pumping = tokio::spawn(pump.run(stop.clone().cancelled_owned()));
    let ledger = Arc::new(ledger);
    let senders: Vec<_> = (0..4)
        .map(|t| {
            let ledger = Arc::clone(&ledger);
            tokio::spawn(async move {
                for i in 0..500 {
                    ledger.record(request(t * 500 + i), Some(format!("token-{t}")));
                    if i % 50 == 0 {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(60)).await;
    pg.stop();
    tokio::time::sleep(Duration::from_millis(500)).await;
    pg.restart();
    for s in senders {
        s.await.unwrap();
    }
    stop.cancel();
    pumping.await.unwrap();
    assert_eq!(ledger.lost(), 0);
    assert_eq!(
        rows(&pg).await,
        (2000, 2000),
        "every request once, none twice"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_queue_drops_and_counts_what_it_cannot_hold_and_the_request_path_never_waits() {
    let pg = TempPostgres::start();
    let db = TeamDb::connect(&pg.url()).await.unwrap();
    pg.stop();
    let (ledger, pump) = TeamLedger::new(db, "replica-b", 10);
    let stop = CancellationToken::new();
    let pumping = tokio::spawn(pump.run(stop.clone().cancelled_owned()));
    let started = std::time::Instant::now();
    for n in 0..50 {
        ledger.record(request(n), None);
    }
    assert!(
        started.elapsed() < Duration::from_millis(100),
        "record() must not wait"
    );
    // The pump holds one batch (taken before the queue filled) and the queue its 10.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let lost = ledger.lost();
    assert!((30..=40).contains(&lost), "{lost} dropped");
    pg.restart();
    stop.cancel();
    pumping.await.unwrap();
    let (count, _) = rows(&pg).await;
    assert_eq!(
        count as u64 + ledger.lost(),
        50,
        "written or counted as lost, nothing else"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_budgets_spend_is_summed_from_the_team_ledger_by_scope_and_period() {
    let pg = TempPostgres::start();
    let db = TeamDb::connect(&pg.url()).await.unwrap();
    let (ledger, pump) = TeamLedger::new(db.clone(), "replica-a", 100);
    let stop = CancellationToken::new();
    let pumping = tokio::spawn(pump.run(stop.clone().cancelled_owned()));
    let priced = |n, at: &str, backend: &str, route: Option<&str>, usd| RequestRecord {
        started_at: at.into(),
        backend: Some(backend.into()),
        route: route.map(Into::into),
        cost_usd: Some(usd),
        ..request(n)
    };
    ledger.record(
        priced(1, "2026-11-26T10:00:00Z", "Mock", Some("capped"), 0.25),
        None,
    );
    ledger.record(priced(2, "2026-11-26T11:00:00Z", "Mock", None, 0.5), None);
    ledger.record(
        priced(3, "2026-11-26T12:00:00Z", "Other", Some("Capped"), 1.0),
        None,
    );
    ledger.record(
        priced(4, "2026-11-25T23:00:00Z", "Mock", Some("capped"), 8.0),
        None,
    );
    stop.cancel();
    pumping.await.unwrap();

    use switchyard_team::BudgetScope;
    let day = 1_795_651_200_000; // 2026-11-26T00:00:00Z
    let spent = |scope| {
        let db = db.clone();
        async move { db.spent_since(day, &scope).await.unwrap() }
    };
    assert_eq!(
        spent(BudgetScope::All).await,
        1.75,
        "yesterday's request is not in the period"
    );
    assert_eq!(spent(BudgetScope::Backend("Mock".into())).await, 0.75);
    assert_eq!(
        spent(BudgetScope::Route("capped".into())).await,
        1.25,
        "routes by name, any case"
    );
}
