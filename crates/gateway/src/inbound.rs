//! The request as the caller sent it: its raw bytes, its JSON, what it asks for, and its
//! canonical reading (parsed once, only when some candidate needs a translation or the cache
//! needs a key).
//!
//! [`Inbound::body_for`] builds the body for one candidate. Same-format traffic is the raw body
//! with at most the `model` member spliced in (`switchyard_wire::raw`), so every field Switchyard
//! does not know reaches the provider byte for byte; an OpenAI Chat stream also gets
//! `stream_options.include_usage`. Other formats go through the canonical model; what
//! translation leaves out is listed at debug level, and what cannot be translated at all is a
//! [`WireError`] that makes the gateway skip that candidate.

use crate::capture::Capture;
use crate::reply::{Shape, Wire};
use bytes::Bytes;
use serde_json::Value;
use switchyard_wire::canonical::ChatRequest;
use switchyard_wire::responses::ResponseContext;
use switchyard_wire::{anthropic, gemini, openai, raw, responses, CacheMarkers, WireError};

/// What the request asks the backend to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// A chat answer (Chat Completions, Messages, Responses, Gemini generate).
    Generate,
    /// Embeddings (`/v1/embeddings`, OpenAI's format for every backend that has them).
    Embed,
    /// Responses compaction (`/v1/responses/compact`), served only natively.
    Compact,
}

/// What a candidate's model can take, from the price table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Caps {
    /// It reasons: reasoning options are sent (and sampling options, which reasoning models
    /// refuse, are not).
    pub reasoning: bool,
    /// Only OpenAI's Responses API serves it (`*-codex`, `*-pro`).
    pub responses_only: bool,
    /// The prompt-caching hints its backend takes on a translated request.
    pub cache: CacheMarkers,
}

/// Why a candidate cannot be sent the request.
#[derive(Debug)]
pub struct Untranslatable {
    pub error: WireError,
    /// The error's path is a field of the caller's body (a parse error), not of the canonical
    /// conversation (a render error).
    pub callers_field: bool,
}

/// The request as the caller sent it, parsed once, translated on demand.
pub struct Inbound {
    pub shape: Shape,
    pub op: Op,
    pub raw: Bytes,
    pub json: Value,
    pub stream: bool,
    /// The caller asked for usage in an OpenAI Chat stream (`stream_options.include_usage`).
    pub wants_usage: bool,
    /// The model a Gemini caller named in the URL (its body has none).
    pub url_model: Option<String>,
    /// How a Responses caller's answer must look (its custom tools, echoed fields).
    pub ctx: ResponseContext,
    /// A Gemini `streamGenerateContent` without `alt=sse`: answered whole, as a JSON array.
    pub array_reply: bool,
    canonical: Option<Result<ChatRequest, WireError>>,
    /// The cache lease of a request that may be stored once answered (see `caching`).
    pub capture: Option<Capture>,
}

impl Inbound {
    /// A request of `shape`; `url_model` and `url_stream` come from a Gemini URL.
    pub fn new(shape: Shape, op: Op, raw: Bytes, json: Value, url: Option<(String, bool)>) -> Self {
        let (url_model, stream) = match url {
            Some((model, stream)) => (Some(model), stream),
            None => (
                None,
                json.get("stream").and_then(Value::as_bool).unwrap_or(false),
            ),
        };
        let wants_usage = json
            .pointer("/stream_options/include_usage")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let mut ctx = if shape == Shape::Responses {
            ResponseContext::of_request(&json)
        } else {
            ResponseContext::default()
        };
        ctx.created_at = crate::now_unix();
        Inbound {
            shape,
            op,
            raw,
            json,
            stream: stream && op == Op::Generate,
            wants_usage,
            url_model,
            ctx,
            array_reply: false,
            canonical: None,
            capture: None,
        }
    }

    /// The body for a backend speaking `out`, asking it for `model`. An error means this
    /// candidate cannot be sent the request; its message is safe to show the caller.
    pub fn body_for(
        &mut self,
        out: Wire,
        model: &str,
        caps: Caps,
        default_max_tokens: u32,
    ) -> Result<Bytes, Untranslatable> {
        if self.op != Op::Generate || out == self.shape {
            return Ok(self.forwarded(out, model));
        }
        if tracing::enabled!(tracing::Level::DEBUG) {
            let dropped = match self.shape {
                Shape::OpenAi => openai::dropped_fields(&self.json),
                Shape::Anthropic => anthropic::dropped_fields(&self.json),
                Shape::Responses => responses::dropped_fields(&self.json),
                Shape::Gemini => gemini::dropped_fields(&self.json),
            };
            if !dropped.is_empty() {
                let (from, to) = (self.shape.as_str(), out.as_str());
                tracing::debug!(?dropped, from, to, "fields left out in translation");
            }
        }
        let mut req = self
            .canonical()
            .map_err(|error| Untranslatable {
                error,
                callers_field: true,
            })?
            .clone();
        req.model = model.to_string();
        if !caps.reasoning {
            req.reasoning = None;
        } else if matches!(out, Wire::OpenAi | Wire::Responses) {
            // OpenAI's reasoning models refuse sampling options, asked to reason or not.
            req.temperature = None;
            req.top_p = None;
        }
        let rendered = match out {
            Wire::OpenAi => openai::render_request_with(&req, true, caps.cache),
            Wire::Anthropic => anthropic::render_request_with(&req, default_max_tokens, caps.cache),
            Wire::Gemini => gemini::render_request(&req),
            Wire::Responses => responses::render_request_with(&req, caps.cache),
        };
        // A renderer's path is the canonical conversation's, not a field the caller sent.
        let value = rendered.map_err(|error| Untranslatable {
            error,
            callers_field: false,
        })?;
        Ok(Bytes::from(serde_json::to_vec(&value).unwrap_or_default()))
    }

