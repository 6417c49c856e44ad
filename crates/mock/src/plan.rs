//! Owns plan mode ([`crate::PlanConfig`]): Anthropic's API as it serves a Claude subscription
//! (Pro/Max) to Claude Code. A plan caller sends its OAuth access token as
//! `Authorization: Bearer` with `anthropic-beta: oauth-2025-04-20`; each token's `/v1/messages`
//! requests are counted in a window that starts at its first request, and past the plan's
//! requests they get the 429 Claude Code reads as "You've hit your 5-hour limit · resets …"
//! until the window's end. Keys sent as `x-api-key` never reach this module's decisions.

use std::sync::Arc;
use std::time::SystemTime;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::error::{ApiError, ErrorKind, Shape};
use crate::limits::{put, unified, unix, PlanCaller};
use crate::plan_window::{bearer, Bearer, Turn};
use crate::state::{Route, Shared};

/// What Anthropic answers an OAuth token sent without [`crate::plan_window::OAUTH_BETA`].
const OAUTH_UNSUPPORTED: &str = "OAuth authentication is currently not supported.";

/// The message of the 429 refusing a request past the plan's window.
const LIMIT_MESSAGE: &str =
    "This request would exceed your account's rate limit. Please try again later.";

/// The headers of an answered request: `used` of `limit` used, the window ending at `reset`.
fn allowed_headers(used: u64, limit: u64, reset: SystemTime) -> Vec<(String, String)> {
    let utilization = (used as f64 / limit.max(1) as f64).min(1.0);
    let status = if utilization >= 0.9 {
        "allowed_warning"
    } else {
        "allowed"
    };
    let mut pairs = unified(status, unix(reset), utilization);
    pairs.push((
        "anthropic-ratelimit-unified-5h-status".into(),
        status.into(),
    ));
    pairs
}

/// The 429 of a request past the window, which ends at `reset`: Anthropic's `rate_limit_error`
/// body, `rejected` unified headers naming the five-hour window, and `retry-after` in seconds.
fn rejected(reset: SystemTime, now: SystemTime) -> Response {
    let body = json!({
        "type": "error",
        "error": { "type": "rate_limit_error", "message": LIMIT_MESSAGE },
    });
    let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
    let left = reset.duration_since(now).unwrap_or_default();
    // Whole seconds, rounded up, at least one.
    let wait = (left.as_secs() + u64::from(left.subsec_nanos() > 0)).max(1);
    let mut pairs = unified("rejected", unix(reset), 1.0);
    pairs.extend([
        (
            "anthropic-ratelimit-unified-5h-status".into(),
            "rejected".into(),
        ),
        ("retry-after".into(), wait.to_string()),
    ]);
    put(&mut response, pairs);
    response
}

/// 401 for a plan token sent without the OAuth beta flag.
fn oauth_unsupported() -> Response {
    let body = json!({
        "type": "error",
        "error": { "type": "authentication_error", "message": OAUTH_UNSUPPORTED },
    });
    (StatusCode::UNAUTHORIZED, Json(body)).into_response()
}

/// The plan routes: `(route, whether an unknown bearer is refused there)`. `/v1/models` is
/// OpenAI's too, where a bearer is an ordinary key.
fn plan_route(method: &Method, path: &str) -> Option<(Route, bool)> {
    match (method, path) {
        (&Method::POST, "/v1/messages") => Some((Route::Messages, true)),
        (&Method::POST, "/v1/messages/count_tokens") => Some((Route::CountTokens, true)),
        (&Method::GET, "/v1/models") => Some((Route::Models, false)),
        _ => None,
    }
}

