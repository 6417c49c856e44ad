//! Anthropic `cache_control` markers → [`crate::CacheHints`] breakpoints on the canonical
//! request, found after the conversation is built (hoisted and settled), so a breakpoint marks
//! the canonical message that holds the marked block wherever it ended up.
//!
//! A marked block is found by what it is: a text block by its text, a `tool_result` by its
//! `tool_use_id`, a `tool_use` by its `id`. Images and documents have no such identity and are
//! looked up through the other blocks of their message; a message whose blocks match nothing
//! keeps no breakpoint (caching is an optimisation: a lost marker costs money, never an answer).
//! Top-level `cache_control` (automatic caching) marks the last message.

use serde_json::Value;

use crate::cache_find::{marked, system_kept, up_to_last_marked, Finder};
use crate::canonical::ChatRequest;
use crate::json::Obj;

/// Fills `req.cache.system` and `req.cache.messages` from the markers in `root`.
pub(super) fn find(root: &Obj<'_>, req: &mut ChatRequest) {
    if let Some(Value::Array(blocks)) = root.get("system") {
        req.cache.system |= blocks.iter().any(marked);
    }
    let messages = root.get("messages").and_then(Value::as_array);
    let mut finder = Finder::new(&req.messages);
    for m in messages.into_iter().flatten() {
        let content = m.get("content");
        let blocks = up_to_last_marked(content);
        if m.get("role").and_then(Value::as_str) == Some("system") {
            finder.system_message(system_kept(content), !blocks.is_empty());
        } else {
            finder.other_message(blocks);
        }
    }
    let (system, mut found) = finder.finish();
    req.cache.system |= system;
    if root.get("cache_control").is_some_and(Value::is_object) && !req.messages.is_empty() {
        let last = req.messages.len() - 1;
        if found.last() != Some(&last) {
            found.push(last);
        }
    }
    req.cache.messages = found;
}

#[cfg(test)]
mod tests {
    use crate::{openai, CacheMarkers};
    use serde_json::{json, Value};

    /// A Claude Code turn: a marked system prompt, a marked last tool, and the last user
    /// message (tool results, then text) marked on its last block.
    fn claude_code_turn() -> Value {
        let mark = json!({"type": "ephemeral"});
        json!({"model": "claude-sonnet-4-5", "max_tokens": 100,
        "system": [{"type": "text", "text": "You are Claude Code."},
                   {"type": "text", "text": "Be brief.", "cache_control": mark}],
        "tools": [{"name": "Read", "input_schema": {"type": "object"}},
                  {"name": "Bash", "input_schema": {"type": "object"}, "cache_control": mark}],
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "list files", "cache_control": mark}]},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "Bash", "input": {}}]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "t1", "content": "a.rs"},
                {"type": "text", "text": "now read it", "cache_control": mark}]}
        ]})
    }

    fn rendered(markers: CacheMarkers) -> Value {
        let req = super::super::parse_request_value(&claude_code_turn()).unwrap();
        openai::render_request_with(&req, true, markers).unwrap()
    }

    #[test]
    fn anthropic_breakpoints_land_on_the_same_prefixes_as_openai_chat_parts() {
        let body = rendered(CacheMarkers {
            parts: true,
            key: false,
        });
        let msgs = body["messages"].as_array().unwrap();
        let mark = json!({"type": "ephemeral"});
        assert_eq!(msgs[0]["role"], "system");
        assert_eq!(
            msgs[0]["content"][0]["cache_control"], mark,
            "the system prompt ends a breakpoint"
        );
        assert_eq!(msgs[1]["content"][0]["cache_control"], mark);
        assert!(msgs[2].get("content").is_some_and(Value::is_null));
        assert_eq!(msgs[3]["role"], "tool");
        assert!(
            msgs[3]["content"].is_string(),
            "the tool result was not marked: {msgs:?}"
        );
        assert_eq!(msgs[4]["content"][0]["text"], "now read it");
        assert_eq!(msgs[4]["content"][0]["cache_control"], mark);
        assert!(body["tools"][0].get("cache_control").is_none());
        assert_eq!(
            body["tools"][1]["cache_control"], mark,
            "the marked tool keeps its marker"
        );
    }

    #[test]
    fn without_markers_for_the_target_no_cache_control_is_written() {
        let body = rendered(CacheMarkers::default());
        assert!(
            !body.to_string().contains("cache_control"),
            "a strict host answers unknown fields with 400: {body}"
        );
    }
}

#[cfg(test)]
mod attack_tests {
    use serde_json::{json, Value};
    use std::time::{Duration, Instant};

    /// Turns whose marked blocks the canonical conversation reorders (a user's text before the
    /// tool result it answers: settling moves the result first) and marked system messages
    /// between them: every lookup that searched the whole conversation again made one request
    /// cost the square of its length.
    fn reordered_turns(n: usize) -> Value {
        let mark = json!({"type": "ephemeral"});
        let mut messages = Vec::new();
        for i in 0..n {
            let id = format!("t{i}");
            messages.push(json!({"role": "assistant", "content": [
                {"type": "tool_use", "id": id, "name": "f", "input": {}}]}));
            messages.push(json!({"role": "user", "content": [
                {"type": "text", "text": format!("q{i}"), "cache_control": mark}]}));
            messages.push(json!({"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": id, "content": "r", "cache_control": mark}]}));
            messages.push(json!({"role": "system", "content": [
                {"type": "text", "text": format!("s{i}"), "cache_control": mark}]}));
        }
        messages.push(json!({"role": "user", "content": "end"}));
        json!({"model": "c", "max_tokens": 5, "tools": [{"name": "f", "input_schema": {}}],
            "messages": messages})
    }

    #[test]
    fn a_conversation_of_reordered_marked_blocks_is_read_in_time_linear_in_its_length() {
        let body = reordered_turns(10_000);
        let started = Instant::now();
        let req = super::super::parse_request_value(&body).unwrap();
        let took = started.elapsed();
        // Measured in a debug build: 0.6 s read, 0.3 s rendered; with a rescan per marker, 41 s
        // and 7.8 s. The bounds sit between, generously.
        assert!(
            took < Duration::from_secs(10),
            "40,000 marked messages took {took:?}: a lookup must not rescan the conversation"
        );
        assert!(
            req.cache.messages.len() >= 20_000,
            "every marked message still found: {}",
            req.cache.messages.len()
        );
        let started = Instant::now();
        let markers = crate::CacheMarkers {
            parts: true,
            key: false,
        };
        crate::openai::render_request_with(&req, true, markers).unwrap();
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(4),
            "rendering them for OpenRouter took {took:?}: one lookup per message, not a scan"
        );
    }
}
