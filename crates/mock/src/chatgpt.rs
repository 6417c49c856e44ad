//! Owns ChatGPT mode ([`crate::ChatGptPlan`]): OpenAI's ChatGPT backend as it serves a ChatGPT
//! plan (Plus/Pro) to the Codex CLI signed in with ChatGPT. Its routes exist only in this mode:
//! `POST /backend-api/codex/responses` (the answer of `/v1/responses`, scripted tool calls
//! included) and `GET /backend-api/codex/models` (`{"models": []}`, which Codex accepts).
//!
//! A request needs `Authorization: Bearer <access token>` and the plan's `chatgpt-account-id`
//! (401 otherwise; `accepted_keys` plays no part). Each token's responses are counted in a
//! window that starts at its first request (`plan_window::Window`, as for Claude plans); past the
//! plan's requests they get the 429 `usage_limit_reached` that Codex reads as "You've hit your
//! usage limit … try again at <resets_at>", until the window's end. Every answer of the window
//! carries Codex's `x-codex-primary-*` headers, the refusal at 100 %.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use crate::auth;
use crate::config::ChatGptPlan;
use crate::error::{ApiError, ErrorKind, Shape};
use crate::limits::{put, unix};
use crate::plan_window::Turn;
use crate::state::{Route, Shared};

/// Where Codex sends a turn (`{base}/responses`, base `https://chatgpt.com/backend-api/codex`).
pub(crate) const RESPONSES_PATH: &str = "/backend-api/codex/responses";
/// Where Codex reads its model list (`?client_version=…`).
pub(crate) const MODELS_PATH: &str = "/backend-api/codex/models";
/// The header naming the ChatGPT account a token acts for.
const ACCOUNT_HEADER: &str = "chatgpt-account-id";
/// The plan named in the 429 (Codex words its advice after it: Plus is told to upgrade to Pro).
const PLAN_TYPE: &str = "plus";
/// The message of the 429 refusing a request past the window.
const LIMIT_MESSAGE: &str = "The usage limit has been reached";

/// ChatGPT mode's routes, merged into the server's only when [`crate::MockConfig::chatgpt`] is set.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route(RESPONSES_PATH, post(responses))
        .route(MODELS_PATH, get(models))
}

/// Why a request is not a plan caller's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// ChatGPT mode is off (404).
    Off,
    /// No bearer token.
    NoToken,
    /// A bearer token that is none of the plan's.
    UnknownToken,
    /// A plan token without `chatgpt-account-id`.
    NoAccount,
    /// A plan token with another account's id.
    WrongAccount,
}

impl Refusal {
    /// The 401 for this refusal (404 for [`Refusal::Off`]), in OpenAI's error shape; it never
    /// echoes a credential.
    fn response(self) -> Response {
        let (message, code) = match self {
            Refusal::Off => {
                let message = "ChatGPT mode is off".to_owned();
                return ApiError::new(Shape::OpenAi, ErrorKind::NotFound(message)).into_response();
            }
            Refusal::NoToken => ("Missing bearer authentication in header.", "missing_token"),
            Refusal::UnknownToken => (
                "Your authentication token is not valid. Please try signing in again.",
                "invalid_token",
            ),
            Refusal::NoAccount => ("Missing chatgpt-account-id header.", "missing_account_id"),
            Refusal::WrongAccount => (
                "The chatgpt-account-id header does not match your sign-in.",
                "account_mismatch",
            ),
        };
        let body = json!({
            "error": { "type": "invalid_request_error", "message": message, "code": code },
        });
        (StatusCode::UNAUTHORIZED, Json(body)).into_response()
    }
}

/// The plan token a request carries, if it is a plan caller's (see [`Refusal`] otherwise).
fn caller<'a>(plan: &ChatGptPlan, headers: &'a HeaderMap) -> Result<&'a str, Refusal> {
    let token = auth::extract_key(headers, Shape::OpenAi).ok_or(Refusal::NoToken)?;
    if !plan.tokens.iter().any(|t| t == token) {
        return Err(Refusal::UnknownToken);
    }
    let account = headers
        .get(ACCOUNT_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .ok_or(Refusal::NoAccount)?;
    if account != plan.account_id {
        return Err(Refusal::WrongAccount);
    }
    Ok(token)
}

