//! Owns Server-Sent Events framing and the paced streaming response body (one flushed frame per token).

use std::io;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::fault;

/// One SSE frame and how long to wait before sending it.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    delay: Duration,
    bytes: Bytes,
}

impl Frame {
    /// A `data: <json>\n\n` frame (OpenAI style).
    pub(crate) fn data(delay: Duration, json: &Value) -> Self {
        Self::raw(delay, format!("data: {json}\n\n"))
    }

    /// An `event: <name>\ndata: <json>\n\n` frame (Anthropic style).
    pub(crate) fn event(delay: Duration, name: &str, json: &Value) -> Self {
        Self::raw(delay, format!("event: {name}\ndata: {json}\n\n"))
    }

    /// A frame with literal text, e.g. `data: [DONE]\n\n`.
    pub(crate) fn raw(delay: Duration, text: String) -> Self {
        Self {
            delay,
            bytes: Bytes::from(text),
        }
    }
}

/// A `text/event-stream` response that sends `frames` one by one, sleeping each frame's delay
/// first. Each frame is its own body chunk, so hyper writes it out as soon as it is produced. The
/// stream stops early when `cancel` fires (server shutdown) or the client goes away. With
/// `cut: Some(n)` (an injected fault) only the first `n` frames are sent, then the connection is
/// dropped.
pub(crate) fn stream_response(
    frames: Vec<Frame>,
    cancel: CancellationToken,
    cut: Option<usize>,
) -> Response {
    let keep = cut.unwrap_or(frames.len());
    let broken = futures_util::stream::iter(cut).then(|_| fault::broken());
    let stream = futures_util::stream::iter(frames.into_iter().take(keep))
        .then(|frame| async move {
            if !frame.delay.is_zero() {
                tokio::time::sleep(frame.delay).await;
            }
            Ok::<Bytes, io::Error>(frame.bytes)
        })
        .chain(broken)
        .take_until(cancel.cancelled_owned());
    (
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

/// Sleeps for `d` unless it is zero.
pub(crate) async fn pause(d: Duration) {
    if !d.is_zero() {
        tokio::time::sleep(d).await;
    }
}
