//! The panel's calls after sign-in (`signin.rs`): the window's commands (`POST
//! /panel/api/call/{command}`) and files (`/panel/api/files`); the events are `sse.rs`'s. Every
//! one passes one gate ([`gate`]): a change must come from the panel's own origin with the
//! session's CSRF value, the session's token must still be valid (a revoked token ends its
//! sessions at once) and the authorization table must let its scope open the panel here; what
//! the session may then call is its [`role`]'s (`commands::Role`).

use crate::session::{self, Found, Refusal, Who, CSRF_HEADER, SESSION_COOKIE};
use crate::Shared;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::sync::Arc;
use switchyard_app::secrets::SecretString;
use switchyard_core::authz::{self, Entry, Place};
use switchyard_core::TokenScope;
use switchyard_ipc::{ErrorKind, IpcError};

/// An answer `{ "error": IpcError }` with `status`.
pub fn refuse(status: StatusCode, kind: ErrorKind, message: &str) -> Response {
    let error = IpcError::new(kind, message);
    (status, axum::Json(json!({ "error": error }))).into_response()
}

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

pub(crate) fn forbidden(message: &str) -> Response {
    refuse(StatusCode::FORBIDDEN, ErrorKind::Unavailable, message)
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
/// CSRF value; its token still valid, and allowed the panel at this place.
pub async fn gate(shared: &Shared, headers: &HeaderMap, change: bool) -> Result<Found, Response> {
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
        shared.sessions.end(&found.id);
        return Err(signed_out());
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

/// What a session may do with the window's commands (`commands::call`).
pub fn role(who: &Who, place: Place) -> crate::commands::Role {
    use crate::commands::Role;
    match (who.scope, place) {
        (TokenScope::Panel, _) | (_, Place::Desktop) => Role::Operator,
        (TokenScope::Admin, Place::Replica) => Role::TeamAdmin,
        (_, Place::Replica) => Role::Person(who.owner.clone().unwrap_or_default()),
    }
}

pub(crate) fn not_ready() -> Response {
    refuse(
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Unavailable,
        "Switchyard is still starting; try again in a moment.",
    )
}

/// The HTTP status of a command's typed error.
fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::Validation | ErrorKind::File => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict | ErrorKind::Cancelled => StatusCode::CONFLICT,
        ErrorKind::KeychainUnavailable
        | ErrorKind::NotificationsUnavailable
        | ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// `POST /panel/api/call/{command}`: one of the window's commands, its arguments the JSON body.
pub async fn call(
    State(shared): State<Arc<Shared>>,
    Path(command): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let found = match gate(&shared, &headers, true).await {
        Ok(found) => found,
        Err(resp) => return resp,
    };
    let role = role(&found.who, shared.place());
    let args = if body.is_empty() {
        json!({})
    } else {
        match serde_json::from_slice::<Value>(&body) {
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
    match crate::commands::call(&attached.core, &attached.files, &role, &command, args).await {
        Ok(value) => axum::Json(json!({ "ok": value })).into_response(),
        Err(error) => {
            (status_of(error.kind), axum::Json(json!({ "error": error }))).into_response()
        }
    }
}

#[derive(serde::Deserialize)]
pub struct UploadName {
    name: String,
}

/// `POST /panel/api/files?name=…`: an uploaded file to read (the body is its bytes).
pub async fn upload(
    State(shared): State<Arc<Shared>>,
    Query(UploadName { name }): Query<UploadName>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(resp) = gate(&shared, &headers, true).await {
        return resp;
    }
    let Some(attached) = shared.attached.get() else {
        return not_ready();
    };
    let files = attached.files.clone();
    let kept = tokio::task::spawn_blocking(move || files.upload(&name, &body)).await;
    match kept {
        Ok(Ok(chosen)) => axum::Json(json!({ "ok": chosen })).into_response(),
        Ok(Err(error)) => {
            (status_of(error.kind), axum::Json(json!({ "error": error }))).into_response()
        }
        Err(_) => refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorKind::Internal,
            "The upload could not be kept.",
        ),
    }
}

/// `GET /panel/api/files/{id}`: a file a command wrote, downloaded once.
pub async fn download(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(resp) = gate(&shared, &headers, false).await {
        return resp;
    }
    let Some(attached) = shared.attached.get() else {
        return not_ready();
    };
    let files = attached.files.clone();
    let found = tokio::task::spawn_blocking(move || files.download(&id))
        .await
        .ok()
        .flatten();
    let Some((name, bytes)) = found else {
        return refuse(
            StatusCode::NOT_FOUND,
            ErrorKind::NotFound,
            "That file is not here: it was downloaded already, or nothing was written to it.",
        );
    };
    let disposition = format!("attachment; filename=\"{}\"", name.replace('"', ""));
    let mut resp = ([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response();
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    resp
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

    #[test]
    fn on_a_replica_a_team_token_gets_the_team_console_and_a_person_their_own() {
        use crate::commands::Role;
        let who = |scope, owner: Option<&str>| Who {
            name: "t".into(),
            scope,
            owner: owner.map(str::to_string),
        };
        assert_eq!(
            role(&who(TokenScope::Panel, None), Place::Replica),
            Role::Operator
        );
        assert_eq!(
            role(&who(TokenScope::Admin, Some("ana")), Place::Replica),
            Role::TeamAdmin
        );
        assert_eq!(
            role(&who(TokenScope::Gateway, Some("bo")), Place::Replica),
            Role::Person("bo".into())
        );
    }
}
