//! Responses request body → [`ChatRequest`] (rendering lives in `render`).
//!
//! `instructions` and leading `system`/`developer` messages become the system prompt; later ones
//! [`Role::System`] messages. `input` is a string (one user message) or an item list:
//! `message` items (text, image and file parts), `function_call` / `custom_tool_call` items
//! (merged with the assistant text before them into one assistant message),
//! `function_call_output` / `custom_tool_call_output` items (`Role::Tool` messages), and
//! `reasoning` items (dropped: their encrypted content means something only to OpenAI).
//!
//! What only OpenAI itself can serve is [`WireError::Unsupported`]: `previous_response_id`,
//! `conversation`, `background`, stored prompts, built-in tools (web search, file search,
//! computer use, …), their items, `item_reference`, file ids. A malformed item, or a tool output
//! whose `call_id` no earlier call has, is [`WireError::InvalidField`] / `MissingField`.
//! [`validate`] tells the two apart for the gateway: only the latter refuses a request that an
//! OpenAI backend could still serve natively.

use serde_json::Value;

use crate::cache::CacheHints;
use crate::canonical::{
    ChatRequest, Effort, FilePart, FileSource, Message, OutputFormat, Part, Reasoning, Role,
};
use crate::error::WireError;
use crate::json::{index, parse_body, Obj};
use crate::media::{file_from_url, image_from_url};

use super::custom_arguments;
use super::tools::{parse_tool_choice, parse_tools};

/// Parses a Responses request body.
pub fn parse_request(body: &[u8]) -> Result<ChatRequest, WireError> {
    parse_request_value(&parse_body(body)?)
}

