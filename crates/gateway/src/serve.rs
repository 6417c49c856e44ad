//! The accept loop, owned here rather than left to `axum::serve` (which sets no timeouts and no
//! connection limit), so that whoever can connect cannot hold the gateway's file descriptors:
//!
//! - **header-read timeout:** a request head must arrive whole within
//!   [`ConnectionLimits::header_read`]. The same clock runs while a kept-alive connection waits
//!   for its next request, so it is also the idle timeout (answers carry `Keep-Alive: timeout=N`
//!   so pooling clients retire a connection before the gateway closes it);
//! - **body-read timeout:** see `generate::read_body`;
//! - **head size:** at most [`MAX_HEAD_BYTES`] of request line and headers (431 beyond);
//! - **connection cap:** at most [`ConnectionLimits::max`] connections are served at once; more
//!   wait in the kernel's accept queue until one closes. The process's open-file limit is raised
//!   to its hard limit first, and the cap is lowered if that still leaves too few descriptors
//!   for a proxied connection's inbound and outbound sockets.
//!
//! HTTP/1.1 only (every tool this gateway serves speaks it on loopback); graceful shutdown lets
//! in-flight requests finish and closes idle connections at once.

use crate::ConnectionLimits;
use axum::body::Body;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, Semaphore};
use tokio_util::sync::CancellationToken;
use tower::Service;

/// Both ends of the connection a request came on (a request extension, read by the guard).
#[derive(Debug, Clone, Copy)]
pub struct Peer {
    pub remote: SocketAddr,
    pub local: SocketAddr,
}

/// The largest request head (request line and headers) accepted; larger is answered 431.
pub const MAX_HEAD_BYTES: usize = 64 << 10;

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

/// What serving needs: the bound socket, the app, the limits, the connection slots (shared by
/// every serving thread) and the stop signal.
pub struct Plan {
    pub listener: std::net::TcpListener,
    pub app: Router,
    pub limits: ConnectionLimits,
    pub slots: Arc<Semaphore>,
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
    },
}

impl Serving {
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
            Serving::Threads { done, abort } => {
                let all = futures_util::future::join_all(done);
                let finished = tokio::time::timeout(grace, all).await.is_ok();
                abort.cancel();
                finished
            }
        }
    }
}

/// Starts serving `plan`: on `workers` threads, each a single-threaded runtime running its own
/// accept loop on the shared socket (the kernel hands each connection to one of them), or on
/// the current runtime when `workers` is 0.
pub fn start(plan: Plan, workers: usize) -> std::io::Result<Serving> {
    if workers == 0 {
        let listener = TcpListener::from_std(plan.listener)?;
        let Plan {
            app,
            limits,
            slots,
            stop,
            ..
        } = plan;
        return Ok(Serving::Task(tokio::spawn(run(
            listener, app, limits, slots, stop,
        ))));
    }
    let abort = CancellationToken::new();
    let mut done = Vec::with_capacity(workers);
    for index in 0..workers {
        match spawn_worker(&plan, index, &abort) {
            Ok(rx) => done.push(rx),
            Err(e) => {
                // The threads already started stop at once: no half-started gateway serves on.
                plan.stop.cancel();
                abort.cancel();
                return Err(e);
            }
        }
    }
    Ok(Serving::Threads { done, abort })
}

/// Starts serving thread `index` on a copy of the listening socket; its channel says when it
/// is done.
fn spawn_worker(
    plan: &Plan,
    index: usize,
    abort: &CancellationToken,
) -> std::io::Result<oneshot::Receiver<()>> {
    let listener = plan.listener.try_clone()?;
    let (app, slots, stop) = (plan.app.clone(), Arc::clone(&plan.slots), plan.stop.clone());
    let (limits, abort) = (plan.limits, abort.clone());
    let (tx, rx) = oneshot::channel();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    std::thread::Builder::new()
        .name(format!("gateway-{index}"))
        .spawn(move || {
            crate::http::set_worker(index);
            runtime.block_on(async move {
                let listener = match TcpListener::from_std(listener) {
                    Ok(l) => l,
                    Err(e) => {
                        tracing::error!(error = %e, "a gateway thread cannot listen");
                        return;
                    }
                };
                tokio::select! {
                    () = run(listener, app, limits, slots, stop) => {}
                    () = abort.cancelled() => {}
                }
            });
            // Whatever is still blocking (a keychain read) is left to finish on its own.
            runtime.shutdown_background();
            let _ = tx.send(());
        })?;
    Ok(rx)
}

/// Serves `app` on `listener` until `stop` is cancelled, then waits for open requests.
async fn run(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    slots: Arc<Semaphore>,
    stop: CancellationToken,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read)
        .max_header_size(MAX_HEAD_BYTES)
        .keep_alive(true);
    let graceful = GracefulShutdown::new();
    loop {
        let slot = tokio::select! {
            biased;
            () = stop.cancelled() => break,
            slot = Arc::clone(&slots).acquire_owned() => slot,
        };
        let Ok(slot) = slot else { break };
        let accepted = tokio::select! {
            biased;
            () = stop.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        let (tcp, remote) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of descriptors (EMFILE) or a connection reset before it was accepted:
                // wait a moment rather than spin.
                tracing::debug!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::trace!(error = %e, "could not set TCP_NODELAY");
        }
        // Unknown local address: an unspecified one, which no `Host` can name.
        let unknown = SocketAddr::from(([0, 0, 0, 0], 0));
        let peer = Peer {
            remote,
            local: tcp.local_addr().unwrap_or(unknown),
        };
        let app = app.clone();
        let service =
            hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                let mut req = req.map(Body::new);
                req.extensions_mut().insert(peer);
                let mut app = app.clone();
                async move { app.call(req).await }
            });
        let conn = graceful.watch(http.serve_connection(TokioIo::new(tcp), service));
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::trace!(error = %e, "connection ended");
            }
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}
