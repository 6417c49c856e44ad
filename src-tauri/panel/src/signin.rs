//! Signing in and out (`/panel/api/session`): a token the authorization table lets open the
//! panel here makes a session (`session.rs`) from the panel's own page only (no login CSRF);
//! `GET` says who the page is signed in as; `DELETE` ends the session. A sign-in is decided from
//! its headers before its body is read, and only [`crate::SIGN_INS_AT_ONCE`] bodies are read at
//! once, each small and within seconds (`body::SIGN_IN`): no one without a token can hold the
//! panel's memory or the gateway's connections.

use crate::api::{gate, owner_of, panel_open, same_origin};
use crate::body::{self, closing};
use crate::reply::{forbidden, not_ready, refuse};
use crate::session::{self, Opened, Who};
use crate::{Https, Shared};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde_json::json;
use std::sync::Arc;
use switchyard_app::secrets::SecretString;
use switchyard_domain::authz::{Entry, Place};
use switchyard_domain::TokenScope;
use switchyard_ipc::ErrorKind;

/// Why a scope cannot open the panel here.
fn not_for_panel(scope: TokenScope, place: Place) -> &'static str {
    match (scope, place) {
        (TokenScope::Gateway, Place::Desktop) => {
            "This is a tool's token: the panel needs a panel token (`switchyard token create NAME --panel`)."
        }
        (TokenScope::Generate, _) => {
            "This is a connected tool's token: it generates only. The panel needs a panel token (`switchyard token create NAME --panel`)."
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
    body: Body,
) -> Response {
    if !same_origin(&headers) {
        return closing(forbidden(
            "Sign in from the panel's own page (its Origin did not match).",
        ));
    }
    let bytes = {
        let _permit = match shared.admission.sign_in() {
            Some(permit) => permit,
            None => return crate::body::busy(),
        };
        match body::read(&headers, body, body::SIGN_IN).await {
            Ok(bytes) => bytes,
            Err(resp) => return resp,
        }
    };
    let Ok(SignIn { token }) = serde_json::from_slice::<SignIn>(&bytes) else {
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
    let opened = shared.sessions.open(token, &caller.token_id, who.clone());
    let Ok(Opened { id, csrf, ended }) = opened else {
        return refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::Unavailable,
            "The panel has as many browsers signed in as it keeps: sign out elsewhere, or try again later.",
        );
    };
    for holder in ended {
        shared.release(holder);
    }
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
    match gate(&shared, &headers, false, Entry::Panel).await {
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
    match gate(&shared, &headers, true, Entry::Panel).await {
        Ok(found) => {
            shared.end_session(&found.id);
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
