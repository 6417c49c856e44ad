//! Building the upstream request for one candidate: which wire format the backend speaks, its
//! endpoint, its auth header (marked sensitive, so no HTTP library logs it), and the body —
//! forwarded nearly untouched when caller and backend speak the same format, translated through
//! the canonical model when they do not.

use crate::reply::Shape;
pub use crate::reply::Wire;
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde_json::Value;
use switchyard_core::BackendKind;
use switchyard_secrets::SecretString;
use switchyard_wire::{anthropic, canonical::ChatRequest, gemini, openai};

pub const ANTHROPIC_VERSION: &str = "2023-06-01";

/// The format a backend is spoken to in. Demo speaks both, so it takes the caller's.
pub fn outbound(kind: BackendKind, inbound: Shape) -> Wire {
    match kind {
        BackendKind::Anthropic => Wire::Anthropic,
        BackendKind::Gemini => Wire::Gemini,
        BackendKind::Demo => inbound.into(),
        _ => Wire::OpenAi,
    }
}

/// The chat endpoint for a backend's base URL (Gemini names the model and streaming in the URL).
pub fn endpoint(kind: BackendKind, base_url: &str, out: Wire, model: &str, stream: bool) -> String {
    let base = base_url.trim_end_matches('/');
    match (out, kind) {
        (Wire::OpenAi, BackendKind::Ollama) => format!("{base}/v1/chat/completions"),
        (Wire::OpenAi, _) => format!("{base}/chat/completions"),
        // The Demo base already ends in /v1.
        (Wire::Anthropic, BackendKind::Demo) => format!("{base}/messages"),
        (Wire::Anthropic, _) => format!("{base}/v1/messages"),
        (Wire::Gemini, _) => format!("{base}{}", gemini::model_path(model, stream)),
    }
}

/// Headers for the upstream request. The key goes only into a sensitive header.
pub fn headers(
    out: Wire,
    key: Option<&SecretString>,
    inbound_headers: &axum::http::HeaderMap,
    stream: bool,
) -> Result<HeaderMap, String> {
    let mut h = HeaderMap::new();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if stream {
        h.insert(ACCEPT, HeaderValue::from_static("text/event-stream"));
    }
    if out == Wire::Anthropic {
        let version = inbound_headers
            .get("anthropic-version")
            .cloned()
            .unwrap_or(HeaderValue::from_static(ANTHROPIC_VERSION));
        h.insert("anthropic-version", version);
        if let Some(beta) = inbound_headers.get("anthropic-beta") {
            h.insert("anthropic-beta", beta.clone());
        }
    }
    if let Some(key) = key {
        let (name, value) = match out {
            Wire::Anthropic => (HeaderName::from_static("x-api-key"), key.expose().clone()),
            Wire::Gemini => (
                HeaderName::from_static("x-goog-api-key"),
                key.expose().clone(),
            ),
            Wire::OpenAi => (AUTHORIZATION, format!("Bearer {}", key.expose())),
        };
        let mut value = HeaderValue::from_str(&value)
            .map_err(|_| "the stored key has characters that cannot be sent".to_string())?;
        value.set_sensitive(true);
        h.insert(name, value);
    }
    Ok(h)
}

/// The request as the caller sent it, parsed once, translated on demand.
pub struct Inbound {
    pub shape: Shape,
    pub json: Value,
    pub stream: bool,
    /// The caller asked for usage in an OpenAI stream (`stream_options.include_usage`).
    pub wants_usage: bool,
    canonical: Option<ChatRequest>,
    /// The cache lease of a request that may be stored once answered (see `caching`).
    pub capture: Option<crate::caching::Capture>,
}

impl Inbound {
    pub fn new(shape: Shape, json: Value) -> Self {
        let stream = json.get("stream").and_then(Value::as_bool).unwrap_or(false);
        let wants_usage = json
            .pointer("/stream_options/include_usage")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        Inbound {
            shape,
            json,
            stream,
            wants_usage,
            canonical: None,
            capture: None,
        }
    }

    /// The body for a backend speaking `out`, asking it for `model`.
    /// Errors are safe to show to the caller.
    pub fn body_for(
        &mut self,
        out: Wire,
        model: &str,
        default_max_tokens: u32,
    ) -> Result<Bytes, String> {
        let value = match (out, self.shape) {
            (Wire::OpenAi, Shape::OpenAi) => {
                let mut v = self.json.clone();
                openai::set_model(&mut v, model);
                // Usage is always captured; the frame is removed again if the caller did not ask.
                openai::ensure_include_usage(&mut v);
                v
            }
            (Wire::Anthropic, Shape::Anthropic) => {
                let mut v = self.json.clone();
                anthropic::set_model(&mut v, model);
                v
            }
            _ => {
                let mut req = self.canonical()?.clone();
                req.model = model.to_string();
                match out {
                    Wire::OpenAi => openai::render_request(&req, true),
                    Wire::Anthropic => anthropic::render_request(&req, default_max_tokens),
                    Wire::Gemini => gemini::render_request(&req),
                }
            }
        };
        serde_json::to_vec(&value)
            .map(Bytes::from)
            .map_err(|e| e.to_string())
    }

    /// The request in neither format, parsed once. Errors are safe to show to the caller.
    pub fn canonical(&mut self) -> Result<&ChatRequest, String> {
        if self.canonical.is_none() {
            let bytes = serde_json::to_vec(&self.json).map_err(|e| e.to_string())?;
            let parsed = match self.shape {
                Shape::OpenAi => openai::parse_request(&bytes),
                Shape::Anthropic => anthropic::parse_request(&bytes),
            };
            self.canonical = Some(parsed.map_err(|e| e.to_string())?);
        }
        self.canonical
            .as_ref()
            .ok_or_else(|| "the request could not be read".to_string())
    }
}
