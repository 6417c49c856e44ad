//! A bare hop on the gateway's own HTTP stack, for `bench-proxy` (issue #19): the serving
//! threads and their accept loop, hyper's server behind an axum router, and the hyper-util client
//! the gateway calls loopback upstreams with, forwarding each POST to one upstream and passing
//! its answer back as it arrives. None of the gateway's work is done: no token, routing, limits,
//! breakers, cache, ledger, metrics or monitor. Measured beside nginx and `switchyard-serve`, it
//! splits what the gateway adds over a bare nginx hop into what the stack costs and what the
//! features cost. Not used by the product.

use crate::outbound::{parse_cached, Address, Outbound};
use crate::serve::{self, Plan, Serving};
use crate::{ConnectionLimits, HttpClients};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
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
    /// `POST {path}?{query}` to `{upstream}{path}?{query}`. A plain-HTTP `upstream` on a loopback
    /// address goes through the gateway's direct client, which is what the hop is for; another
    /// goes through reqwest, as the gateway's remote calls do. An `upstream` that is not a URL
    /// is an `InvalidInput` error.
    pub fn start(
        listener: std::net::TcpListener,
        upstream: &str,
        workers: usize,
    ) -> std::io::Result<BareHop> {
        let addr = listener.local_addr()?;
        Address::parse(upstream).map_err(|e| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{upstream}: {e}"))
        })?;
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
            tls: None,
            limits,
            slots: serve::Slots::new(serve::connection_cap(limits.max)),
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

/// Answer headers about the connection they came on, not the answer (RFC 9110 §7.6.1): hyper
/// frames the hop's own answer.
const HOP_BY_HOP: [header::HeaderName; 4] = [
    header::CONNECTION,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
    header::TE,
];

/// Forwards one POST: its body read whole (as the gateway does), the answer streamed back
/// (which the gateway does only for streams: a buffered answer's read is the features' share).
async fn forward(State(hop): State<Arc<Hop>>, req: Request) -> Response {
    if req.method() != Method::POST {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let target = parts
        .uri
        .path_and_query()
        .map_or(parts.uri.path(), |p| p.as_str());
    let Ok(to) = parse_cached(&format!("{}{target}", hop.base)) else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let mut headers = HeaderMap::with_capacity(2);
    if let Some(ct) = parts.headers.get(header::CONTENT_TYPE) {
        headers.insert(header::CONTENT_TYPE, ct.clone());
    }
    let client = crate::http::of_worker(&hop.clients);
    match client.post(&to, headers, bytes).await {
        Ok(answer) => {
            let (mut parts, body) = answer.into_parts();
            for name in HOP_BY_HOP {
                parts.headers.remove(name);
            }
            parts.headers.remove("keep-alive");
            Response::from_parts(parts, Body::new(body))
        }
        Err(_) => StatusCode::BAD_GATEWAY.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One upstream on 127.0.0.1 answering every request with its path, query and body.
    async fn echo() -> SocketAddr {
        use axum::routing::post;
        let app = Router::new().route(
            "/{*path}",
            post(|req: Request| async move {
                let path = req.uri().path_and_query().map(ToString::to_string);
                let path = path.unwrap_or_default();
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
        let q = client
            .post(format!(
                "http://{}/v1beta/models/m:generateContent?alt=sse",
                hop.addr()
            ))
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(
            q.text().await.unwrap(),
            "/base/v1beta/models/m:generateContent?alt=sse {}",
            "the query string goes along"
        );
        let get = client
            .get(format!("http://{}/v1/models", hop.addr()))
            .send()
            .await
            .unwrap();
        assert_eq!(get.status(), 405, "only POSTs are forwarded");
        assert!(hop.stop(Duration::from_secs(5)).await, "stops cleanly");
    }

    #[test]
    fn an_upstream_that_is_not_a_url_is_refused_at_start() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let err = BareHop::start(listener, "not a url", 1).err().unwrap();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    }
}
