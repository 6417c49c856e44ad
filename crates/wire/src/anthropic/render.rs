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
//! - `tool_choice` is only sent with tools; `user` becomes `metadata.user_id`;
//!   `parallel_tool_calls: false` becomes `tool_choice.disable_parallel_tool_use`.
//! - System messages inside the conversation are merged into `system` (not every
//!   Anthropic-compatible server takes them in `messages`).
//! - Reasoning becomes `thinking: {type: "enabled", budget_tokens}` with a budget of at least
//!   1024 and below `max_tokens` (skipped when `max_tokens` leaves no room, when a tool is
//!   forced, which thinking forbids, and in the middle of a tool loop: Anthropic then wants the
//!   assistant's calls to start with the thinking block that produced them, which no other
//!   format kept); thinking also forbids `temperature`/`top_p`, so they are dropped.
//! - A JSON-schema output format becomes `output_config.format`.
//! - Files: PDFs (inline or URL) and plain text become `document` blocks, inline images
//!   `image` blocks. Audio, provider file ids and other inline documents cannot be sent: an
//!   error, so the gateway skips the backend.

use serde_json::{json, Map, Value};

use crate::cache::{self, CacheMarkers};
use crate::canonical::{
    ChatRequest, Effort, FilePart, FileSource, ImageSource, Message, OutputFormat, Part, Role,
    Tool, ToolChoice,
};
use crate::error::WireError;
use crate::json::{arguments_object, index};
use crate::media::{is_image, media_type_of};

/// The smallest thinking budget Anthropic accepts.
const MIN_THINKING_BUDGET: u32 = 1024;

/// Renders an Anthropic Messages request body; `default_max_tokens` is used when the request
/// has no limit.
pub fn render_request(req: &ChatRequest, default_max_tokens: u32) -> Result<Value, WireError> {
    render_request_with(req, default_max_tokens, CacheMarkers::default())
}

/// [`render_request`] with the caller's cache breakpoints (from OpenRouter-style markers on an
/// OpenAI Chat request) as `cache_control` when `markers.parts`: on the system prompt, the last
/// marked tool and the last block of each marked message, at most four (Anthropic's limit).
pub fn render_request_with(
    req: &ChatRequest,
    default_max_tokens: u32,
    markers: CacheMarkers,
) -> Result<Value, WireError> {
    let none = (None, false, Vec::new());
    let (marked_tool, marked_system, marked_messages) = if markers.parts {
        cache::anthropic_breakpoints(&req.cache)
    } else {
        none
    };
    let mut body = Map::new();
    let max_tokens = req.max_tokens.unwrap_or(default_max_tokens);
    body.insert("model".into(), json!(req.model));
    body.insert("max_tokens".into(), json!(max_tokens));
    if let Some(system) = req.merged_system() {
        let system = if marked_system {
            json!([{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}])
        } else {
            json!(system)
        };
        body.insert("system".into(), system);
    }
    body.insert(
        "messages".into(),
        render_messages(&req.messages, &marked_messages)?,
    );
    let forced_tool = matches!(
        req.tool_choice,
        Some(ToolChoice::Required | ToolChoice::Named(_))
    );
    let budget = req
        .reasoning
        .filter(|r| r.effort != Effort::None && !forced_tool && !in_tool_loop(req))
        .map(|r| r.budget_or_default().max(MIN_THINKING_BUDGET))
        .filter(|_| max_tokens > MIN_THINKING_BUDGET)
        .map(|b| b.min(max_tokens - 1));
    if let Some(budget) = budget {
        body.insert(
            "thinking".into(),
            json!({"type": "enabled", "budget_tokens": budget}),
        );
    } else if let Some(t) = req.temperature {
        body.insert("temperature".into(), json!(t.clamp(0.0, 1.0)));
    } else if let Some(p) = req.top_p {
        body.insert("top_p".into(), json!(p));
    }
    if let Some(OutputFormat::JsonSchema { schema, .. }) = &req.format {
        body.insert(
            "output_config".into(),
            json!({"format": {"type": "json_schema", "schema": schema}}),
        );
    }
    if !req.stop.is_empty() {
        body.insert("stop_sequences".into(), json!(req.stop));
    }
    if !req.tools.is_empty() {
        let mut tools: Vec<Value> = req.tools.iter().map(render_tool).collect();
        if let Some(tool) = marked_tool.and_then(|t| tools.get_mut(t)) {
            cache::mark_block(tool);
        }
        body.insert("tools".into(), Value::Array(tools));
        let no_parallel = req.parallel_tool_calls == Some(false);
        if req.tool_choice.is_some() || no_parallel {
            let mut choice =
                render_tool_choice(req.tool_choice.as_ref().unwrap_or(&ToolChoice::Auto));
            if no_parallel && choice["type"] != "none" {
                choice["disable_parallel_tool_use"] = json!(true);
            }
            body.insert("tool_choice".into(), choice);
        }
    }
    if let Some(user) = &req.user {
        body.insert("metadata".into(), json!({"user_id": user}));
    }
    body.insert("stream".into(), json!(req.stream));
    Ok(Value::Object(body))
}

