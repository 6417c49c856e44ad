//! The door: every request must come to a loopback `Host` (DNS-rebinding defence), from no
//! browser `Origin` unless allowed, and carry a valid local token (`x-switchyard-token` — then
//! what came as the API key is the tool's own plan sign-in, taken out here (`sign_in`) —,
//! `Authorization: Bearer`, `x-api-key`, Gemini's `x-goog-api-key`, or Gemini's `?key=` query
//! parameter). Refusals are
//! answered in the caller's format. A token is good only within its scope, as the authorization
//! table says (`switchyard_domain::authz`; a route without a row there is refused to every token):
//! a scrape token opens `GET /metrics` and nothing else. The one request that needs no token is `/metrics` from this
//! machine, and only when the user opted in (`GatewayConfig::metrics_open_on_loopback`). The
//! browser panel's doors (`authz::Door::signs_in_itself`) pass the Host and network checks here
//! and sign their caller in themselves.
//!
//! A token in the query string is taken out of the request's URI before anything else sees it,
//! so it can reach no log line, ledger row or error body.

use crate::reply::{error, Refused, Shape};
use crate::{Caller, GatewayState};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

pub async fn check(
    State(state): State<Arc<GatewayState>>,
    mut req: Request,
    next: Next,
) -> Response {
    let shape = Shape::of(req.uri().path(), req.headers());
    // A paused gateway still proves whose it is (it holds the port all the same).
    let proof = req.uri().path() == crate::presence::IDENTITY_PATH;
    if state.paused.load(std::sync::atomic::Ordering::Relaxed) && !proof {
        return error(
            shape,
            Refused::Paused,
            "The Switchyard gateway is paused: resume it from the tray menu or the Gateway page.",
        );
    }
    let host = crate::host::requested(req.headers(), req.uri());
    let peer = req.extensions().get::<crate::serve::Peer>().copied();
    let config = &state.config;
    if !crate::host::allowed(host.as_ref(), peer, config) {
        let msg = if config.allow_non_loopback {
            "This gateway only answers requests addressed to this machine (its name or address)."
        } else {
            "This gateway only answers requests addressed to localhost / 127.0.0.1."
        };
        return error(shape, Refused::Forbidden, msg);
    }
    if config.allow_non_loopback && !crate::host::peer_allowed(peer, &config.allowed_networks) {
        return error(
            shape,
            Refused::Forbidden,
            "Your address is not in the gateway's allowed networks (Gateway settings on the machine running Switchyard).",
        );
    }
    let path = req.uri().path();
    if switchyard_domain::authz::Entry::at_path(path)
        .is_some_and(|e| e.row().door.signs_in_itself())
    {
        // The browser panel: past the Host and network checks above, it signs its caller in
        // itself (a session cookie from a panel token, same-origin and CSRF checks on every
        // change), so neither a token per request nor the allowed-origins list applies.
        return next.run(req).await;
    }
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .map(str::to_string);
    if let Some(origin) = &origin {
        if !state.config.allowed_origins.iter().any(|a| a == origin) {
            return error(shape, Refused::Forbidden, "Browser origin not allowed: add it in Gateway settings to call Switchyard from a web page.");
        }
        // A browser's preflight carries no token; an allowed origin gets the CORS answer.
        if req.method() == axum::http::Method::OPTIONS {
            return cors(origin, StatusCode::NO_CONTENT.into_response());
        }
    }
    // The user's opt-out: programs on this machine scrape without a token.
    let loopback_peer = peer.is_some_and(|p| p.remote.ip().is_loopback());
    if req.uri().path() == switchyard_domain::token_scope::METRICS_PATH
        && state.config.metrics_open_on_loopback
        && loopback_peer
    {
        return next.run(req).await;
    }
    let query_token = query_key(req.uri());
    if query_token.is_some() && !strip_query_key(&mut req) {
        // Fail closed: a token that could not be taken out of the URI must not travel on.
        return error(
            shape,
            Refused::Malformed,
            "The request's address could not be read.",
        );
    }
    let headers = req.headers();
    let Some(token) = presented_token(headers).map(str::to_owned).or(query_token) else {
        return unauthorized(shape);
    };
    let caller = match state.auth.verify(&token) {
        Some(c) => Some(c),
        None => {
            let auth = Arc::clone(&state.auth);
            let refreshed = tokio::task::spawn_blocking(move || auth.refresh())
                .await
                .unwrap_or(false);
            refreshed.then(|| state.auth.verify(&token)).flatten()
        }
    };
    let Some(caller) = caller else {
        return unauthorized(shape);
    };
    // A token in its own header: what the caller sent as its API key is its own sign-in. It is
    // taken out here, whoever sent it, and kept (for the plan's host only) when the token's
    // connection has a plan.
    if req.headers().contains_key(crate::sign_in::TOKEN_HEADER) {
        let sign_in = crate::sign_in::take_sign_in(req.headers_mut());
        if let (Some(s), true) = (sign_in, caller.subscription.is_some()) {
            req.extensions_mut().insert(std::sync::Arc::new(s));
        }
    }
    // The connection carried a valid token: at the connection cap it gives way after those of
    // callers without one (serve/slots.rs).
    if let Some(on) = req.extensions().get::<crate::serve::OnConnection>() {
        on.vouch();
    }
    if !switchyard_domain::authz::allowed_somewhere(caller.scope, req.uri().path()) {
        return error(shape, Refused::Forbidden, refusal(caller.scope));
    }
    req.extensions_mut().insert::<Caller>(caller);
    let resp = next.run(req).await;
    match origin {
        Some(o) => cors(&o, resp),
        None => resp,
    }
}