/// Plan mode's gate on the plan routes: refuses a plan token without the beta flag and an
/// unknown bearer, counts a plan caller's messages in its window (429 past it), and marks the
/// plan callers it lets through.
pub(crate) async fn layer(
    State(shared): State<Arc<Shared>>,
    mut req: Request,
    next: Next,
) -> Response {
    let Some(plan) = &shared.config.plan else {
        return next.run(req).await;
    };
    let Some((route, strict)) = plan_route(req.method(), req.uri().path()) else {
        return next.run(req).await;
    };
    let token = match bearer(&shared.config, req.headers()) {
        Bearer::None => return next.run(req).await,
        Bearer::Unknown if !strict => return next.run(req).await,
        Bearer::Unknown => {
            shared.hit(route);
            return ApiError::new(Shape::Anthropic, ErrorKind::Unauthorized).into_response();
        }
        Bearer::NoBeta => {
            shared.hit(route);
            return oauth_unsupported();
        }
        Bearer::Plan(token) => token.to_owned(),
    };
    req.extensions_mut().insert(PlanCaller);
    if route != Route::Messages {
        return next.run(req).await;
    }
    let now = SystemTime::now();
    match shared.plans.take(&token, plan.requests, plan.reset, now) {
        Turn::Allowed { used, reset } => {
            let mut response = next.run(req).await;
            // A scripted 429 keeps its own headers.
            if !response.headers().contains_key("retry-after") {
                put(&mut response, allowed_headers(used, plan.requests, reset));
            }
            response
        }
        Turn::Rejected { reset } => {
            shared.hit(route);
            shared.count_rate_limited();
            rejected(reset, now)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::MockConfig;
    use crate::plan_window::{Window, Windows};
    use axum::http::HeaderMap;
    use axum::http::HeaderValue;
    use std::time::{Duration, UNIX_EPOCH};

    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn a_window_answers_its_requests_then_refuses_until_it_resets() {
        let mut w = Window::default();
        let t0 = UNIX_EPOCH + Duration::from_secs(1_000);
        let reset = t0 + HOUR;
        assert_eq!(w.take(2, HOUR, t0), Turn::Allowed { used: 1, reset });
        let t1 = t0 + Duration::from_secs(60);
        assert_eq!(w.take(2, HOUR, t1), Turn::Allowed { used: 2, reset });
        assert_eq!(w.take(2, HOUR, t1), Turn::Rejected { reset });
        let just_before = reset - Duration::from_millis(1);
        assert_eq!(w.take(2, HOUR, just_before), Turn::Rejected { reset });
        let later = reset + Duration::from_secs(30);
        assert_eq!(
            w.take(2, HOUR, later),
            Turn::Allowed {
                used: 1,
                reset: later + HOUR
            },
            "the window starts again at the first request after its end"
        );
    }

    #[test]
    fn an_empty_plan_refuses_everything_and_tokens_count_apart() {
        let t0 = UNIX_EPOCH + Duration::from_secs(5);
        let mut w = Window::default();
        assert_eq!(w.take(0, HOUR, t0), Turn::Rejected { reset: t0 + HOUR });
        let windows = Windows::default();
        assert!(matches!(
            windows.take("a", 1, HOUR, t0),
            Turn::Allowed { .. }
        ));
        assert!(matches!(
            windows.take("a", 1, HOUR, t0),
            Turn::Rejected { .. }
        ));
        assert!(matches!(
            windows.take("b", 1, HOUR, t0),
            Turn::Allowed { .. }
        ));
    }

    #[test]
    fn bearer_reads_the_token_and_the_beta_flag() {
        let mut c = MockConfig::instant();
        let mut h = HeaderMap::new();
        h.insert("authorization", HeaderValue::from_static("Bearer tok"));
        assert_eq!(bearer(&c, &h), Bearer::None, "plan mode off");
        c.plan = Some(crate::PlanConfig::new(vec!["tok".into()], 3));
        assert_eq!(bearer(&c, &h), Bearer::NoBeta);
        h.insert(
            "anthropic-beta",
            HeaderValue::from_static("claude-code-20250219, oauth-2025-04-20"),
        );
        assert_eq!(bearer(&c, &h), Bearer::Plan("tok"));
        h.insert("x-api-key", HeaderValue::from_static("k"));
        assert_eq!(bearer(&c, &h), Bearer::None, "a key goes the key path");
        h.remove("x-api-key");
        h.insert("authorization", HeaderValue::from_static("Bearer other"));
        assert_eq!(bearer(&c, &h), Bearer::Unknown);
    }

    #[test]
    fn headers_say_allowed_warning_from_ninety_percent_and_the_wait_rounds_up() {
        let reset = UNIX_EPOCH + Duration::from_secs(10_000);
        let find = |pairs: &[(String, String)], name: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        let low = allowed_headers(8, 10, reset);
        assert_eq!(
            find(&low, "anthropic-ratelimit-unified-status").as_deref(),
            Some("allowed")
        );
        assert_eq!(
            find(&low, "anthropic-ratelimit-unified-reset").as_deref(),
            Some("10000")
        );
        let high = allowed_headers(9, 10, reset);
        assert_eq!(
            find(&high, "anthropic-ratelimit-unified-status").as_deref(),
            Some("allowed_warning")
        );
        let r = rejected(reset, reset - Duration::from_millis(1_500));
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.headers()["retry-after"], "2");
        let r = rejected(reset, reset);
        assert_eq!(r.headers()["retry-after"], "1", "never less than a second");
    }
}
