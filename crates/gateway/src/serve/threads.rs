//! The gateway's own serving threads: each a single-threaded runtime serving the connections
//! handed to it; one accept loop gives each new connection to the thread serving the fewest.

use super::{accept_next, connection_builder, serve_connection, Held, Serving, Site, Slots};
use crate::ConnectionLimits;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// Serves on `workers` threads of their own (see [`super::start`]).
pub(super) fn start(
    listener: std::net::TcpListener,
    site: Site,
    limits: ConnectionLimits,
    slots: Arc<Slots>,
    stop: CancellationToken,
    workers: usize,
) -> std::io::Result<Serving> {
    let abort = CancellationToken::new();
    let open: Arc<[AtomicUsize]> = (0..workers).map(|_| AtomicUsize::new(0)).collect();
    let (handoff, channels): (Vec<_>, Vec<_>) =
        (0..workers).map(|_| mpsc::unbounded_channel()).unzip();
    let mut acceptor = Some((
        listener,
        Acceptor {
            slots: Arc::clone(&slots),
            handoff,
            open: Arc::clone(&open),
        },
    ));
    let mut done = Vec::with_capacity(workers);
    for (index, rx) in channels.into_iter().enumerate() {
        let worker = Worker {
            index,
            site: site.clone(),
            limits,
            slots: Arc::clone(&slots),
            stop: stop.clone(),
            abort: abort.clone(),
            rx,
        };
        // The last thread started also accepts, once every thread's channel has its receiver.
        let accept = if index + 1 == workers {
            acceptor.take()
        } else {
            None
        };
        match spawn_worker(worker, accept) {
            Ok(rx) => done.push(rx),
            Err(e) => {
                // The threads already started stop at once: no half-started gateway serves on.
                stop.cancel();
                abort.cancel();
                return Err(e);
            }
        }
    }
    Ok(Serving::Threads { done, abort, open })
}

/// A connection accepted by the acceptor, on its way to the thread that serves it.
struct Accepted {
    tcp: std::net::TcpStream,
    remote: SocketAddr,
    held: Held,
    /// Counts it as open on its thread from the hand-off on, so one still in a channel when
    /// its thread stops is counted down too.
    counted: Counted,
}

/// One serving thread: what it needs to serve the connections handed to it.
struct Worker {
    index: usize,
    site: Site,
    limits: ConnectionLimits,
    /// Every thread's connections: told to close when the gateway stops.
    slots: Arc<Slots>,
    stop: CancellationToken,
    abort: CancellationToken,
    rx: mpsc::UnboundedReceiver<Accepted>,
}

/// The accept loop's share: the connection slots and a channel to every thread.
struct Acceptor {
    slots: Arc<Slots>,
    handoff: Vec<mpsc::UnboundedSender<Accepted>>,
    open: Arc<[AtomicUsize]>,
}

/// Starts serving thread `index` (with the accept loop when `accept` is given); its channel
/// says when it is done.
fn spawn_worker(
    worker: Worker,
    accept: Option<(std::net::TcpListener, Acceptor)>,
) -> std::io::Result<oneshot::Receiver<()>> {
    let (tx, rx) = oneshot::channel();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    // The listening socket joins this runtime before the thread starts, so a failure is the
    // gateway's start error rather than a thread that serves nothing.
    let accept = match accept {
        Some((listener, to)) => {
            let _in_runtime = runtime.enter();
            Some((TcpListener::from_std(listener)?, to))
        }
        None => None,
    };
    let index = worker.index;
    std::thread::Builder::new()
        .name(format!("gateway-{index}"))
        .spawn(move || {
            crate::http::set_worker(index);
            let abort = worker.abort.clone();
            runtime.block_on(async move {
                drop(tokio::spawn(heartbeat()));
                if let Some((listener, to)) = accept {
                    drop(tokio::spawn(accept_loop(listener, to, worker.stop.clone())));
                }
                tokio::select! {
                    () = serve_handed(worker) => {}
                    () = abort.cancelled() => {}
                }
            });
            // Whatever is still blocking (a keychain read) is left to finish on its own.
            runtime.shutdown_background();
            let _ = tx.send(());
        })?;
    Ok(rx)
}

