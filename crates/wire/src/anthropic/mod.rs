//! The Anthropic Messages wire format (`POST /v1/messages`).
//!
//! Owns: request/response parsing and rendering against the canonical model, the streaming
//! decoder and encoder (`message_start` … `message_stop`), the error body, and the in-place model
//! rewrite for same-format requests. Shared here: usage and `stop_reason` mapping. Anthropic's
//! usage counters map one to one onto the canonical ones (`input_tokens` already excludes cache).

mod blocks;
mod cache_marks;
mod decode;
mod encode;
mod options;
mod render;
mod request;
mod response;

pub use decode::StreamDecoder;
pub use encode::StreamEncoder;
pub use render::{render_request, render_request_with};
pub use request::{dropped_fields, parse_request, parse_request_value};
pub use response::{parse_response, render_response};

use serde_json::{json, Value};

use crate::canonical::{StopReason, Usage};
use crate::json::Obj;

/// An error body in Anthropic's shape: `{"type":"error","error":{"type","message"}}`, with the
/// error type chosen from the HTTP status.
pub fn error_body(status: u16, message: &str) -> Value {
    let kind = match status {
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        503 | 529 => "overloaded_error",
        504 => "timeout_error",
        500..=599 => "api_error",
        _ => "invalid_request_error",
    };
    json!({"type": "error", "error": {"type": kind, "message": message}})
}

/// Replaces the top-level `model` of a request body (no-op when the body is not an object).
pub fn set_model(body: &mut Value, model: &str) {
    if let Some(obj) = body.as_object_mut() {
        obj.insert("model".into(), Value::String(model.to_owned()));
    }
}

/// Maps `stop_reason`. `refusal` is Anthropic's content-filter stop.
pub(crate) fn stop_from_reason(reason: &str) -> StopReason {
    match reason {
        "end_turn" => StopReason::EndTurn,
        "max_tokens" => StopReason::MaxTokens,
        "stop_sequence" => StopReason::StopSequence,
        "tool_use" => StopReason::ToolUse,
        "refusal" => StopReason::ContentFilter,
        other => StopReason::Other(other.to_owned()),
    }
}

/// Maps a stop reason to `stop_reason`. Unknown reasons pass through only when Anthropic defines
/// them; anything else becomes `end_turn`, so strict clients never see a foreign value.
pub(crate) fn reason_from_stop(stop: &StopReason) -> &str {
    match stop {
        StopReason::EndTurn => "end_turn",
        StopReason::MaxTokens => "max_tokens",
        StopReason::StopSequence => "stop_sequence",
        StopReason::ToolUse => "tool_use",
        StopReason::ContentFilter => "refusal",
        StopReason::Other(s) if s == "pause_turn" || s == "model_context_window_exceeded" => s,
        StopReason::Other(_) => "end_turn",
    }
}

/// Reads an Anthropic `usage` object into `base`: counters present in `obj` replace those in
/// `base` (every Anthropic counter is cumulative), absent ones are kept.
pub(crate) fn usage_update(base: &mut Usage, obj: &Obj<'_>) {
    let set = |key: &str, slot: &mut u64| {
        if let Some(n) = obj.get(key).and_then(Value::as_u64) {
            *slot = n;
        }
    };
    set("input_tokens", &mut base.input_tokens);
    set("output_tokens", &mut base.output_tokens);
    set("cache_read_input_tokens", &mut base.cache_read_tokens);
    set("cache_creation_input_tokens", &mut base.cache_write_tokens);
    // `cache_creation` splits the writes by lifetime; only the 1-hour part is priced apart.
    if let Some(split) = obj.get("cache_creation") {
        if let Some(n) = split
            .get("ephemeral_1h_input_tokens")
            .and_then(Value::as_u64)
        {
            base.cache_write_1h_tokens = n;
        }
    }
}

/// Renders an Anthropic `usage` object. Reasoning tokens are already inside `output_tokens`.
pub(crate) fn usage_to(usage: &Usage) -> Value {
    json!({
        "input_tokens": usage.input_tokens,
        "cache_creation_input_tokens": usage.cache_write_tokens,
        "cache_read_input_tokens": usage.cache_read_tokens,
        "cache_creation": {
            "ephemeral_5m_input_tokens":
                usage.cache_write_tokens.saturating_sub(usage.cache_write_1h_tokens),
            "ephemeral_1h_input_tokens": usage.cache_write_1h_tokens,
        },
        "output_tokens": usage.output_tokens,
    })
}

#[cfg(test)]
#[path = "mod_tests.rs"]
mod tests;
