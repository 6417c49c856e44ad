//! The protocol between the window process and the core process, over the data folder's
//! [`Endpoint`](switchyard_channel::Endpoint) (a Unix socket, or a named pipe on Windows: only this
//! user can connect), one JSON object per line. The window sends [`Call`]s; the core answers each
//! with a [`Frame::Ok`] or [`Frame::Err`] carrying the call's id, in any order (calls run
//! concurrently), and pushes [`Frame::Event`]s as they happen. A line longer than
//! [`MAX_LINE`] ends the connection.
//!
//! Invariants: a call always ends, with its answer or with "the core stopped" when the
//! connection goes; a slow or broken window never blocks the core (answers and events queue per
//! connection, and events a window is too slow for are dropped for that window alone).

use crate::{ErrorKind, IpcError, UiEvent};
use interprocess::local_socket::tokio::{prelude::*, Listener, Stream};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use switchyard_channel::{split, Endpoint};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// The longest line either side accepts (a 1M-row answer is never sent: exports write files).
pub const MAX_LINE: u64 = 64 << 20;

/// The window's own message (not a command of the list, so no other caller of the core can
/// send it): a file the user picked in the window's native dialog, to be made a handle
/// ([`crate::files::FileGrants::chosen_in_dialog`]). Its arguments are a [`Grant`]; the answer a
/// [`crate::files::ChosenFile`].
pub const GRANT_FILE: &str = "grant_file";

/// What the window's dialog answered, for [`GRANT_FILE`].
#[derive(Debug, Serialize, Deserialize)]
pub struct Grant {
    pub path: std::path::PathBuf,
    pub purpose: crate::files::FilePurpose,
}

/// A command call from the window.
#[derive(Debug, Serialize, Deserialize)]
pub struct Call {
    pub id: u64,
    pub name: String,
    pub args: Value,
}

/// What the core sends.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "camelCase")]
pub enum Frame {
    Ok { id: u64, value: Value },
    Err { id: u64, error: IpcError },
    Event { event: UiEvent },
}

/// A boxed future, for [`Handler::call`].
pub type CallFuture = Pin<Box<dyn Future<Output = Result<Value, IpcError>> + Send>>;

/// What the core process serves on the socket.
pub trait Handler: Send + Sync + 'static {
    /// Runs one call (by name, with its JSON arguments).
    fn call(self: Arc<Self>, name: String, args: Value) -> CallFuture;
    /// The events to push to every connected window.
    fn events(&self) -> broadcast::Receiver<UiEvent>;
}

/// Reads one line of at most [`MAX_LINE`] bytes; `None` at the end of the stream.
async fn read_line<R: AsyncRead + Unpin>(
    reader: &mut BufReader<R>,
    buf: &mut Vec<u8>,
) -> std::io::Result<Option<()>> {
    buf.clear();
    let n = (&mut *reader).take(MAX_LINE).read_until(b'\n', buf).await?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() != Some(&b'\n') && n as u64 >= MAX_LINE {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "a line longer than the limit",
        ));
    }
    Ok(Some(()))
}

fn encode<T: Serialize>(value: &T) -> Option<Vec<u8>> {
    let mut line = serde_json::to_vec(value)
        .map_err(|e| tracing::error!(error = %e, "a frame could not be encoded"))
        .ok()?;
    line.push(b'\n');
    Some(line)
}

/// Accepts windows until `stop` is cancelled; each connection runs under `tasks`.
pub async fn serve(
    listener: Listener,
    handler: Arc<dyn Handler>,
    tasks: TaskTracker,
    stop: CancellationToken,
) {
    loop {
        let stream = tokio::select! {
            _ = stop.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(stream) => stream,
                Err(e) => {
                    tracing::warn!(error = %e, "a window could not connect");
                    continue;
                }
            },
        };
        tracing::info!("a window connected");
        let handler = handler.clone();
        let stop = stop.clone();
        tasks.spawn(connection(stream, handler, stop));
    }
}

