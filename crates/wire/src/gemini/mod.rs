//! Google Gemini's native API (`POST /v1beta/models/{model}:generateContent`, and
//! `:streamGenerateContent?alt=sse` with the same body), in both directions. Outbound, the
//! gateway renders canonical requests to Gemini and reads Gemini's answers and streams back.
//! Inbound, Gemini clients (Gemini CLI, the `@google/genai` SDK) call the gateway: their requests
//! are parsed into the canonical model, and canonical replies and streams rendered as Gemini
//! answers; `:countTokens` is answered with [`render_count`] and `GET /v1beta/models` with
//! [`model_object`]s.
//!
//! Owns: request rendering (with the JSON-schema clean-up Gemini's function declarations need)
//! and parsing (camelCase or snake_case fields), response parsing and rendering, the `alt=sse`
//! stream decoder and encoder, the count and model bodies, the error body in both directions and
//! the URL path (the model is in the URL, never in the body). Shared here: `finishReason` and
//! `usageMetadata` mapping, both ways, and reading a candidate's parts, so that responses and
//! streams agree.
//!
//! # Usage
//! Gemini's `promptTokenCount` *includes* `cachedContentTokenCount` (like OpenAI's
//! `prompt_tokens`), so `input = promptTokenCount + toolUsePromptTokenCount − cached` and
//! `cache_read = cached`. Its `candidatesTokenCount` *excludes* `thoughtsTokenCount`, so
//! `output = candidates + thoughts` and `reasoning = thoughts` (reasoning stays a part of output,
//! as the canonical model documents). Gemini has no cache-write counter. Rendering inverts this:
//! `promptTokenCount = input + cache_read + cache_write`, `candidatesTokenCount = output −
//! reasoning`, `thoughtsTokenCount = reasoning` and `cachedContentTokenCount = cache_read` (both
//! only when non-zero), `totalTokenCount` their sum.
//!
//! # Tool-call ids
//! Gemini's replies usually give function calls no ids: they are synthesised as `call_0`,
//! `call_1`, … in order of appearance within one reply, identically in responses and streams.
//! Ids therefore repeat across turns; [`render_request`] pairs a tool result with the most recent
//! earlier call of that id. Inbound, [`parse_request`] makes every call id unique within the
//! request and pairs each `functionResponse` by id, else by name (see `contents`); replies sent
//! to Gemini clients carry the canonical call ids in `functionCall.id`.

mod contents;
mod decode;
mod encode;
mod fields;
mod render;
mod request;
mod response;
mod schema;

pub use decode::StreamDecoder;
pub use encode::StreamEncoder;
pub use fields::snake_case;
pub use render::render_request;
pub use request::{dropped_fields, parse_request, parse_request_value};
pub use response::{parse_response, render_response};

use serde_json::{json, Value};

use crate::canonical::{Part, StopReason, Usage};
use crate::error::WireError;
use crate::json::{index, Obj};

/// An error body in Gemini's shape: `{"error":{"code","message","status"}}`, with the gRPC-style
/// `status` chosen from the HTTP status.
pub fn error_body(status: u16, message: &str) -> Value {
    let kind = match status {
        400 | 413 => "INVALID_ARGUMENT",
        // A budget's hard stop: not a quota the client should retry against.
        402 => "FAILED_PRECONDITION",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        409 => "ABORTED",
        429 => "RESOURCE_EXHAUSTED",
        499 => "CANCELLED",
        501 => "UNIMPLEMENTED",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        500..=599 => "INTERNAL",
        _ => "INVALID_ARGUMENT",
    };
    json!({"error": {"code": status, "message": message, "status": kind}})
}

/// A `countTokens` response body: `totalTokens`, and the same count as text in
/// `promptTokensDetails` (the gateway counts text only).
pub fn render_count(total: u64) -> Value {
    json!({
        "totalTokens": total,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": total}],
    })
}

/// A `Model` resource as `GET /v1beta/models` lists it and `GET /v1beta/models/{id}` returns it:
/// `name` is `models/{id}` (a leading `models/` in `id` is not doubled), and the supported
/// methods are the three the gateway serves.
pub fn model_object(id: &str, display: &str, input_limit: u64, output_limit: u64) -> Value {
    let id = id.strip_prefix("models/").unwrap_or(id);
    json!({
        "name": format!("models/{id}"),
        "baseModelId": id,
        "version": "001",
        "displayName": display,
        "description": format!("{display}, served by Switchyard"),
        "inputTokenLimit": input_limit,
        "outputTokenLimit": output_limit,
        "supportedGenerationMethods": ["generateContent", "countTokens", "streamGenerateContent"],
    })
}

/// The provider's message from a Gemini error body (`{"error":{"message":…}}`, or the same
/// object as the first element of an array, as non-SSE streaming calls answer). `None` when the
/// body is not a Gemini error. The message is the provider's own text, to relay to the client.
pub fn error_message(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let value = match &value {
        Value::Array(items) => items.first()?,
        other => other,
    };
    value
        .get("error")?
        .get("message")?
        .as_str()
        .map(str::to_owned)
}

