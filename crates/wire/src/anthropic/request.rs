//! Anthropic request body → [`ChatRequest`] (rendering lives in `render`).
//!
//! `max_tokens` is required, as the API requires it. `system` may be a string or text blocks
//! (joined with a blank line). A user message's `tool_result` blocks become `Role::Tool`
//! messages and its other blocks `Role::User` messages, in order, so the canonical conversation
//! never mixes the two. `thinking` / `redacted_thinking` blocks are dropped (no other format can
//! replay them); documents, server tools and other block types are unsupported.
//! `metadata.user_id` becomes `user`; `top_k` and other extras are dropped.

use serde_json::Value;

use crate::canonical::{ChatRequest, ImageSource, Message, Part, Role, Tool, ToolChoice};
use crate::error::WireError;
use crate::json::{index, parse_body, string_or_list, Obj};

/// Parses an Anthropic Messages request body.
pub fn parse_request(body: &[u8]) -> Result<ChatRequest, WireError> {
    let value = parse_body(body)?;
    let root = Obj::new(&value, "")?;
    let model = root.req_str("model")?.to_owned();
    let max_tokens = root
        .u32("max_tokens")?
        .ok_or_else(|| WireError::missing("max_tokens"))?;
    let list = root
        .arr("messages")?
        .ok_or_else(|| WireError::missing("messages"))?;
    let mut messages = Vec::new();
    for (i, m) in list.iter().enumerate() {
        parse_message(&Obj::new(m, index("messages", i))?, &mut messages)?;
    }
    let tools = match root.arr("tools")? {
        None => Vec::new(),
        Some(list) => list
            .iter()
            .enumerate()
            .map(|(i, t)| parse_tool(&Obj::new(t, index("tools", i))?))
            .collect::<Result<_, _>>()?,
    };
    let user = match root.obj("metadata")? {
        Some(meta) => meta.str("user_id")?.map(str::to_owned),
        None => None,
    };
    Ok(ChatRequest {
        model,
        system: parse_system(&root)?,
        messages,
        max_tokens: Some(max_tokens),
        temperature: root.f64("temperature")?,
        top_p: root.f64("top_p")?,
        stop: string_or_list(root.get("stop_sequences"), "stop_sequences")?,
        tools,
        tool_choice: parse_tool_choice(&root)?,
        stream: root.bool("stream")?.unwrap_or(false),
        user,
    })
}

fn parse_system(root: &Obj<'_>) -> Result<Option<String>, WireError> {
    let text = match root.get("system") {
        None => return Ok(None),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(blocks)) => {
            let mut texts = Vec::new();
            for (i, b) in blocks.iter().enumerate() {
                let b = Obj::new(b, index("system", i))?;
                if b.req_str("type")? != "text" {
                    return Err(WireError::unsupported(
                        b.path("type"),
                        "system blocks must be text",
                    ));
                }
                texts.push(b.req_str("text")?);
            }
            texts.join("\n\n")
        }
        Some(other) => return Err(WireError::wrong_type("system", "string or array", other)),
    };
    Ok((!text.is_empty()).then_some(text))
}

fn parse_message(m: &Obj<'_>, out: &mut Vec<Message>) -> Result<(), WireError> {
    let role = match m.req_str("role")? {
        "user" => Role::User,
        "assistant" => Role::Assistant,
        _ => {
            return Err(WireError::invalid(
                m.path("role"),
                "expected user or assistant",
            ))
        }
    };
    let path = m.path("content");
    let parts = match m.req("content")? {
        Value::String(s) => vec![Part::Text(s.clone())],
        Value::Array(blocks) => {
            let mut parts = Vec::new();
            for (i, b) in blocks.iter().enumerate() {
                if let Some(part) = parse_block(&Obj::new(b, index(&path, i))?, role)? {
                    parts.push(part);
                }
            }
            parts
        }
        other => return Err(WireError::wrong_type(path, "string or array", other)),
    };
    // Split into runs: tool results form Role::Tool messages, everything else keeps `role`.
    let mut runs: Vec<Message> = Vec::new();
    for part in parts {
        let part_role = match part {
            Part::ToolResult { .. } => Role::Tool,
            _ => role,
        };
        match runs.last_mut() {
            Some(last) if last.role == part_role => last.content.push(part),
            _ => runs.push(Message {
                role: part_role,
                content: vec![part],
            }),
        }
    }
    if runs.is_empty() {
        runs.push(Message {
            role,
            content: Vec::new(),
        });
    }
    out.extend(runs);
    Ok(())
}

