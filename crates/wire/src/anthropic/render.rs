//! [`ChatRequest`] → Anthropic request body.
//!
//! Anthropic's constraints, enforced here so a translated request is accepted:
//! - `max_tokens` is required: the request's, else the caller's default.
//! - Roles must alternate: `Role::Tool` messages are sent as `user`, and consecutive messages
//!   with the same resulting role are merged into one; inside a user message `tool_result`
//!   blocks are moved first (stable), as the API requires them to lead.
//! - Empty text blocks and messages left without blocks are dropped (the API rejects them).
//! - Tool ids may only contain `[A-Za-z0-9_-]`: other characters become `_`, identically in
//!   `tool_use.id` and `tool_result.tool_use_id`, so pairs still match.
//! - `tool_use.input` must be an object: arguments that do not parse as one become `{}`.
//! - `temperature` is clamped to 0–1 (OpenAI allows up to 2), and `top_p` is dropped when
//!   `temperature` is also set (current Claude models reject both together).
//! - `tool_choice` is only sent with tools; `user` becomes `metadata.user_id`.

use serde_json::{json, Map, Value};

use crate::canonical::{ChatRequest, ImageSource, Message, Part, Role, Tool, ToolChoice};
use crate::json::arguments_object;

/// Renders an Anthropic Messages request body; `default_max_tokens` is used when the request
/// has no limit.
pub fn render_request(req: &ChatRequest, default_max_tokens: u32) -> Value {
    let mut body = Map::new();
    body.insert("model".into(), json!(req.model));
    body.insert(
        "max_tokens".into(),
        json!(req.max_tokens.unwrap_or(default_max_tokens)),
    );
    if let Some(system) = req.system.as_deref().filter(|s| !s.is_empty()) {
        body.insert("system".into(), json!(system));
    }
    body.insert("messages".into(), render_messages(&req.messages));
    if let Some(t) = req.temperature {
        body.insert("temperature".into(), json!(t.clamp(0.0, 1.0)));
    } else if let Some(p) = req.top_p {
        body.insert("top_p".into(), json!(p));
    }
    if !req.stop.is_empty() {
        body.insert("stop_sequences".into(), json!(req.stop));
    }
    if !req.tools.is_empty() {
        body.insert("tools".into(), req.tools.iter().map(render_tool).collect());
        if let Some(choice) = &req.tool_choice {
            body.insert("tool_choice".into(), render_tool_choice(choice));
        }
    }
    if let Some(user) = &req.user {
        body.insert("metadata".into(), json!({"user_id": user}));
    }
    body.insert("stream".into(), json!(req.stream));
    Value::Object(body)
}

fn render_messages(messages: &[Message]) -> Value {
    let mut merged: Vec<(&str, Vec<Value>)> = Vec::new();
    for m in messages {
        let role = match m.role {
            Role::Assistant => "assistant",
            Role::User | Role::Tool => "user",
        };
        let blocks: Vec<Value> = m.content.iter().filter_map(render_part).collect();
        if blocks.is_empty() {
            continue;
        }
        match merged.last_mut() {
            Some((last, existing)) if *last == role => existing.extend(blocks),
            _ => merged.push((role, blocks)),
        }
    }
    merged
        .into_iter()
        .map(|(role, mut blocks)| {
            if role == "user" {
                // Stable: tool results first, everything else after, each in original order.
                blocks.sort_by_key(|b| b["type"] != "tool_result");
            }
            json!({"role": role, "content": blocks})
        })
        .collect()
}

fn render_part(part: &Part) -> Option<Value> {
    Some(match part {
        Part::Text(t) if t.is_empty() => return None,
        Part::Text(t) => json!({"type": "text", "text": t}),
        Part::Image(ImageSource::Base64 { media_type, data }) => json!({
            "type": "image",
            "source": {"type": "base64", "media_type": media_type, "data": data},
        }),
        Part::Image(ImageSource::Url(url)) => json!({
            "type": "image",
            "source": {"type": "url", "url": url},
        }),
        Part::ToolCall {
            id,
            name,
            arguments_json,
        } => json!({
            "type": "tool_use",
            "id": tool_id(id),
            "name": name,
            "input": arguments_object(arguments_json),
        }),
        Part::ToolResult {
            call_id,
            content,
            is_error,
        } => {
            let mut block = json!({"type": "tool_result", "tool_use_id": tool_id(call_id)});
            if !content.is_empty() {
                block["content"] = json!(content);
            }
            if *is_error {
                block["is_error"] = json!(true);
            }
            block
        }
    })
}

/// Makes a tool id acceptable to Anthropic (`^[a-zA-Z0-9_-]+$`), deterministically.
fn tool_id(id: &str) -> String {
    if id.is_empty() {
        return "toolu_missing_id".to_owned();
    }
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn render_tool(tool: &Tool) -> Value {
    let mut t = json!({"name": tool.name, "input_schema": tool.parameters});
    if let Some(d) = &tool.description {
        t["description"] = json!(d);
    }
    t
}

fn render_tool_choice(choice: &ToolChoice) -> Value {
    match choice {
        ToolChoice::Auto => json!({"type": "auto"}),
        ToolChoice::None => json!({"type": "none"}),
        ToolChoice::Required => json!({"type": "any"}),
        ToolChoice::Named(name) => json!({"type": "tool", "name": name}),
    }
}

#[cfg(test)]
#[path = "render_tests.rs"]
mod tests;
