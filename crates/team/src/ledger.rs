//! The team's ledger in PostgreSQL: every request a replica answers, written off the request
//! path in batches, as the desktop's SQLite writer does.
//!
//! - `record` never blocks: a record goes into a bounded queue ([`QUEUE`] records). A full queue
//!   drops the record, counts it ([`TeamLedger::lost`]) and says so in the log.
//! - The pump writes up to [`BATCH`] records in one transaction, pipelined. When PostgreSQL is
//!   down it keeps the batch and retries with backoff; the queue fills meanwhile, up to its bound.
//! - Each row's key is the request's id, and a batch is inserted with `ON CONFLICT DO NOTHING`.
//!   A batch retried after an answer was lost (committed, but the connection dropped) is
//!   therefore never counted twice.
//! - On stop the pump writes what is queued, retrying for up to [`DRAIN_FOR`]. A `kill -9` loses
//!   the queue and the batch in flight, no more.

use crate::{TeamDb, TeamError};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use switchyard_core::RequestRecord;
use tokio::sync::mpsc;
use tokio_postgres::types::Json;

/// Records held while the database is slow or away.
pub const QUEUE: usize = 50_000;
/// Records per transaction.
pub const BATCH: usize = 500;
/// How long stopping may spend writing what is queued.
pub const DRAIN_FOR: Duration = Duration::from_secs(10);
const MAX_BACKOFF: Duration = Duration::from_secs(2);

struct Row {
    record: RequestRecord,
    token_id: Option<String>,
}

/// The gateway's side: queues records for the pump. Cheap to clone.
#[derive(Clone)]
pub struct TeamLedger {
    queue: mpsc::Sender<Row>,
    lost: Arc<AtomicU64>,
}

/// The writing side: runs under the app's supervisor until told to stop.
pub struct LedgerPump {
    queue: mpsc::Receiver<Row>,
    db: TeamDb,
    replica: String,
    lost: Arc<AtomicU64>,
}

impl TeamLedger {
    /// A ledger writing into `db` as `replica` (a name for this replica in the rows), holding at
    /// most `capacity` records while the database is away.
    pub fn new(db: TeamDb, replica: &str, capacity: usize) -> (TeamLedger, LedgerPump) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        let lost = Arc::new(AtomicU64::new(0));
        let pump = LedgerPump {
            queue: rx,
            db,
            replica: replica.to_string(),
            lost: Arc::clone(&lost),
        };
        (TeamLedger { queue: tx, lost }, pump)
    }

    /// Records dropped because the queue was full.
    pub fn lost(&self) -> u64 {
        self.lost.load(Ordering::Relaxed)
    }
}

impl switchyard_gateway::Ledger for TeamLedger {
    fn record(&self, record: RequestRecord, token_id: Option<String>) {
        if self.queue.try_send(Row { record, token_id }).is_err() {
            let lost = self.lost.fetch_add(1, Ordering::Relaxed) + 1;
            // Loud, but not a line per request.
            if lost.is_power_of_two() {
                tracing::error!(
                    lost,
                    "the team ledger's queue is full: requests are not being recorded in the team database"
                );
            }
        }
    }
}

impl LedgerPump {
    /// Writes batches until `stop` resolves, then what is still queued.
    pub async fn run(mut self, stop: impl Future<Output = ()>) {
        tokio::pin!(stop);
        loop {
            let mut batch = Vec::with_capacity(BATCH);
            tokio::select! {
                _ = &mut stop => break,
                n = self.queue.recv_many(&mut batch, BATCH) => if n == 0 { return },
            }
            self.write(batch, None).await;
        }
        self.queue.close();
        let deadline = tokio::time::Instant::now() + DRAIN_FOR;
        loop {
            let mut batch = Vec::with_capacity(BATCH);
            if self.queue.recv_many(&mut batch, BATCH).await == 0 {
                return;
            }
            if !self.write(batch, Some(deadline)).await {
                let left = self.queue.len();
                tracing::error!(left, "stopped before the team database took every record");
                self.lost.fetch_add(left as u64, Ordering::Relaxed);
                return;
            }
        }
    }

    /// Writes `batch`, retrying until it is in or `deadline` passes; `false` when it gave up.
    async fn write(&self, batch: Vec<Row>, deadline: Option<tokio::time::Instant>) -> bool {
        let mut backoff = Duration::from_millis(100);
        loop {
            match insert(&self.db, &self.replica, &batch).await {
                Ok(()) => return true,
                Err(e) => {
                    if deadline.is_some_and(|d| tokio::time::Instant::now() + backoff > d) {
                        tracing::error!(error = %e, rows = batch.len(), "team ledger rows not written");
                        self.lost.fetch_add(batch.len() as u64, Ordering::Relaxed);
                        return false;
                    }
                    tracing::warn!(error = %e, rows = batch.len(), "team ledger write failed; retrying");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }
}

/// One transaction: the batch's rows, pipelined; a row already there is left as it is.
async fn insert(db: &TeamDb, replica: &str, batch: &[Row]) -> Result<(), TeamError> {
    let mut client = db.client().await?;
    let tx = client.transaction().await?;
    let statement = tx
        .prepare(
            "INSERT INTO team_requests (id, replica, started_at, token_id, token_name, inbound,
                requested_model, backend, model, status, input_tokens, output_tokens, cost_usd,
                latency_ms, record)
             VALUES ($1, $2, $3::text::timestamptz, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
                $14, $15)
             ON CONFLICT (id) DO NOTHING",
        )
        .await?;
    let writes = batch.iter().map(|row| {
        let r = &row.record;
        let status = i32::from(r.status);
        let (input, output) = (to_i64(r.input_tokens), to_i64(r.output_tokens));
        let latency = i32::try_from(r.latency_ms).unwrap_or(i32::MAX);
        let statement = &statement;
        let tx = &tx;
        async move {
            tx.execute(
                statement,
                &[
                    &r.id,
                    &replica,
                    &r.started_at,
                    &row.token_id,
                    &r.token_name,
                    &r.inbound,
                    &r.requested_model,
                    &r.backend,
                    &r.model,
                    &status,
                    &input,
                    &output,
                    &r.cost_usd,
                    &latency,
                    &Json(r),
                ],
            )
            .await
        }
    });
    futures_util::future::try_join_all(writes).await?;
    tx.commit().await?;
    Ok(())
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
