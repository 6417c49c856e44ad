//! [`ChatRequest`] → Responses request body, for backends reached through `/v1/responses`
//! (OpenAI models that only the Responses API serves, such as the `*-codex` and `*-pro` ones).
//!
//! The system prompt becomes `instructions`, later system messages `developer` messages in
//! place. User content becomes `input_text` / `input_image` / `input_file` parts, assistant
//! text an `output_text` message, tool calls `function_call` items (`custom_tool_call` for
//! freeform tools), tool results `function_call_output` items. `max_output_tokens` is at least
//! 16 (the API's minimum). `store` is always false: Switchyard keeps no state at the provider,
//! and every request carries its whole conversation. Audio cannot be sent: an error, so the
//! gateway skips the backend.

use serde_json::{json, Map, Value};

use crate::cache::CacheMarkers;
use crate::canonical::{
    ChatRequest, Effort, FileSource, ImageSource, Message, OutputFormat, Part, Role, Tool,
    ToolChoice,
};
use crate::error::WireError;
use crate::json::index;
use crate::media::data_url;

use super::custom_input;

/// The smallest `max_output_tokens` the Responses API accepts.
const MIN_OUTPUT_TOKENS: u32 = 16;

/// Renders a Responses request body.
pub fn render_request(req: &ChatRequest) -> Result<Value, WireError> {
    render_request_with(req, CacheMarkers::default())
}

/// [`render_request`] for a backend that takes the caching hints `markers` allows: only the
/// caller's `prompt_cache_key` exists in this format (see [`crate::cache`]).
pub fn render_request_with(req: &ChatRequest, markers: CacheMarkers) -> Result<Value, WireError> {
    let mut calls = Calls {
        custom_tools: req.custom_tool_names(),
        custom_calls: Vec::new(),
    };
    let mut input = Vec::new();
    for (i, m) in req.messages.iter().enumerate() {
        render_message(m, &index("messages", i), &mut calls, &mut input)?;
    }
    let mut body = Map::new();
    body.insert("model".into(), json!(req.model));
    if let Some(system) = req.system.as_deref().filter(|s| !s.is_empty()) {
        body.insert("instructions".into(), json!(system));
    }
    body.insert("input".into(), Value::Array(input));
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(v) = value {
            body.insert(key.into(), v);
        }
    };
    put(
        "max_output_tokens",
        req.max_tokens.map(|n| json!(n.max(MIN_OUTPUT_TOKENS))),
    );
    put("temperature", req.temperature.map(Value::from));
    put("top_p", req.top_p.map(Value::from));
    if !req.tools.is_empty() {
        put("tools", Some(req.tools.iter().map(render_tool).collect()));
        put(
            "tool_choice",
            req.tool_choice
                .as_ref()
                .map(|c| render_tool_choice(c, &req.tools)),
        );
        put(
            "parallel_tool_calls",
            req.parallel_tool_calls.map(Value::Bool),
        );
    }
    put(
        "reasoning",
        req.reasoning
            .filter(|r| r.effort != Effort::None)
            .map(|r| json!({"effort": r.effort.openai_name()})),
    );
    put(
        "text",
        req.format
            .as_ref()
            .map(|f| json!({"format": render_format(f)})),
    );
    put("user", crate::openai::end_user(req.user.as_ref()));
    put("prompt_cache_key", req.cache.key_for(markers));
    put("store", Some(json!(false)));
    put("stream", Some(json!(req.stream)));
    Ok(Value::Object(body))
}

/// Which tools are freeform, and which calls so far were to them: their results must be
/// `custom_tool_call_output` items.
struct Calls {
    custom_tools: Vec<String>,
    custom_calls: Vec<String>,
}

