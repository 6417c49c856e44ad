//! The batched ledger writer: a dedicated thread with its own SQLite connection drains a channel
//! and writes requests in one transaction per batch (up to `MAX_BATCH`, or whatever arrived
//! within `LINGER`), off the request path. Token "last used" times ride along.
//!
//! The writer is woken once per batch, not once per request: while it lingers it is parked
//! and takes what the channel holds when it wakes; only a flush or stop unparks it early. (A
//! wake per request was a cross-thread switch per request under load.)
//!
//! Invariants: a finished request is never dropped. The queue grows instead (its depth is
//! counted); a batch that fails to write is kept and retried with back-off; only a batch that
//! still fails when the writer is stopped is counted as lost, and that is logged as an error.
//! `stop` writes everything queued before it and joins the thread.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{
    channel, sync_channel, Receiver, RecvTimeoutError, Sender, SyncSender, TryRecvError,
};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{JoinHandle, Thread};
use std::time::{Duration, Instant};
use switchyard_domain::RequestRecord;
use switchyard_store::Store;

const MAX_BATCH: usize = 1_000;
/// How long the writer gathers records after the first of a batch. 100 ms against 25: at 1 in
/// flight CPU per proxied request 130 → 112 µs and p50 −20 µs (a quarter of the transactions and
/// wake-ups), at 8 in flight −5 %; the most a `kill -9` can lose grows to 100 ms of records.
const LINGER: Duration = Duration::from_millis(100);
/// The longest the writer works on a batch before it offers its core to whatever else is
/// waiting for one (`sched_yield`), see [`pace`].
const SHARE_AFTER: Duration = Duration::from_micros(200);
/// Back-off between retries of a batch that failed to write.
const RETRY_FIRST: Duration = Duration::from_millis(50);
const RETRY_MAX: Duration = Duration::from_secs(2);
/// Tries of the last batch when stopping, before it is counted as lost.
const LAST_TRIES: u32 = 3;

enum Msg {
    Record(Box<RequestRecord>, Option<String>),
    Flush(SyncSender<()>),
    Stop,
}

#[derive(Default)]
struct Counters {
    /// Queued and not yet written.
    queued: AtomicU64,
    /// Could not be written even at stop, or arrived after it.
    lost: AtomicU64,
}

/// Where the gateway sends finished requests. Cheap to clone; never blocks.
#[derive(Clone)]
pub struct LedgerSink {
    tx: Sender<Msg>,
    counters: Arc<Counters>,
    /// The writer thread, unparked by a flush or stop (records wait for its linger to end).
    writer: Thread,
}

impl LedgerSink {
    /// Queues a request for writing. `token_id` updates that token's "last used" time.
    pub fn record(&self, record: RequestRecord, token_id: Option<String>) {
        self.counters.queued.fetch_add(1, Ordering::Relaxed);
        if self
            .tx
            .send(Msg::Record(Box::new(record), token_id))
            .is_err()
        {
            self.counters.queued.fetch_sub(1, Ordering::Relaxed);
            let n = self.counters.lost.fetch_add(1, Ordering::Relaxed) + 1;
            tracing::error!(lost = n, "ledger writer stopped: request not recorded");
        }
    }

    /// Requests queued and not yet written.
    pub fn depth(&self) -> u64 {
        self.counters.queued.load(Ordering::Relaxed)
    }

    /// Requests that could not be recorded (the database failed until shutdown).
    pub fn lost(&self) -> u64 {
        self.counters.lost.load(Ordering::Relaxed)
    }

    /// [`LedgerSink::flush`] from async code (on the blocking pool).
    pub async fn flush_async(&self) {
        let sink = self.clone();
        let _ = tokio::task::spawn_blocking(move || sink.flush()).await;
    }

    /// Waits until everything queued so far is written, or its write failed once (tests,
    /// reads that must include the latest requests).
    pub fn flush(&self) {
        let (done_tx, done_rx) = sync_channel(1);
        if self.tx.send(Msg::Flush(done_tx)).is_ok() {
            self.writer.unpark();
            let _ = done_rx.recv();
        }
    }
}

/// Owns the writer thread. [`LedgerWriter::stop`] writes what is queued and joins it.
pub struct LedgerWriter {
    sink: LedgerSink,
    handle: Mutex<Option<JoinHandle<()>>>,
}

impl LedgerWriter {
    /// The app's writer: on a write connection of its own to `store`'s file, telling the UI
    /// after each batch (`RequestsRecorded`).
    pub(crate) fn start(
        store: &Store,
        events: tokio::sync::broadcast::Sender<crate::DomainEvent>,
    ) -> Result<Self, crate::AppError> {
        let db = store.connection(switchyard_store::Access::Write)?;
        Self::spawn(db, move |n| {
            let _ = events.send(crate::DomainEvent::RequestsRecorded { count: n });
        })
        .map_err(|e| crate::AppError::Internal(format!("cannot start the ledger writer: {e}")))
    }

    /// Starts the writer on `store` (give it its own connection). `on_written` runs on the writer
    /// thread after each batch with its size.
    pub fn spawn(
        store: Store,
        on_written: impl Fn(usize) + Send + 'static,
    ) -> std::io::Result<Self> {
        let (tx, rx) = channel();
        let counters = Arc::new(Counters::default());
        let c = Arc::clone(&counters);
        let handle = std::thread::Builder::new()
            .name("switchyard-ledger".into())
            .spawn(move || run(&store, &rx, &on_written, &c))?;
        let writer = handle.thread().clone();
        Ok(LedgerWriter {
            sink: LedgerSink {
                tx,
                counters,
                writer,
            },
            handle: Mutex::new(Some(handle)),
        })
    }

