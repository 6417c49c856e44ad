//! The accept loop, owned here rather than left to `axum::serve` (which sets no timeouts and no
//! connection limit), so that whoever can connect cannot hold the gateway's file descriptors:
//!
//! - **header-read timeout:** a request head must arrive whole within
//!   [`ConnectionLimits::header_read`]. The same clock runs while a kept-alive connection waits
//!   for its next request, so it is also the idle timeout (answers carry `Keep-Alive: timeout=N`
//!   so pooling clients retire a connection before the gateway closes it);
//! - **body-read timeout:** see `generate::read_body`;
//! - **head size:** at most [`MAX_HEAD_BYTES`] of request line and headers (431 beyond);
//! - **connection cap:** at most [`ConnectionLimits::max`] connections are served at once. A new
//!   connection at the cap is accepted and another gives way (`slots.rs`): the oldest that has
//!   not sent a whole request head, else the longest idle; one with a request in flight never.
//!   Only when every connection is busy does the new one wait. The process's open-file limit is
//!   raised to its hard limit first, and the cap is lowered if that still leaves too few
//!   descriptors for a proxied connection's inbound and outbound sockets.
//!
//! HTTP/1.1 only (every tool this gateway serves speaks it on loopback), over TLS too when the
//! gateway has a certificate (`tls.rs`: each connection's first byte says which); graceful
//! shutdown lets in-flight requests finish and closes idle connections at once.

use crate::tls::{self, Stream};
use crate::ConnectionLimits;
use axum::body::Body;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use slots::Held;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::Service;

mod conn;
mod slots;
mod threads;

pub(crate) use conn::OnConnection;
pub use slots::Slots;

/// Both ends of the connection a request came on (a request extension, read by the guard).
#[derive(Debug, Clone, Copy)]
pub struct Peer {
    pub remote: SocketAddr,
    pub local: SocketAddr,
    /// The connection is TLS (HTTPS).
    pub tls: bool,
}

/// The serving thread's tasks (a request extension): a Responses WebSocket session (`socket`)
/// counts among them, so the thread waits for it at shutdown as for a request in flight.
#[derive(Clone)]
pub(crate) struct Keeper(pub(crate) TaskTracker);

/// The largest request head (request line and headers) accepted; larger is answered 431.
pub const MAX_HEAD_BYTES: usize = 64 << 10;

/// Why the gateway did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
    #[error("cannot start the gateway's threads: {0}")]
    Threads(std::io::Error),
    #[error(transparent)]
    Tls(#[from] crate::TlsError),
}

/// Descriptors kept back for everything that is not a client connection (the database, logs,
/// the keychain's D-Bus socket, probes).
const RESERVED_FDS: u64 = 128;

/// How many connections to serve at once: the configured cap, or fewer when the open-file limit
/// (raised to the hard limit first) cannot hold two descriptors per connection.
pub fn connection_cap(configured: usize) -> usize {
    let soft = match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(n) => n,
        Err(e) => {
            tracing::debug!(error = %e, "could not read or raise the open-file limit");
            return configured;
        }
    };
    let fits = usize::try_from(soft.saturating_sub(RESERVED_FDS) / 2).unwrap_or(usize::MAX);
    configured.min(fits.max(1))
}

/// What serving needs: the bound socket, the app, TLS when the gateway has a certificate, the
/// limits, the connection slots (shared by every serving thread) and the stop signal.
pub struct Plan {
    pub listener: std::net::TcpListener,
    pub app: Router,
    pub tls: Option<tokio_rustls::TlsAcceptor>,
    pub limits: ConnectionLimits,
    pub slots: Arc<Slots>,
    pub stop: CancellationToken,
}

/// Where the gateway is being served.
pub enum Serving {
    /// A task on the runtime that started it.
    Task(tokio::task::JoinHandle<()>),
    /// Threads of its own: each says on its channel when it is done; `abort` cuts what is left.
    Threads {
        done: Vec<oneshot::Receiver<()>>,
        abort: CancellationToken,
        /// Open connections per thread.
        open: Arc<[AtomicUsize]>,
    },
}

impl Serving {
    /// Open connections per serving thread (none on the caller's runtime: not counted there).
    pub fn connections(&self) -> Vec<usize> {
        match self {
            Serving::Task(_) => Vec::new(),
            Serving::Threads { open, .. } => {
                open.iter().map(|n| n.load(Ordering::Relaxed)).collect()
            }
        }
    }

    /// Waits up to `grace` for the open requests (after the stop signal); cuts the rest.
    /// Whether all finished in time.
    pub async fn finish(self, grace: Duration) -> bool {
        match self {
            Serving::Task(mut task) => match tokio::time::timeout(grace, &mut task).await {
                Ok(_) => true,
                Err(_) => {
                    task.abort();
                    false
                }
            },
            Serving::Threads { done, abort, .. } => {
                let all = futures_util::future::join_all(done);
                let finished = tokio::time::timeout(grace, all).await.is_ok();
                abort.cancel();
                finished
            }
        }
    }
}

