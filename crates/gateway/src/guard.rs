//! The door: every request must come to a loopback `Host` (DNS-rebinding defence), from no
//! browser `Origin` unless allowed, and carry a valid local token (`Authorization: Bearer` or
//! `x-api-key`). Refusals are answered in the caller's format.

use crate::reply::{error, Shape};
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
    if state.paused.load(std::sync::atomic::Ordering::Relaxed) {
        return error(
            shape,
            StatusCode::SERVICE_UNAVAILABLE,
            "The Switchyard gateway is paused: resume it from the tray menu or the Gateway page.",
        );
    }
    let headers = req.headers();
    if !state.config.allow_non_loopback && !loopback_host(headers) {
        return error(
            shape,
            StatusCode::FORBIDDEN,
            "This gateway only answers requests addressed to localhost / 127.0.0.1.",
        );
    }
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .map(str::to_string);
    if let Some(origin) = &origin {
        if !state.config.allowed_origins.iter().any(|a| a == origin) {
            return error(shape, StatusCode::FORBIDDEN, "Browser origin not allowed: add it in Gateway settings to call Switchyard from a web page.");
        }
        // A browser's preflight carries no token; an allowed origin gets the CORS answer.
        if req.method() == axum::http::Method::OPTIONS {
            return cors(origin, StatusCode::NO_CONTENT.into_response());
        }
    }
    let Some(token) = presented_token(headers) else {
        return error(
            shape,
            StatusCode::UNAUTHORIZED,
            "Missing Switchyard token: create one on the Gateway page and send it as the API key.",
        );
    };
    let Some(caller) = state.auth.verify(token) else {
        return error(
            shape,
            StatusCode::UNAUTHORIZED,
            "Invalid or revoked Switchyard token.",
        );
    };
    req.extensions_mut().insert::<Caller>(caller);
    let resp = next.run(req).await;
    match origin {
        Some(o) => cors(&o, resp),
        None => resp,
    }
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
            "authorization, content-type, x-api-key, anthropic-version, anthropic-beta",
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

/// `Authorization: Bearer T` or `x-api-key: T`.
fn presented_token(headers: &HeaderMap) -> Option<&str> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim());
    bearer
        .or_else(|| {
            headers
                .get("x-api-key")
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        })
        .filter(|t| !t.is_empty())
}

/// True when `Host` names this machine: localhost, *.localhost, 127.0.0.0/8 or [::1].
fn loopback_host(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                h
            } else {
                host
            }
        })
    };
    let name = name.to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name == "::1"
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn host(h: &'static str) -> HeaderMap {
        let mut m = HeaderMap::new();
        m.insert(header::HOST, HeaderValue::from_static(h));
        m
    }

    #[test]
    fn loopback_names_pass_and_others_do_not() {
        for ok in [
            "localhost:4141",
            "127.0.0.1:4141",
            "127.1.2.3",
            "[::1]:4141",
            "app.localhost:80",
            "LOCALHOST",
        ] {
            assert!(loopback_host(&host(ok)), "{ok} is this machine");
        }
        for bad in [
            "evil.example.com",
            "evil.example.com:4141",
            "192.168.1.5:4141",
            "localhost.evil.com",
            "[::2]:1",
        ] {
            assert!(
                !loopback_host(&host(bad)),
                "{bad} must be refused (DNS rebinding)"
            );
        }
        assert!(
            !loopback_host(&HeaderMap::new()),
            "a request without Host is refused"
        );
    }

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
    }
}
