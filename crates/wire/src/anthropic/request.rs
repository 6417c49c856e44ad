//! Anthropic request body → [`ChatRequest`] (rendering lives in `render`).
//!
//! Accepts everything the current Messages API accepts, and maps what other formats can carry:
//! - `max_tokens` is required, as the API requires it. `system` may be a string or text blocks
//!   (joined with a blank line); `system`-role messages inside `messages` (Claude Code sends
//!   them) become [`Role::System`] messages, or the system prompt when they lead.
//! - A user message's `tool_result` blocks become `Role::Tool` messages and its other blocks
//!   `Role::User` messages, in order. A tool result's text is kept; images or documents inside it
//!   follow as a user message (no other format takes them inside a tool result).
//! - Blocks: `text`, `image`, `document` (base64, text, URL, content blocks, file id),
//!   `search_result` (as text), `tool_use`, `tool_result`. `thinking`, `redacted_thinking` and
//!   server-tool blocks in the history (`server_tool_use`, `*_tool_result`, `mcp_*`,
//!   `container_upload`) are dropped: they are the provider's own records, which no other
//!   backend can replay. `citations` are ignored. `cache_control` on system blocks, tools and
//!   message blocks becomes [`CacheHints`] breakpoints (see [`crate::cache`] for where they
//!   are written): a marked block marks the canonical message that ends up holding it (after
//!   hoisting and settling), so the breakpoint still ends the same prefix.
//! - `thinking` (`enabled` with `budget_tokens`, `adaptive`, `disabled`) and
//!   `output_config.effort` become [`Reasoning`]; `output_config.format` (and the older
//!   `output_format`) a JSON-schema [`OutputFormat`]; `tool_choice.disable_parallel_tool_use`
//!   `parallel_tool_calls: false`; `metadata.user_id` `user`.
//! - Custom tools (no `type`, or `custom`) become function tools; server tools
//!   (`web_search_…`, `bash_…`, `code_execution_…`, …) are unsupported outside Anthropic.
//! - `top_k`, `context_management`, `container`, `mcp_servers`, `service_tier` are dropped.

use serde_json::{json, Value};

use crate::cache::CacheHints;
use crate::canonical::{ChatRequest, Message, Part, Role, Tool, ToolChoice};
use crate::conversation::split_tool_results;
use crate::error::WireError;
use crate::json::{index, parse_body, string_or_list, Obj};

use super::blocks::{
    parse_document, parse_image, search_result_text, text_blocks, tool_result_content,
};
use super::options::{parse_format, parse_reasoning};

/// Parses an Anthropic Messages request body.
pub fn parse_request(body: &[u8]) -> Result<ChatRequest, WireError> {
    parse_request_value(&parse_body(body)?)
}

/// Parses an Anthropic Messages request already read as JSON.
pub fn parse_request_value(value: &Value) -> Result<ChatRequest, WireError> {
    let root = Obj::new(value, "")?;
    let model = root.req_str("model")?.to_owned();
    let max_tokens = root
        .u32("max_tokens")?
        .ok_or_else(|| WireError::missing("max_tokens"))?;
    let mut req = parse_conversation(&root, model)?;
    req.max_tokens = Some(max_tokens);
    Ok(req)
}

/// Everything but `max_tokens`.
fn parse_conversation(root: &Obj<'_>, model: String) -> Result<ChatRequest, WireError> {
    let list = root
        .arr("messages")?
        .ok_or_else(|| WireError::missing("messages"))?;
    if list.is_empty() {
        return Err(WireError::invalid("messages", "must not be empty"));
    }
    let mut messages = Vec::new();
    for (i, m) in list.iter().enumerate() {
        parse_message(&Obj::new(m, index("messages", i))?, &mut messages)?;
    }
    let (tools, marked_tools) = parse_tools(root)?;
    let user = match root.obj("metadata")? {
        Some(meta) => meta.str("user_id")?.map(str::to_owned),
        None => None,
    };
    let (tool_choice, parallel_tool_calls) = parse_tool_choice(root)?;
    let output_config = root.obj("output_config")?;
    let mut req = ChatRequest {
        model,
        system: parse_system(root)?,
        messages,
        max_tokens: None,
        temperature: root.f64("temperature")?,
        top_p: root.f64("top_p")?,
        stop: string_or_list(root.get("stop_sequences"), "stop_sequences")?,
        tools,
        tool_choice,
        stream: root.bool("stream")?.unwrap_or(false),
        user,
        parallel_tool_calls,
        reasoning: parse_reasoning(root, output_config.as_ref())?,
        format: parse_format(root, output_config.as_ref())?,
        cache: CacheHints {
            tools: marked_tools,
            ..CacheHints::default()
        },
    };
    req.hoist_leading_system();
    req.settle_tool_results();
    super::cache_marks::find(root, &mut req);
    Ok(req)
}

fn parse_system(root: &Obj<'_>) -> Result<Option<String>, WireError> {
    let text = match root.get("system") {
        None => return Ok(None),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(blocks)) => text_blocks(blocks, "system")?,
        Some(other) => return Err(WireError::wrong_type("system", "string or array", other)),
    };
    Ok((!text.is_empty()).then_some(text))
}