fn parse_block(b: &Obj<'_>, role: Role) -> Result<Option<Part>, WireError> {
    let part = match b.req_str("type")? {
        "text" => Part::Text(b.req_str("text")?.to_owned()),
        "image" => {
            let source = b
                .obj("source")?
                .ok_or_else(|| WireError::missing(b.path("source")))?;
            Part::Image(match source.req_str("type")? {
                "base64" => ImageSource::Base64 {
                    media_type: source.req_str("media_type")?.to_owned(),
                    data: source.req_str("data")?.to_owned(),
                },
                "url" => ImageSource::Url(source.req_str("url")?.to_owned()),
                _ => {
                    return Err(WireError::unsupported(
                        source.path("type"),
                        "image source must be base64 or url",
                    ))
                }
            })
        }
        "tool_use" => Part::ToolCall {
            id: b.req_str("id")?.to_owned(),
            name: b.req_str("name")?.to_owned(),
            arguments_json: b
                .get("input")
                .map_or_else(|| "{}".to_owned(), Value::to_string),
        },
        "tool_result" if role == Role::User => Part::ToolResult {
            call_id: b.req_str("tool_use_id")?.to_owned(),
            content: tool_result_text(b)?,
            is_error: b.bool("is_error")?.unwrap_or(false),
        },
        "tool_result" => {
            return Err(WireError::invalid(
                b.path("type"),
                "tool_result blocks belong in user messages",
            ))
        }
        "thinking" | "redacted_thinking" => return Ok(None),
        _ => {
            return Err(WireError::unsupported(
                b.path("type"),
                "content block type is not supported (only text, image, tool_use, tool_result)",
            ))
        }
    };
    Ok(Some(part))
}

/// A tool result's content: a string, or text blocks joined with a newline.
fn tool_result_text(b: &Obj<'_>) -> Result<String, WireError> {
    let path = b.path("content");
    match b.get("content") {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Array(blocks)) => {
            let mut texts = Vec::new();
            for (i, block) in blocks.iter().enumerate() {
                let block = Obj::new(block, index(&path, i))?;
                if block.req_str("type")? != "text" {
                    return Err(WireError::unsupported(
                        block.path("type"),
                        "tool results can only carry text across formats",
                    ));
                }
                texts.push(block.req_str("text")?);
            }
            Ok(texts.join("\n"))
        }
        Some(other) => Err(WireError::wrong_type(path, "string or array", other)),
    }
}

fn parse_tool(t: &Obj<'_>) -> Result<Tool, WireError> {
    if t.str("type")?.is_some_and(|kind| kind != "custom") {
        return Err(WireError::unsupported(
            t.path("type"),
            "server tools cannot be translated; only custom tools with input_schema",
        ));
    }
    Ok(Tool {
        name: t.req_str("name")?.to_owned(),
        description: t.str("description")?.map(str::to_owned),
        parameters: t.req("input_schema")?.clone(),
    })
}

fn parse_tool_choice(root: &Obj<'_>) -> Result<Option<ToolChoice>, WireError> {
    let Some(choice) = root.obj("tool_choice")? else {
        return Ok(None);
    };
    let parsed = match choice.req_str("type")? {
        "auto" => ToolChoice::Auto,
        "any" => ToolChoice::Required,
        "none" => ToolChoice::None,
        "tool" => ToolChoice::Named(choice.req_str("name")?.to_owned()),
        _ => {
            return Err(WireError::invalid(
                choice.path("type"),
                "expected auto, any, none or tool",
            ))
        }
    };
    Ok(Some(parsed))
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
