//! A bare reverse proxy (axum in, reqwest out, no logic): the cost of one extra HTTP hop on this
//! machine, so the gateway's own work can be told apart from the hop it necessarily adds.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use std::net::SocketAddr;

struct Upstream {
    url: String,
    http: reqwest::Client,
}

async fn forward(State(up): State<std::sync::Arc<Upstream>>, body: Bytes) -> (StatusCode, Bytes) {
    let sent = up
        .http
        .post(&up.url)
        .header("content-type", "application/json")
        .header("authorization", "Bearer sk-bench")
        .body(body)
        .send()
        .await;
    match sent {
        Ok(r) => {
            let status =
                StatusCode::from_u16(r.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
            (status, r.bytes().await.unwrap_or_default())
        }
        Err(_) => (StatusCode::BAD_GATEWAY, Bytes::new()),
    }
}

/// Starts the bare proxy in front of `upstream_url`; returns its address.
pub async fn start(upstream_url: String) -> Result<SocketAddr, String> {
    let http = reqwest::Client::builder()
        .tcp_nodelay(true)
        .no_proxy()
        .build()
        .map_err(|e| e.to_string())?;
    let state = std::sync::Arc::new(Upstream {
        url: upstream_url,
        http,
    });
    // Every path goes to the one upstream URL.
    let app = axum::Router::new()
        .fallback(post(forward))
        .with_state(state);
    serve_loopback(app).await
}

/// Serves `app` in the background on a free loopback port, without Nagle's delay; returns
/// its address.
pub async fn serve_loopback(app: axum::Router) -> Result<SocketAddr, String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(addr)
}
