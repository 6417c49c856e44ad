//! The team's ledger in PostgreSQL: every request a replica answers, written off the request
//! path in batches, as the desktop's SQLite writer does.
//!
//! - `record` never blocks: a record goes into a bounded queue ([`QUEUE`] records). A full queue
//!   drops the record, counts it ([`TeamLedger::lost`]) and says so in the log.
//! - The pump commits what it takes off the queue to the replica's durable outbox first
//!   ([`crate::outbox`], a SQLite file in its data folder), then sends the oldest rows to
//!   PostgreSQL, up to [`BATCH`] in one statement (column arrays, unnested), and deletes them
//!   from the outbox once they are in. When PostgreSQL is down it retries with backoff; the
//!   outbox holds what comes meanwhile (up to [`crate::OUTBOX_MAX`] rows).
//! - A row the database refuses for its own data (SQLSTATE class 22 or 23) is set aside in the
//!   outbox with the reason, counted ([`TeamLedger::set_aside`]), and the rows behind it flow;
//!   every string is made storable before it is bound, so a NUL never gets that far
//!   (`ship`). The database being away is never a reason to set a row aside.
//! - Each row's key is the request's id, and a batch is inserted with `ON CONFLICT DO NOTHING`.
//!   A batch sent again (its answer lost, or the replica killed before deleting it from the
//!   outbox) is never counted twice.
//! - On stop the pump commits what is queued and sends for up to [`DRAIN_FOR`]; what PostgreSQL
//!   did not take stays in the outbox for the next start. A `kill -9` loses only what was not
//!   yet committed to the outbox: the requests in flight and the last few milliseconds' batch.

mod ship;

use crate::outbox::{Outbox, Row};
use crate::{TeamDb, TeamError};
use ship::Shipper;
use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use switchyard_domain::RequestRecord;
use tokio::sync::{mpsc, Notify};
use tokio_util::sync::CancellationToken;

/// Records held in memory between the request path and the outbox.
pub const QUEUE: usize = 50_000;
/// Records per transaction.
pub const BATCH: usize = 500;
/// How long stopping may spend sending what the outbox holds.
pub const DRAIN_FOR: Duration = Duration::from_secs(10);
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// The gateway's side: queues records for the pump. Cheap to clone.
#[derive(Clone)]
pub struct TeamLedger {
    queue: mpsc::Sender<Row>,
    lost: Arc<AtomicU64>,
    /// Rows committed to the outbox and not yet in PostgreSQL.
    unsent: Arc<AtomicUsize>,
    /// Rows the team database refused for their data, kept aside in the outbox.
    set_aside: Arc<AtomicU64>,
}

/// The writing side: runs under the app's supervisor until told to stop.
pub struct LedgerPump {
    queue: mpsc::Receiver<Row>,
    db: TeamDb,
    replica: String,
    lost: Arc<AtomicU64>,
    unsent: Arc<AtomicUsize>,
    set_aside: Arc<AtomicU64>,
    /// The outbox's file; `None` keeps it in memory (it then dies with the process).
    outbox: Option<PathBuf>,
}

impl TeamLedger {
    /// A ledger writing into `db` as `replica` (a name for this replica in the rows), holding at
    /// most `capacity` records between the request path and the outbox.
    pub fn new(db: TeamDb, replica: &str, capacity: usize) -> (TeamLedger, LedgerPump) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        let lost = Arc::new(AtomicU64::new(0));
        let unsent = Arc::new(AtomicUsize::new(0));
        let set_aside = Arc::new(AtomicU64::new(0));
        let pump = LedgerPump {
            queue: rx,
            db,
            replica: replica.to_string(),
            lost: Arc::clone(&lost),
            unsent: Arc::clone(&unsent),
            set_aside: Arc::clone(&set_aside),
            outbox: None,
        };
        (
            TeamLedger {
                queue: tx,
                lost,
                unsent,
                set_aside,
            },
            pump,
        )
    }

    /// Records waiting to be written: queued, or in the outbox.
    pub fn queued(&self) -> usize {
        self.queue.max_capacity() - self.queue.capacity() + self.unsent()
    }

    /// Records committed to the outbox and not yet in the team database.
    pub fn unsent(&self) -> usize {
        self.unsent.load(Ordering::Relaxed)
    }

    /// Records the team database refused for their data, kept aside in this replica's outbox
    /// (its `set_aside` table, with the reason) instead of holding up the rows behind them.
    pub fn set_aside(&self) -> u64 {
        self.set_aside.load(Ordering::Relaxed)
    }

    /// Records dropped because the queue or the outbox was full (or could not be written).
    pub fn lost(&self) -> u64 {
        self.lost.load(Ordering::Relaxed)
    }
}

impl switchyard_gateway::Ledger for TeamLedger {
    fn record(&self, record: RequestRecord, token_id: Option<String>) {
        if self.queue.try_send(Row { record, token_id }).is_err() {
            count_lost(&self.lost, 1, "the team ledger's queue is full");
        }
    }
}

/// Counts `n` lost records; loud, but not a line per request.
fn count_lost(lost: &AtomicU64, n: u64, why: &str) {
    if n == 0 {
        return;
    }
    let before = lost.fetch_add(n, Ordering::Relaxed);
    let after = before + n;
    // When the count passes a power of two.
    if before == 0 || after.ilog2() > before.ilog2() {
        tracing::error!(
            lost = after,
            "{why}: requests are not being recorded in the team database"
        );
    }
}

