//! The team's ledger in PostgreSQL: every request a replica answers, written off the request
//! path in batches, as the desktop's SQLite writer does.
//!
//! - `record` never blocks: a record goes into a bounded queue ([`QUEUE`] records). A full queue
//!   drops the record, counts it ([`TeamLedger::lost`]) and says so in the log.
//! - The pump writes up to [`BATCH`] records in one statement (column arrays, unnested). When PostgreSQL is
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

    /// Records waiting to be written.
    pub fn queued(&self) -> usize {
        self.queue.max_capacity() - self.queue.capacity()
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

/// One statement: the batch's rows as column arrays, unnested; a row already there is left as
/// it is.
async fn insert(db: &TeamDb, replica: &str, batch: &[Row]) -> Result<(), TeamError> {
    let column = |f: &dyn Fn(&Row) -> Option<String>| batch.iter().map(f).collect::<Vec<_>>();
    let ids = column(&|r| Some(r.record.id.clone()));
    let started = column(&|r| Some(r.record.started_at.clone()));
    let token_ids = column(&|r| r.token_id.clone());
    let token_names = column(&|r| r.record.token_name.clone());
    let inbound = column(&|r| Some(r.record.inbound.clone()));
    let requested = column(&|r| Some(r.record.requested_model.clone()));
    let backends = column(&|r| r.record.backend.clone());
    let models = column(&|r| r.record.model.clone());
    let status: Vec<i32> = batch.iter().map(|r| i32::from(r.record.status)).collect();
    let input: Vec<i64> = batch
        .iter()
        .map(|r| to_i64(r.record.input_tokens))
        .collect();
    let output: Vec<i64> = batch
        .iter()
        .map(|r| to_i64(r.record.output_tokens))
        .collect();
    let cost: Vec<Option<f64>> = batch.iter().map(|r| r.record.cost_usd).collect();
    let latency: Vec<i32> = batch
        .iter()
        .map(|r| i32::try_from(r.record.latency_ms).unwrap_or(i32::MAX))
        .collect();
    let records: Vec<Json<&RequestRecord>> = batch.iter().map(|r| Json(&r.record)).collect();
    let client = db.client().await?;
    client
        .execute(
            "INSERT INTO team_requests (id, replica, started_at, token_id, token_name, inbound,
                requested_model, backend, model, status, input_tokens, output_tokens, cost_usd,
                latency_ms, record)
             SELECT id, $2, started::timestamptz, token_id, token_name, inbound, requested_model,
                backend, model, status, input_tokens, output_tokens, cost_usd, latency_ms, record
             FROM UNNEST($1::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                $8::text[], $9::text[], $10::int4[], $11::int8[], $12::int8[], $13::float8[],
                $14::int4[], $15::jsonb[])
                AS t(id, started, token_id, token_name, inbound, requested_model, backend, model,
                     status, input_tokens, output_tokens, cost_usd, latency_ms, record)
             ON CONFLICT (id) DO NOTHING",
            &[
                &ids,
                &replica,
                &started,
                &token_ids,
                &token_names,
                &inbound,
                &requested,
                &backends,
                &models,
                &status,
                &input,
                &output,
                &cost,
                &latency,
                &records,
            ],
        )
        .await?;
    Ok(())
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