    pub fn sink(&self) -> LedgerSink {
        self.sink.clone()
    }

    /// Writes everything queued before this call, then ends the thread and waits for it.
    /// Blocking; a second call returns at once. Requests recorded later are counted as lost.
    pub fn stop(&self) {
        let handle = self
            .handle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(handle) = handle {
            let _ = self.sink.tx.send(Msg::Stop);
            self.sink.writer.unpark();
            if handle.join().is_err() {
                tracing::error!("the ledger writer panicked");
            }
        }
    }
}

/// What is waiting to be written.
#[derive(Default)]
struct Batch {
    records: Vec<RequestRecord>,
    uses: Vec<(String, String)>,
    waiting: Vec<SyncSender<()>>,
    stop: bool,
}

impl Batch {
    fn add(&mut self, msg: Msg) {
        match msg {
            Msg::Record(rec, token) => {
                if let Some(token) = token {
                    self.uses.push((token, rec.started_at.clone()));
                }
                self.records.push(*rec);
            }
            Msg::Flush(done) => self.waiting.push(done),
            Msg::Stop => self.stop = true,
        }
    }

    fn full(&self) -> bool {
        self.records.len() >= MAX_BATCH || !self.waiting.is_empty() || self.stop
    }
}

fn run(store: &Store, rx: &Receiver<Msg>, on_written: &dyn Fn(usize), counters: &Counters) {
    let mut batch = Batch::default();
    let mut retry: Option<Duration> = None;
    loop {
        // A batch that failed is retried after its back-off even if nothing new arrives.
        let first = match retry {
            None => rx.recv().ok(),
            Some(wait) => match rx.recv_timeout(wait) {
                Ok(m) => Some(m),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => {
                    batch.stop = true;
                    None
                }
            },
        };
        match first {
            Some(m) => batch.add(m),
            None if retry.is_none() => batch.stop = true, // every sender is gone
            None => {}
        }
        linger(rx, &mut batch);
        if batch.stop {
            // Everything sent before `Stop` is in the channel already.
            while let Ok(m) = rx.try_recv() {
                batch.add(m);
            }
            finish(store, &mut batch, on_written, counters);
            return;
        }
        let written = write(store, &mut batch, on_written, counters);
        retry = match (written, retry) {
            (true, _) => None,
            (false, None) => Some(RETRY_FIRST),
            (false, Some(d)) => Some((d * 2).min(RETRY_MAX)),
        };
        for done in batch.waiting.drain(..) {
            let _ = done.send(());
        }
    }
}

/// Adds what arrives within `LINGER` (or until the batch is full), parked in between: a
/// record does not wake the writer, a flush or stop does.
fn linger(rx: &Receiver<Msg>, batch: &mut Batch) {
    let deadline = Instant::now() + LINGER;
    loop {
        while !batch.full() {
            match rx.try_recv() {
                Ok(m) => batch.add(m),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => batch.stop = true,
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if batch.full() || left.is_zero() {
            return;
        }
        std::thread::park_timeout(left);
    }
}

/// Called between a batch's rows: once [`SHARE_AFTER`] has passed since the last time, the
/// thread yields its core. A batch of a few hundred rows takes milliseconds; without this a
/// serving thread (or its client or upstream) woken on the writer's core waited for the rest of
/// the writer's time slice: at 1 request in flight the 99th percentile was 1.6–1.9 ms, and
/// 0.3–0.5 ms with the writer run as `SCHED_IDLE` (docs/BENCHMARKS.md). A yield with no
/// one waiting returns at once, and the writer keeps its fair share of the CPU, so it does not
/// fall behind under a full load as an idle-priority thread does.
fn pace() -> impl FnMut() {
    let mut since = Instant::now();
    move || {
        if since.elapsed() >= SHARE_AFTER {
            std::thread::yield_now();
            since = Instant::now();
        }
    }
}

/// The last write: a few tries, then whatever is left is counted as lost.
fn finish(store: &Store, batch: &mut Batch, on_written: &dyn Fn(usize), counters: &Counters) {
    for attempt in 1..=LAST_TRIES {
        if write(store, batch, on_written, counters) {
            break;
        }
        if attempt < LAST_TRIES {
            std::thread::sleep(RETRY_FIRST * attempt);
        }
    }
    let lost = batch.records.len() as u64;
    if lost > 0 {
        counters.queued.fetch_sub(lost, Ordering::Relaxed);
        counters.lost.fetch_add(lost, Ordering::Relaxed);
        tracing::error!(
            lost,
            "the request ledger could not be written before stopping"
        );
    }
    for done in batch.waiting.drain(..) {
        let _ = done.send(());
    }
}

/// Writes the batch; on failure it is kept for the next try. Returns whether it was written.
fn write(
    store: &Store,
    batch: &mut Batch,
    on_written: &dyn Fn(usize),
    counters: &Counters,
) -> bool {
    if batch.records.is_empty() {
        return true;
    }
    let n = batch.records.len();
    if let Err(e) = store
        .ledger()
        .insert_requests_with(&batch.records, &mut pace())
    {
        tracing::error!(error = %e, waiting = n, "could not write the request ledger; will retry");
        return false;
    }
    counters.queued.fetch_sub(n as u64, Ordering::Relaxed);
    on_written(n);
    if !batch.uses.is_empty() {
        if let Err(e) = store.tokens().touch_tokens(&batch.uses) {
            tracing::warn!(error = %e, "could not update token last-used times");
        }
    }
    batch.records.clear();
    batch.uses.clear();
    true
}

#[cfg(test)]
#[path = "ledger_tests.rs"]
mod tests;
