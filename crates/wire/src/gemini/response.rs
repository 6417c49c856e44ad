//! Gemini `GenerateContentResponse` → [`ChatResponse`].
//!
//! Only `candidates[0]` is read (the gateway never asks for several candidates). Its text parts
//! are joined into one text part, its `functionCall` parts become tool calls with synthesised ids
//! (`call_0`, `call_1`, …), and thought summaries are skipped (see `candidate_parts`). A prompt
//! blocked before any candidate was produced (`promptFeedback.blockReason`, no candidates) is a
//! reply with no content that stopped for `ContentFilter`, not an error. `modelVersion` becomes
//! the model and `responseId` the id (empty when absent); Gemini has no creation time, so
//! `created` is 0.
//!
//! [`render_response`] goes the other way, for Gemini clients: one candidate whose parts are the
//! reply's text and `functionCall`s (with their canonical ids, which Gemini CLI echoes back in its
//! `functionResponse`s), `finishReason`, `usageMetadata` (see `usage_to`), `modelVersion` and
//! `responseId`. A reply without content is sent as one empty text part, as Gemini itself does:
//! `response.text` is then `""`, and the SDK's chat history drops the empty turn (it drops any
//! content with an empty text part, whatever else the candidate holds).

use serde_json::{json, Value};

use crate::canonical::{ChatResponse, Part, StopReason};
use crate::error::WireError;
use crate::json::{arguments_object, parse_body, Obj};

use super::{
    candidate_parts, finish_from_stop, prompt_blocked, stop_from_finish, usage_from, usage_to,
};

/// Parses a Gemini `generateContent` response body.
pub fn parse_response(body: &[u8]) -> Result<ChatResponse, WireError> {
    let value = parse_body(body)?;
    let root = Obj::new(&value, "")?;
    let first = root.arr("candidates")?.and_then(|c| c.first());
    let (content, stop) = match first {
        Some(candidate) => {
            let candidate = Obj::new(candidate, "candidates[0]")?;
            let content = candidate_parts(&candidate, 0)?;
            let called_tool = content.iter().any(|p| matches!(p, Part::ToolCall { .. }));
            let stop = match candidate.str("finishReason")? {
                Some(reason) => stop_from_finish(reason, called_tool),
                None if called_tool => StopReason::ToolUse,
                None => StopReason::EndTurn,
            };
            (content, stop)
        }
        None if prompt_blocked(&root) => (Vec::new(), StopReason::ContentFilter),
        None => return Err(WireError::missing("candidates[0]")),
    };
    Ok(ChatResponse {
        id: root.str("responseId")?.unwrap_or_default().to_owned(),
        model: root.str("modelVersion")?.unwrap_or_default().to_owned(),
        created: 0,
        content,
        stop,
        usage: root
            .obj("usageMetadata")?
            .map(|u| usage_from(&u))
            .unwrap_or_default(),
    })
}

/// Renders a Gemini `generateContent` response body for a Gemini client.
pub fn render_response(resp: &ChatResponse) -> Value {
    let mut parts: Vec<Value> = resp.content.iter().filter_map(reply_part).collect();
    if parts.is_empty() {
        parts.push(json!({"text": ""}));
    }
    let mut body = json!({
        "candidates": [{
            "content": {"role": "model", "parts": parts},
            "finishReason": finish_from_stop(&resp.stop),
            "index": 0,
        }],
        "usageMetadata": usage_to(&resp.usage),
    });
    envelope(&mut body, &resp.id, &resp.model);
    body
}

/// The Gemini part for a reply part: text (empty text dropped) or a `functionCall`, whose `args`
/// must be an object (arguments that do not parse as one become `{}`).
pub(crate) fn reply_part(part: &Part) -> Option<Value> {
    match part {
        Part::Text(text) if !text.is_empty() => Some(json!({"text": text})),
        Part::ToolCall {
            id,
            name,
            arguments_json,
        } => Some(function_call(id, name, arguments_json)),
        _ => None,
    }
}

/// A `functionCall` part.
pub(crate) fn function_call(id: &str, name: &str, arguments_json: &str) -> Value {
    json!({"functionCall": {"name": name, "args": arguments_object(arguments_json), "id": id}})
}

/// Adds `responseId` and `modelVersion` to a response or chunk, when known.
pub(crate) fn envelope(body: &mut Value, id: &str, model: &str) {
    if !model.is_empty() {
        body["modelVersion"] = json!(model);
    }
    if !id.is_empty() {
        body["responseId"] = json!(id);
    }
}

#[cfg(test)]
#[path = "response_tests.rs"]
mod tests;