    /// The raw body, with `model` spliced in where the body names it (Gemini's URL does) and
    /// usage asked for on an OpenAI Chat stream.
    fn forwarded(&self, out: Wire, model: &str) -> Bytes {
        if out == Wire::Gemini && self.op == Op::Generate {
            return self.raw.clone();
        }
        let mut body = if self.json.get("model").and_then(Value::as_str) == Some(model) {
            self.raw.clone()
        } else {
            match raw::set_string(&self.raw, "model", model) {
                Some(b) => Bytes::from(b),
                None => self.reserialized(|v| openai::set_model(v, model)),
            }
        };
        if out == Wire::OpenAi && self.op == Op::Generate && self.stream && !self.wants_usage {
            // Usage is always captured; the frame is removed again since the caller did not ask.
            body = if self.json.get("stream_options").is_none() {
                match raw::set_raw(&body, "stream_options", br#"{"include_usage":true}"#) {
                    Some(b) => Bytes::from(b),
                    None => body,
                }
            } else {
                let mut v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                openai::ensure_include_usage(&mut v);
                Bytes::from(serde_json::to_vec(&v).unwrap_or_default())
            };
        }
        body
    }

    fn reserialized(&self, edit: impl FnOnce(&mut Value)) -> Bytes {
        let mut v = self.json.clone();
        edit(&mut v);
        Bytes::from(serde_json::to_vec(&v).unwrap_or_default())
    }

    /// The request in neither format, parsed once.
    pub fn canonical(&mut self) -> Result<&ChatRequest, WireError> {
        if self.canonical.is_none() {
            let parsed = match self.shape {
                Shape::OpenAi => openai::parse_request_value(&self.json),
                Shape::Anthropic => anthropic::parse_request_value(&self.json),
                Shape::Responses => responses::parse_request_value(&self.json),
                Shape::Gemini => gemini::parse_request_value(
                    &self.json,
                    self.url_model.as_deref().unwrap_or_default(),
                    self.stream,
                ),
            };
            self.canonical = Some(parsed);
        }
        match &self.canonical {
            Some(Ok(req)) => Ok(req),
            Some(Err(e)) => Err(e.clone()),
            None => Err(WireError::MissingField {
                field: "(body)".into(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn anthropic(body: Value) -> Inbound {
        let raw = Bytes::from(body.to_string());
        Inbound::new(Shape::Anthropic, Op::Generate, raw, body, None)
    }

    #[test]
    fn openai_reasoning_models_get_no_sampling_options_and_others_no_reasoning() {
        let mut inbound = anthropic(json!({"model": "m", "max_tokens": 50, "temperature": 0,
            "messages": [{"role": "user", "content": "hi"}], "thinking": {"type": "enabled", "budget_tokens": 2000}}));
        let reasoning = Caps {
            reasoning: true,
            ..Caps::default()
        };
        let body: Value = serde_json::from_slice(
            &inbound
                .body_for(Wire::OpenAi, "o4-mini", reasoning, 4096)
                .unwrap(),
        )
        .unwrap();
        assert!(
            body.get("temperature").is_none(),
            "o-series models refuse temperature: {body}"
        );
        assert_eq!(body["reasoning_effort"], "low");
        let plain: Value = serde_json::from_slice(
            &inbound
                .body_for(Wire::OpenAi, "gpt-4.1", Caps::default(), 4096)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(plain["temperature"], 0.0, "a sampling model keeps it");
        assert!(
            plain.get("reasoning_effort").is_none(),
            "and gets no reasoning option"
        );
    }

    #[test]
    fn same_format_bodies_are_the_client_bytes_with_only_the_model_replaced() {
        let raw =
            r#"{"model":"a","stream":true, "messages":[{"role":"user","content":"hi"}], "x":1.50}"#;
        let json: Value = serde_json::from_str(raw).unwrap();
        let mut inbound = Inbound::new(Shape::OpenAi, Op::Generate, Bytes::from(raw), json, None);
        let body = inbound
            .body_for(Wire::OpenAi, "b", Caps::default(), 1)
            .unwrap();
        assert_eq!(
            std::str::from_utf8(&body).unwrap(),
            r#"{"stream_options":{"include_usage":true},"model":"b","stream":true, "messages":[{"role":"user","content":"hi"}], "x":1.50}"#,
            "usage asked for on a stream, everything else as sent"
        );
    }
}
