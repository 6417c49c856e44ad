use super::request;
use std::sync::Arc;
use std::time::Duration;
use switchyard_domain::RequestRecord;
use switchyard_gateway::Ledger;
use switchyard_team::testing::TempPostgres;
use switchyard_team::{TeamDb, TeamLedger};
use tokio_util::sync::CancellationToken;

async fn rows(pg: &TempPostgres) -> (i64, i64) {
    let client = super::sql(pg).await;
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
    let db = TeamDb::connect(&pg.address()).await.unwrap();
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
    let db = TeamDb::connect(&pg.address()).await.unwrap();
    pg.stop();
    // The pump is not taking anything yet (as when the outbox's disk stalls): the queue holds
    // its 10, and the other 40 are dropped and counted, without the request path waiting.
    let (ledger, pump) = TeamLedger::new(db, "replica-b", 10);
    let started = std::time::Instant::now();
    for n in 0..50 {
        ledger.record(request(n), None);
    }
    assert!(
        started.elapsed() < Duration::from_millis(100),
        "record() must not wait"
    );
    assert_eq!((ledger.lost(), ledger.queued()), (40, 10));
    pg.restart();
    let stop = CancellationToken::new();
    let pumping = tokio::spawn(pump.run(stop.clone().cancelled_owned()));
    stop.cancel();
    pumping.await.unwrap();
    let (count, _) = rows(&pg).await;
    assert_eq!(
        (count as u64, ledger.lost()),
        (10, 40),
        "written or counted as lost, nothing else"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_a_pump_killed_while_the_database_is_down_kept_is_sent_at_the_next_start_once() {
    let (pg, db, folder, outbox) = super::db_and_outbox().await;
    pg.stop();
    let (ledger, pump) = TeamLedger::new(db.clone(), "replica-a", 1_000);
    let pumping = tokio::spawn(pump.with_outbox(outbox.clone()).run(std::future::pending()));
    for n in 0..100 {
        ledger.record(request(n), Some("token-a".into()));
    }
    super::until(
        Duration::from_secs(10),
        "100 rows committed to the outbox",
        || async { ledger.unsent() == 100 },
    )
    .await;
    // As `kill -9`: the pump stops where it is, nothing drained.
    pumping.abort();
    let _ = pumping.await;
    // A copy of the outbox as it was: as if the next pump were killed after PostgreSQL took
    // its rows and before it deleted them.
    // (The aborted pump's SQLite connection may still be closing on its blocking thread, which
    // folds the journal into the file and removes it: a copy that lost a file is made again.)
    let again = tempfile::tempdir().unwrap();
    let copy_all = || -> std::io::Result<()> {
        for entry in std::fs::read_dir(folder.path())? {
            let entry = entry?;
            std::fs::copy(entry.path(), again.path().join(entry.file_name()))?;
        }
        Ok(())
    };
    let mut tries = 0;
    while let Err(e) = copy_all() {
        tries += 1;
        assert!(tries < 20, "the outbox could not be copied: {e}");
        for entry in std::fs::read_dir(again.path()).unwrap() {
            std::fs::remove_file(entry.unwrap().path()).unwrap();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    pg.restart();

    for (n, dir) in [(0, folder.path()), (1, again.path())] {
        let (next, pump) = TeamLedger::new(db.clone(), &format!("replica-a-{n}"), 1_000);
        let stop = CancellationToken::new();
        let path = dir.join(switchyard_team::OUTBOX_FILE);
        let pumping = tokio::spawn(pump.with_outbox(path).run(stop.clone().cancelled_owned()));
        super::until(Duration::from_secs(15), "the kept rows sent", || async {
            next.queued() == 0 && rows(&pg).await.0 == 100
        })
        .await;
        stop.cancel();
        pumping.await.unwrap();
        assert_eq!(next.lost(), 0);
    }
    assert_eq!(
        rows(&pg).await,
        (100, 100),
        "every kept row once, none twice"
    );
    let client = super::sql(&pg).await;
    let replicas = client
        .query_one("SELECT count(*) FROM team_requests WHERE replica = 'replica-a' AND token_id = 'token-a'", &[])
        .await
        .unwrap();
    assert_eq!(
        replicas.get::<_, i64>(0),
        100,
        "each row as the replica that answered it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_budgets_spend_is_summed_from_the_team_ledger_by_scope_and_period() {
    let pg = TempPostgres::start();
    let db = TeamDb::connect(&pg.address()).await.unwrap();
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn team_budgets_are_versioned_records_and_a_persons_spend_comes_from_their_tokens() {
    use switchyard_domain::TokenScope;
    use switchyard_team::{BudgetScope, TeamError};
    let pg = TempPostgres::start();
    let db = TeamDb::connect(&pg.address()).await.unwrap();
    let first = db
        .set_budget("Ana's day", Some("ana@example.com"), "day", 2.0, true)
        .await
        .unwrap();
    assert_eq!(first.version, 1);
    let again = db
        .set_budget("Ana's day", Some("ana@example.com"), "day", 3.0, true)
        .await
        .unwrap();
    assert_eq!(
        (again.version, again.limit_usd),
        (2, 3.0),
        "replaced, newer"
    );
    db.set_budget("Everyone", None, "month", 50.0, false)
        .await
        .unwrap();
    assert!(matches!(
        db.set_budget("Bad", None, "week", 1.0, true).await,
        Err(TeamError::Invalid(_))
    ));
    assert!(matches!(
        db.set_budget(" ", None, "day", 1.0, true).await,
        Err(TeamError::Invalid(_))
    ));
    // Refused with the reason before PostgreSQL, which cannot hold a NUL, is asked.
    for (name, person) in [("Ana\0", None), ("Ana", Some("ana\0@example.com"))] {
        assert!(
            matches!(
                db.set_budget(name, person, "day", 1.0, true).await,
                Err(TeamError::Invalid(_))
            ),
            "a control character in a budget's name or person is invalid input"
        );
    }
    assert_eq!(db.budgets().await.unwrap().len(), 2);

    // Ana's requests (her token) count for her; another person's do not.
    let ana = db
        .create_token("codex", "ana@example.com", TokenScope::Gateway)
        .await
        .unwrap();
    let bo = db
        .create_token("aider", "bo@example.com", TokenScope::Gateway)
        .await
        .unwrap();
    let (ledger, pump) = TeamLedger::new(db.clone(), "replica-a", 100);
    let stop = CancellationToken::new();
    let pumping = tokio::spawn(pump.run(stop.clone().cancelled_owned()));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    // PostgreSQL reads "now" as the current time: these requests are in today's period.
    let started = "now".to_string();
    for (n, token, usd) in [(1, &ana, 0.5), (2, &ana, 0.25), (3, &bo, 4.0)] {
        let r = RequestRecord {
            started_at: started.clone(),
            cost_usd: Some(usd),
            ..request(n)
        };
        ledger.record(r, Some(token.token.id.clone()));
    }
    stop.cancel();
    pumping.await.unwrap();
    let limits = db
        .budget_limits(i64::try_from(now.as_millis()).unwrap())
        .await
        .unwrap();
    assert_eq!(limits.len(), 1, "only the hard stop");
    assert_eq!(
        limits[0].scope,
        BudgetScope::Person("ana@example.com".into())
    );
    assert_eq!(limits[0].spent_usd, 0.75);
    assert_eq!(limits[0].limit_usd, 3.0);

    db.remove_budget("Ana's day").await.unwrap();
    assert!(matches!(
        db.remove_budget("Ana's day").await,
        Err(TeamError::NotFound(_))
    ));
}
