//! Owns provider-shaped error responses (OpenAI, Anthropic, Gemini bodies, statuses and rate-limit headers).

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// Seconds a rate-limited client is told to wait.
pub(crate) const RETRY_AFTER_SECS: u64 = 7;

/// Which provider's error format a route speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// `{"error":{"message","type","param","code"}}` (OpenAI, OpenRouter, Ollama).
    OpenAi,
    /// `{"type":"error","error":{"type","message"}}`.
    Anthropic,
    /// `{"error":{"code","message","status"}}`.
    Gemini,
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ErrorKind {
    /// Missing or unknown key (401).
    Unauthorized,
    /// Key is rate limited (429).
    RateLimited,
    /// The request body or parameters are invalid (400). The message never contains the key.
    BadRequest(String),
    /// A 400 about one parameter, named in OpenAI's `param` field (other shapes have none).
    BadParam {
        /// The message; never contains the key.
        message: String,
        /// The parameter at fault, e.g. "input".
        param: &'static str,
    },
    /// Unknown path (404).
    NotFound(String),
    /// Known path, wrong method (405).
    MethodNotAllowed(String),
    /// A scripted [`crate::Fault::Status`]: this 4xx/5xx with a plausible provider body.
    Injected(StatusCode),
}

/// Seconds an injected 429 tells the client to wait.
pub(crate) const INJECTED_RETRY_AFTER_SECS: u64 = 1;

/// An error rendered in one provider's wire format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    /// The wire format of the body.
    pub shape: Shape,
    /// The failure.
    pub kind: ErrorKind,
}

impl ApiError {
    /// Builds an error of `kind` in `shape`.
    pub(crate) fn new(shape: Shape, kind: ErrorKind) -> Self {
        Self { shape, kind }
    }

    /// A 400 with `message` in `shape`.
    pub(crate) fn bad_request(shape: Shape, message: impl Into<String>) -> Self {
        Self::new(shape, ErrorKind::BadRequest(message.into()))
    }

    /// A 400 about `param` with `message` in `shape`.
    pub(crate) fn bad_param(shape: Shape, param: &'static str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::new(shape, ErrorKind::BadParam { message, param })
    }

    fn status(&self) -> StatusCode {
        match self.kind {
            // Gemini answers a bad key with 400 INVALID_ARGUMENT / API_KEY_INVALID.
            ErrorKind::Unauthorized if self.shape == Shape::Gemini => StatusCode::BAD_REQUEST,
            ErrorKind::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorKind::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::BadRequest(_) | ErrorKind::BadParam { .. } => StatusCode::BAD_REQUEST,
            ErrorKind::NotFound(_) => StatusCode::NOT_FOUND,
            ErrorKind::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ErrorKind::Injected(status) => status,
        }
    }

    fn body(&self) -> Value {
        match self.shape {
            Shape::OpenAi => self.openai_body(),
            Shape::Anthropic => self.anthropic_body(),
            Shape::Gemini => self.gemini_body(),
        }
    }

    fn openai_body(&self) -> Value {
        let (message, kind, code): (String, &str, Value) = match &self.kind {
            ErrorKind::Unauthorized => (
                "Incorrect API key provided.".into(),
                "invalid_request_error",
                json!("invalid_api_key"),
            ),
            ErrorKind::RateLimited => (
                format!("Rate limit reached. Please try again in {RETRY_AFTER_SECS}s."),
                "requests",
                json!("rate_limit_exceeded"),
            ),
            ErrorKind::BadRequest(m) | ErrorKind::BadParam { message: m, .. } => {
                (m.clone(), "invalid_request_error", Value::Null)
            }
            ErrorKind::NotFound(m) => (m.clone(), "invalid_request_error", json!("unknown_url")),
            ErrorKind::MethodNotAllowed(m) => (m.clone(), "invalid_request_error", Value::Null),
            ErrorKind::Injected(status) => {
                let (kind, code) = match status.as_u16() {
                    429 => ("requests", json!("rate_limit_exceeded")),
                    500..=599 => ("server_error", Value::Null),
                    _ => ("invalid_request_error", Value::Null),
                };
                (injected_message(*status), kind, code)
            }
        };
        let param = match &self.kind {
            ErrorKind::BadParam { param, .. } => json!(param),
            _ => Value::Null,
        };
        json!({ "error": { "message": message, "type": kind, "param": param, "code": code } })
    }

