//! Owns fault injection: the [`Fault`] script that [`crate::MockConfig::faults`] describes, and
//! how one fault changes a generation answer (error status, hang, cut stream, broken JSON, extra
//! latency). Each generation request — `/v1/chat/completions`, `/v1/messages`, Gemini
//! `generateContent` / `streamGenerateContent`, `/v1/responses`, `/v1/embeddings` — consumes the
//! next fault of the script, in arrival order and before its key is checked (see `admit`); once
//! the script is used up, requests behave normally. Probes and token counting never consume one.

use std::io;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::config::Fault;
use crate::error::{ApiError, ErrorKind, Shape};
use crate::state::Shared;

/// What a handler does once the fault for its request has been applied.
#[derive(Debug)]
pub(crate) enum Effect {
    /// No fault (or a delay that is over): answer normally.
    Proceed,
    /// Answer with this response instead of the normal one.
    Respond(Response),
    /// Answer normally but drop the connection after this many frames.
    Cut(usize),
}

/// Body sent by [`Fault::InvalidJson`].
const NOT_JSON: &str = "<html><body>502 Bad Gateway (injected: not JSON)</body></html>";

/// Takes the next fault of the script for this request and applies what happens before the
/// answer (sleeping, or replacing the answer). `shape` is the route's error format.
pub(crate) async fn apply(state: &Shared, shape: Shape) -> Effect {
    let Some(fault) = state.next_fault() else {
        return Effect::Proceed;
    };
    tracing::debug!(?fault, "mock injects a fault");
    match fault {
        Fault::Status(code) => {
            let status = StatusCode::from_u16(code)
                .ok()
                .filter(|s| s.is_client_error() || s.is_server_error())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            Effect::Respond(ApiError::new(shape, ErrorKind::Injected(status)).into_response())
        }
        Fault::HangBeforeFirstByte(d) | Fault::Latency(d) => {
            if sleep_unless_cancelled(d, &state.cancel).await {
                Effect::Proceed
            } else {
                Effect::Respond(
                    ApiError::new(shape, ErrorKind::Injected(StatusCode::SERVICE_UNAVAILABLE))
                        .into_response(),
                )
            }
        }
        Fault::CutAfterChunks(n) => Effect::Cut(n),
        Fault::InvalidJson => Effect::Respond(
            ([(header::CONTENT_TYPE, "application/json")], NOT_JSON).into_response(),
        ),
    }
}

/// Sleeps `d`; `false` if the server shut down first.
async fn sleep_unless_cancelled(d: Duration, cancel: &CancellationToken) -> bool {
    tokio::select! {
        () = tokio::time::sleep(d) => true,
        () = cancel.cancelled() => false,
    }
}

/// A JSON answer: whole, or (with `cut`) its first half followed by a dropped connection.
pub(crate) fn json_answer(value: &Value, cut: Option<usize>) -> Response {
    let text = value.to_string();
    if cut.is_none() {
        return ([(header::CONTENT_TYPE, "application/json")], text).into_response();
    }
    let half = (text.len() / 2).max(1);
    let half = Bytes::from(text).slice(..half);
    let body = futures_util::stream::iter([Ok(half)]).chain(futures_util::stream::once(broken()));
    (
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(body),
    )
        .into_response()
}

/// How long a cut body waits before dropping the connection, so that hyper has flushed what
/// was sent before (it writes when the body stream is pending, and an error discards the buffer).
const CUT_GRACE: Duration = Duration::from_millis(50);

/// After [`CUT_GRACE`], the error that makes hyper abort the connection mid-body.
pub(crate) async fn broken() -> Result<Bytes, io::Error> {
    tokio::time::sleep(CUT_GRACE).await;
    Err(io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "injected fault: cut",
    ))
}
