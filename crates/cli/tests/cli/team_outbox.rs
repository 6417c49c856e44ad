//! A team replica killed (`kill -9`) while PostgreSQL is down loses nothing it answered: each
//! record waits in its outbox (a SQLite file in its data folder) and the next start on that
//! folder sends them to the team ledger, each once (issue 55). A row the team database refuses
//! for its data is set aside in the outbox and counted (/metrics, the overview), and the rows
//! behind it flow (issue 69).

use super::team::{replica, team};
use super::{json_of, say_hi};
use std::path::Path;
use std::time::{Duration, Instant};
use switchyard_team::testing::{TempPostgres, TempRedis};

/// Rows in the replica's outbox, read as another process would.
fn outbox_rows(data: &Path) -> i64 {
    let path = data.join(switchyard_team::OUTBOX_FILE);
    let Ok(db) =
        rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return -1;
    };
    db.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))
        .unwrap_or(-1)
}

/// Waits up to `secs` for `done`.
async fn until(secs: u64, what: &str, mut done: impl AsyncFnMut() -> bool) {
    let end = Instant::now() + Duration::from_secs(secs);
    while !done().await {
        assert!(Instant::now() < end, "{what}: not within {secs} s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_killed_while_the_team_database_is_down_loses_nothing_it_answered() {
    let (pg, redis) = (TempPostgres::start(), TempRedis::start());
    let dir = tempfile::tempdir().unwrap();
    let (code, token, err) = team(
        dir.path(),
        &pg,
        &redis,
        &["token", "create", "codex", "--owner", "bo@example.com"],
    );
    assert_eq!(code, 0, "{err}");
    let first = replica(dir.path(), &pg, &redis);
    pg.stop();
    // 100 answers, 20 at a time (the Demo backend takes most of a second for each).
    for _ in 0..5 {
        let answers = (0..20).map(|_| say_hi(first.addr, &token, "demo-chat"));
        for answer in futures_util::future::join_all(answers).await {
            assert_eq!(answer.status(), 200, "{}", answer.text().await.unwrap());
        }
    }
    until(10, "the 100 answers committed to the outbox", async || {
        outbox_rows(dir.path()) == 100
    })
    .await;
    drop(first); // SIGKILL: nothing drained, nothing sent

    pg.restart();
    let _second = replica(dir.path(), &pg, &redis);
    let (db, conn) = tokio_postgres::connect(&pg.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let sql = "SELECT count(*), count(DISTINCT id) FROM team_requests WHERE token_name = 'codex'";
    let mut seen = (0, 0);
    until(
        15,
        "every answered request in the team ledger",
        async || {
            let row = db.query_one(sql, &[]).await.unwrap();
            seen = (row.get::<_, i64>(0), row.get::<_, i64>(1));
            seen == (100, 100)
        },
    )
    .await;
    until(5, "the outbox emptied", async || {
        outbox_rows(dir.path()) == 0
    })
    .await;
    let row = db.query_one(sql, &[]).await.unwrap();
    assert_eq!(
        (row.get::<_, i64>(0), row.get::<_, i64>(1)),
        (100, 100),
        "none twice"
    );
}

/// Writes `record` into the outbox of the replica folder `data`, as an older version (or anyone
/// with the folder) could have left it: straight into its table.
fn leave_in_outbox(data: &Path, record: serde_json::Value) {
    let db = rusqlite::Connection::open(data.join(switchyard_team::OUTBOX_FILE)).unwrap();
    db.execute(
        "INSERT INTO outbox (replica, token_id, record) VALUES ('old', NULL, ?1)",
        [record.to_string()],
    )
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_the_team_database_refuses_is_set_aside_shown_on_metrics_and_the_overview_and_the_rest_flow(
) {
    // Issue 69, fault 4: one such row used to stop the replica's ledger for good.
    let (pg, redis) = (TempPostgres::start(), TempRedis::start());
    let dir = tempfile::tempdir().unwrap();
    let (code, admin, err) = team(
        dir.path(),
        &pg,
        &redis,
        &[
            "token",
            "create",
            "desk",
            "--owner",
            "ana@example.com",
            "--admin",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (_, bo, _) = team(
        dir.path(),
        &pg,
        &redis,
        &["token", "create", "aider", "--owner", "bo@example.com"],
    );
    let first = replica(dir.path(), &pg, &redis);
    until(10, "the outbox made", async || outbox_rows(dir.path()) == 0).await;
    drop(first);
    let row = |id: &str, started: &str, model: &str| {
        serde_json::json!({"id": id, "startedAt": started, "inbound": "openai",
            "requestedModel": model, "status": 200, "costUsd": 0.25})
    };
    // A NUL, as an older version let in: stored, replaced. Not a time: refused, set aside.
    leave_in_outbox(
        dir.path(),
        row("old-nul", "2026-11-26T10:00:00Z", "demo\u{0}"),
    );
    leave_in_outbox(dir.path(), row("old-bad", "not a time", "demo-chat"));

    let r = replica(dir.path(), &pg, &redis);
    assert_eq!(say_hi(r.addr, &bo, "demo-chat").await.status(), 200);
    let (db, conn) = tokio_postgres::connect(&pg.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let sql = "SELECT count(*) FILTER (WHERE token_name = 'aider'),
                      count(*) FILTER (WHERE id = 'old-nul' AND requested_model = 'demo\u{FFFD}'),
                      count(*) FILTER (WHERE id = 'old-bad')
               FROM team_requests";
    let mut seen = (0_i64, 0_i64, 0_i64);
    until(15, "the rows behind the refused one written", async || {
        let row = db.query_one(sql, &[]).await.unwrap();
        seen = (row.get(0), row.get(1), row.get(2));
        seen.0 == 1
    })
    .await;
    assert_eq!(
        seen,
        (1, 1, 0),
        "the request and the NUL's row (replaced) are in; the refused row is not"
    );

    let metrics = super::scrape_metrics(r.addr, &admin).await;
    let line = metrics
        .lines()
        .find(|l| l.starts_with("switchyard_team_ledger_set_aside_requests{"))
        .unwrap_or_else(|| panic!("the set-aside gauge on /metrics:\n{metrics}"));
    assert!(line.ends_with(" 1"), "one row set aside: {line}");
    assert!(
        metrics.contains("# HELP switchyard_team_ledger_set_aside_requests "),
        "with its help text"
    );
    switchyard_app_testing::promtool::accepts(&metrics, "the replica's /metrics");
    let overview: serde_json::Value = json_of(
        reqwest::Client::new()
            .get(format!("http://{}/switchyard/team/v1/overview", r.addr))
            .bearer_auth(&admin),
    )
    .await;
    assert_eq!(
        (&overview["ledgerSetAside"], &overview["ledgerLost"]),
        (&serde_json::json!(1), &serde_json::json!(0)),
        "the Team page's overview counts it, and nothing was lost"
    );
    let kept = rusqlite::Connection::open(dir.path().join(switchyard_team::OUTBOX_FILE))
        .unwrap()
        .query_row(
            "SELECT json_extract(record, '$.id') FROM set_aside",
            [],
            |r| r.get::<_, String>(0),
        )
        .unwrap();
    assert_eq!(
        kept, "old-bad",
        "kept in the outbox where the user can find it"
    );
}
