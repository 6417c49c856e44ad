//! A bare hop on the gateway's own HTTP stack, for `bench-proxy` (issue #19): the serving
//! threads and their accept loop, hyper's server behind an axum router, and the hyper-util client
//! the gateway calls loopback upstreams with, forwarding each POST to one upstream and passing
//! its answer back as it arrives. None of the gateway's work is done: no token, routing, limits,
//! breakers, cache, ledger, metrics or monitor. Measured beside nginx and `switchyard-serve`, it
//! splits what the gateway adds over a bare nginx hop into what the stack costs and what the
//! features cost. Not used by the product.

use crate::outbound::{parse_cached, Outbound};
use crate::serve::{self, Plan, Serving};
use crate::{ConnectionLimits, HttpClients};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// The largest request body the hop reads.
const BODY_LIMIT: usize = 4 << 20;

/// A running bare hop. [`BareHop::stop`] ends it.
pub struct BareHop {
    addr: SocketAddr,
    serving: Serving,
    stop: CancellationToken,
}

/// What each request needs: the upstream's base address and one client per serving thread.
struct Hop {
    base: String,
    clients: Box<[Outbound]>,
}

impl BareHop {
    /// Serves on `listener` (non-blocking) with `workers` serving threads, forwarding
    /// `POST {path}` to `{upstream}{path}` (`upstream` without a trailing slash, plain HTTP on
    /// a loopback address, as the gateway's direct client requires).
    pub fn start(
        listener: std::net::TcpListener,
        upstream: &str,
        workers: usize,
    ) -> std::io::Result<BareHop> {
        let addr = listener.local_addr()?;
        let connect = Duration::from_secs(5);
        let clients = (0..workers.max(1))
            .map(|_| {
                HttpClients::build(|b| b)
                    .map(|library| Outbound::new(connect, library))
                    .map_err(std::io::Error::other)
            })
            .collect::<std::io::Result<Box<[_]>>>()?;
        let hop = Arc::new(Hop {
            base: upstream.trim_end_matches('/').to_string(),
            clients,
        });
        let app = Router::new().fallback(forward).with_state(hop);
        let limits = ConnectionLimits::default();
        let stop = CancellationToken::new();
        let plan = Plan {
            listener,
            app,
            limits,
            slots: Arc::new(tokio::sync::Semaphore::new(serve::connection_cap(
                limits.max,
            ))),
            stop: stop.clone(),
        };
        let serving = serve::start(plan, workers)?;
        Ok(BareHop {
            addr,
            serving,
            stop,
        })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting and waits up to `grace` for open requests.
    pub async fn stop(self, grace: Duration) -> bool {
        self.stop.cancel();
        self.serving.finish(grace).await
    }
}

/// Forwards one request: its body read whole (as the gateway does), the answer streamed back.
async fn forward(State(hop): State<Arc<Hop>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let Ok(to) = parse_cached(&format!("{}{}", hop.base, parts.uri.path())) else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let mut headers = HeaderMap::with_capacity(2);
    if let Some(ct) = parts.headers.get(header::CONTENT_TYPE) {
        headers.insert(header::CONTENT_TYPE, ct.clone());
    }
    let client = crate::http::of_worker(&hop.clients);
    match client.post(&to, headers, bytes).await {
        Ok(answer) => {
            let (parts, body) = answer.into_parts();
            Response::from_parts(parts, Body::new(body))
        }
        Err(_) => StatusCode::BAD_GATEWAY.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One upstream on 127.0.0.1 answering every request with its path and body.
    async fn echo() -> SocketAddr {
        use axum::routing::post;
        let app = Router::new().route(
            "/{*path}",
            post(|req: Request| async move {
                let path = req.uri().path().to_string();
                let body = axum::body::to_bytes(req.into_body(), 1 << 20)
                    .await
                    .unwrap_or_default();
                format!("{path} {}", String::from_utf8_lossy(&body))
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        addr
    }

    #[tokio::test]
    async fn forwards_each_post_to_the_upstream_path_and_passes_the_answer_back() {
        let up = echo().await;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let hop = BareHop::start(listener, &format!("http://{up}/base/"), 2).unwrap();
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        for i in 0..4 {
            let r = client
                .post(format!("http://{}/v1/chat/completions", hop.addr()))
                .header("content-type", "application/json")
                .body(format!("{{\"n\":{i}}}"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            assert_eq!(
                r.text().await.unwrap(),
                format!("/base/v1/chat/completions {{\"n\":{i}}}"),
                "the upstream saw the path under its base and the body as sent"
            );
        }
        assert!(hop.stop(Duration::from_secs(5)).await, "stops cleanly");
    }
}
