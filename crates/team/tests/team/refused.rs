//! Rows the team database refuses for their data (issue 69, fault 4): one such row in the
//! outbox must never hold up the rows behind it. A NUL is made storable on its way in; a row the
//! database still refuses is set aside in the outbox, counted, and the rest flow.

use super::request;
use std::path::Path;
use std::time::Duration;
use switchyard_gateway::Ledger;
use switchyard_team::testing::TempPostgres;
use switchyard_team::{TeamDb, TeamLedger};
use tokio_util::sync::CancellationToken;

async fn ids(pg: &TempPostgres) -> Vec<String> {
    super::sql(pg)
        .await
        .query("SELECT id FROM team_requests ORDER BY id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// Writes `record` into the outbox at `path` as an older version, or anyone with the data
/// folder, could have: straight into its table, past the ledger's own writer.
async fn inject(db: &TeamDb, path: &Path, record: &serde_json::Value) {
    // A pump opened once makes the file and its table.
    let (_, pump) = TeamLedger::new(db.clone(), "replica-a", 10);
    pump.with_outbox(path.to_path_buf())
        .run(std::future::ready(()))
        .await;
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute(
        "INSERT INTO outbox (replica, token_id, record) VALUES ('replica-a', NULL, ?1)",
        [record.to_string()],
    )
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nul_in_an_outbox_row_is_stored_replaced_and_the_rows_behind_it_flow() {
    let (pg, db, _folder, path) = super::db_and_outbox().await;
    let mut poisoned = serde_json::to_value(request(0)).unwrap();
    poisoned["requestedModel"] = "demo-\u{0}chat".into();
    poisoned["providerId"] = "chatcmpl-\u{0}".into();
    inject(&db, &path, &poisoned).await;

    let (ledger, pump) = TeamLedger::new(db.clone(), "replica-a", 100);
    let stop = CancellationToken::new();
    let pumping = tokio::spawn(pump.with_outbox(path).run(stop.clone().cancelled_owned()));
    for n in 1..=3 {
        ledger.record(request(n), None);
    }
    super::until(
        Duration::from_secs(10),
        "the rows behind the NUL's row in the team ledger",
        || async { ids(&pg).await.len() == 4 },
    )
    .await;
    stop.cancel();
    pumping.await.unwrap();
    let row = super::sql(&pg)
        .await
        .query_one(
            "SELECT requested_model, record->>'providerId' FROM team_requests WHERE id = 'req-00000'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        (row.get::<_, String>(0), row.get::<_, String>(1)),
        (
            "demo-\u{FFFD}chat".to_string(),
            "chatcmpl-\u{FFFD}".to_string()
        ),
        "a NUL is stored as U+FFFD, in the columns and the record alike: its spend still counts"
    );
    assert_eq!(
        (ledger.set_aside(), ledger.lost(), ledger.queued()),
        (0, 0, 0),
        "nothing refused, nothing lost, nothing waiting"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_the_database_refuses_is_set_aside_counted_and_the_rows_behind_it_flow() {
    let (pg, db, _folder, path) = super::db_and_outbox().await;
    let mut refused = serde_json::to_value(request(0)).unwrap();
    // Not a time: PostgreSQL refuses the row (SQLSTATE 22007), whatever is done to its text.
    refused["startedAt"] = "yesterday-ish".into();
    inject(&db, &path, &refused).await;

    let (ledger, pump) = TeamLedger::new(db.clone(), "replica-a", 1_000);
    let stop = CancellationToken::new();
    let pumping = tokio::spawn(
        pump.with_outbox(path.clone())
            .run(stop.clone().cancelled_owned()),
    );
    for n in 1..=600 {
        ledger.record(request(n), None);
    }
    super::until(
        Duration::from_secs(10),
        "the rows behind the refused one in the team ledger",
        || async { ids(&pg).await.len() == 600 },
    )
    .await;
    super::until(
        Duration::from_secs(5),
        "the refused row counted",
        || async { ledger.set_aside() == 1 },
    )
    .await;
    stop.cancel();
    pumping.await.unwrap();
    assert!(
        !ids(&pg).await.contains(&"req-00000".to_string()),
        "the refused row is not in the team ledger"
    );
    assert_eq!(
        (ledger.lost(), ledger.queued()),
        (0, 0),
        "nothing lost, nothing waiting"
    );

    // Kept in the outbox with the database's reason, and still counted by the next process.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let (id, reason): (String, String) = conn
        .query_row(
            "SELECT json_extract(record, '$.id'), reason FROM set_aside",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(id, "req-00000");
    assert!(reason.starts_with("22007"), "its SQLSTATE first: {reason}");
    drop(conn);
    let (next, pump) = TeamLedger::new(db, "replica-a", 10);
    let stop = CancellationToken::new();
    let pumping = tokio::spawn(pump.with_outbox(path).run(stop.clone().cancelled_owned()));
    super::until(Duration::from_secs(5), "the next start's count", || async {
        next.set_aside() == 1
    })
    .await;
    stop.cancel();
    pumping.await.unwrap();
}
