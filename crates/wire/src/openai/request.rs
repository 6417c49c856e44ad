//! OpenAI request body → [`ChatRequest`] (rendering lives in `render`).
//!
//! `system` and `developer` messages (wherever they appear) are lifted into
//! `ChatRequest::system`, joined with a blank line; `max_completion_tokens` wins over the
//! deprecated `max_tokens`; content may be a string or an array of `text` / `image_url` parts
//! (audio and file parts are unsupported); `tool` messages become `Role::Tool` messages holding a
//! `ToolResult`; an assistant `refusal` is kept as text. Unknown fields (`n`, `logprobs`,
//! `response_format`, …) are dropped: they only matter to same-format forwarding.

use serde_json::{json, Value};

use crate::canonical::{ChatRequest, ImageSource, Message, Part, Role, Tool, ToolChoice};
use crate::error::WireError;
use crate::json::{index, parse_body, string_or_list, Obj};

/// Parses an OpenAI Chat Completions request body.
pub fn parse_request(body: &[u8]) -> Result<ChatRequest, WireError> {
    let value = parse_body(body)?;
    let root = Obj::new(&value, "")?;
    let mut system = Vec::new();
    let mut messages = Vec::new();
    let list = root
        .arr("messages")?
        .ok_or_else(|| WireError::missing("messages"))?;
    for (i, m) in list.iter().enumerate() {
        let m = Obj::new(m, index("messages", i))?;
        parse_message(&m, &mut system, &mut messages)?;
    }
    let tools = match root.arr("tools")? {
        None => Vec::new(),
        Some(list) => list
            .iter()
            .enumerate()
            .map(|(i, t)| parse_tool(&Obj::new(t, index("tools", i))?))
            .collect::<Result<_, _>>()?,
    };
    Ok(ChatRequest {
        model: root.req_str("model")?.to_owned(),
        system: (!system.is_empty()).then(|| system.join("\n\n")),
        messages,
        max_tokens: match root.u32("max_completion_tokens")? {
            Some(n) => Some(n),
            None => root.u32("max_tokens")?,
        },
        temperature: root.f64("temperature")?,
        top_p: root.f64("top_p")?,
        stop: string_or_list(root.get("stop"), "stop")?,
        tools,
        tool_choice: parse_tool_choice(&root)?,
        stream: root.bool("stream")?.unwrap_or(false),
        user: root.str("user")?.map(str::to_owned),
    })
}

fn parse_message(
    m: &Obj<'_>,
    system: &mut Vec<String>,
    out: &mut Vec<Message>,
) -> Result<(), WireError> {
    match m.req_str("role")? {
        "system" | "developer" => {
            let text = texts_only(m, "content")?.join("\n\n");
            if !text.is_empty() {
                system.push(text);
            }
        }
        "user" => out.push(Message {
            role: Role::User,
            content: parse_content(m)?,
        }),
        "assistant" => {
            let mut content = parse_content(m)?;
            if let Some(refusal) = m.str("refusal")? {
                content.push(Part::Text(refusal.to_owned()));
            }
            for (i, call) in m.arr("tool_calls")?.into_iter().flatten().enumerate() {
                let call = Obj::new(call, index(&m.path("tool_calls"), i))?;
                let function = call
                    .obj("function")?
                    .ok_or_else(|| WireError::missing(call.path("function")))?;
                let arguments_json = match function.get("arguments") {
                    None => String::new(),
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                };
                content.push(Part::ToolCall {
                    id: call.req_str("id")?.to_owned(),
                    name: function.req_str("name")?.to_owned(),
                    arguments_json,
                });
            }
            out.push(Message {
                role: Role::Assistant,
                content,
            });
        }
        "tool" => out.push(Message {
            role: Role::Tool,
            content: vec![Part::ToolResult {
                call_id: m.req_str("tool_call_id")?.to_owned(),
                content: texts_only(m, "content")?.join("\n"),
                is_error: false,
            }],
        }),
        "function" => {
            return Err(WireError::unsupported(
                m.path("role"),
                "legacy `function` messages are not supported; use `tool`",
            ))
        }
        _ => {
            return Err(WireError::invalid(
                m.path("role"),
                "expected one of system, developer, user, assistant, tool",
            ))
        }
    }
    Ok(())
}