    fn anthropic_body(&self) -> Value {
        let (kind, message): (&str, String) = match &self.kind {
            ErrorKind::Unauthorized => ("authentication_error", "invalid x-api-key".into()),
            ErrorKind::RateLimited => (
                "rate_limit_error",
                format!(
                    "Number of requests has exceeded your rate limit. Please try again in {RETRY_AFTER_SECS} seconds."
                ),
            ),
            ErrorKind::BadRequest(m) | ErrorKind::BadParam { message: m, .. } => {
                ("invalid_request_error", m.clone())
            }
            ErrorKind::NotFound(m) => ("not_found_error", m.clone()),
            ErrorKind::MethodNotAllowed(m) => ("invalid_request_error", m.clone()),
            ErrorKind::Injected(status) => {
                let kind = match status.as_u16() {
                    401 => "authentication_error",
                    403 => "permission_error",
                    404 => "not_found_error",
                    429 => "rate_limit_error",
                    529 => "overloaded_error",
                    500..=599 => "api_error",
                    _ => "invalid_request_error",
                };
                (kind, injected_message(*status))
            }
        };
        json!({ "type": "error", "error": { "type": kind, "message": message } })
    }

    fn gemini_body(&self) -> Value {
        let (status, message): (&str, String) = match &self.kind {
            ErrorKind::Unauthorized => (
                "INVALID_ARGUMENT",
                "API key not valid. Please pass a valid API key.".into(),
            ),
            ErrorKind::RateLimited => (
                "RESOURCE_EXHAUSTED",
                "Resource has been exhausted (e.g. check quota).".into(),
            ),
            ErrorKind::BadRequest(m) | ErrorKind::BadParam { message: m, .. } => {
                ("INVALID_ARGUMENT", m.clone())
            }
            ErrorKind::NotFound(m) => ("NOT_FOUND", m.clone()),
            ErrorKind::MethodNotAllowed(m) => ("INVALID_ARGUMENT", m.clone()),
            ErrorKind::Injected(status) => {
                let kind = match status.as_u16() {
                    400 => "INVALID_ARGUMENT",
                    401 => "UNAUTHENTICATED",
                    403 => "PERMISSION_DENIED",
                    404 => "NOT_FOUND",
                    429 => "RESOURCE_EXHAUSTED",
                    504 => "DEADLINE_EXCEEDED",
                    500 => "INTERNAL",
                    _ => "UNAVAILABLE",
                };
                (kind, injected_message(*status))
            }
        };
        let mut body = json!({ "error": { "code": self.status().as_u16(), "message": message, "status": status } });
        if self.kind == ErrorKind::Unauthorized {
            body["error"]["details"] = json!([{
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "API_KEY_INVALID",
                "domain": "googleapis.com"
            }]);
        }
        if self.kind == ErrorKind::RateLimited {
            // Gemini's quota error: which quota, and when to retry (no rate-limit headers).
            body["error"]["details"] = json!([
                {
                    "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                    "violations": [{
                        "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                        "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                        "quotaValue": "10"
                    }]
                },
                {
                    "@type": "type.googleapis.com/google.rpc.RetryInfo",
                    "retryDelay": format!("{RETRY_AFTER_SECS}s")
                }
            ]);
        }
        body
    }

    fn extra_headers(&self) -> Vec<(&'static str, String)> {
        if self.kind == ErrorKind::Injected(StatusCode::TOO_MANY_REQUESTS) {
            return vec![("retry-after", INJECTED_RETRY_AFTER_SECS.to_string())];
        }
        if self.kind != ErrorKind::RateLimited {
            return Vec::new();
        }
        if self.shape == Shape::Gemini {
            // Gemini sends none: its body's RetryInfo says when (see `gemini_body`).
            return Vec::new();
        }
        let reset = format!("{RETRY_AFTER_SECS}s");
        let mut headers = vec![("retry-after", RETRY_AFTER_SECS.to_string())];
        match self.shape {
            Shape::OpenAi => headers.extend([
                ("x-ratelimit-limit-requests", "60".to_owned()),
                ("x-ratelimit-remaining-requests", "0".to_owned()),
                ("x-ratelimit-reset-requests", reset.clone()),
                ("x-ratelimit-limit-tokens", "150000".to_owned()),
                ("x-ratelimit-remaining-tokens", "0".to_owned()),
                ("x-ratelimit-reset-tokens", reset),
            ]),
            Shape::Anthropic => headers.extend([
                ("anthropic-ratelimit-requests-limit", "60".to_owned()),
                ("anthropic-ratelimit-requests-remaining", "0".to_owned()),
            ]),
            Shape::Gemini => {}
        }
        headers
    }
}

/// The message of an injected error, e.g. "Injected fault: 503 Service Unavailable".
fn injected_message(status: StatusCode) -> String {
    format!(
        "Injected fault: {} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("error")
    )
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        tracing::debug!(status = self.status().as_u16(), shape = ?self.shape, "mock error response");
        let mut response = (self.status(), Json(self.body())).into_response();
        for (name, value) in self.extra_headers() {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response
                    .headers_mut()
                    .insert(HeaderName::from_static(name), value);
            }
        }
        response
    }
}