/// Keeps a timer of this thread's runtime due within [`BEAT`], so that it never sleeps with a
/// later wake-up planned. tokio's timer wakes its own thread through the runtime's `eventfd`
/// whenever a timer is set earlier than the planned wake-up, even when the thread is running:
/// without this, every request did so (hyper sets the connection's 10 s header-read timer for
/// the next request after each answer, earlier than any other timer then pending), a `write`
/// and an extra `epoll_wait` per request. Costs a wake-up per [`BEAT`] when idle.
async fn heartbeat() {
    let mut beat = tokio::time::interval(BEAT);
    beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        beat.tick().await;
    }
}

/// See [`heartbeat`]: shorter than the shortest connection timer set per request (the
/// header-read timeout, 10 s by default; a shorter one configured still works, with the wake-up).
const BEAT: std::time::Duration = std::time::Duration::from_secs(5);

/// Accepts until `stop`, giving each connection to the thread with the fewest open.
async fn accept_loop(listener: TcpListener, to: Acceptor, stop: CancellationToken) {
    while let Some((tcp, remote, held)) = accept_next(&listener, &to.slots, &stop).await {
        let tcp = match tcp.into_std() {
            Ok(tcp) => tcp,
            Err(e) => {
                tracing::debug!(error = %e, "an accepted connection could not be handed on");
                continue;
            }
        };
        let least = (0..to.open.len())
            .min_by_key(|&i| to.open[i].load(Ordering::Relaxed))
            .unwrap_or(0);
        let mut accepted = Accepted {
            tcp,
            remote,
            held,
            counted: Counted::on(&to.open, least),
        };
        let Err(mpsc::error::SendError(back)) = to.handoff[least].send(accepted) else {
            continue;
        };
        // That thread has stopped (shutting down, or lost to a panic): the others in order of
        // load, so one stopped thread does not take every later connection with it.
        accepted = back;
        let mut order: Vec<usize> = (0..to.open.len()).filter(|&i| i != least).collect();
        order.sort_by_key(|&i| to.open[i].load(Ordering::Relaxed));
        for i in order {
            accepted.counted = Counted::on(&to.open, i);
            match to.handoff[i].send(accepted) {
                Ok(()) => break,
                Err(mpsc::error::SendError(back)) => accepted = back,
            }
        }
        // Every thread has stopped: the connection is closed.
    }
    // The listening socket closes here: the port is free while open requests finish.
}

/// Serves the connections handed to this thread until `stop`, then waits for open requests.
async fn serve_handed(mut w: Worker) {
    let http = connection_builder(w.limits);
    let tracker = TaskTracker::new();
    loop {
        let accepted = tokio::select! {
            biased;
            () = w.stop.cancelled() => break,
            accepted = w.rx.recv() => accepted,
        };
        let Some(Accepted {
            tcp,
            remote,
            held,
            counted,
        }) = accepted
        else {
            break;
        };
        match tokio::net::TcpStream::from_std(tcp) {
            Ok(tcp) => serve_connection(&http, &tracker, &w.site, tcp, remote, held, counted),
            Err(e) => tracing::debug!(error = %e, "a handed-on connection could not be served"),
        }
    }
    drop(w.rx); // connections still in the channel are closed
                // Idle connections close now, requests in flight finish first. Every thread says so (the
                // accept loop's task may be gone with its thread): saying it twice does nothing more.
    w.slots.stop_all();
    tracker.close();
    tracker.wait().await;
}

/// One open connection of thread `.1`, counted down when the connection ends.
struct Counted(Arc<[AtomicUsize]>, usize);

impl Counted {
    fn on(open: &Arc<[AtomicUsize]>, thread: usize) -> Counted {
        open[thread].fetch_add(1, Ordering::Relaxed);
        Counted(Arc::clone(open), thread)
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.0[self.1].fetch_sub(1, Ordering::Relaxed);
    }
}