/// The plan and the caller's token, or why the request is refused.
fn gate<'a>(
    state: &'a Shared,
    headers: &'a HeaderMap,
) -> Result<(&'a ChatGptPlan, &'a str), Refusal> {
    // The route table mounts these routes only in ChatGPT mode.
    let plan = state.config.chatgpt.as_ref().ok_or(Refusal::Off)?;
    Ok((plan, caller(plan, headers)?))
}

/// Codex's usage headers: `percent` of the primary window used, its length, and its end.
fn usage_headers(percent: f64, length: Duration, reset: SystemTime) -> Vec<(String, String)> {
    // One decimal, as ChatGPT sends them ("42.5", "100").
    let percent = (percent.clamp(0.0, 100.0) * 10.0).round() / 10.0;
    vec![
        ("x-codex-primary-used-percent".into(), percent.to_string()),
        (
            "x-codex-primary-window-minutes".into(),
            length.as_secs().div_ceil(60).max(1).to_string(),
        ),
        ("x-codex-primary-reset-at".into(), unix(reset).to_string()),
    ]
}

/// The share of a window of `limit` requests that `used` of them are, in percent.
fn used_percent(used: u64, limit: u64) -> f64 {
    used as f64 * 100.0 / limit.max(1) as f64
}

/// The 429 of a request past the window, which ends at `reset`: the `usage_limit_reached` body
/// Codex parses (`resets_at` in Unix seconds; `resets_in_seconds` as ChatGPT adds it, unread by
/// Codex) and the primary window at 100 %.
fn usage_limit_reached(length: Duration, reset: SystemTime, now: SystemTime) -> Response {
    let left = reset.duration_since(now).unwrap_or_default();
    let body = json!({
        "error": {
            "type": "usage_limit_reached",
            "message": LIMIT_MESSAGE,
            "plan_type": PLAN_TYPE,
            "resets_at": unix(reset),
            "resets_in_seconds": left.as_secs() + u64::from(left.subsec_nanos() > 0),
        },
    });
    let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
    put(&mut response, usage_headers(100.0, length, reset));
    response
}

/// 415 for a compressed body: Codex zstd-compresses only on its built-in HTTPS provider, which
/// cannot be pointed at a plain-HTTP mock; a custom provider sends plain JSON.
fn compressed(headers: &HeaderMap) -> Option<Response> {
    let encoding = headers
        .get("content-encoding")?
        .to_str()
        .unwrap_or("?")
        .trim();
    if encoding.is_empty() || encoding.eq_ignore_ascii_case("identity") {
        return None;
    }
    let message =
        format!("Content-Encoding {encoding} is not supported; send the body uncompressed.");
    let body = json!({ "error": { "type": "invalid_request_error", "message": message } });
    Some((StatusCode::UNSUPPORTED_MEDIA_TYPE, Json(body)).into_response())
}

/// Handles `POST /backend-api/codex/responses`: the gate, then the token's window, then the
/// answer of `/v1/responses` with the usage headers.
async fn responses(State(state): State<Arc<Shared>>, headers: HeaderMap, raw: Bytes) -> Response {
    let route = Route::ChatGptResponses;
    let (plan, token) = match gate(&state, &headers) {
        Ok(found) => found,
        Err(refusal) => {
            state.hit(route);
            return refusal.response();
        }
    };
    if let Some(refusal) = compressed(&headers) {
        state.hit(route);
        return refusal;
    }
    let now = SystemTime::now();
    match state.chatgpt.take(token, plan.requests, plan.reset, now) {
        Turn::Allowed { used, reset } => {
            let mut response = crate::responses::create_for_plan(&state, route, &raw)
                .await
                .into_response();
            // A scripted 429 keeps its own headers.
            if !response.headers().contains_key("retry-after") {
                let percent = used_percent(used, plan.requests);
                put(&mut response, usage_headers(percent, plan.reset, reset));
            }
            response
        }
        Turn::Rejected { reset } => {
            state.hit(route);
            state.count_rate_limited();
            usage_limit_reached(plan.reset, reset, now)
        }
    }
}

