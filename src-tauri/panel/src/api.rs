//! The panel's calls after sign-in (`signin.rs`): the window's commands (`POST
//! /panel/api/call/{command}`); the files are `files.rs`'s, the events `sse.rs`'s. Every one
//! passes one gate ([`gate`]), decided from the headers before a byte of a body is read: a
//! change must come from the panel's own origin with the session's CSRF value, the session's
//! token must still be valid (a revoked token ends its sessions at once), and the authorization
//! table must let its scope open the panel here and call what it asks for (the row of the
//! upload, the download, the events; each command's own row in `commands::call`).

use crate::reply::{forbidden, not_ready, refuse, status_of};
use crate::session::{self, Found, Refusal, CSRF_HEADER, SESSION_COOKIE};
use crate::Shared;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::sync::Arc;
use switchyard_app::secrets::SecretString;
use switchyard_domain::authz::{self, Entry, Place};
use switchyard_domain::TokenScope;
use switchyard_ipc::ErrorKind;

fn signed_out() -> Response {
    let mut resp = refuse(
        StatusCode::UNAUTHORIZED,
        ErrorKind::Unavailable,
        "This panel session has ended: sign in again with a panel token.",
    );
    for value in session::clear_cookies() {
        if let Ok(v) = HeaderValue::from_str(&value) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

/// Whether a change comes from the panel's own page: its `Origin` is this address (the Host the
/// guard already checked), and the browser, when it says, calls from the same origin.
pub(crate) fn same_origin(headers: &HeaderMap) -> bool {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let (Some(origin), Some(host)) = (text(header::ORIGIN), text(header::HOST)) else {
        return false;
    };
    let site_ok = text(header::HeaderName::from_static("sec-fetch-site"))
        .is_none_or(|site| site == "same-origin");
    let origin_ok = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .is_some_and(|rest| rest == host);
    site_ok && origin_ok
}

/// The one gate of every call after sign-in: the session, and for a `change` its origin and
/// CSRF value; its token still valid, allowed the panel at this place, and allowed `entry`
/// (`Entry::Panel` for what every session may: its commands are decided each by its own row).
pub async fn gate(
    shared: &Shared,
    headers: &HeaderMap,
    change: bool,
    entry: Entry,
) -> Result<Found, Response> {
    if change && !same_origin(headers) {
        return Err(forbidden(
            "A change to the panel must come from the panel's own page (its Origin did not match).",
        ));
    }
    let Some(id) = session::cookie(headers, SESSION_COOKIE) else {
        return Err(signed_out());
    };
    let csrf = change.then(|| {
        headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    });
    let found = match shared.sessions.find(id, csrf) {
        Ok(found) => found,
        Err(Refusal::SignedOut) => return Err(signed_out()),
        Err(Refusal::Csrf) => {
            return Err(forbidden(
                "The request lacks this session's CSRF value: reload the panel.",
            ))
        }
    };
    let Some(core) = shared.app() else {
        return Err(not_ready());
    };
    let caller = owner_of(core, Arc::clone(&found.token)).await;
    let place = shared.place();
    let allowed = caller
        .as_ref()
        .is_some_and(|c| c.scope == found.who.scope && panel_open(c.scope, place));
    if !allowed {
        shared.end_session(&found.id);
        return Err(signed_out());
    }
    if !authz::verdict(entry, place, found.who.scope).is_allowed() {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            ErrorKind::Forbidden,
            "This session's token cannot do that here: a team token opens the team console only.",
        ));
    }
    Ok(found)
}

/// Who owns `token`, as the gateway's guard would say (off the async threads: it may read the
/// token table); `None` for a wrong or revoked one. The one place the panel reads a token's
/// value, and only to check it.
pub(crate) async fn owner_of(
    app: switchyard_app::Switchyard,
    token: Arc<SecretString>,
) -> Option<switchyard_app::Caller> {
    tokio::task::spawn_blocking(move || app.verify_token(token.expose()))
        .await
        .ok()
        .flatten()
}

/// Whether a token of `scope` opens the panel at `place` (the table's `Panel` row): a panel
/// token anywhere; on a team replica also a team admin's token and a person's own.
pub(crate) fn panel_open(scope: TokenScope, place: Place) -> bool {
    authz::verdict(Entry::Panel, place, scope).is_allowed()
}

/// `POST /panel/api/call/{command}`: one of the window's commands, its arguments the JSON body
/// (read once the gate let the session in, under the call's cap and deadline).
pub async fn call(
    State(shared): State<Arc<Shared>>,
    Path(command): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let found = match gate(&shared, &headers, true, Entry::Panel).await {
        Ok(found) => found,
        Err(resp) => return crate::body::closing(resp),
    };
    let bytes = {
        let _permit = match shared.admission.body() {
            Some(permit) => permit,
            None => return crate::body::busy(),
        };
        match crate::body::read(&headers, body, crate::body::CALL).await {
            Ok(bytes) => bytes,
            Err(resp) => return resp,
        }
    };
    let args = if bytes.is_empty() {
        json!({})
    } else {
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(v @ Value::Object(_)) => v,
            _ => {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    ErrorKind::Validation,
                    "A command's arguments are one JSON object.",
                )
            }
        }
    };
    let Some(attached) = shared.attached.get() else {
        return not_ready();
    };
    let caller = crate::commands::Caller {
        scope: found.who.scope,
        owner: found.who.owner.clone(),
        place: shared.place(),
        holder: found.holder.clone(),
    };
    match crate::commands::call(&attached.core, &caller, &command, args).await {
        Ok(value) => axum::Json(json!({ "ok": value })).into_response(),
        Err(error) => {
            (status_of(error.kind), axum::Json(json!({ "error": error }))).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn a_change_must_come_from_the_panels_own_origin() {
        let host = ("host", "127.0.0.1:4141");
        assert!(same_origin(&headers(&[
            host,
            ("origin", "http://127.0.0.1:4141")
        ])));
        assert!(!same_origin(&headers(&[host])), "no Origin, no change");
        assert!(!same_origin(&headers(&[
            host,
            ("origin", "http://evil.test")
        ])));
        assert!(!same_origin(&headers(&[
            host,
            ("origin", "http://127.0.0.1:4141.evil")
        ])));
        assert!(!same_origin(&headers(&[
            host,
            ("origin", "http://127.0.0.1:4141"),
            ("sec-fetch-site", "cross-site"),
        ])));
    }

    #[test]
    fn only_a_panel_token_opens_a_desktops_panel() {
        assert!(panel_open(TokenScope::Panel, Place::Desktop));
        for scope in [TokenScope::Gateway, TokenScope::Admin, TokenScope::Metrics] {
            assert!(!panel_open(scope, Place::Desktop), "{scope:?}");
        }
        assert!(!panel_open(TokenScope::Metrics, Place::Replica));
    }
}
