//! Who may read the books, and the providers' error bodies on the books endpoints: only the admin
//! key passes (OpenAI's admin key as `Authorization: Bearer`, Anthropic's Admin API key as
//! `x-api-key` with `anthropic-version`, OpenRouter's management key as `Authorization: Bearer`);
//! then the first [`crate::MockConfig::books_throttle`] requests get 429, and in
//! [`crate::MockConfig::books_malformed`] mode every answer is JSON of another shape.

use std::sync::atomic::Ordering;

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::auth;
use crate::error::Shape;
use crate::state::{Route, Shared};

/// Whose books an endpoint serves (its auth header and error format).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Provider {
    OpenAi,
    Anthropic,
    OpenRouter,
}

/// A books endpoint's refusal: the provider's answer (boxed, it is large).
pub(crate) type Refusal = Box<Response>;

/// Seconds a throttled books request is told to wait.
const RETRY_AFTER: &str = "1";

/// Counts the request and lets the admin key through; anything else gets the provider's answer.
/// `scope` names what the refusal says is missing (OpenAI's scope, OpenRouter's operation).
pub(crate) fn gate(
    state: &Shared,
    headers: &HeaderMap,
    provider: Provider,
    scope: &str,
) -> Result<(), Refusal> {
    state.hit(Route::Books);
    let shape = match provider {
        Provider::Anthropic => Shape::Anthropic,
        Provider::OpenAi | Provider::OpenRouter => Shape::OpenAi,
    };
    let key = auth::extract_key(headers, shape);
    let admin = state.config.admin_key.as_deref();
    match key {
        None => return Err(Box::new(missing_key(provider))),
        Some(k) if Some(k) != admin => return Err(Box::new(not_admin(provider, scope))),
        Some(_) => {}
    }
    if provider == Provider::Anthropic && !headers.contains_key("anthropic-version") {
        return Err(bad_param(
            provider,
            "anthropic-version",
            "anthropic-version: header is required",
        ));
    }
    let n = state.books.admitted.fetch_add(1, Ordering::Relaxed);
    if n < state.config.books_throttle {
        return Err(Box::new(throttled(provider)));
    }
    if state.config.books_malformed {
        return Err(Box::new(
            Json(json!({
                "status": "ok",
                "rows": [{ "when": "today", "spent": "some" }],
                "next": null,
            }))
            .into_response(),
        ));
    }
    Ok(())
}

/// `status` with `body`.
fn reply(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// OpenAI's error body.
fn openai(message: &str, kind: &str, param: Option<&str>, code: Option<&str>) -> Value {
    json!({ "error": { "message": message, "type": kind, "param": param, "code": code } })
}

/// Anthropic's error body.
fn anthropic(kind: &str, message: &str) -> Value {
    json!({ "type": "error", "error": { "type": kind, "message": message } })
}

/// OpenRouter's error body.
fn openrouter(code: u16, message: &str) -> Value {
    json!({ "error": { "code": code, "message": message } })
}

fn missing_key(provider: Provider) -> Response {
    let body = match provider {
        Provider::OpenAi => openai(
            "You didn't provide an API key. You need to provide your API key in an Authorization \
             header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            "invalid_request_error",
            None,
            None,
        ),
        Provider::Anthropic => anthropic("authentication_error", "x-api-key header is required"),
        Provider::OpenRouter => openrouter(401, "Missing Authentication header"),
    };
    reply(StatusCode::UNAUTHORIZED, body)
}

fn not_admin(provider: Provider, scope: &str) -> Response {
    match provider {
        Provider::OpenAi => {
            let message = format!(
                "You have insufficient permissions for this operation. Missing scopes: {scope}. \
                 Check that you have the correct role in your organization, and if you're using \
                 a restricted API key, that it has the necessary scopes."
            );
            let body = openai(&message, "invalid_request_error", None, None);
            reply(StatusCode::UNAUTHORIZED, body)
        }
        Provider::Anthropic => reply(
            StatusCode::FORBIDDEN,
            anthropic(
                "permission_error",
                "Your API key does not have permission to use the specified resource.",
            ),
        ),
        Provider::OpenRouter => reply(
            StatusCode::FORBIDDEN,
            openrouter(403, &format!("Only management keys can {scope}")),
        ),
    }
}

fn throttled(provider: Provider) -> Response {
    let body = match provider {
        Provider::OpenAi => openai(
            "Rate limit reached for requests. Please try again in 1s.",
            "requests",
            None,
            Some("rate_limit_exceeded"),
        ),
        Provider::Anthropic => anthropic(
            "rate_limit_error",
            "Number of requests has exceeded your rate limit. Please try again later.",
        ),
        Provider::OpenRouter => openrouter(429, "Rate limit exceeded"),
    };
    let mut response = reply(StatusCode::TOO_MANY_REQUESTS, body);
    response
        .headers_mut()
        .insert("retry-after", HeaderValue::from_static(RETRY_AFTER));
    response
}

/// A 400 about the query parameter `param`, in the provider's shape.
pub(crate) fn bad_param(provider: Provider, param: &str, message: &str) -> Refusal {
    let body = match provider {
        Provider::OpenAi => openai(message, "invalid_request_error", Some(param), None),
        Provider::Anthropic => anthropic("invalid_request_error", message),
        Provider::OpenRouter => openrouter(400, message),
    };
    Box::new(reply(StatusCode::BAD_REQUEST, body))
}

/// A 404 for an unknown object, in the provider's shape.
pub(crate) fn not_found(provider: Provider, message: &str) -> Refusal {
    let body = match provider {
        Provider::OpenAi => openai(message, "invalid_request_error", None, None),
        Provider::Anthropic => anthropic("not_found_error", message),
        Provider::OpenRouter => openrouter(404, message),
    };
    Box::new(reply(StatusCode::NOT_FOUND, body))
}