/// Checks a Responses body the way translation reads it, but lets through what only OpenAI can
/// serve: `Ok` unless the body is malformed (a 400 whatever the backend).
pub fn validate(value: &Value) -> Result<(), WireError> {
    match parse_request_value(value) {
        Ok(_) | Err(WireError::Unsupported { .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Parses a Responses request already read as JSON.
pub fn parse_request_value(value: &Value) -> Result<ChatRequest, WireError> {
    let root = Obj::new(value, "")?;
    for key in ["previous_response_id", "conversation", "prompt"] {
        if root.get(key).is_some() {
            return Err(WireError::unsupported(
                key,
                "stored responses, conversations and prompts exist only at OpenAI",
            ));
        }
    }
    if root.bool("background")? == Some(true) {
        return Err(WireError::unsupported(
            "background",
            "background responses run only at OpenAI",
        ));
    }
    let mut messages = Vec::new();
    match root.req("input")? {
        Value::String(s) => messages.push(Message::text(Role::User, s.clone())),
        Value::Array(items) if items.is_empty() => {
            return Err(WireError::invalid("input", "must not be empty"))
        }
        Value::Array(items) => {
            let mut calls: Vec<String> = Vec::new();
            for (i, item) in items.iter().enumerate() {
                parse_item(
                    &Obj::new(item, index("input", i))?,
                    &mut calls,
                    &mut messages,
                )?;
            }
        }
        other => return Err(WireError::wrong_type("input", "string or array", other)),
    }
    let tools = parse_tools(&root)?;
    let text = root.obj("text")?;
    let mut req = ChatRequest {
        model: root.req_str("model")?.to_owned(),
        system: root
            .str("instructions")?
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        messages,
        max_tokens: root.u32("max_output_tokens")?,
        temperature: root.f64("temperature")?,
        top_p: root.f64("top_p")?,
        stop: Vec::new(),
        tools,
        tool_choice: parse_tool_choice(&root)?,
        stream: root.bool("stream")?.unwrap_or(false),
        user: match root.str("user")? {
            Some(u) => Some(u.to_owned()),
            None => root.str("safety_identifier")?.map(str::to_owned),
        },
        parallel_tool_calls: root.bool("parallel_tool_calls")?,
        reasoning: parse_reasoning(&root)?,
        format: match text.map(|t| t.obj("format")).transpose()?.flatten() {
            Some(f) => parse_format(&f)?,
            None => None,
        },
        cache: CacheHints {
            key: root.str("prompt_cache_key")?.map(str::to_owned),
            ..CacheHints::default()
        },
    };
    req.hoist_leading_system();
    req.settle_tool_results();
    Ok(req)
}

/// One input item into `out`; `calls` are the call ids seen so far.
fn parse_item(
    item: &Obj<'_>,
    calls: &mut Vec<String>,
    out: &mut Vec<Message>,
) -> Result<(), WireError> {
    let kind = match item.str("type")? {
        Some(kind) => kind,
        None if item.get("role").is_some() => "message",
        None => return Err(WireError::missing(item.path("type"))),
    };
    match kind {
        "message" => parse_message(item, out),
        "function_call" | "custom_tool_call" => {
            let call_id = item.req_str("call_id")?.to_owned();
            let arguments_json = if kind == "function_call" {
                item.req_str("arguments")?.to_owned()
            } else {
                custom_arguments(item.req_str("input")?)
            };
            calls.push(call_id.clone());
            push(
                out,
                Role::Assistant,
                Part::ToolCall {
                    id: call_id,
                    name: item.req_str("name")?.to_owned(),
                    arguments_json,
                },
            );
            Ok(())
        }
        "function_call_output" | "custom_tool_call_output" => {
            let call_id = item.req_str("call_id")?;
            if !calls.iter().any(|c| c == call_id) {
                return Err(WireError::invalid(
                    item.path("call_id"),
                    "no function_call with this call_id comes before it in `input`",
                ));
            }
            let (content, media) = output_content(item)?;
            push(
                out,
                Role::Tool,
                Part::ToolResult {
                    call_id: call_id.to_owned(),
                    content,
                    is_error: false,
                },
            );
            for part in media {
                push(out, Role::User, part);
            }
            Ok(())
        }
        "reasoning" => Ok(()),
        "item_reference" | "compaction" => Err(WireError::unsupported(
            item.path("type"),
            "stored items exist only at OpenAI",
        )),
        _ => Err(WireError::unsupported(
            item.path("type"),
            "this item belongs to an OpenAI built-in tool, which only OpenAI backends replay",
        )),
    }
}

/// Appends a part to the last message if it has `role`, else starts a message.
fn push(out: &mut Vec<Message>, role: Role, part: Part) {
    match out.last_mut() {
        Some(last) if last.role == role => last.content.push(part),
        _ => out.push(Message {
            role,
            content: vec![part],
        }),
    }
}

fn parse_message(item: &Obj<'_>, out: &mut Vec<Message>) -> Result<(), WireError> {
    let role = match item.req_str("role")? {
        "user" => Role::User,
        "assistant" => Role::Assistant,
        "system" | "developer" => Role::System,
        _ => {
            return Err(WireError::invalid(
                item.path("role"),
                "expected user, assistant, system or developer",
            ))
        }
    };
    let path = item.path("content");
    let parts = match item.req("content")? {
        Value::String(s) => vec![Part::Text(s.clone())],
        Value::Array(list) => list
            .iter()
            .enumerate()
            .map(|(i, p)| parse_part(&Obj::new(p, index(&path, i))?))
            .collect::<Result<Vec<_>, _>>()?,
        other => return Err(WireError::wrong_type(path, "string or array", other)),
    };
    if role == Role::System && parts.iter().any(|p| !matches!(p, Part::Text(_))) {
        return Err(WireError::unsupported(
            path,
            "system and developer messages carry text only",
        ));
    }
    for part in parts {
        push(out, role, part);
    }
    if !matches!(out.last(), Some(m) if m.role == role) {
        out.push(Message {
            role,
            content: Vec::new(),
        });
    }
    Ok(())
}

fn parse_part(p: &Obj<'_>) -> Result<Part, WireError> {
    match p.req_str("type")? {
        "input_text" | "output_text" | "text" => Ok(Part::Text(p.req_str("text")?.to_owned())),
        "refusal" => Ok(Part::Text(p.req_str("refusal")?.to_owned())),
        "input_image" => match (p.str("image_url")?, p.str("file_id")?) {
            (Some(url), _) => Ok(Part::Image(image_from_url(url))),
            (None, Some(_)) => Err(WireError::unsupported(
                p.path("file_id"),
                "a file id refers to a file stored at OpenAI",
            )),
            (None, None) => Err(WireError::missing(p.path("image_url"))),
        },
        "input_file" => {
            let source = match (p.str("file_data")?, p.str("file_url")?, p.str("file_id")?) {
                (Some(data), _, _) => match file_from_url(data) {
                    // Bare base64: the media type follows from the file name, else PDF.
                    FileSource::Url(raw) => FileSource::Base64 {
                        media_type: p
                            .str("filename")?
                            .and_then(crate::media::media_type_of)
                            .unwrap_or("application/pdf")
                            .to_owned(),
                        data: raw,
                    },
                    inline => inline,
                },
                (None, Some(url), _) => FileSource::Url(url.to_owned()),
                (None, None, Some(id)) => FileSource::Id(id.to_owned()),
                (None, None, None) => return Err(WireError::missing(p.path("file_data"))),
            };
            Ok(Part::File(FilePart {
                source,
                filename: p.str("filename")?.map(str::to_owned),
            }))
        }
        _ => Err(WireError::unsupported(
            p.path("type"),
            "content part type is not supported (input_text, input_image, input_file)",
        )),
    }
}

/// A tool output's text (a string, or its text parts joined with a newline), and its images
/// or files as separate parts.
fn output_content(item: &Obj<'_>) -> Result<(String, Vec<Part>), WireError> {
    let path = item.path("output");
    match item.req("output")? {
        Value::String(s) => Ok((s.clone(), Vec::new())),
        Value::Array(list) => {
            let mut texts = Vec::new();
            let mut media = Vec::new();
            for (i, p) in list.iter().enumerate() {
                match parse_part(&Obj::new(p, index(&path, i))?)? {
                    Part::Text(t) => texts.push(t),
                    other => media.push(other),
                }
            }
            Ok((texts.join("\n"), media))
        }
        other => Err(WireError::wrong_type(path, "string or array", other)),
    }
}

fn parse_reasoning(root: &Obj<'_>) -> Result<Option<Reasoning>, WireError> {
    let Some(r) = root.obj("reasoning")? else {
        return Ok(None);
    };
    match r.str("effort")? {
        None => Ok(None),
        Some(name) => Effort::parse(name)
            .map(|e| Some(Reasoning::effort(e)))
            .ok_or_else(|| {
                WireError::invalid(
                    r.path("effort"),
                    "expected none, minimal, low, medium, high or xhigh",
                )
            }),
    }
}

/// `text.format`: flat, unlike Chat Completions' `response_format`.
fn parse_format(f: &Obj<'_>) -> Result<Option<OutputFormat>, WireError> {
    crate::openai::format_by_type(f, || {
        Ok(OutputFormat::JsonSchema {
            name: f.str("name")?.unwrap_or("output").to_owned(),
            schema: f.req("schema")?.clone(),
            strict: f.bool("strict")?.unwrap_or(false),
        })
    })
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
