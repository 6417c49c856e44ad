//! The four API shapes a caller (or a backend) speaks, and errors in the caller's own format:
//! `{"error":{…}}` for OpenAI Chat and Responses callers (with `param` naming the field when
//! there is one), `{"type":"error","error":{…}}` for Anthropic, `{"error":{"code","message",
//! "status"}}` for Gemini. Messages are safe: no keys, no tokens, no body content.

pub use crate::refusal::Refused;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use switchyard_domain::ErrorClass;
use switchyard_wire::{anthropic, gemini, responses};

/// A wire format: what a caller speaks, or what a backend is spoken to in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// OpenAI Chat Completions (`/v1/chat/completions`).
    OpenAi,
    /// Anthropic Messages (`/v1/messages`).
    Anthropic,
    /// OpenAI Responses (`/v1/responses`).
    Responses,
    /// Gemini's native API (`/v1beta/models/{model}:generateContent`).
    Gemini,
}

/// The format a backend is spoken to in (the same four).
pub type Wire = Shape;

impl Shape {
    /// The shape a request's path (or, on shared paths, its headers) implies.
    pub fn of(path: &str, headers: &HeaderMap) -> Shape {
        if path.starts_with("/v1/messages") || headers.contains_key("anthropic-version") {
            Shape::Anthropic
        } else if path.starts_with("/v1/responses") {
            Shape::Responses
        } else if path.starts_with("/v1beta")
            || headers.contains_key("x-goog-api-key")
            // Gemini clients set to the `v1` API version.
            || path.rsplit_once(':').is_some_and(|(_, m)| {
                matches!(m, "generateContent" | "streamGenerateContent" | "countTokens")
            })
        {
            Shape::Gemini
        } else {
            Shape::OpenAi
        }
    }

    /// The ledger's `inbound` label.
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::OpenAi => "openai",
            Shape::Anthropic => "anthropic",
            Shape::Responses => "responses",
            Shape::Gemini => "gemini",
        }
    }

    /// The format's name for people.
    pub fn label(self) -> &'static str {
        match self {
            Shape::OpenAi => "OpenAI Chat Completions",
            Shape::Anthropic => "Anthropic Messages",
            Shape::Responses => "OpenAI Responses",
            Shape::Gemini => "Gemini",
        }
    }

    /// Whether the caller speaks this format (then the answer passes through untranslated).
    pub fn is(self, caller: Shape) -> bool {
        self == caller
    }
}

/// A JSON error response in `shape`, with the status `why` maps to.
pub fn error(shape: Shape, why: impl Into<Refused>, message: &str) -> Response {
    error_at(shape, why, message, None)
}

/// A JSON error response in `shape`, naming the request field at fault where the format has a
/// place for it (OpenAI's `param`).
pub fn error_at(
    shape: Shape,
    why: impl Into<Refused>,
    message: &str,
    param: Option<&str>,
) -> Response {
    let status = why.into().status();
    let mut resp = (
        status,
        axum::Json(error_body(shape, status.as_u16(), message, param)),
    )
        .into_response();
    resp.headers_mut()
        .insert(crate::names::ERROR, HeaderValue::from_static("gateway"));
    resp
}

/// The error body of `shape`.
pub fn error_body(
    shape: Shape,
    status: u16,
    message: &str,
    param: Option<&str>,
) -> serde_json::Value {
    match shape {
        Shape::OpenAi | Shape::Responses => responses::error_body(status, message, param),
        Shape::Anthropic => anthropic::error_body(status, message),
        Shape::Gemini => gemini::error_body(status, message),
    }
}

/// The longest model name or route accepted (a name, not a payload: it reaches the ledger, the
/// usage rollups and the `x-switchyard-model` header).
pub const MAX_MODEL_BYTES: usize = 256;

/// The 400 answer for a model name the gateway does not take, or `None` when it is a name: over
/// [`MAX_MODEL_BYTES`], or holding a control character (a NUL stalled a team replica's ledger;
/// an escape or a line break forges logs and terminals: `switchyard_domain::storable`). Never
/// quotes the name.
pub fn model_refused(shape: Shape, model: &str) -> Option<Response> {
    let msg = if model.len() > MAX_MODEL_BYTES {
        format!(
            "`model` is {} bytes long; model and route names are at most {MAX_MODEL_BYTES}.",
            model.len()
        )
    } else if let Some(at) = switchyard_domain::storable::first_control(model) {
        format!(
            "`model` has a control character (character {}); model and route names are printable text.",
            at + 1
        )
    } else {
        return None;
    };
    Some(error_at(shape, ErrorClass::BadRequest, &msg, Some("model")))
}
