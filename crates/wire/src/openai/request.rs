//! OpenAI request body → [`ChatRequest`] (rendering lives in `render`).
//!
//! `system` and `developer` messages before the first other message become
//! `ChatRequest::system` (joined with a blank line); later ones stay in place as
//! [`Role::System`] messages. `max_completion_tokens` wins over the deprecated `max_tokens`.
//! Content may be a string or an array of `text`, `image_url`, `input_audio`, `file` and
//! `refusal` parts; `tool` messages become `Role::Tool` messages holding a `ToolResult`.
//! `reasoning_effort`, `response_format` and `parallel_tool_calls` map onto the canonical
//! options; `custom` tools become freeform tools. Other fields (`n`, `logprobs`, `seed`, …) are
//! dropped: they only matter to same-format forwarding.

use serde_json::{json, Value};

use crate::cache::CacheHints;
use crate::canonical::{
    ChatRequest, Effort, FilePart, FileSource, Message, OutputFormat, Part, Reasoning, Role, Tool,
    ToolChoice,
};
use crate::error::WireError;
use crate::json::{index, parse_body, string_or_list, Obj};
use crate::media::{file_from_url, image_from_url};

use super::format_by_type;

/// Parses an OpenAI Chat Completions request body.
pub fn parse_request(body: &[u8]) -> Result<ChatRequest, WireError> {
    parse_request_value(&parse_body(body)?)
}

/// Parses an OpenAI Chat Completions request already read as JSON.
pub fn parse_request_value(value: &Value) -> Result<ChatRequest, WireError> {
    let root = Obj::new(value, "")?;
    let list = root
        .arr("messages")?
        .ok_or_else(|| WireError::missing("messages"))?;
    let mut messages = Vec::new();
    for (i, m) in list.iter().enumerate() {
        let m = Obj::new(m, index("messages", i))?;
        parse_message(&m, &mut messages)?;
    }
    let tools = match root.arr("tools")? {
        None => Vec::new(),
        Some(list) => list
            .iter()
            .enumerate()
            .map(|(i, t)| parse_tool(&Obj::new(t, index("tools", i))?))
            .collect::<Result<_, _>>()?,
    };
    let reasoning = match root.str("reasoning_effort")? {
        None => None,
        Some(name) => Some(Reasoning::effort(Effort::parse(name).ok_or_else(|| {
            WireError::invalid(
                "reasoning_effort",
                "expected none, minimal, low, medium or high",
            )
        })?)),
    };
    if root.u32("n")?.is_some_and(|n| n > 1) {
        return Err(WireError::unsupported(
            "n",
            "several choices can only be asked of an OpenAI backend",
        ));
    }
    if list.is_empty() {
        return Err(WireError::invalid("messages", "must not be empty"));
    }
    let mut req = ChatRequest {
        model: root.req_str("model")?.to_owned(),
        system: None,
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
        parallel_tool_calls: root.bool("parallel_tool_calls")?,
        reasoning,
        format: match root.obj("response_format")? {
            Some(f) => parse_response_format(&f)?,
            None => None,
        },
        cache: CacheHints {
            key: root.str("prompt_cache_key")?.map(str::to_owned),
            ..CacheHints::default()
        },
    };
    req.hoist_leading_system();
    req.settle_tool_results();
    crate::cache::find_in_openai_chat(value, &mut req);
    Ok(req)
}

