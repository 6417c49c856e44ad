//! The team gateway's shared state against real servers: a throw-away PostgreSQL and Redis per
//! test (`switchyard_team::testing`), several "replicas" (independent handles, as separate
//! processes would hold) on one database and one Redis.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "team/breakers.rs"]
mod breakers;
#[path = "team/budgets.rs"]
mod budgets;
#[path = "team/cache.rs"]
mod cache;
#[path = "team/ledger.rs"]
mod ledger;
#[path = "team/limits.rs"]
mod limits;
#[path = "team/refused.rs"]
mod refused;
#[path = "team/schema.rs"]
mod schema;
#[path = "team/stops.rs"]
mod stops;
#[path = "team/synced.rs"]
mod synced;
#[path = "team/tls.rs"]
mod tls;
#[path = "team/tokens.rs"]
mod tokens;

use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use switchyard_domain::RequestRecord;
use switchyard_team::testing::TempPostgres;
use switchyard_team::{TeamDb, OUTBOX_FILE};

/// Request `n` (`req-0000n`): a finished Demo request of 3 + 5 tokens that cost $0.50.
pub fn request(n: usize) -> RequestRecord {
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
        cost_usd: Some(0.5),
        ..Default::default()
    }
}

/// A plain connection to `pg` (no Switchyard code between), as a tool or an intruder opens one.
pub async fn sql(pg: &TempPostgres) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(&pg.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client
}

/// A throw-away team database and a connection to it, and where a replica's outbox goes in a
/// throw-away folder (the file not made yet).
pub async fn db_and_outbox() -> (TempPostgres, TeamDb, tempfile::TempDir, PathBuf) {
    let pg = TempPostgres::start();
    let db = TeamDb::connect(&pg.address()).await.unwrap();
    let folder = tempfile::tempdir().unwrap();
    let outbox = folder.path().join(OUTBOX_FILE);
    (pg, db, folder, outbox)
}

/// Waits until `check` holds, or fails with `what` after `within`; returns how long it took.
pub async fn until<F, Fut>(within: Duration, what: &str, mut check: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let started = Instant::now();
    loop {
        if check().await {
            return started.elapsed();
        }
        assert!(started.elapsed() < within, "{what} within {within:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
