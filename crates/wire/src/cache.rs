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
//!   other OpenAI-format hosts may too, so nobody else gets it: they cache by prefix on their
//!   own, which the markers cannot improve.
//! - `prompt_cache_key` is read from OpenAI Chat and Responses requests and written to OpenAI
//!   Chat and Responses bodies only for OpenAI's own API, which documents it. Nothing is
//!   derived for callers that sent none (an Anthropic or Gemini request): a key made up from
//!   `metadata.user_id` or the prompt would group callers the caller never meant to group.
//! - Every other format-specific field is dropped in translation, listed at debug level by the
//!   gateway (`dropped_fields`), never refused with a 4xx/5xx.

use serde_json::{json, Value};

/// Where a request asked for prompt caching, in neither format.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CacheHints {
    /// OpenAI's `prompt_cache_key`, as the caller sent it.
    pub key: Option<String>,
    /// A breakpoint ends the system prompt.
    pub system: bool,
    /// Indexes into [`crate::ChatRequest::tools`] of tools that end a breakpoint.
    pub tools: Vec<usize>,
    /// Indexes into [`crate::ChatRequest::messages`] of messages that end a breakpoint.
    pub messages: Vec<usize>,
}

impl CacheHints {
    /// Whether any breakpoint was asked for.
    pub fn has_breakpoints(&self) -> bool {
        self.system || !self.tools.is_empty() || !self.messages.is_empty()
    }
}

/// What a target backend takes of [`CacheHints`]; the gateway picks it per backend kind (see
/// the module docs for which kinds get what).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheMarkers {
    /// Breakpoints as `cache_control` on OpenAI Chat content parts and tools (OpenRouter).
    pub parts: bool,
    /// The caller's `prompt_cache_key` (OpenAI).
    pub key: bool,
}

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

/// Puts `cache_control` on an OpenAI Chat tool.
pub(crate) fn mark_tool(tool: &mut Value) {
    if tool.is_object() {
        tool["cache_control"] = ephemeral();
    }
}

/// Whether an Anthropic block (or tool) asks for a breakpoint.
pub(crate) fn marked(block: &Value) -> bool {
    block.get("cache_control").is_some_and(Value::is_object)
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