fn parse_message(m: &Obj<'_>, out: &mut Vec<Message>) -> Result<(), WireError> {
    match m.req_str("role")? {
        "system" | "developer" => {
            let text = texts_only(m, "content")?.join("\n\n");
            if !text.is_empty() {
                out.push(Message::text(Role::System, text));
            }
        }
        "user" => out.push(Message {
            role: Role::User,
            content: parse_parts(m, "content")?,
        }),
        "assistant" => {
            let mut content = parse_parts(m, "content")?;
            if let Some(refusal) = m.str("refusal")? {
                content.push(Part::Text(refusal.to_owned()));
            }
            for (i, call) in m.arr("tool_calls")?.into_iter().flatten().enumerate() {
                let call = Obj::new(call, index(&m.path("tool_calls"), i))?;
                content.push(parse_tool_call(&call)?);
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

/// One entry of an assistant's `tool_calls`: a `function` call, or a `custom` (freeform) call
/// whose input becomes the arguments `{"input": …}`.
fn parse_tool_call(call: &Obj<'_>) -> Result<Part, WireError> {
    let id = call.req_str("id")?.to_owned();
    if let Some(custom) = call.obj("custom")? {
        return Ok(Part::ToolCall {
            id,
            name: custom.req_str("name")?.to_owned(),
            arguments_json: json!({"input": custom.str("input")?.unwrap_or_default()}).to_string(),
        });
    }
    let function = call
        .obj("function")?
        .ok_or_else(|| WireError::missing(call.path("function")))?;
    let arguments_json = match function.get("arguments") {
        None => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    Ok(Part::ToolCall {
        id,
        name: function.req_str("name")?.to_owned(),
        arguments_json,
    })
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
        "input_audio" => {
            let audio = p
                .obj("input_audio")?
                .ok_or_else(|| WireError::missing(p.path("input_audio")))?;
            Ok(Part::Audio {
                format: audio.req_str("format")?.to_owned(),
                data: audio.req_str("data")?.to_owned(),
            })
        }
        "file" => {
            let file = p
                .obj("file")?
                .ok_or_else(|| WireError::missing(p.path("file")))?;
            let source = match (file.str("file_data")?, file.str("file_id")?) {
                (Some(data), _) => match file_from_url(data) {
                    FileSource::Url(_) => {
                        return Err(WireError::invalid(
                            file.path("file_data"),
                            "expected a base64 data: URL",
                        ))
                    }
                    inline => inline,
                },
                (None, Some(id)) => FileSource::Id(id.to_owned()),
                (None, None) => return Err(WireError::missing(file.path("file_data"))),
            };
            Ok(Part::File(FilePart {
                source,
                filename: file.str("filename")?.map(str::to_owned),
            }))
        }
        _ => Err(WireError::unsupported(
            p.path("type"),
            "content part type is not supported (text, image_url, input_audio, file)",
        )),
    }
}

fn parse_tool(t: &Obj<'_>) -> Result<Tool, WireError> {
    match t.str("type")?.unwrap_or("function") {
        "function" => {
            let f = t
                .obj("function")?
                .ok_or_else(|| WireError::missing(t.path("function")))?;
            Ok(Tool::function(
                f.req_str("name")?,
                f.str("description")?.map(str::to_owned),
                f.get("parameters")
                    .cloned()
                    .unwrap_or_else(|| json!({"type": "object", "properties": {}})),
            ))
        }
        "custom" => {
            let c = t
                .obj("custom")?
                .ok_or_else(|| WireError::missing(t.path("custom")))?;
            Ok(Tool::freeform(
                c.req_str("name")?,
                c.str("description")?.map(str::to_owned),
            ))
        }
        _ => Err(WireError::unsupported(
            t.path("type"),
            "only function and custom tools are supported",
        )),
    }
}

fn parse_tool_choice(root: &Obj<'_>) -> Result<Option<ToolChoice>, WireError> {
    let choice = match root.get("tool_choice") {
        None => return Ok(None),
        Some(Value::String(s)) => crate::openai::tool_choice_keyword(s).ok_or_else(|| {
            WireError::invalid(
                "tool_choice",
                "expected auto, none, required or a function object",
            )
        })?,
        Some(_) => {
            let obj = root
                .obj("tool_choice")?
                .ok_or_else(|| WireError::missing("tool_choice"))?;
            let named = match obj.obj("function")? {
                Some(f) => f,
                None => obj
                    .obj("custom")?
                    .ok_or_else(|| WireError::missing(obj.path("function")))?,
            };
            ToolChoice::Named(named.req_str("name")?.to_owned())
        }
    };
    Ok(Some(choice))
}

/// What translation leaves out of a Chat Completions body: the fields it does not read
/// (`n`, `seed`, `logprobs`, …), listed at debug level by the gateway.
pub fn dropped_fields(value: &Value) -> Vec<String> {
    crate::json::unknown_keys(value, READ)
}

/// Top-level fields translation reads.
const READ: &[&str] = &[
    "model",
    "messages",
    "max_tokens",
    "max_completion_tokens",
    "temperature",
    "top_p",
    "stop",
    "tools",
    "tool_choice",
    "stream",
    "stream_options",
    "user",
    "parallel_tool_calls",
    "reasoning_effort",
    "response_format",
    "prompt_cache_key",
];

/// `response_format`: `text` (no constraint), `json_object`, or `json_schema` with its
/// `json_schema: {name, schema, strict}`.
pub(crate) fn parse_response_format(f: &Obj<'_>) -> Result<Option<OutputFormat>, WireError> {
    format_by_type(f, || {
        let s = f
            .obj("json_schema")?
            .ok_or_else(|| WireError::missing(f.path("json_schema")))?;
        Ok(OutputFormat::JsonSchema {
            name: s.str("name")?.unwrap_or("output").to_owned(),
            schema: s.get("schema").cloned().unwrap_or_else(|| json!({})),
            strict: s.bool("strict")?.unwrap_or(false),
        })
    })
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
