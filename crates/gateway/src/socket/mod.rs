//! Responses over WebSocket: `GET /v1/responses` upgraded, as Codex (`supports_websockets`) and
//! Copilot CLI (`COPILOT_PROVIDER_TRANSPORT=websockets`) speak it. Each text frame from the
//! caller is a `response.create` (the HTTP body with a `type`); each is answered by the events
//! the HTTP stream carries, one JSON object per text frame, `response.completed` ending it
//! (`turn`). A turn is the HTTP request's own path (`generate::handle`): the same token, routing,
//! failover, translation, ledger, cost, cache and limits, to any backend format.
//!
//! What a socket adds: `previous_response_id` names a response of the same socket, whose input
//! and output the gateway keeps (`History`), so a caller sends only its new items and any
//! backend still gets the whole conversation; `generate: false` (Codex's warm-up) is answered at
//! once, with nothing asked upstream.
//!
//! Bounds, as on the HTTP paths: a message at most the body limit; a session closed after
//! [`crate::ConnectionLimits::socket_idle`] without a message; at most
//! [`crate::ConnectionLimits::sockets`] sessions at once (then 426: the agents fall back to
//! HTTP). A session ends with a close frame saying why: the gateway stopping (1001, after the
//! turn in flight), its token revoked (1008, checked before each turn and every few seconds),
//! a backend failure (1011, after the error event: the agents retry on a new socket) or idleness
//! (1000). The caller's token must come in a header (the query-string form is Gemini's).

mod history;
mod sse;
mod turn;

use crate::deps::Caller;
use crate::refusal::Refused;
use crate::reply::{error, Shape};
use crate::GatewayState;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::Response;
use axum::Extension;
use futures_util::{SinkExt, StreamExt};
use std::sync::Arc;
use std::time::Duration;
use switchyard_secrets::SecretString;
use tokio::sync::OwnedSemaphorePermit;
use tokio_util::task::task_tracker::TaskTrackerToken;

pub(crate) use turn::Next;

/// How often an idle session checks that its token is still valid.
const REVOCATION_CHECK: Duration = Duration::from_secs(2);

/// Why a session closes: its close frame's code and reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Close {
    Idle,
    ShuttingDown,
    Revoked,
    BackendFailed,
}

impl Close {
    fn frame(self) -> CloseFrame {
        let (code, reason) = match self {
            Close::Idle => (1000, "no message within the idle timeout"),
            Close::ShuttingDown => (1001, "the Switchyard gateway is stopping"),
            Close::Revoked => (1008, "the Switchyard token was revoked"),
            Close::BackendFailed => (1011, "the backend failed: open a new socket to retry"),
        };
        CloseFrame {
            code,
            reason: reason.into(),
        }
    }
}