fn render_message(
    m: &Message,
    path: &str,
    calls: &mut Calls,
    out: &mut Vec<Value>,
) -> Result<(), WireError> {
    match m.role {
        Role::System => {
            let text = m.joined_text();
            if !text.is_empty() {
                out.push(json!({"type": "message", "role": "developer", "content": text}));
            }
        }
        Role::User | Role::Tool => {
            let mut parts = Vec::new();
            for (j, part) in m.content.iter().enumerate() {
                let part_path = index(&format!("{path}.content"), j);
                match part {
                    Part::ToolResult {
                        call_id, content, ..
                    } => {
                        flush_user(&mut parts, out);
                        let kind = if calls.custom_calls.contains(call_id) {
                            "custom_tool_call_output"
                        } else {
                            "function_call_output"
                        };
                        out.push(json!({"type": kind, "call_id": call_id, "output": content}));
                    }
                    Part::ToolCall { .. } => {}
                    other => {
                        if let Some(p) = render_user_part(other, &part_path)? {
                            parts.push(p);
                        }
                    }
                }
            }
            flush_user(&mut parts, out);
        }
        Role::Assistant => {
            let mut text = String::new();
            for part in &m.content {
                match part {
                    Part::Text(t) => text.push_str(t),
                    Part::ToolCall {
                        id,
                        name,
                        arguments_json,
                    } => {
                        flush_assistant(&mut text, out);
                        let custom = calls.custom_tools.contains(name);
                        if custom {
                            calls.custom_calls.push(id.clone());
                        }
                        out.push(if custom {
                            json!({"type": "custom_tool_call", "call_id": id, "name": name,
                                   "input": custom_input(arguments_json)})
                        } else {
                            json!({"type": "function_call", "call_id": id, "name": name,
                                   "arguments": arguments_json})
                        });
                    }
                    _ => {}
                }
            }
            flush_assistant(&mut text, out);
        }
    }
    Ok(())
}

fn flush_user(parts: &mut Vec<Value>, out: &mut Vec<Value>) {
    if !parts.is_empty() {
        out.push(json!({"type": "message", "role": "user", "content": std::mem::take(parts)}));
    }
}

fn flush_assistant(text: &mut String, out: &mut Vec<Value>) {
    if !text.is_empty() {
        out.push(json!({
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": std::mem::take(text)}],
        }));
    }
}

fn render_user_part(part: &Part, path: &str) -> Result<Option<Value>, WireError> {
    Ok(Some(match part {
        Part::Text(t) if t.is_empty() => return Ok(None),
        Part::Text(t) => json!({"type": "input_text", "text": t}),
        Part::Image(ImageSource::Base64 { media_type, data }) => {
            json!({"type": "input_image", "image_url": data_url(media_type, data), "detail": "auto"})
        }
        Part::Image(ImageSource::Url(url)) => {
            json!({"type": "input_image", "image_url": url, "detail": "auto"})
        }
        Part::File(file) => {
            let mut f = match &file.source {
                FileSource::Base64 { media_type, data } => {
                    json!({"type": "input_file", "file_data": data_url(media_type, data)})
                }
                FileSource::Url(url) => json!({"type": "input_file", "file_url": url}),
                FileSource::Id(id) => json!({"type": "input_file", "file_id": id}),
                FileSource::Text(text) => {
                    return Ok(Some(json!({"type": "input_text", "text": text})))
                }
            };
            if let Some(name) = &file.filename {
                f["filename"] = json!(name);
            }
            f
        }
        Part::Audio { .. } => {
            return Err(WireError::unsupported(
                path,
                "audio input cannot be sent through the Responses API",
            ))
        }
        Part::ToolCall { .. } | Part::ToolResult { .. } => return Ok(None),
    }))
}

fn render_tool(tool: &Tool) -> Value {
    if tool.custom {
        let mut t = json!({"type": "custom", "name": tool.name});
        if let Some(d) = &tool.description {
            t["description"] = json!(d);
        }
        return t;
    }
    let mut t = json!({"type": "function", "name": tool.name, "parameters": tool.parameters});
    if let Some(d) = &tool.description {
        t["description"] = json!(d);
    }
    t
}

fn render_tool_choice(choice: &ToolChoice, tools: &[Tool]) -> Value {
    match choice {
        ToolChoice::Auto => json!("auto"),
        ToolChoice::None => json!("none"),
        ToolChoice::Required => json!("required"),
        ToolChoice::Named(name) => {
            let custom = tools.iter().any(|t| t.custom && &t.name == name);
            json!({"type": if custom { "custom" } else { "function" }, "name": name})
        }
    }
}

/// `text.format` (flat).
pub(crate) fn render_format(format: &OutputFormat) -> Value {
    match format {
        OutputFormat::Json => json!({"type": "json_object"}),
        OutputFormat::JsonSchema {
            name,
            schema,
            strict,
        } => json!({"type": "json_schema", "name": name, "schema": schema, "strict": strict}),
    }
}

#[cfg(test)]
#[path = "render_tests.rs"]
mod tests;
