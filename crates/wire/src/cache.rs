//! Prompt-caching hints carried across formats: where the caller put cache breakpoints
//! (Anthropic `cache_control`), and the caller's `prompt_cache_key` (OpenAI Chat and Responses).
//!
//! # The rule for cache markers on translated paths
//! Same-format traffic is forwarded byte for byte, so every marker (and every field this crate
//! does not know) reaches the upstream unchanged. Across formats the parsers record the markers
//! in [`CacheHints`], and a renderer writes them only where the *target backend* is known to
//! take them in its own format ([`CacheMarkers`], chosen by the gateway per backend kind):
//! - `cache_control: {"type": "ephemeral"}` goes on OpenAI Chat content parts (the text part of
//!   the system message, the last text part of a marked message, a marked tool) only for
//!   OpenRouter, which documents that shape on Chat Completions and passes it on to providers
//!   that cache explicitly (Anthropic, Gemini), converting it for the others
//!   (<https://openrouter.ai/docs/features/prompt-caching>,
//!   <https://openrouter.ai/docs/client-sdks/typescript/models/anthropiccachecontroldirective.md>).
//!   OpenAI itself answers an unknown field with 400 ("Unrecognized request argument"), and
//!   other OpenAI-format hosts may too, so no other OpenAI-format host gets it: they cache by
//!   prefix on their own, which the markers cannot improve.
//! - The same markers sent the OpenRouter way by an OpenAI Chat caller (on content parts and
//!   tools) reach an Anthropic backend as `cache_control` on its blocks, at most four (the
//!   system prompt, the last marked tool, then the latest messages: Anthropic refuses more).
//! - `prompt_cache_key` is read from OpenAI Chat and Responses requests and written to OpenAI
//!   Chat and Responses bodies only for OpenAI's own API, which documents it. Nothing is
//!   derived for callers that sent none (an Anthropic or Gemini request): a key made up from
//!   `metadata.user_id` or the prompt would group callers the caller never meant to group.
//! - Every other format-specific field is dropped in translation, listed at debug level by the
//!   gateway (`dropped_fields`), never refused with a 4xx/5xx.

use serde_json::{json, Value};

pub use crate::cache_hints::{CacheHints, CacheMarkers};
use crate::canonical::{ChatRequest, Message, Part, Role};

/// The marker OpenRouter documents for a breakpoint.
fn ephemeral() -> Value {
    json!({"type": "ephemeral"})
}

/// Puts `cache_control` on the last text part of `message` (an OpenAI Chat message), turning a
/// string `content` into one text part first. A message without text (an assistant's tool
/// calls only) is left as it is: there is no part to carry the marker.
pub(crate) fn mark_message(message: &mut Value) {
    let Some(content) = message.get_mut("content") else {
        return;
    };
    if let Value::String(text) = content {
        *content = json!([{"type": "text", "text": text}]);
    }
    if let Some(part) = content.as_array_mut().and_then(|parts| {
        parts
            .iter_mut()
            .rev()
            .find(|p| p.get("type").and_then(Value::as_str) == Some("text"))
    }) {
        part["cache_control"] = ephemeral();
    }
}

/// Puts `cache_control` on a tool or block (OpenAI Chat or Anthropic: the same member).
pub(crate) fn mark_block(tool: &mut Value) {
    if tool.is_object() {
        tool["cache_control"] = ephemeral();
    }
}

/// Whether an Anthropic block (or tool) asks for a breakpoint.
pub(crate) fn marked(block: &Value) -> bool {
    block.get("cache_control").is_some_and(Value::is_object)
}

/// Fills `req.cache` breakpoints from OpenRouter-style `cache_control` markers in an OpenAI
/// Chat body (on content parts, and on tools): what apps written for OpenRouter send. Found
/// after the conversation is built, as for Anthropic (see `anthropic::cache_marks`): a text
/// part by its text, a `tool` message by its `tool_call_id`, a tool by its name.
pub(crate) fn find_in_openai_chat(root: &Value, req: &mut ChatRequest) {
    let mut cursor = 0;
    for m in root
        .get("messages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(Value::Array(parts)) = m.get("content") else {
            continue;
        };
        let Some(last_marked) = parts.iter().rposition(marked) else {
            continue;
        };
        let found = match m.get("role").and_then(Value::as_str) {
            Some("system" | "developer") => {
                mark_system_message(parts, req);
                continue;
            }
            Some("tool") => m.get("tool_call_id").and_then(|id| {
                let result = json!({"type": "tool_result", "tool_use_id": id});
                holder(&req.messages, &result, cursor)
            }),
            _ => parts[..=last_marked]
                .iter()
                .rev()
                .find_map(|p| holder(&req.messages, p, cursor)),
        };
        if let Some(i) = found {
            cursor = i;
            if !req.cache.messages.contains(&i) {
                req.cache.messages.push(i);
            }
        }
    }
    req.cache.messages.sort_unstable();
    for t in root
        .get("tools")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = t.pointer("/function/name").and_then(Value::as_str);
        if let (true, Some(name)) = (marked(t), name) {
            if let Some(i) = req.tools.iter().position(|tool| tool.name == name) {
                req.cache.tools.push(i);
            }
        }
    }
}