/// Runs blocking outbox work off the async threads.
async fn off<T: Send + 'static>(
    outbox: &Outbox,
    work: impl FnOnce(&Outbox) -> Result<T, TeamError> + Send + 'static,
) -> Result<T, TeamError> {
    let outbox = outbox.clone();
    tokio::task::spawn_blocking(move || work(&outbox))
        .await
        .map_err(|e| TeamError::Outbox(e.to_string()))?
}

impl LedgerPump {
    /// Keeps the outbox in the file at `path` (the replica's data folder), so what PostgreSQL
    /// has not taken outlives the process.
    pub fn with_outbox(mut self, path: PathBuf) -> LedgerPump {
        self.outbox = Some(path);
        self
    }

    /// Commits and sends until `stop` resolves, then commits what is queued and sends for up to
    /// [`DRAIN_FOR`]. It starts by sending what an earlier process left in the outbox.
    pub async fn run(self, stop: impl Future<Output = ()>) {
        let outbox = match self.open_outbox().await {
            Ok(o) => o,
            Err(e) => {
                tracing::error!(error = %e, "the team ledger's outbox cannot be opened: records wait in memory only");
                match Outbox::in_memory() {
                    Ok(o) => o,
                    Err(e) => {
                        tracing::error!(error = %e, "no team ledger outbox at all");
                        return;
                    }
                }
            }
        };
        if let Ok(n) = off(&outbox, Outbox::len).await {
            self.unsent.store(n, Ordering::Relaxed);
            if n > 0 {
                tracing::info!(rows = n, "sending what the team ledger's outbox kept");
            }
        }
        if let Ok(n) = off(&outbox, Outbox::set_aside_len).await {
            self.set_aside.store(n as u64, Ordering::Relaxed);
            if n > 0 {
                tracing::warn!(rows = n, "the team ledger's outbox holds rows the team database refused (its set_aside table)");
            }
        }
        let spooled = CancellationToken::new();
        let wake = Notify::new();
        let LedgerPump {
            queue,
            db,
            replica,
            lost,
            unsent,
            set_aside,
            ..
        } = self;
        let spool = Spooler {
            outbox: outbox.clone(),
            replica,
            lost: Arc::clone(&lost),
            unsent: Arc::clone(&unsent),
        };
        let ship = Shipper {
            outbox,
            db,
            lost,
            unsent,
            set_aside,
        };
        tokio::join!(
            async {
                spool.run(queue, stop, &wake).await;
                spooled.cancel();
                wake.notify_one();
            },
            ship.run(&spooled, &wake),
        );
    }

    async fn open_outbox(&self) -> Result<Outbox, TeamError> {
        match self.outbox.clone() {
            Some(path) => tokio::task::spawn_blocking(move || Outbox::open(&path))
                .await
                .map_err(|e| TeamError::Outbox(e.to_string()))?,
            None => Outbox::in_memory(),
        }
    }
}

/// How long the spooler waits before trying a failed outbox write again, each time.
const COMMIT_RETRIES: [std::time::Duration; 3] = [
    std::time::Duration::from_millis(100),
    std::time::Duration::from_millis(400),
    std::time::Duration::from_millis(1600),
];

/// The queue into the outbox.
struct Spooler {
    outbox: Outbox,
    replica: String,
    lost: Arc<AtomicU64>,
    unsent: Arc<AtomicUsize>,
}

impl Spooler {
    async fn run(
        &self,
        mut queue: mpsc::Receiver<Row>,
        stop: impl Future<Output = ()>,
        wake: &Notify,
    ) {
        tokio::pin!(stop);
        loop {
            let mut batch = Vec::with_capacity(BATCH);
            tokio::select! {
                _ = &mut stop => break,
                n = queue.recv_many(&mut batch, BATCH) => if n == 0 { return },
            }
            self.commit(batch).await;
            wake.notify_one();
        }
        queue.close();
        loop {
            let mut batch = Vec::with_capacity(BATCH);
            if queue.recv_many(&mut batch, BATCH).await == 0 {
                return;
            }
            self.commit(batch).await;
        }
    }

    async fn commit(&self, batch: Vec<Row>) {
        let n = batch.len();
        let batch = Arc::new(batch);
        let mut tries = 0;
        loop {
            let (replica, rows) = (self.replica.clone(), Arc::clone(&batch));
            match off(&self.outbox, move |o| o.append(&replica, &rows)).await {
                Ok(dropped) => {
                    self.unsent.fetch_add(n - dropped, Ordering::Relaxed);
                    count_lost(
                        &self.lost,
                        dropped as u64,
                        "the team ledger's outbox is full",
                    );
                    return;
                }
                // A write that failed (a disk full a moment, a locked file) is tried again
                // before the rows are given up.
                Err(e) if tries < COMMIT_RETRIES.len() => {
                    tracing::warn!(error = %e, rows = n, "the team ledger's outbox could not be written: trying again");
                    tokio::time::sleep(COMMIT_RETRIES[tries]).await;
                    tries += 1;
                }
                Err(e) => {
                    tracing::error!(error = %e, rows = n, "team ledger rows not kept in the outbox");
                    count_lost(
                        &self.lost,
                        n as u64,
                        "the team ledger's outbox cannot be written",
                    );
                    return;
                }
            }
        }
    }
}
