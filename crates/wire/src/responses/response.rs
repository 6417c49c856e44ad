//! Response object ⇄ [`ChatResponse`].
//!
//! Parsing reads `message` items (`output_text` and `refusal` parts), `function_call` and
//! `custom_tool_call` items, in order; `reasoning` items and built-in tool items are skipped.
//! `status` / `incomplete_details` give the stop reason, tool use when the answer calls tools.
//!
//! Rendering writes one `message` item per run of text and one call item per tool call (custom
//! ones for tools the caller declared `custom`), every field the SDKs expect (the request's
//! echoed options from [`ResponseContext`]), and `usage`. `output_text` is included for clients
//! that read it without an SDK (the SDKs recompute it).

use serde_json::{json, Value};

use crate::canonical::{ChatResponse, Part};
use crate::error::WireError;
use crate::json::{index, parse_body, Obj};

use super::{
    custom_arguments, custom_input, item_id, response_id, status_of, stop_of, usage_from, usage_to,
    ResponseContext,
};

/// Parses a Responses `response` object.
pub fn parse_response(body: &[u8]) -> Result<ChatResponse, WireError> {
    let value = parse_body(body)?;
    let root = Obj::new(&value, "")?;
    let output = root
        .arr("output")?
        .ok_or_else(|| WireError::missing("output"))?;
    let mut content: Vec<Part> = Vec::new();
    for (i, item) in output.iter().enumerate() {
        let item = Obj::new(item, index("output", i))?;
        match item.str("type")? {
            Some("message") => {
                for (j, p) in item.arr("content")?.into_iter().flatten().enumerate() {
                    let p = Obj::new(p, index(&item.path("content"), j))?;
                    let text = match p.str("type")? {
                        Some("output_text") => p.req_str("text")?,
                        Some("refusal") => p.req_str("refusal")?,
                        _ => continue,
                    };
                    match content.last_mut() {
                        Some(Part::Text(last)) => last.push_str(text),
                        _ => content.push(Part::Text(text.to_owned())),
                    }
                }
            }
            Some("function_call") => content.push(Part::ToolCall {
                id: item.req_str("call_id")?.to_owned(),
                name: item.req_str("name")?.to_owned(),
                arguments_json: item.str("arguments")?.unwrap_or_default().to_owned(),
            }),
            Some("custom_tool_call") => content.push(Part::ToolCall {
                id: item.req_str("call_id")?.to_owned(),
                name: item.req_str("name")?.to_owned(),
                arguments_json: custom_arguments(item.str("input")?.unwrap_or_default()),
            }),
            _ => {}
        }
    }
    let called_tool = content.iter().any(|p| matches!(p, Part::ToolCall { .. }));
    let reason = root
        .obj("incomplete_details")?
        .map(|d| d.str("reason"))
        .transpose()?
        .flatten();
    Ok(ChatResponse {
        id: root.str("id")?.unwrap_or_default().to_owned(),
        model: root.str("model")?.unwrap_or_default().to_owned(),
        created: root.get("created_at").and_then(Value::as_u64).unwrap_or(0),
        stop: stop_of(root.str("status")?, reason, called_tool),
        content,
        usage: root
            .obj("usage")?
            .map(|u| usage_from(&u))
            .unwrap_or_default(),
    })
}

/// Renders a Responses `response` object for `resp`, answering a request with `ctx`.
pub fn render_response(resp: &ChatResponse, ctx: &ResponseContext) -> Value {
    let id = response_id(&resp.id);
    let mut output = Vec::new();
    let mut text_all = String::new();
    for part in &resp.content {
        match part {
            Part::Text(t) => {
                text_all.push_str(t);
                output.push(message_item(
                    &item_id("msg", &id, output.len()),
                    t,
                    "completed",
                ));
            }
            Part::ToolCall {
                id: call_id,
                name,
                arguments_json,
            } => {
                let n = output.len();
                output.push(call_item(
                    &id,
                    n,
                    call_id,
                    name,
                    arguments_json,
                    ctx,
                    "completed",
                ));
            }
            _ => {}
        }
    }
    let (status, incomplete) = status_of(&resp.stop);
    let created = if resp.created > 0 {
        resp.created
    } else {
        ctx.created_at
    };
    let mut obj = ctx.echoed();
    for (key, value) in [
        ("id", json!(id)),
        ("object", json!("response")),
        ("created_at", json!(created)),
        ("status", json!(status)),
        ("model", json!(resp.model)),
        ("output", Value::Array(output)),
        ("output_text", json!(text_all)),
        ("incomplete_details", incomplete),
        ("error", Value::Null),
        ("usage", usage_to(&resp.usage)),
    ] {
        obj.insert(key.to_owned(), value);
    }
    Value::Object(obj)
}

/// A finished assistant `message` item holding `text`.
pub(crate) fn message_item(id: &str, text: &str, status: &str) -> Value {
    json!({
        "type": "message",
        "id": id,
        "status": status,
        "role": "assistant",
        "content": [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}],
    })
}

/// A `function_call` item (or `custom_tool_call` for a tool the caller declared `custom`).
pub(crate) fn call_item(
    resp_id: &str,
    n: usize,
    call_id: &str,
    name: &str,
    arguments_json: &str,
    ctx: &ResponseContext,
    status: &str,
) -> Value {
    let mut item = if ctx.is_custom(name) {
        json!({
            "type": "custom_tool_call",
            "id": item_id("ctc", resp_id, n),
            "call_id": call_id,
            "name": name,
            "input": custom_input(arguments_json),
            "status": status,
        })
    } else {
        json!({
            "type": "function_call",
            "id": item_id("fc", resp_id, n),
            "call_id": call_id,
            "name": name,
            "arguments": arguments_json,
            "status": status,
        })
    };
    if let Some(ns) = ctx.namespace_of(name) {
        item["namespace"] = json!(ns);
    }
    item
}

#[cfg(test)]
#[path = "response_tests.rs"]
mod tests;
