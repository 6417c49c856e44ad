//! Errors in the caller's own format: an OpenAI-shaped caller gets `{"error":{…}}`, an
//! Anthropic-shaped one `{"type":"error","error":{…}}`. Messages are safe: no keys, no tokens.

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Which wire format the caller speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    OpenAi,
    Anthropic,
}

impl Shape {
    /// Anthropic for `/v1/messages` or a request carrying `anthropic-version`, else OpenAI.
    pub fn of(path: &str, headers: &HeaderMap) -> Shape {
        if path.starts_with("/v1/messages") || headers.contains_key("anthropic-version") {
            Shape::Anthropic
        } else {
            Shape::OpenAi
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Shape::OpenAi => "openai",
            Shape::Anthropic => "anthropic",
        }
    }
}

/// The wire format a backend is spoken to in: a caller's format, or Gemini's native API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    OpenAi,
    Anthropic,
    Gemini,
}

impl From<Shape> for Wire {
    fn from(s: Shape) -> Self {
        match s {
            Shape::OpenAi => Wire::OpenAi,
            Shape::Anthropic => Wire::Anthropic,
        }
    }
}

impl Wire {
    /// Whether the caller speaks this format (then the answer passes through untranslated).
    pub fn is(self, caller: Shape) -> bool {
        self == Wire::from(caller)
    }
}

/// A JSON error response in `shape`.
pub fn error(shape: Shape, status: StatusCode, message: &str) -> Response {
    let body = match shape {
        Shape::OpenAi => switchyard_wire::openai::error_body(status.as_u16(), message),
        Shape::Anthropic => switchyard_wire::anthropic::error_body(status.as_u16(), message),
    };
    let mut resp = (status, axum::Json(body)).into_response();
    resp.headers_mut()
        .insert("x-switchyard-error", HeaderValue::from_static("gateway"));
    resp
}