/// How long a closed connection waits for its calls still running.
const CALLS_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// One window: its calls run in the connection's own tracker, its writer is a handle it stops.
async fn connection(stream: Stream, handler: Arc<dyn Handler>, stop: CancellationToken) {
    let (read, mut write) = split(stream);
    let (tx, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
    let mut events = handler.events();
    let writer = tokio::spawn(async move {
        loop {
            let line = tokio::select! {
                line = rx.recv() => match line { Some(l) => l, None => break },
                event = events.recv() => match event {
                    Ok(event) => match encode(&Frame::Event { event }) { Some(l) => l, None => continue },
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        tracing::warn!(missed = n, "a window fell behind the core's events");
                        match encode(&Frame::Event { event: UiEvent::BackendsChanged }) { Some(l) => l, None => continue }
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                },
            };
            if write.write_all(&line).await.is_err() {
                break;
            }
        }
    });
    let calls = TaskTracker::new();
    let mut reader = BufReader::new(read);
    let mut buf = Vec::new();
    loop {
        let line = tokio::select! {
            _ = stop.cancelled() => break,
            line = read_line(&mut reader, &mut buf) => line,
        };
        match line {
            Ok(Some(())) => {}
            Ok(None) => break,
            Err(e) => {
                tracing::warn!(error = %e, "a window sent an unreadable line; closing it");
                break;
            }
        }
        let call: Call = match serde_json::from_slice(&buf) {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "a window sent something that is not a call; closing it");
                break;
            }
        };
        let handler = handler.clone();
        let tx = tx.clone();
        calls.spawn(async move {
            let frame = match handler.call(call.name, call.args).await {
                Ok(value) => Frame::Ok { id: call.id, value },
                Err(error) => Frame::Err { id: call.id, error },
            };
            if let Some(line) = encode(&frame) {
                let _ = tx.send(line);
            }
        });
    }
    drop(tx);
    // Calls still running finish (a save is not cut in half) and answer into a closed channel;
    // then the writer, which would otherwise run as long as the core's events, is stopped.
    calls.close();
    if tokio::time::timeout(CALLS_GRACE, calls.wait())
        .await
        .is_err()
    {
        tracing::warn!(left = calls.len(), "calls of a closed window still running");
    }
    writer.abort();
    let _ = writer.await;
    tracing::info!("a window disconnected");
}

type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<Result<Value, IpcError>>>>>;

fn stopped() -> IpcError {
    IpcError::new(
        ErrorKind::Internal,
        "Switchyard's core process stopped; reopen Switchyard to start it again.",
    )
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The window's end of the socket.
pub struct Client {
    next: AtomicU64,
    out: mpsc::UnboundedSender<Vec<u8>>,
    pending: Pending,
    closed: Arc<AtomicBool>,
    /// The connection's writer and reader: stopped when the client is dropped.
    tasks: [tokio::task::JoinHandle<()>; 2],
}

impl Drop for Client {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl Client {
    /// Connects to the core at `endpoint`; its events go to `events`. When the connection ends,
    /// every call waiting fails with a typed error and [`Client::is_closed`] turns true.
    pub async fn connect(
        endpoint: &Endpoint,
        events: mpsc::UnboundedSender<UiEvent>,
    ) -> std::io::Result<Client> {
        let stream = endpoint.connect().await?;
        let (read, mut write) = split(stream);
        let (out, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
        let writer = tokio::spawn(async move {
            while let Some(line) = rx.recv().await {
                if write.write_all(&line).await.is_err() {
                    break;
                }
            }
        });
        let pending: Pending = Arc::default();
        let closed = Arc::new(AtomicBool::new(false));
        let (p, c) = (pending.clone(), closed.clone());
        let reader = tokio::spawn(async move {
            let mut reader = BufReader::new(read);
            let mut buf = Vec::new();
            while let Ok(Some(())) = read_line(&mut reader, &mut buf).await {
                match serde_json::from_slice::<Frame>(&buf) {
                    Ok(Frame::Ok { id, value }) => answer(&p, id, Ok(value)),
                    Ok(Frame::Err { id, error }) => answer(&p, id, Err(error)),
                    Ok(Frame::Event { event }) => {
                        let _ = events.send(event);
                    }
                    Err(e) => tracing::warn!(error = %e, "the core sent an unreadable frame"),
                }
            }
            c.store(true, Ordering::SeqCst);
            for (_, waiting) in lock(&p).drain() {
                let _ = waiting.send(Err(stopped()));
            }
            tracing::warn!("the connection to the core closed");
        });
        Ok(Client {
            next: AtomicU64::new(1),
            out,
            pending,
            closed,
            tasks: [writer, reader],
        })
    }

    /// Whether the connection ended (the core quit or died).
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }

    /// Calls `name` with `args` (an object keyed by argument name) and decodes the answer.
    pub async fn call<T: DeserializeOwned>(&self, name: &str, args: Value) -> Result<T, IpcError> {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        lock(&self.pending).insert(id, tx);
        let sent = encode(&Call {
            id,
            name: name.to_string(),
            args,
        })
        .is_some_and(|line| self.out.send(line).is_ok());
        if !sent || self.is_closed() {
            lock(&self.pending).remove(&id);
            return Err(stopped());
        }
        let value = rx.await.map_err(|_| stopped())??;
        // Not serde's message: it would quote a value of the wrong type.
        serde_json::from_value(value).map_err(|e| {
            tracing::error!(command = name, category = ?e.classify(), "the core's answer does not fit");
            IpcError::new(
                ErrorKind::Internal,
                "The window and the core disagree on an answer; restart Switchyard.",
            )
        })
    }
}

fn answer(pending: &Pending, id: u64, result: Result<Value, IpcError>) {
    if let Some(waiting) = lock(pending).remove(&id) {
        let _ = waiting.send(result);
    }
}