fn render_messages(messages: &[Message], marked: &[usize]) -> Result<Value, WireError> {
    let mut merged: Vec<(&str, Vec<Value>)> = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        let role = match m.role {
            // Merged into `system` by the caller.
            Role::System => continue,
            Role::Assistant => "assistant",
            Role::User | Role::Tool => "user",
        };
        let path = format!("messages[{i}].content");
        let mut blocks = Vec::new();
        for (j, part) in m.content.iter().enumerate() {
            if let Some(block) = render_part(part, &index(&path, j))? {
                blocks.push(block);
            }
        }
        if blocks.is_empty() {
            continue;
        }
        if marked.contains(&i) {
            if let Some(last) = blocks.last_mut() {
                cache::mark_block(last);
            }
        }
        match merged.last_mut() {
            Some((last, existing)) if *last == role => existing.extend(blocks),
            _ => merged.push((role, blocks)),
        }
    }
    let rendered: Vec<Value> = merged
        .into_iter()
        .map(|(role, mut blocks)| {
            if role == "user" {
                // Stable: tool results first, everything else after, each in original order.
                blocks.sort_by_key(|b| b["type"] != "tool_result");
            }
            json!({"role": role, "content": blocks})
        })
        .collect();
    Ok(Value::Array(rendered))
}

fn render_part(part: &Part, path: &str) -> Result<Option<Value>, WireError> {
    Ok(Some(match part {
        Part::Text(t) if t.is_empty() => return Ok(None),
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
        Part::File(file) => render_file(file, path)?,
        Part::Audio { .. } => {
            return Err(WireError::unsupported(
                path,
                "audio input cannot be sent to Anthropic models",
            ))
        }
    }))
}

/// A file as a `document` (PDF or text) or `image` block.
fn render_file(file: &FilePart, path: &str) -> Result<Value, WireError> {
    let source = match &file.source {
        FileSource::Base64 { media_type, data } if is_image(media_type) => {
            return Ok(json!({
                "type": "image",
                "source": {"type": "base64", "media_type": media_type, "data": data},
            }))
        }
        FileSource::Base64 { media_type, data } if media_type == "application/pdf" => {
            json!({"type": "base64", "media_type": media_type, "data": data})
        }
        FileSource::Url(url) if media_type_of(url).is_none_or(|t| t == "application/pdf") => {
            json!({"type": "url", "url": url})
        }
        FileSource::Text(text) => {
            json!({"type": "text", "media_type": "text/plain", "data": text})
        }
        FileSource::Base64 { .. } | FileSource::Url(_) => {
            return Err(WireError::unsupported(
                path,
                "Anthropic documents must be PDFs or plain text",
            ))
        }
        FileSource::Id(_) => {
            return Err(WireError::unsupported(
                path,
                "a provider file id cannot be sent to another provider",
            ))
        }
    };
    let mut doc = json!({"type": "document", "source": source});
    if let Some(title) = &file.filename {
        doc["title"] = json!(title);
    }
    Ok(doc)
}

/// Whether the request continues a tool loop: an assistant message after the last user turn
/// calls tools.
fn in_tool_loop(req: &ChatRequest) -> bool {
    let last_user = req
        .messages
        .iter()
        .rposition(|m| m.role == Role::User)
        .map_or(0, |i| i + 1);
    req.messages[last_user..].iter().any(|m| {
        m.role == Role::Assistant && m.content.iter().any(|p| matches!(p, Part::ToolCall { .. }))
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