fn parse_message(m: &Obj<'_>, out: &mut Vec<Message>) -> Result<(), WireError> {
    let path = m.path("content");
    let role = match m.req_str("role")? {
        "user" => Role::User,
        "assistant" => Role::Assistant,
        "system" => {
            let text = match m.req("content")? {
                Value::String(s) => s.clone(),
                Value::Array(blocks) => text_blocks(blocks, &path)?,
                other => return Err(WireError::wrong_type(path, "string or array", other)),
            };
            if !text.is_empty() {
                out.push(Message::text(Role::System, text));
            }
            return Ok(());
        }
        _ => {
            return Err(WireError::invalid(
                m.path("role"),
                "expected user, assistant or system",
            ))
        }
    };
    let mut parts = Vec::new();
    match m.req("content")? {
        Value::String(s) => parts.push(Part::Text(s.clone())),
        Value::Array(blocks) => {
            for (i, b) in blocks.iter().enumerate() {
                parse_block(&Obj::new(b, index(&path, i))?, role, &mut parts)?;
            }
        }
        other => return Err(WireError::wrong_type(path, "string or array", other)),
    }
    let mut runs = split_tool_results(role, parts);
    if runs.is_empty() {
        runs.push(Message {
            role,
            content: Vec::new(),
        });
    }
    out.extend(runs);
    Ok(())
}

/// One content block into `out` (none for dropped blocks; a tool result with media adds them
/// after it).
fn parse_block(b: &Obj<'_>, role: Role, out: &mut Vec<Part>) -> Result<(), WireError> {
    let part = match b.req_str("type")? {
        "text" => Part::Text(b.req_str("text")?.to_owned()),
        "image" => Part::Image(parse_image(b)?),
        "document" => parse_document(b)?,
        "search_result" => Part::Text(search_result_text(b)?),
        "tool_use" => Part::ToolCall {
            id: b.req_str("id")?.to_owned(),
            name: b.req_str("name")?.to_owned(),
            arguments_json: b
                .get("input")
                .map_or_else(|| "{}".to_owned(), Value::to_string),
        },
        "tool_result" if role == Role::User => {
            let (content, media) = tool_result_content(b)?;
            out.push(Part::ToolResult {
                call_id: b.req_str("tool_use_id")?.to_owned(),
                content,
                is_error: b.bool("is_error")?.unwrap_or(false),
            });
            out.extend(media);
            return Ok(());
        }
        "tool_result" => {
            return Err(WireError::invalid(
                b.path("type"),
                "tool_result blocks belong in user messages",
            ))
        }
        "thinking"
        | "redacted_thinking"
        | "server_tool_use"
        | "web_search_tool_result"
        | "web_fetch_tool_result"
        | "code_execution_tool_result"
        | "bash_code_execution_tool_result"
        | "text_editor_code_execution_tool_result"
        | "tool_search_tool_result"
        | "mcp_tool_use"
        | "mcp_tool_result"
        | "container_upload" => return Ok(()),
        _ => {
            return Err(WireError::unsupported(
                b.path("type"),
                "content block type is not supported",
            ))
        }
    };
    out.push(part);
    Ok(())
}

/// Custom tools. Server tools offered next to them are left out (the model cannot use them
/// on another provider); a request offering only server tools wants one, which only Anthropic
/// runs.
fn parse_tools(root: &Obj<'_>) -> Result<(Vec<Tool>, Vec<usize>), WireError> {
    let mut tools = Vec::new();
    let mut marked = Vec::new();
    let mut server = None;
    for (i, t) in root.arr("tools")?.into_iter().flatten().enumerate() {
        let t = Obj::new(t, index("tools", i))?;
        if t.str("type")?.is_some_and(|kind| kind != "custom") {
            server = server.or(Some(i));
            continue;
        }
        if t.get("cache_control").is_some_and(Value::is_object) {
            marked.push(tools.len());
        }
        tools.push(Tool::function(
            t.req_str("name")?,
            t.str("description")?.map(str::to_owned),
            t.get("input_schema")
                .cloned()
                .unwrap_or_else(|| json!({"type": "object", "properties": {}})),
        ));
    }
    match server {
        Some(i) if tools.is_empty() => Err(WireError::unsupported(
            format!("tools[{i}].type"),
            "Anthropic server tools run only on Anthropic backends",
        )),
        _ => Ok((tools, marked)),
    }
}

/// What translation leaves out of a Messages body: fields it does not read, server tools,
/// thinking and server-tool blocks (listed at debug level by the gateway).
pub fn dropped_fields(value: &Value) -> Vec<String> {
    let mut out = crate::json::unknown_keys(value, READ);
    if let Some(Value::Array(tools)) = value.get("tools") {
        for (i, t) in tools.iter().enumerate() {
            if let Some(kind) = t
                .get("type")
                .and_then(Value::as_str)
                .filter(|k| *k != "custom")
            {
                out.push(format!("tools[{i}] ({kind})"));
            }
        }
    }
    out
}

/// Top-level fields translation reads.
const READ: &[&str] = &[
    "model",
    "max_tokens",
    "messages",
    "system",
    "tools",
    "tool_choice",
    "metadata",
    "temperature",
    "top_p",
    "stop_sequences",
    "stream",
    "thinking",
    "output_config",
    "output_format",
    "cache_control",
];

fn parse_tool_choice(root: &Obj<'_>) -> Result<(Option<ToolChoice>, Option<bool>), WireError> {
    let Some(choice) = root.obj("tool_choice")? else {
        return Ok((None, None));
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
    let parallel = choice
        .bool("disable_parallel_tool_use")?
        .map(|disabled| !disabled);
    Ok((Some(parsed), parallel))
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
