//! [`ChatRequest`] → OpenAI request body.
//!
//! The system prompt becomes a leading `system` message. A `Role::Tool` message becomes one
//! `tool` message per result; an assistant message becomes one message whose `content` is its
//! text concatenated (`null` when it only calls tools) plus `tool_calls`. A user message with a
//! single text part is sent as a plain string, otherwise as `text` / `image_url` parts (inline
//! images as `data:` URLs). `max_tokens` is emitted rather than `max_completion_tokens`: it is
//! the field every OpenAI-compatible server accepts. For streams, `stream_options.include_usage`
//! is added when asked. Images in assistant messages cannot be expressed and are dropped;
//! `is_error` on tool results has no OpenAI equivalent and is dropped (the content is kept).

use serde_json::{json, Map, Value};

use crate::canonical::{ChatRequest, ImageSource, Message, Part, Role, Tool, ToolChoice};

/// Renders an OpenAI request body. `include_usage` adds `stream_options.include_usage` to
/// streaming requests so the provider reports usage.
pub fn render_request(req: &ChatRequest, include_usage: bool) -> Value {
    let mut messages = Vec::new();
    if let Some(system) = req.system.as_deref().filter(|s| !s.is_empty()) {
        messages.push(json!({"role": "system", "content": system}));
    }
    for m in &req.messages {
        render_message(m, &mut messages);
    }
    let mut body = Map::new();
    body.insert("model".into(), json!(req.model));
    body.insert("messages".into(), Value::Array(messages));
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(v) = value {
            body.insert(key.into(), v);
        }
    };
    put("max_tokens", req.max_tokens.map(Value::from));
    put("temperature", req.temperature.map(Value::from));
    put("top_p", req.top_p.map(Value::from));
    put("stop", (!req.stop.is_empty()).then(|| json!(req.stop)));
    put(
        "tools",
        (!req.tools.is_empty()).then(|| render_tools(&req.tools)),
    );
    put(
        "tool_choice",
        req.tool_choice.as_ref().map(render_tool_choice),
    );
    put("user", req.user.as_ref().map(|u| json!(u)));
    put("stream", Some(Value::Bool(req.stream)));
    put(
        "stream_options",
        (req.stream && include_usage).then(|| json!({"include_usage": true})),
    );
    Value::Object(body)
}

fn render_message(m: &Message, out: &mut Vec<Value>) {
    let mut parts = Vec::new();
    let mut calls = Vec::new();
    for part in &m.content {
        match part {
            Part::ToolResult {
                call_id, content, ..
            } => {
                out.push(json!({"role": "tool", "tool_call_id": call_id, "content": content}));
            }
            Part::ToolCall {
                id,
                name,
                arguments_json,
            } => calls.push(json!({
                "id": id,
                "type": "function",
                "function": {"name": name, "arguments": arguments_json},
            })),
            Part::Text(t) => parts.push(json!({"type": "text", "text": t})),
            Part::Image(source) if m.role != Role::Assistant => parts.push(json!({
                "type": "image_url",
                "image_url": {"url": image_url(source)},
            })),
            Part::Image(_) => {}
        }
    }
    if m.role == Role::Assistant {
        if parts.is_empty() && calls.is_empty() {
            return;
        }
        let text: String = parts.iter().filter_map(|p| p["text"].as_str()).collect();
        let content = if text.is_empty() && !calls.is_empty() {
            Value::Null
        } else {
            Value::String(text)
        };
        let mut msg = json!({"role": "assistant", "content": content});
        if !calls.is_empty() {
            msg["tool_calls"] = Value::Array(calls);
        }
        out.push(msg);
    } else if !parts.is_empty() {
        let content = match parts.as_slice() {
            [only] if only["type"] == "text" => only["text"].clone(),
            _ => Value::Array(parts),
        };
        out.push(json!({"role": "user", "content": content}));
    }
}

fn image_url(source: &ImageSource) -> String {
    match source {
        ImageSource::Base64 { media_type, data } => format!("data:{media_type};base64,{data}"),
        ImageSource::Url(url) => url.clone(),
    }
}

fn render_tools(tools: &[Tool]) -> Value {
    tools
        .iter()
        .map(|t| {
            let mut f = json!({"name": t.name, "parameters": t.parameters});
            if let Some(d) = &t.description {
                f["description"] = json!(d);
            }
            json!({"type": "function", "function": f})
        })
        .collect()
}

fn render_tool_choice(choice: &ToolChoice) -> Value {
    match choice {
        ToolChoice::Auto => json!("auto"),
        ToolChoice::None => json!("none"),
        ToolChoice::Required => json!("required"),
        ToolChoice::Named(name) => json!({"type": "function", "function": {"name": name}}),
    }
}

#[cfg(test)]
#[path = "render_tests.rs"]
mod tests;
