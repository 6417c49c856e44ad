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
use std::collections::HashMap;

use crate::cache_find::{marked, system_kept, up_to_last_marked, Finder};
use crate::canonical::ChatRequest;

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

/// Fills `req.cache` breakpoints from OpenRouter-style `cache_control` markers in an OpenAI
/// Chat body (on content parts, and on tools): what apps written for OpenRouter send. Found
/// as for Anthropic ([`crate::cache_find`]); a `tool` message by its `tool_call_id`, a tool by
/// its name.
pub(crate) fn find_in_openai_chat(root: &Value, req: &mut ChatRequest) {
    let messages = root.get("messages").and_then(Value::as_array);
    let mut finder = Finder::new(&req.messages);
    for m in messages.into_iter().flatten() {
        let content = m.get("content");
        let blocks = up_to_last_marked(content);
        match m.get("role").and_then(Value::as_str) {
            Some("system" | "developer") => {
                finder.system_message(system_kept(content), !blocks.is_empty());
            }
            Some("tool") if !blocks.is_empty() => {
                let id = m.get("tool_call_id").cloned().unwrap_or_default();
                finder.other_message(&[json!({"type": "tool_result", "tool_use_id": id})]);
            }
            _ => finder.other_message(blocks),
        }
    }
    let (system, found) = finder.finish();
    req.cache.system |= system;
    req.cache.messages = found;
    let tools = root.get("tools").and_then(Value::as_array);
    let marked_names: Vec<&str> = (tools.into_iter().flatten())
        .filter(|t| marked(t))
        .filter_map(|t| t.pointer("/function/name").and_then(Value::as_str))
        .collect();
    if !marked_names.is_empty() {
        let by_name: HashMap<&str, usize> = (req.tools.iter().enumerate())
            .map(|(i, t)| (t.name.as_str(), i))
            .collect();
        let mut marked_tools: Vec<usize> = (marked_names.iter())
            .filter_map(|n| by_name.get(n).copied())
            .collect();
        marked_tools.sort_unstable();
        marked_tools.dedup();
        req.cache.tools = marked_tools;
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