/// Handles `GET /backend-api/codex/models`: an empty list (Codex then keeps its own catalogue).
async fn models(State(state): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    state.hit(Route::ChatGptModels);
    match gate(&state, &headers) {
        Ok(_) => Json(json!({ "models": [] })).into_response(),
        Err(refusal) => refusal.response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use std::time::UNIX_EPOCH;

    fn plan() -> ChatGptPlan {
        ChatGptPlan::new(vec!["eyJ.a.b".into()], "acct-1", 3)
    }

    fn find(pairs: &[(String, String)], name: &str) -> Option<String> {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    #[test]
    fn a_caller_needs_a_plan_token_and_its_account() {
        let p = plan();
        let mut h = HeaderMap::new();
        assert_eq!(caller(&p, &h), Err(Refusal::NoToken));
        h.insert("authorization", HeaderValue::from_static("Bearer other"));
        assert_eq!(caller(&p, &h), Err(Refusal::UnknownToken));
        h.insert("authorization", HeaderValue::from_static("Bearer eyJ.a.b"));
        assert_eq!(caller(&p, &h), Err(Refusal::NoAccount));
        h.insert(ACCOUNT_HEADER, HeaderValue::from_static("acct-2"));
        assert_eq!(caller(&p, &h), Err(Refusal::WrongAccount));
        h.insert(ACCOUNT_HEADER, HeaderValue::from_static("acct-1"));
        assert_eq!(caller(&p, &h), Ok("eyJ.a.b"));
    }

    #[test]
    fn usage_headers_give_one_decimal_whole_minutes_and_unix_seconds() {
        let reset = UNIX_EPOCH + Duration::from_secs(9_000);
        let pairs = usage_headers(used_percent(1, 3), crate::PlanConfig::FIVE_HOURS, reset);
        assert_eq!(
            find(&pairs, "x-codex-primary-used-percent").as_deref(),
            Some("33.3")
        );
        assert_eq!(
            find(&pairs, "x-codex-primary-window-minutes").as_deref(),
            Some("300")
        );
        assert_eq!(
            find(&pairs, "x-codex-primary-reset-at").as_deref(),
            Some("9000")
        );
        let short = usage_headers(used_percent(2, 2), Duration::from_secs(1), reset);
        assert_eq!(
            find(&short, "x-codex-primary-used-percent").as_deref(),
            Some("100")
        );
        assert_eq!(
            find(&short, "x-codex-primary-window-minutes").as_deref(),
            Some("1"),
            "a window shorter than a minute still names one"
        );
    }

    #[test]
    fn the_refusal_is_a_429_at_one_hundred_percent() {
        let reset = UNIX_EPOCH + Duration::from_secs(10_000);
        let r = usage_limit_reached(
            Duration::from_secs(600),
            reset,
            reset - Duration::from_millis(1_500),
        );
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.headers()["x-codex-primary-used-percent"], "100");
        assert_eq!(r.headers()["x-codex-primary-window-minutes"], "10");
        assert_eq!(r.headers()["x-codex-primary-reset-at"], "10000");
    }

    #[test]
    fn only_an_uncompressed_body_is_read() {
        let mut h = HeaderMap::new();
        assert!(compressed(&h).is_none());
        h.insert("content-encoding", HeaderValue::from_static("identity"));
        assert!(compressed(&h).is_none());
        h.insert("content-encoding", HeaderValue::from_static("zstd"));
        let r = compressed(&h).map(|r| r.status());
        assert_eq!(r, Some(StatusCode::UNSUPPORTED_MEDIA_TYPE));
    }
}
