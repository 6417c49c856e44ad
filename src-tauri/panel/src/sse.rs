//! `GET /panel/api/events`: the core's events as server-sent messages, for as long as the
//! session lasts. The session's token is checked again when tokens change and every few
//! seconds, so a revoked token's open pages stop hearing at once and are told to sign in again.

use crate::api::gate;
use crate::events::{browser_event, message};
use crate::Shared;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use switchyard_ipc::UiEvent;
use tokio::sync::broadcast::error::RecvError;

/// How often an open stream checks its session when nothing else made it.
const RECHECK_EVERY: Duration = Duration::from_secs(5);

struct Open {
    /// A team token's session hears that something changed, never what (no payload).
    team_token: bool,
    shared: Arc<Shared>,
    headers: HeaderMap,
    events: tokio::sync::broadcast::Receiver<UiEvent>,
    tick: tokio::time::Interval,
    ended: bool,
}

/// The message that tells the page its session ended (it shows the sign-in again).
pub const SESSION_ENDED: &str = "panel-session-ended";

fn session_ended() -> Event {
    Event::default().data(message(SESSION_ENDED, serde_json::Value::Null))
}

/// The next message of the stream, or `None` when it ends.
async fn next(mut open: Open) -> Option<(Event, Open)> {
    if open.ended {
        return None;
    }
    loop {
        let recheck = tokio::select! {
            received = open.events.recv() => match received {
                Ok(event) => {
                    let tokens = matches!(event, UiEvent::TokensChanged);
                    if tokens && gate(&open.shared, &open.headers, false).await.is_err() {
                        open.ended = true;
                        return Some((session_ended(), open));
                    }
                    if let Some((name, payload)) = browser_event(&event) {
                        if !open.team_token || payload.is_null() {
                            return Some((Event::default().data(message(name, payload)), open));
                        }
                    }
                    if matches!(event, UiEvent::Quit) {
                        return None;
                    }
                    false
                }
                // Behind: the lists reload, as the window does.
                Err(RecvError::Lagged(_)) => {
                    let data = message("backends-changed", serde_json::Value::Null);
                    return Some((Event::default().data(data), open));
                }
                Err(RecvError::Closed) => return None,
            },
            _ = open.tick.tick() => true,
        };
        if recheck && gate(&open.shared, &open.headers, false).await.is_err() {
            open.ended = true;
            return Some((session_ended(), open));
        }
    }
}

pub async fn events(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let found = match gate(&shared, &headers, false).await {
        Ok(found) => found,
        Err(resp) => return resp,
    };
    let team_token =
        crate::api::role(&found.who, shared.place()) != crate::commands::Role::Operator;
    let Some(attached) = shared.attached.get() else {
        return crate::api::refuse(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            switchyard_ipc::ErrorKind::Unavailable,
            "Switchyard is still starting; try again in a moment.",
        );
    };
    let mut tick = tokio::time::interval(RECHECK_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.reset();
    let open = Open {
        team_token,
        events: attached.events.subscribe(),
        shared: Arc::clone(&shared),
        headers,
        tick,
        ended: false,
    };
    let messages = stream::unfold(open, next);
    let messages = futures_util::StreamExt::map(messages, Ok::<_, Infallible>);
    Sse::new(messages)
        .keep_alive(KeepAlive::default())
        .into_response()
}