/// `GET /v1/responses`: the upgrade, or why not.
pub async fn upgrade(
    State(state): State<Arc<GatewayState>>,
    Extension(caller): Extension<Caller>,
    keeper: Option<Extension<crate::serve::Keeper>>,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Response {
    let Ok(ws) = ws else {
        let msg = "GET /v1/responses opens a WebSocket (Upgrade: websocket); send one response with POST /v1/responses.";
        return error(Shape::Responses, Refused::NotFound, msg);
    };
    let Some(token) = crate::guard::presented_token(&headers).map(SecretString::from) else {
        let msg = "A WebSocket session takes its Switchyard token in the Authorization header.";
        return error(Shape::Responses, Refused::Unauthorized, msg);
    };
    let Ok(permit) = Arc::clone(&state.sockets).try_acquire_owned() else {
        let msg = "Every WebSocket session of the Switchyard gateway is in use: send this response over HTTP.";
        return error(Shape::Responses, Refused::UpgradeRequired, msg);
    };
    let limit = state.config.body_limit;
    let session = Session {
        history: history::History::new(limit),
        headers: forwarded(headers),
        state,
        caller,
        token,
        _permit: permit,
        _kept: keeper.map(|Extension(k)| k.0.token()),
    };
    ws.max_message_size(limit)
        .max_frame_size(limit)
        .on_failed_upgrade(|e| tracing::debug!(error = %e, "a WebSocket upgrade failed"))
        .on_upgrade(move |socket| session.run(socket))
}

/// The upgrade request's headers a turn's request carries (the caller's options, its client's
/// name), without those of the connection, the upgrade and the body, and without the token (the
/// session holds it once, to check it again).
fn forwarded(mut headers: HeaderMap) -> HeaderMap {
    for name in ["x-api-key", "x-goog-api-key"] {
        headers.remove(name);
    }
    for name in [
        header::AUTHORIZATION,
        header::CONNECTION,
        header::UPGRADE,
        header::SEC_WEBSOCKET_KEY,
        header::SEC_WEBSOCKET_VERSION,
        header::SEC_WEBSOCKET_EXTENSIONS,
        header::SEC_WEBSOCKET_PROTOCOL,
        header::CONTENT_LENGTH,
        header::CONTENT_ENCODING,
        header::TRANSFER_ENCODING,
        header::ACCEPT_ENCODING,
    ] {
        headers.remove(name);
    }
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    headers
}

/// One open socket.
pub(crate) struct Session {
    pub(crate) state: Arc<GatewayState>,
    pub(crate) caller: Caller,
    pub(crate) headers: HeaderMap,
    pub(crate) history: history::History,
    token: SecretString,
    _permit: OwnedSemaphorePermit,
    _kept: Option<TaskTrackerToken>,
}

impl Session {
    /// Whether the session's token is still one the gateway accepts.
    fn valid(&self) -> bool {
        self.state
            .auth
            .verify(self.token.expose())
            .is_some_and(|c| c.token_id == self.caller.token_id)
    }

    async fn run(mut self, socket: WebSocket) {
        let (mut tx, mut rx) = socket.split();
        let idle = self.state.config.connections.socket_idle;
        let stop = self.state.stop.clone();
        let mut deadline = tokio::time::Instant::now() + idle;
        let mut check = tokio::time::interval(REVOCATION_CHECK);
        let why = loop {
            let next = tokio::select! {
                biased;
                () = stop.cancelled() => break Close::ShuttingDown,
                () = tokio::time::sleep_until(deadline) => break Close::Idle,
                _ = check.tick() => {
                    if !self.valid() {
                        break Close::Revoked;
                    }
                    continue;
                }
                next = rx.next() => next,
            };
            let message = match next {
                Some(Ok(message)) => message,
                // The caller closed or dropped the socket (Codex never sends a close frame).
                Some(Err(_)) | None => return,
            };
            deadline = tokio::time::Instant::now() + idle;
            let text = match message {
                Message::Text(text) => text,
                Message::Binary(_) => {
                    let msg = "Send each response.create as a text frame (JSON).";
                    if turn::refuse(&mut tx, 400, msg, None).await.is_err() {
                        return;
                    }
                    continue;
                }
                Message::Close(_) => return,
                // Pings are answered by the socket itself.
                Message::Ping(_) | Message::Pong(_) => continue,
            };
            if !self.valid() {
                break Close::Revoked;
            }
            if self.state.paused.load(std::sync::atomic::Ordering::Relaxed) {
                // As the guard answers every HTTP request while paused; the socket stays.
                let msg = "The Switchyard gateway is paused: resume it from the tray menu or the Gateway page.";
                if turn::refuse(&mut tx, 503, msg, None).await.is_err() {
                    return;
                }
                continue;
            }
            match self.turn(text.as_str(), &mut tx).await {
                Ok(Next::Continue) => {}
                Ok(Next::Close(why)) => break why,
                Err(_) => return,
            }
            if stop.is_cancelled() {
                break Close::ShuttingDown;
            }
        };
        tracing::debug!(?why, token = %self.caller.name, "closing a Responses WebSocket");
        if tx.send(Message::Close(Some(why.frame()))).await.is_ok() {
            // The caller's close frame, if it answers, within a moment.
            let _ = tokio::time::timeout(Duration::from_secs(2), rx.next()).await;
        }
    }
}
