//! Signing in and out (`/panel/api/session`): a token the authorization table lets open the
//! panel here makes a session (`session.rs`) from the panel's own page only (no login CSRF);
//! `GET` says who the page is signed in as; `DELETE` ends the session.

use crate::api::{forbidden, gate, not_ready, owner_of, panel_open, refuse, same_origin};
use crate::session::{self, Who};
use crate::{Https, Shared};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde_json::json;
use std::sync::Arc;
use switchyard_app::secrets::SecretString;
use switchyard_core::authz::Place;
use switchyard_core::TokenScope;
use switchyard_ipc::ErrorKind;

/// Why a scope cannot open the panel here.
fn not_for_panel(scope: TokenScope, place: Place) -> &'static str {
    match (scope, place) {
        (TokenScope::Gateway, Place::Desktop) => {
            "This is a tool's token: the panel needs a panel token (`switchyard token create NAME --panel`)."
        }
        (TokenScope::Metrics, _) => {
            "This is a scrape token: it reads /metrics only. The panel needs a panel token (`switchyard token create NAME --panel`)."
        }
        _ => "This token cannot open the panel here: sign in with a panel token (`switchyard token create NAME --panel`).",
    }
}

#[derive(serde::Deserialize)]
pub struct SignIn {
    token: String,
}

/// `POST /panel/api/session`: a panel token signs this browser in.
pub async fn sign_in(
    State(shared): State<Arc<Shared>>,
    https: Option<Extension<Https>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !same_origin(&headers) {
        return forbidden("Sign in from the panel's own page (its Origin did not match).");
    }
    let Ok(SignIn { token }) = serde_json::from_slice::<SignIn>(&body) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            ErrorKind::Validation,
            "Paste a panel token to sign in.",
        );
    };
    let token = SecretString::new(token.trim().to_string());
    let Some(core) = shared.app() else {
        return not_ready();
    };
    let token = Arc::new(token);
    let Some(caller) = owner_of(core, Arc::clone(&token)).await else {
        return refuse(
            StatusCode::UNAUTHORIZED,
            ErrorKind::Validation,
            "That token is not valid: it is mistyped, or it was revoked.",
        );
    };
    let place = shared.place();
    if !panel_open(caller.scope, place) {
        return forbidden(not_for_panel(caller.scope, place));
    }
    if place == Place::Replica && caller.scope == TokenScope::Gateway && caller.owner.is_none() {
        return forbidden(
            "This is this replica's own tool token, which belongs to no person: sign in with a panel token or your team token.",
        );
    }
    let who = Who {
        name: caller.name,
        scope: caller.scope,
        owner: caller.owner,
    };
    let (id, csrf) = shared.sessions.open(token, who.clone());
    let mut resp = axum::Json(json!({ "who": who, "place": place_name(place) })).into_response();
    for value in session::set_cookies(&id, &csrf, https.is_some_and(|Extension(Https(on))| on)) {
        if let Ok(v) = HeaderValue::from_str(&value) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

fn place_name(place: Place) -> &'static str {
    match place {
        Place::Desktop => "desktop",
        Place::Replica => "replica",
    }
}

/// `GET /panel/api/session`: who this browser is signed in as (`who` null when it is not: the
/// page asks before it knows, so not signed in is an answer, not a failure).
pub async fn whoami(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let place = place_name(shared.place());
    match gate(&shared, &headers, false).await {
        Ok(found) => axum::Json(json!({ "who": found.who, "place": place })).into_response(),
        Err(resp) if resp.status() == StatusCode::UNAUTHORIZED => {
            let mut answer = axum::Json(json!({ "who": null, "place": place })).into_response();
            for clear in resp.headers().get_all(header::SET_COOKIE) {
                answer
                    .headers_mut()
                    .append(header::SET_COOKIE, clear.clone());
            }
            answer
        }
        Err(resp) => resp,
    }
}

/// `DELETE /panel/api/session`: signs this browser out.
pub async fn sign_out(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    match gate(&shared, &headers, true).await {
        Ok(found) => {
            shared.sessions.end(&found.id);
            signed_out_ok()
        }
        Err(resp) => resp,
    }
}

fn signed_out_ok() -> Response {
    let mut resp = StatusCode::NO_CONTENT.into_response();
    for value in session::clear_cookies() {
        if let Ok(v) = HeaderValue::from_str(&value) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}