/// Content of a message that may only hold text (system, developer, tool).
fn texts_only(m: &Obj<'_>, key: &str) -> Result<Vec<String>, WireError> {
    parse_parts(m, key)?
        .into_iter()
        .enumerate()
        .map(|(i, p)| match p {
            Part::Text(t) => Ok(t),
            _ => Err(WireError::unsupported(
                index(&m.path(key), i),
                "only text parts are allowed here",
            )),
        })
        .collect()
}

fn parse_content(m: &Obj<'_>) -> Result<Vec<Part>, WireError> {
    parse_parts(m, "content")
}

fn parse_parts(m: &Obj<'_>, key: &str) -> Result<Vec<Part>, WireError> {
    let path = m.path(key);
    match m.get(key) {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![Part::Text(s.clone())]),
        Some(Value::Array(parts)) => parts
            .iter()
            .enumerate()
            .map(|(i, p)| parse_part(&Obj::new(p, index(&path, i))?))
            .collect(),
        Some(other) => Err(WireError::wrong_type(path, "string or array", other)),
    }
}

fn parse_part(p: &Obj<'_>) -> Result<Part, WireError> {
    match p.req_str("type")? {
        "text" => Ok(Part::Text(p.req_str("text")?.to_owned())),
        "refusal" => Ok(Part::Text(p.req_str("refusal")?.to_owned())),
        "image_url" => {
            let url = match p.req("image_url")? {
                Value::String(url) => url.as_str(),
                _ => p
                    .obj("image_url")?
                    .ok_or_else(|| WireError::missing(p.path("image_url")))?
                    .req_str("url")?,
            };
            Ok(Part::Image(image_from_url(url)))
        }
        _ => Err(WireError::unsupported(
            p.path("type"),
            "content part type is not supported (only text and image_url)",
        )),
    }
}

/// `data:image/png;base64,AAAA` becomes inline data; anything else stays a URL.
fn image_from_url(url: &str) -> ImageSource {
    if let Some(rest) = url.strip_prefix("data:") {
        if let Some((meta, data)) = rest.split_once(',') {
            if let Some(media_type) = meta.strip_suffix(";base64") {
                return ImageSource::Base64 {
                    media_type: media_type.to_owned(),
                    data: data.to_owned(),
                };
            }
        }
    }
    ImageSource::Url(url.to_owned())
}

fn parse_tool(t: &Obj<'_>) -> Result<Tool, WireError> {
    if t.str("type")?.is_some_and(|kind| kind != "function") {
        return Err(WireError::unsupported(
            t.path("type"),
            "only function tools are supported",
        ));
    }
    let f = t
        .obj("function")?
        .ok_or_else(|| WireError::missing(t.path("function")))?;
    Ok(Tool {
        name: f.req_str("name")?.to_owned(),
        description: f.str("description")?.map(str::to_owned),
        parameters: f
            .get("parameters")
            .cloned()
            .unwrap_or_else(|| json!({"type": "object", "properties": {}})),
    })
}

fn parse_tool_choice(root: &Obj<'_>) -> Result<Option<ToolChoice>, WireError> {
    let choice = match root.get("tool_choice") {
        None => return Ok(None),
        Some(Value::String(s)) => match s.as_str() {
            "auto" => ToolChoice::Auto,
            "none" => ToolChoice::None,
            "required" => ToolChoice::Required,
            _ => {
                return Err(WireError::invalid(
                    "tool_choice",
                    "expected auto, none, required or a function object",
                ))
            }
        },
        Some(_) => {
            let obj = root
                .obj("tool_choice")?
                .ok_or_else(|| WireError::missing("tool_choice"))?;
            let f = obj
                .obj("function")?
                .ok_or_else(|| WireError::missing(obj.path("function")))?;
            ToolChoice::Named(f.req_str("name")?.to_owned())
        }
    };
    Ok(Some(choice))
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
