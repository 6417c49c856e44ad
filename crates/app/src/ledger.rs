//! The batched ledger writer: a dedicated thread drains a bounded channel and writes requests in
//! one transaction per batch (up to `MAX_BATCH`, or whatever arrived within `LINGER`), off the
//! request path. Token "last used" times ride along. When the channel is full a record is
//! dropped and counted, never blocking a request.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use switchyard_store::{RequestRecord, Store};

const CAPACITY: usize = 65_536;
const MAX_BATCH: usize = 1_000;
const LINGER: Duration = Duration::from_millis(25);

enum Msg {
    Record(Box<RequestRecord>, Option<String>),
    Flush(SyncSender<()>),
}

/// Where the gateway sends finished requests. Cheap to clone; never blocks.
#[derive(Clone)]
pub struct LedgerSink {
    tx: SyncSender<Msg>,
    dropped: Arc<AtomicU64>,
}

impl LedgerSink {
    /// Queues a request for writing. `token_id` updates that token's "last used" time.
    pub fn record(&self, record: RequestRecord, token_id: Option<String>) {
        match self.tx.try_send(Msg::Record(Box::new(record), token_id)) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                let n = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
                if n.is_power_of_two() {
                    tracing::warn!(dropped = n, "ledger queue full: requests not recorded");
                }
            }
            Err(TrySendError::Disconnected(_)) => {
                tracing::warn!("ledger writer stopped: request not recorded");
            }
        }
    }

    /// Records dropped because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Waits until everything queued so far is written (tests, shutdown).
    pub fn flush(&self) {
        let (done_tx, done_rx) = sync_channel(1);
        if self.tx.send(Msg::Flush(done_tx)).is_ok() {
            let _ = done_rx.recv();
        }
    }
}

/// Owns the writer thread; dropping it flushes and stops the thread.
pub struct LedgerWriter {
    sink: Option<LedgerSink>,
    handle: Option<JoinHandle<()>>,
}

impl LedgerWriter {
    /// Starts the writer. `on_written` runs on the writer thread after each batch with its size.
    pub fn spawn(
        store: Store,
        on_written: impl Fn(usize) + Send + 'static,
    ) -> std::io::Result<Self> {
        let (tx, rx) = sync_channel(CAPACITY);
        let handle = std::thread::Builder::new()
            .name("switchyard-ledger".into())
            .spawn(move || run(&store, &rx, &on_written))?;
        let sink = LedgerSink {
            tx,
            dropped: Arc::new(AtomicU64::new(0)),
        };
        Ok(LedgerWriter {
            sink: Some(sink),
            handle: Some(handle),
        })
    }

    pub fn sink(&self) -> Option<LedgerSink> {
        self.sink.clone()
    }
}

impl Drop for LedgerWriter {
    fn drop(&mut self) {
        // The thread ends once every sender is gone; clones held elsewhere keep it alive.
        if let Some(sink) = self.sink.take() {
            sink.flush();
        }
        if let Some(handle) = self.handle.take() {
            if handle.is_finished() {
                let _ = handle.join();
            }
        }
    }
}

fn run(store: &Store, rx: &Receiver<Msg>, on_written: &dyn Fn(usize)) {
    let mut batch: Vec<RequestRecord> = Vec::new();
    let mut uses: Vec<(String, String)> = Vec::new();
    let mut waiting: Vec<SyncSender<()>> = Vec::new();
    loop {
        let first = match rx.recv() {
            Ok(m) => m,
            Err(_) => return,
        };
        let deadline = Instant::now() + LINGER;
        let mut next = Some(first);
        while let Some(msg) = next.take() {
            match msg {
                Msg::Record(rec, token) => {
                    if let Some(token) = token {
                        uses.push((token, rec.started_at.clone()));
                    }
                    batch.push(*rec);
                }
                Msg::Flush(done) => waiting.push(done),
            }
            if batch.len() >= MAX_BATCH || !waiting.is_empty() {
                break;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            next = match rx.recv_timeout(left) {
                Ok(m) => Some(m),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => None,
            };
        }
        write(store, &mut batch, &mut uses, on_written);
        for done in waiting.drain(..) {
            let _ = done.send(());
        }
    }
}

fn write(
    store: &Store,
    batch: &mut Vec<RequestRecord>,
    uses: &mut Vec<(String, String)>,
    on_written: &dyn Fn(usize),
) {
    if batch.is_empty() {
        return;
    }
    let n = batch.len();
    if let Err(e) = store.insert_requests(batch) {
        tracing::error!(error = %e, lost = n, "could not write the request ledger");
    } else {
        on_written(n);
    }
    if !uses.is_empty() {
        if let Err(e) = store.touch_tokens(uses) {
            tracing::warn!(error = %e, "could not update token last-used times");
        }
    }
    batch.clear();
    uses.clear();
}