/// Starts serving `plan`: on `workers` threads, each a single-threaded runtime serving the
/// connections it is given, with the last also running the accept loop, which gives each new
/// connection to the thread serving the fewest (so a burst of connections is not all taken by
/// whichever thread wakes first); or on the current runtime when `workers` is 0.
pub fn start(plan: Plan, workers: usize) -> std::io::Result<Serving> {
    let Plan {
        listener,
        app,
        tls,
        limits,
        slots,
        stop,
    } = plan;
    let site = Site {
        app,
        tls,
        handshake: limits.header_read,
    };
    if workers == 0 {
        let listener = TcpListener::from_std(listener)?;
        return Ok(Serving::Task(tokio::spawn(run(
            listener, site, limits, slots, stop,
        ))));
    }
    threads::start(listener, site, limits, slots, stop, workers)
}

/// What every connection is served with.
#[derive(Clone)]
struct Site {
    app: Router,
    tls: Option<tokio_rustls::TlsAcceptor>,
    /// How long a connection may take to say whether it is TLS and finish its handshake (the
    /// header-read timeout).
    handshake: Duration,
}

/// Serves `site` on `listener` until `stop` is cancelled, then waits for open requests (the
/// gateway on its caller's runtime: accepting and serving in one loop).
async fn run(
    listener: TcpListener,
    site: Site,
    limits: ConnectionLimits,
    slots: Arc<Slots>,
    stop: CancellationToken,
) {
    let http = connection_builder(limits);
    let tracker = TaskTracker::new();
    while let Some((tcp, remote, held)) = accept_next(&listener, &slots, &stop).await {
        serve_connection(&http, &tracker, &site, tcp, remote, held, ());
    }
    drop(listener);
    slots.stop_all();
    tracker.close();
    tracker.wait().await;
}

fn connection_builder(limits: ConnectionLimits) -> hyper::server::conn::http1::Builder {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read)
        .max_header_size(MAX_HEAD_BYTES)
        .keep_alive(true);
    http
}

/// The next connection and the slot it is served in (another connection may give its slot
/// up: `slots.rs`); `None` once `stop` is cancelled.
async fn accept_next(
    listener: &TcpListener,
    slots: &Arc<Slots>,
    stop: &CancellationToken,
) -> Option<(tokio::net::TcpStream, SocketAddr, Held)> {
    loop {
        let accepted = tokio::select! {
            biased;
            () = stop.cancelled() => return None,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((tcp, remote)) => {
                // Accepted before its slot is found, so a neighbour's connections holding every
                // slot are closed to make room rather than keeping this one in the kernel's
                // queue; while every slot is busy it waits here, one descriptor over the cap.
                let held = tokio::select! {
                    biased;
                    () = stop.cancelled() => return None,
                    held = slots.admit() => held,
                };
                return Some((tcp, remote, held));
            }
            Err(e) => {
                // Out of descriptors (EMFILE) or a connection reset before it was accepted:
                // wait a moment rather than spin.
                tracing::debug!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

/// Serves one connection on the current runtime, in `held`'s slot; `with` (the thread's count
/// of it) is dropped with the slot when it ends.
fn serve_connection<W: Send + 'static>(
    http: &hyper::server::conn::http1::Builder,
    tracker: &TaskTracker,
    site: &Site,
    tcp: tokio::net::TcpStream,
    remote: SocketAddr,
    held: Held,
    with: W,
) {
    if let Err(e) = tcp.set_nodelay(true) {
        tracing::trace!(error = %e, "could not set TCP_NODELAY");
    }
    // Unknown local address: an unspecified one, which no `Host` can name.
    let unknown = SocketAddr::from(([0, 0, 0, 0], 0));
    let local = tcp.local_addr().unwrap_or(unknown);
    let http = http.clone();
    let site = site.clone();
    let tasks = tracker.clone();
    tracker.spawn(async move {
        let ticket = Arc::clone(held.ticket());
        let io = match &site.tls {
            None => Stream::Left(tcp),
            Some(acceptor) => {
                let opening = tls::open(tcp, acceptor, site.handshake);
                match conn::unless_signalled(opening, &ticket).await.flatten() {
                    Some(io) => io,
                    None => return drop((held, with)),
                }
            }
        };
        let peer = Peer {
            remote,
            local,
            tls: matches!(io, Stream::Right(_)),
        };
        let app = site.app;
        let on = Arc::clone(&ticket);
        let keeper = Keeper(tasks);
        let service =
            hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                on.begin();
                let mut req = req.map(Body::new);
                req.extensions_mut().insert(peer);
                req.extensions_mut()
                    .insert(OnConnection::new(Arc::clone(&on)));
                req.extensions_mut().insert(keeper.clone());
                let mut app = app.clone();
                let on = Arc::clone(&on);
                async move {
                    let resp = app.call(req).await?;
                    Ok::<_, std::convert::Infallible>(resp.map(|b| conn::Tracked::new(b, on)))
                }
            });
        // Upgrades too: a Responses WebSocket (`socket`) goes on in its own task, kept by the
        // thread's tracker, once the connection hands its socket over.
        let served = http
            .serve_connection(TokioIo::new(io), service)
            .with_upgrades();
        if let Some(Err(e)) = conn::serve(served, &ticket).await {
            tracing::trace!(error = %e, "connection ended");
        }
        drop((held, with));
    });
}