/// The most breakpoints one Anthropic request may carry (more is a 400).
pub(crate) const ANTHROPIC_MAX_BREAKPOINTS: usize = 4;

/// The breakpoints of `hints` an Anthropic request can carry: the last marked tool (tools come
/// first in the prefix, so one marker covers them all), the system prompt, then the latest
/// messages, [`ANTHROPIC_MAX_BREAKPOINTS`] in all.
pub(crate) fn anthropic_breakpoints(hints: &CacheHints) -> (Option<usize>, bool, Vec<usize>) {
    let tool = hints.tools.iter().max().copied();
    let used = usize::from(tool.is_some()) + usize::from(hints.system);
    let room = ANTHROPIC_MAX_BREAKPOINTS.saturating_sub(used);
    let skip = hints.messages.len().saturating_sub(room);
    (tool, hints.system, hints.messages[skip..].to_vec())
}

/// A marked `system`-role message: the system prompt when it was hoisted into it, else the
/// [`Role::System`] message holding its text.
pub(crate) fn mark_system_message(blocks: &[Value], req: &mut ChatRequest) {
    let Some(text) = blocks
        .iter()
        .find_map(|b| b.get("text").and_then(Value::as_str))
    else {
        return;
    };
    let in_place = req
        .messages
        .iter()
        .position(|m| m.role == Role::System && m.joined_text().contains(text));
    match in_place {
        Some(i) if !req.cache.messages.contains(&i) => req.cache.messages.push(i),
        Some(_) => {}
        None => req.cache.system = true,
    }
}

/// The index of the canonical message holding `block`, searched from `cursor` on first (the
/// conversation keeps its order), then from the start (settling may move tool results up).
pub(crate) fn holder(messages: &[Message], block: &Value, cursor: usize) -> Option<usize> {
    let text = |key: &str| block.get(key).and_then(Value::as_str);
    let wanted: Box<dyn Fn(&Part) -> bool> = match block.get("type").and_then(Value::as_str)? {
        "text" => {
            let t = text("text")?;
            Box::new(move |p| matches!(p, Part::Text(x) if x == t))
        }
        "tool_result" => {
            let id = text("tool_use_id")?;
            Box::new(move |p| matches!(p, Part::ToolResult { call_id, .. } if call_id == id))
        }
        "tool_use" => {
            let id = text("id")?;
            Box::new(move |p| matches!(p, Part::ToolCall { id: x, .. } if x == id))
        }
        _ => return None,
    };
    let holds = |m: &Message| m.content.iter().any(&wanted);
    let after = messages.get(cursor..).unwrap_or_default();
    after
        .iter()
        .position(holds)
        .map(|i| cursor + i)
        .or_else(|| messages.iter().position(holds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_string_content_becomes_one_marked_text_part() {
        let mut m = json!({"role": "user", "content": "hello"});
        mark_message(&mut m);
        assert_eq!(
            m["content"],
            json!([{"type": "text", "text": "hello", "cache_control": {"type": "ephemeral"}}]),
            "OpenRouter reads the marker only on a content part"
        );
    }

    #[test]
    fn the_last_text_part_carries_the_marker_and_a_text_less_message_is_untouched() {
        let mut m = json!({"role": "user", "content": [
            {"type": "text", "text": "a"},
            {"type": "text", "text": "b"},
            {"type": "image_url", "image_url": {"url": "https://x"}}
        ]});
        mark_message(&mut m);
        assert!(m["content"][0].get("cache_control").is_none());
        assert_eq!(m["content"][1]["cache_control"], ephemeral());
        let mut calls = json!({"role": "assistant", "content": null, "tool_calls": []});
        mark_message(&mut calls);
        assert_eq!(
            calls["content"],
            Value::Null,
            "no part to mark, nothing made up"
        );
    }
}
