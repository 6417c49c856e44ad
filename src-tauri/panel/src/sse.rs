//! `GET /panel/api/events`: the core's events as server-sent messages, for as long as the
//! session lasts. The session's token is checked again when tokens change and every few
//! seconds, so a revoked token's open pages stop hearing at once and are told to sign in again.
//! A stream holds a connection for as long as it lasts, so a session opens at most
//! [`PER_SESSION`] and the process at most [`ALL_STREAMS`] (the gateway's tools keep theirs).

use crate::api::gate;
use crate::events::{browser_event, message};
use crate::Shared;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use switchyard_domain::authz::{self, Entry, Sees, Verdict};
use switchyard_ipc::UiEvent;
use tokio::sync::broadcast::error::RecvError;

/// How often an open stream checks its session when nothing else made it.
const RECHECK_EVERY: Duration = Duration::from_secs(5);
/// Event streams one session keeps open (a page has one; a few tabs).
pub const PER_SESSION: usize = 4;
/// Event streams the process keeps open.
pub const ALL_STREAMS: usize = 128;

/// The event streams open, by session holder.
#[derive(Clone, Default)]
pub struct Streams(Arc<Mutex<HashMap<String, usize>>>);

/// One open stream, counted until dropped.
struct Counted {
    streams: Streams,
    holder: String,
}

impl Streams {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, usize>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A place for one more stream of `holder`, if there is one.
    fn open(&self, holder: &str) -> Option<Counted> {
        let mut open = self.lock();
        let all: usize = open.values().sum();
        let mine = open.get(holder).copied().unwrap_or(0);
        if all >= ALL_STREAMS || mine >= PER_SESSION {
            return None;
        }
        open.insert(holder.to_string(), mine + 1);
        Some(Counted {
            streams: self.clone(),
            holder: holder.to_string(),
        })
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        let mut open = self.streams.lock();
        if let Some(n) = open.get_mut(&self.holder) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.holder);
            }
        }
    }
}

struct Open {
    _counted: Counted,
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
                    if tokens && still_open(&open).await.is_err() {
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
        if recheck && still_open(&open).await.is_err() {
            open.ended = true;
            return Some((session_ended(), open));
        }
    }
}

async fn still_open(open: &Open) -> Result<(), Response> {
    gate(&open.shared, &open.headers, false, Entry::PanelEvents)
        .await
        .map(|_| ())
}

pub async fn events(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let found = match gate(&shared, &headers, false, Entry::PanelEvents).await {
        Ok(found) => found,
        Err(resp) => return resp,
    };
    let team_token = authz::verdict(Entry::PanelEvents, shared.place(), found.who.scope)
        != Verdict::Allowed(Sees::All);
    let Some(counted) = shared.streams.open(&found.holder) else {
        return crate::reply::refuse(
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            switchyard_ipc::ErrorKind::Unavailable,
            "This session has as many event streams open as the panel keeps: close another tab of the panel.",
        );
    };
    let Some(attached) = shared.attached.get() else {
        return crate::reply::refuse(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            switchyard_ipc::ErrorKind::Unavailable,
            "Switchyard is still starting; try again in a moment.",
        );
    };
    let mut tick = tokio::time::interval(RECHECK_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.reset();
    let open = Open {
        _counted: counted,
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