/// Maps `finishReason`. Gemini reports `STOP` for a natural end, a matched stop sequence and a
/// reply that calls functions alike: `called_tool` (a `functionCall` part was seen) turns that
/// `STOP` into [`StopReason::ToolUse`]. Every safety-style block becomes `ContentFilter`.
pub(crate) fn stop_from_finish(reason: &str, called_tool: bool) -> StopReason {
    match reason {
        "STOP" | "FINISH_REASON_UNSPECIFIED" if called_tool => StopReason::ToolUse,
        "STOP" => StopReason::EndTurn,
        "MAX_TOKENS" => StopReason::MaxTokens,
        "SAFETY"
        | "RECITATION"
        | "BLOCKLIST"
        | "PROHIBITED_CONTENT"
        | "SPII"
        | "IMAGE_SAFETY"
        | "IMAGE_PROHIBITED_CONTENT"
        | "IMAGE_RECITATION" => StopReason::ContentFilter,
        other => StopReason::Other(other.to_owned()),
    }
}

/// Every `finishReason` Gemini defines.
const FINISH_REASONS: [&str; 19] = [
    "STOP",
    "MAX_TOKENS",
    "SAFETY",
    "RECITATION",
    "LANGUAGE",
    "OTHER",
    "BLOCKLIST",
    "PROHIBITED_CONTENT",
    "SPII",
    "MALFORMED_FUNCTION_CALL",
    "IMAGE_SAFETY",
    "UNEXPECTED_TOOL_CALL",
    "TOO_MANY_TOOL_CALLS",
    "IMAGE_PROHIBITED_CONTENT",
    "NO_IMAGE",
    "IMAGE_RECITATION",
    "IMAGE_OTHER",
    "CONTINUATION",
    "FINISH_REASON_UNSPECIFIED",
];

/// The `finishReason` for a stop: Gemini says `STOP` for a natural end, a stop sequence and
/// function calls alike; an [`StopReason::Other`] passes through when it is a Gemini reason
/// (a Gemini source's `OTHER`, `MALFORMED_FUNCTION_CALL`, …) and is `STOP` otherwise.
pub(crate) fn finish_from_stop(stop: &StopReason) -> &'static str {
    match stop {
        StopReason::EndTurn | StopReason::ToolUse | StopReason::StopSequence => "STOP",
        StopReason::MaxTokens => "MAX_TOKENS",
        StopReason::ContentFilter => "SAFETY",
        StopReason::Other(reason) => FINISH_REASONS
            .iter()
            .copied()
            .find(|r| r == reason)
            .unwrap_or("STOP"),
    }
}

/// Writes a `usageMetadata` object (see the module docs for the arithmetic).
pub(crate) fn usage_to(usage: &Usage) -> Value {
    let prompt = usage.prompt_total();
    let thoughts = usage.reasoning_tokens;
    let candidates = usage.output_tokens.saturating_sub(thoughts);
    let mut out = json!({
        "promptTokenCount": prompt,
        "candidatesTokenCount": candidates,
        "totalTokenCount": prompt.saturating_add(candidates).saturating_add(thoughts),
    });
    if usage.cache_read_tokens > 0 {
        out["cachedContentTokenCount"] = json!(usage.cache_read_tokens);
    }
    if thoughts > 0 {
        out["thoughtsTokenCount"] = json!(thoughts);
    }
    out
}

/// Reads a `usageMetadata` object (see the module docs for the arithmetic).
pub(crate) fn usage_from(obj: &Obj<'_>) -> Usage {
    let prompt = obj
        .count("promptTokenCount")
        .saturating_add(obj.count("toolUsePromptTokenCount"));
    let cached = obj.count("cachedContentTokenCount").min(prompt);
    let thoughts = obj.count("thoughtsTokenCount");
    Usage {
        input_tokens: prompt - cached,
        output_tokens: obj.count("candidatesTokenCount").saturating_add(thoughts),
        cache_read_tokens: cached,
        cache_write_tokens: 0,
        cache_write_1h_tokens: 0,
        reasoning_tokens: thoughts,
    }
}

/// The text and function-call parts of one candidate, in order. Adjacent text parts are joined;
/// thought summaries (`thought: true`) and parts no other format can carry (code execution,
/// inline output data) are skipped. Function calls get the ids `call_{first_call}`,
/// `call_{first_call + 1}`, …; their `args` object becomes the arguments JSON (`{}` if absent).
pub(crate) fn candidate_parts(
    candidate: &Obj<'_>,
    first_call: usize,
) -> Result<Vec<Part>, WireError> {
    let mut out: Vec<Part> = Vec::new();
    let Some(content) = candidate.obj("content")? else {
        return Ok(out);
    };
    let mut calls = first_call;
    for (i, part) in content.arr("parts")?.into_iter().flatten().enumerate() {
        let part = Obj::new(part, index(&content.path("parts"), i))?;
        if part.bool("thought")? == Some(true) {
            continue;
        }
        if let Some(text) = part.str("text")? {
            match out.last_mut() {
                Some(Part::Text(last)) => last.push_str(text),
                _ if text.is_empty() => {}
                _ => out.push(Part::Text(text.to_owned())),
            }
        } else if let Some(call) = part.obj("functionCall")? {
            out.push(Part::ToolCall {
                id: call_id(calls),
                name: call.req_str("name")?.to_owned(),
                arguments_json: call
                    .get("args")
                    .map_or_else(|| "{}".to_owned(), Value::to_string),
            });
            calls += 1;
        }
    }
    Ok(out)
}

/// The synthesised id of the `ordinal`-th function call of a reply.
pub(crate) fn call_id(ordinal: usize) -> String {
    format!("call_{ordinal}")
}

/// `promptFeedback.blockReason`: the prompt itself was blocked and no candidate was produced.
pub(crate) fn prompt_blocked(root: &Obj<'_>) -> bool {
    root.get("promptFeedback")
        .and_then(|f| f.get("blockReason"))
        .is_some_and(|r| !r.is_null())
}

#[cfg(test)]
#[path = "mod_tests.rs"]
mod tests;