/// Why the authorization table refuses a token of `scope` here (a route without a row in the
/// table is refused to every token).
fn refusal(scope: switchyard_domain::TokenScope) -> &'static str {
    use switchyard_domain::TokenScope;
    match scope {
        TokenScope::Metrics => {
            "This is a scrape token: it can only read /metrics. Use a tool's token for requests."
        }
        TokenScope::Gateway => {
            "A tool's token cannot call this: it needs a team admin token (switchyard team token create NAME --owner PERSON --admin)."
        }
        TokenScope::Admin => "No token may call this endpoint.",
        TokenScope::Generate => {
            "This is a connected tool's token: it generates and lists models, and reads nothing else (metrics, MCP, the team API, the panel). Use a token from `switchyard token create NAME`."
        }
        TokenScope::Panel => {
            "This is a panel token: it signs a browser in to the control panel at /panel/ and opens nothing else. Use a tool's token for requests."
        }
    }
}

/// One answer for a missing, wrong or revoked token, so it tells a caller nothing about which.
fn unauthorized(shape: Shape) -> Response {
    error(
        shape,
        Refused::Unauthorized,
        "Missing, invalid or revoked Switchyard token: create one on the Gateway page and send it as the API key.",
    )
}

/// CORS headers for an allowed browser origin.
fn cors(origin: &str, mut resp: Response) -> Response {
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(origin) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
    }
    h.insert(header::VARY, HeaderValue::from_static("origin"));
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, OPTIONS"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(
            "authorization, content-type, x-api-key, x-goog-api-key, anthropic-version, anthropic-beta",
        ),
    );
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(
            "x-switchyard-backend, x-switchyard-model, x-switchyard-reason, x-request-id",
        ),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    resp
}

/// The `key` query parameter (Gemini clients may send their key there), percent-decoded.
fn query_key(uri: &axum::http::Uri) -> Option<String> {
    let query = uri.query()?;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, v)| k == "key" && !v.is_empty())
        .map(|(_, v)| v.into_owned())
}

/// Removes `key=…` from the request's query string; `false` if the URI could not be rebuilt.
fn strip_query_key(req: &mut Request) -> bool {
    let uri = req.uri();
    let rest: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .filter(|(k, _)| k != "key")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let mut path = uri.path().to_owned();
    if !rest.is_empty() {
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(rest)
            .finish();
        path.push('?');
        path.push_str(&query);
    }
    let mut parts = uri.clone().into_parts();
    let Ok(pq) = path.parse() else {
        return false;
    };
    parts.path_and_query = Some(pq);
    match axum::http::Uri::from_parts(parts) {
        Ok(new) => {
            *req.uri_mut() = new;
            true
        }
        Err(_) => false,
    }
}

/// `x-switchyard-token: T` (a tool sending its own sign-in as its key), else
/// `Authorization: Bearer T`, `x-api-key: T` or `x-goog-api-key: T`: the token a request brings
/// (also read by the app's routes behind the guard, such as `/mcp`).
pub fn presented_token(headers: &HeaderMap) -> Option<&str> {
    if let Some(own) = headers.get(crate::sign_in::TOKEN_HEADER) {
        return own.to_str().ok().map(str::trim).filter(|t| !t.is_empty());
    }
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim());
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    bearer
        .or_else(|| header("x-api-key"))
        .or_else(|| header("x-goog-api-key"))
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn tokens_come_from_bearer_or_x_api_key() {
        let mut m = HeaderMap::new();
        m.insert("x-api-key", HeaderValue::from_static("sy-a"));
        assert_eq!(presented_token(&m), Some("sy-a"));
        m.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer sy-b"),
        );
        assert_eq!(presented_token(&m), Some("sy-b"));
        m.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(presented_token(&m), Some("sy-a"));
        let mut g = HeaderMap::new();
        g.insert("x-goog-api-key", HeaderValue::from_static("sy-g"));
        assert_eq!(presented_token(&g), Some("sy-g"));
    }

    #[test]
    fn a_query_key_is_read_and_removed_from_the_uri() {
        let mut req = Request::builder()
            .uri("/v1beta/models/m:streamGenerateContent?alt=sse&key=sy%2Dq")
            .body(axum::body::Body::empty())
            .unwrap();
        assert_eq!(query_key(req.uri()).as_deref(), Some("sy-q"));
        strip_query_key(&mut req);
        assert_eq!(
            req.uri().to_string(),
            "/v1beta/models/m:streamGenerateContent?alt=sse"
        );
        let mut only = Request::builder()
            .uri("/x?key=k")
            .body(axum::body::Body::empty())
            .unwrap();
        assert!(strip_query_key(&mut only));
        assert_eq!(only.uri().to_string(), "/x");
    }
}
