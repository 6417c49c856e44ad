//! [`ChatRequest`] → OpenAI request body.
//!
//! The system prompt becomes a leading `system` message, and a later [`Role::System`] message a
//! `system` message in place (OpenAI accepts them anywhere). A `Role::Tool` message becomes one
//! `tool` message per result; an assistant message becomes one message whose `content` is its
//! text concatenated (`null` when it only calls tools) plus `tool_calls`. A user message with a
//! single text part is sent as a plain string, otherwise as `text` / `image_url` parts (inline
//! images as `data:` URLs, files as `file` parts, audio as `input_audio`). `max_tokens` is
//! emitted rather than `max_completion_tokens`: it is the field every OpenAI-compatible server
//! accepts. For streams, `stream_options.include_usage` is added when asked. Reasoning becomes
//! `reasoning_effort` (the gateway only leaves it on for models that reason), structured output
//! `response_format`, freeform tools function tools taking `{"input": string}`.
//!
//! Not expressible, so an error (the gateway then skips the backend): a file given by URL.
//! Dropped: images and files in assistant messages, `is_error` on tool results (the content is
//! kept).

use serde_json::{json, Map, Value};

use crate::cache::{self, CacheMarkers};
use crate::canonical::{
    ChatRequest, Effort, FilePart, FileSource, ImageSource, Message, OutputFormat, Part, Role,
    Tool, ToolChoice,
};
use crate::error::WireError;
use crate::json::index;
use crate::media::data_url;

/// Renders an OpenAI request body. `include_usage` adds `stream_options.include_usage` to
/// streaming requests so the provider reports usage.
pub fn render_request(req: &ChatRequest, include_usage: bool) -> Result<Value, WireError> {
    render_request_with(req, include_usage, CacheMarkers::default())
}

/// [`render_request`] for a backend that takes the caching hints `markers` allows (see
/// [`crate::cache`] for which backends take what).
pub fn render_request_with(
    req: &ChatRequest,
    include_usage: bool,
    markers: CacheMarkers,
) -> Result<Value, WireError> {
    let mut messages = Vec::new();
    if let Some(system) = req.system.as_deref().filter(|s| !s.is_empty()) {
        messages.push(json!({"role": "system", "content": system}));
        if markers.parts && req.cache.system {
            messages.iter_mut().for_each(cache::mark_message);
        }
    }
    for (i, m) in req.messages.iter().enumerate() {
        let first = messages.len();
        render_message(m, &index("messages", i), &mut messages)?;
        // A breakpoint ends the message: its last rendered message (of several tool results,
        // the last one) carries the marker.
        if markers.parts && messages.len() > first && req.cache.messages.binary_search(&i).is_ok() {
            if let Some(last) = messages.last_mut() {
                cache::mark_message(last);
            }
        }
    }
    let mut tools = (!req.tools.is_empty()).then(|| render_tools(&req.tools));
    if let (true, Some(Value::Array(list))) = (markers.parts, tools.as_mut()) {
        for &t in &req.cache.tools {
            if let Some(tool) = list.get_mut(t) {
                cache::mark_block(tool);
            }
        }
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
    put("tools", tools);
    put(
        "tool_choice",
        req.tool_choice.as_ref().map(render_tool_choice),
    );
    put(
        "parallel_tool_calls",
        req.parallel_tool_calls
            .filter(|_| !req.tools.is_empty())
            .map(Value::Bool),
    );
    put(
        "reasoning_effort",
        req.reasoning
            .filter(|r| r.effort != Effort::None)
            .map(|r| json!(r.effort.openai_name())),
    );
    put("response_format", req.format.as_ref().map(render_format));
    put("user", crate::openai::end_user(req.user.as_ref()));
    put("prompt_cache_key", req.cache.key_for(markers));
    put("stream", Some(Value::Bool(req.stream)));
    put(
        "stream_options",
        (req.stream && include_usage).then(|| json!({"include_usage": true})),
    );
    Ok(Value::Object(body))
}

fn render_message(m: &Message, path: &str, out: &mut Vec<Value>) -> Result<(), WireError> {
    if m.role == Role::System {
        let text = m.joined_text();
        if !text.is_empty() {
            out.push(json!({"role": "system", "content": text}));
        }
        return Ok(());
    }
    let mut parts = Vec::new();
    let mut calls = Vec::new();
    for (i, part) in m.content.iter().enumerate() {
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
            } => calls.push(tool_call(id, name, arguments_json)),
            Part::Text(t) => parts.push(json!({"type": "text", "text": t})),
            // Assistant messages carry only text and tool calls in this format.
            Part::Image(_) | Part::File(_) | Part::Audio { .. } if m.role == Role::Assistant => {}
            Part::Image(source) => parts.push(json!({
                "type": "image_url",
                "image_url": {"url": image_url(source)},
            })),
            Part::File(file) => {
                parts.push(render_file(file, &index(&format!("{path}.content"), i))?);
            }
            Part::Audio { format, data } => parts.push(json!({
                "type": "input_audio",
                "input_audio": {"data": data, "format": format},
            })),
        }
    }
    if m.role == Role::Assistant {
        if parts.is_empty() && calls.is_empty() {
            return Ok(());
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
    Ok(())
}

/// A `file` part; a file given by URL has no Chat Completions form.
fn render_file(file: &FilePart, path: &str) -> Result<Value, WireError> {
    let mut f = Map::new();
    match &file.source {
        FileSource::Base64 { media_type, data } => {
            f.insert("file_data".into(), json!(data_url(media_type, data)));
        }
        FileSource::Id(id) => {
            f.insert("file_id".into(), json!(id));
        }
        FileSource::Text(text) => return Ok(json!({"type": "text", "text": text})),
        FileSource::Url(_) => {
            return Err(WireError::unsupported(
                path,
                "a file given by URL cannot be sent in the Chat Completions format",
            ))
        }
    }
    // OpenAI wants a name with inline data; one is made up from the media type if missing.
    let name = match (&file.filename, &file.source) {
        (Some(name), _) => Some(name.clone()),
        (None, FileSource::Base64 { media_type, .. }) => Some(match media_type.as_str() {
            "application/pdf" => "document.pdf".to_owned(),
            _ => "document".to_owned(),
        }),
        (None, _) => None,
    };
    if let Some(name) = name {
        f.insert("filename".into(), json!(name));
    }
    Ok(json!({"type": "file", "file": f}))
}

/// One `tool_calls` entry: a function call with its arguments as a JSON string.
pub(crate) fn tool_call(id: &str, name: &str, arguments_json: &str) -> Value {
    json!({
        "id": id,
        "type": "function",
        "function": {"name": name, "arguments": arguments_json},
    })
}

/// `response_format` for a structured-output request.
pub(crate) fn render_format(format: &OutputFormat) -> Value {
    match format {
        OutputFormat::Json => json!({"type": "json_object"}),
        OutputFormat::JsonSchema {
            name,
            schema,
            strict,
        } => json!({
            "type": "json_schema",
            "json_schema": {"name": name, "schema": schema, "strict": strict},
        }),
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
