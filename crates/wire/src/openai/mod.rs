//! The OpenAI Chat Completions wire format (`POST /v1/chat/completions`).
//!
//! Owns: request/response parsing and rendering against the canonical model, the streaming
//! `chat.completion.chunk` decoder and encoder, the error body, and the small in-place edits the
//! gateway makes to same-format requests. Shared here: usage and `finish_reason` mapping, so that
//! requests, responses and streams agree (see `canonical` for the usage semantics).

mod decode;
mod decode_fast;
mod encode;
mod render;
mod request;
mod response;

pub use decode::StreamDecoder;
pub use encode::StreamEncoder;
pub use render::{render_request, render_request_with};
pub use request::{dropped_fields, parse_request, parse_request_value};
pub use response::{parse_response, render_response};

use serde_json::{json, Map, Value};

use crate::canonical::{OutputFormat, StopReason, ToolChoice, Usage};
use crate::error::WireError;
use crate::json::Obj;

/// An error body in OpenAI's shape: `{"error":{"message","type","param","code"}}`, with `type`
/// (and, where OpenAI has a well-known one, `code`) chosen from the HTTP status.
pub fn error_body(status: u16, message: &str) -> Value {
    let (kind, code) = match status {
        400 => ("invalid_request_error", Value::Null),
        401 => ("authentication_error", json!("invalid_api_key")),
        403 => ("permission_error", Value::Null),
        404 => ("not_found_error", Value::Null),
        413 => ("invalid_request_error", json!("request_too_large")),
        402 => ("insufficient_quota", json!("budget_exceeded")),
        429 => ("rate_limit_error", json!("rate_limit_exceeded")),
        503 => ("api_error", json!("service_unavailable")),
        500..=599 => ("api_error", Value::Null),
        _ => ("invalid_request_error", Value::Null),
    };
    json!({"error": {"message": message, "type": kind, "param": null, "code": code}})
}

/// For a streaming request, sets `stream_options.include_usage = true` so the provider reports
/// usage in a final chunk; other `stream_options` keys are kept. Non-streaming bodies are left
/// alone (OpenAI rejects `stream_options` without `stream`).
pub fn ensure_include_usage(body: &mut Value) {
    let Some(obj) = body.as_object_mut() else {
        return;
    };
    if obj.get("stream").and_then(Value::as_bool) != Some(true) {
        return;
    }
    let options = obj
        .entry("stream_options")
        .or_insert_with(|| Value::Object(Map::new()));
    if !options.is_object() {
        *options = Value::Object(Map::new());
    }
    if let Some(options) = options.as_object_mut() {
        options.insert("include_usage".into(), Value::Bool(true));
    }
}

/// Replaces the top-level `model` of a request body (no-op when the body is not an object).
pub fn set_model(body: &mut Value, model: &str) {
    if let Some(obj) = body.as_object_mut() {
        obj.insert("model".into(), Value::String(model.to_owned()));
    }
}

/// The longest end-user id OpenAI accepts.
const MAX_USER_CHARS: usize = 64;

/// `user` for an OpenAI body: ids longer than OpenAI takes (Claude Code sends a JSON object as
/// its `user_id`) are left out rather than refused.
pub(crate) fn end_user(user: Option<&String>) -> Option<Value> {
    user.filter(|u| u.chars().count() <= MAX_USER_CHARS)
        .map(|u| Value::String(u.clone()))
}

/// The keyword form of `tool_choice` both OpenAI APIs share (`auto`, `none`, `required`).
pub(crate) fn tool_choice_keyword(s: &str) -> Option<ToolChoice> {
    Some(match s {
        "auto" => ToolChoice::Auto,
        "none" => ToolChoice::None,
        "required" => ToolChoice::Required,
        _ => return None,
    })
}

/// A format object of either OpenAI API by its `type`: `text` is no format, `json_object` any
/// JSON, `json_schema` what `json_schema` reads (Chat Completions nests those fields, Responses
/// does not).
pub(crate) fn format_by_type(
    f: &Obj<'_>,
    json_schema: impl FnOnce() -> Result<OutputFormat, WireError>,
) -> Result<Option<OutputFormat>, WireError> {
    Ok(match f.req_str("type")? {
        "text" => None,
        "json_object" => Some(OutputFormat::Json),
        "json_schema" => Some(json_schema()?),
        _ => {
            return Err(WireError::invalid(
                f.path("type"),
                "expected text, json_object or json_schema",
            ))
        }
    })
}

/// Maps `finish_reason`. OpenAI folds stop sequences into `stop`, so they read as `EndTurn`.
pub(crate) fn stop_from_finish(reason: &str) -> StopReason {
    match reason {
        "stop" => StopReason::EndTurn,
        "length" => StopReason::MaxTokens,
        "tool_calls" | "function_call" => StopReason::ToolUse,
        "content_filter" => StopReason::ContentFilter,
        other => StopReason::Other(other.to_owned()),
    }
}

/// Maps a stop reason to `finish_reason`; reasons OpenAI cannot express become `stop`.
pub(crate) fn finish_from_stop(reason: &StopReason) -> &'static str {
    match reason {
        StopReason::EndTurn | StopReason::StopSequence | StopReason::Other(_) => "stop",
        StopReason::MaxTokens => "length",
        StopReason::ToolUse => "tool_calls",
        StopReason::ContentFilter => "content_filter",
    }
}

/// Reads an OpenAI `usage` object: cached tokens are subtracted from `prompt_tokens`, and so
/// are the cache writes OpenRouter reports as `prompt_tokens_details.cache_write_tokens`
/// (<https://openrouter.ai/docs/use-cases/usage-accounting>): they are priced as writes.
pub(crate) fn usage_from(obj: &Obj<'_>) -> Usage {
    let prompt = obj.count("prompt_tokens");
    let details = |key: &str, field: &str| {
        obj.get(key)
            .and_then(|d| d.get(field))
            .and_then(Value::as_u64)
            .unwrap_or(0)
    };
    let cached = details("prompt_tokens_details", "cached_tokens").min(prompt);
    let written = details("prompt_tokens_details", "cache_write_tokens").min(prompt - cached);
    Usage {
        input_tokens: prompt - cached - written,
        output_tokens: obj.count("completion_tokens"),
        cache_read_tokens: cached,
        cache_write_tokens: written,
        cache_write_1h_tokens: 0,
        reasoning_tokens: details("completion_tokens_details", "reasoning_tokens"),
    }
}

/// Renders an OpenAI `usage` object: `prompt_tokens` includes every cached token; cache writes,
/// when there are any, are named as OpenRouter names them.
pub(crate) fn usage_to(usage: &Usage) -> Value {
    let prompt = usage.prompt_total();
    let mut out = json!({
        "prompt_tokens": prompt,
        "completion_tokens": usage.output_tokens,
        "total_tokens": prompt.saturating_add(usage.output_tokens),
        "prompt_tokens_details": {"cached_tokens": usage.cache_read_tokens},
        "completion_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
    });
    if usage.cache_write_tokens > 0 {
        out["prompt_tokens_details"]["cache_write_tokens"] = json!(usage.cache_write_tokens);
    }
    out
}

#[cfg(test)]
#[path = "mod_tests.rs"]
mod tests;
