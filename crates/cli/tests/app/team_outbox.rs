//! A team replica killed (`kill -9`) while PostgreSQL is down loses nothing it answered: each
//! record waits in its outbox (a SQLite file in its data folder) and the next start on that
//! folder sends them to the team ledger, each once (issue 55).

use super::say_hi;
use super::team::{replica, team};
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
