//! The OpenAI Responses wire format (`POST /v1/responses`): what Codex CLI and the newer OpenAI
//! SDK methods speak.
//!
//! Owns: request parsing into the canonical model ([`parse_request`]) and rendering from it
//! ([`render_request`], for backends reached through `/v1/responses`), response parsing and
//! rendering, the streaming decoder and encoder (`response.created` … `response.completed`), and
//! the usage, status and item-id conventions they share.
//!
//! # Usage
//! Like Chat Completions, `input_tokens` *includes* `input_tokens_details.cached_tokens`, so
//! `input = input_tokens − cached` and `cache_read = cached`; `output_tokens` includes
//! `output_tokens_details.reasoning_tokens`.
//!
//! # Tool calls
//! A `function_call` item's `call_id` is the canonical call id (its item `id` is only the
//! item's). A freeform `custom_tool_call` carries a string `input`; canonically its arguments
//! are `{"input": …}`, and a caller that declared the tool as `custom` gets a `custom_tool_call`
//! back (see [`ResponseContext`]).

mod decode;
mod encode;
mod render;
mod request;
mod response;
mod tools;

pub use decode::StreamDecoder;
pub use encode::StreamEncoder;
pub use render::{render_request, render_request_with};
pub use request::{parse_request, parse_request_value, validate};
pub use response::{parse_response, render_response};
pub use tools::dropped_fields;

use serde_json::{json, Value};

use crate::canonical::{StopReason, Usage};
use crate::json::Obj;

/// What the caller's request says about how its answer must look: which tools are freeform,
/// and the request fields a Response object echoes back.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResponseContext {
    /// Tools the caller declared as `custom`: their calls are `custom_tool_call` items.
    pub custom_tools: Vec<String>,
    /// Tools the caller grouped in a `namespace` tool, with its namespace: their calls carry
    /// `namespace` again.
    pub namespaces: Vec<(String, String)>,
    /// `instructions`, `tools`, `tool_choice`, … as the caller sent them, echoed in the Response
    /// object (absent ones get the API's defaults).
    pub echo: serde_json::Map<String, Value>,
    /// Unix seconds written as `created_at` (the source has no creation time, or a replay).
    pub created_at: u64,
}

/// Request fields a Response object repeats.
const ECHOED: [&str; 11] = [
    "instructions",
    "max_output_tokens",
    "parallel_tool_calls",
    "previous_response_id",
    "reasoning",
    "store",
    "temperature",
    "text",
    "tool_choice",
    "tools",
    "top_p",
];

impl ResponseContext {
    /// The context of a Responses request body.
    pub fn of_request(body: &Value) -> Self {
        let mut ctx = ResponseContext::default();
        let Some(obj) = body.as_object() else {
            return ctx;
        };
        for key in ECHOED {
            if let Some(v) = obj.get(key).filter(|v| !v.is_null()) {
                ctx.echo.insert(key.to_owned(), v.clone());
            }
        }
        ctx.namespaces = tools::namespaces(body);
        let mut custom = Vec::new();
        for t in obj
            .get("tools")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let grouped = t.get("tools").and_then(Value::as_array);
            for t in std::iter::once(t).chain(grouped.into_iter().flatten()) {
                if t.get("type").and_then(Value::as_str) == Some("custom") {
                    if let Some(name) = t.get("name").and_then(Value::as_str) {
                        custom.push(name.to_owned());
                    }
                }
            }
        }
        ctx.custom_tools = custom;
        ctx
    }

    fn namespace_of(&self, name: &str) -> Option<&str> {
        self.namespaces
            .iter()
            .find(|(tool, _)| tool == name)
            .map(|(_, ns)| ns.as_str())
    }

    fn is_custom(&self, name: &str) -> bool {
        self.custom_tools.iter().any(|t| t == name)
    }

    /// The fields every Response object carries, with the caller's values where it sent them.
    fn echoed(&self) -> serde_json::Map<String, Value> {
        let mut out = serde_json::Map::new();
        let defaults = [
            ("instructions", Value::Null),
            ("max_output_tokens", Value::Null),
            ("parallel_tool_calls", json!(true)),
            ("previous_response_id", Value::Null),
            ("reasoning", json!({"effort": null, "summary": null})),
            ("store", json!(false)),
            ("temperature", json!(1.0)),
            ("text", json!({"format": {"type": "text"}})),
            ("tool_choice", json!("auto")),
            ("tools", json!([])),
            ("top_p", json!(1.0)),
        ];
        for (key, default) in defaults {
            let value = self.echo.get(key).cloned().unwrap_or(default);
            out.insert(key.to_owned(), value);
        }
        out.insert("metadata".into(), json!({}));
        out.insert("truncation".into(), json!("disabled"));
        out
    }
}

/// An error body: the OpenAI shape, with `param` naming the field when there is one.
pub fn error_body(status: u16, message: &str, param: Option<&str>) -> Value {
    let mut body = crate::openai::error_body(status, message);
    if let Some(p) = param {
        body["error"]["param"] = json!(p);
    }
    body
}

/// The Response id of an answer whose source named none.
pub(crate) const FALLBACK_RESPONSE_ID: &str = "resp_switchyard";

/// A Response id for an answer whose source id is `source` (`chatcmpl-…`, `msg_…`, or empty).
pub fn response_id(source: &str) -> String {
    if source.starts_with("resp_") {
        return source.to_owned();
    }
    let clean: String = source
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(48)
        .collect();
    if clean.is_empty() {
        FALLBACK_RESPONSE_ID.to_owned()
    } else {
        format!("resp_{clean}")
    }
}

/// The id of the `n`-th output item of response `resp` (`msg_…`, `fc_…`, `ctc_…`).
pub(crate) fn item_id(prefix: &str, resp: &str, n: usize) -> String {
    let base = resp.strip_prefix("resp_").unwrap_or(resp);
    format!("{prefix}_{base}_{n}")
}

/// The usage of a Responses `usage` value (also what a compaction answers); zero when it is
/// not an object.
pub fn usage_of(value: &Value) -> Usage {
    Obj::new(value, "usage").map_or_else(|_| Usage::default(), |o| usage_from(&o))
}

/// Reads a Responses `usage` object (cached tokens are subtracted from `input_tokens`).
pub(crate) fn usage_from(obj: &Obj<'_>) -> Usage {
    let detail = |key: &str, field: &str| {
        obj.get(key)
            .and_then(|d| d.get(field))
            .and_then(Value::as_u64)
            .unwrap_or(0)
    };
    let input = obj.count("input_tokens");
    let cached = detail("input_tokens_details", "cached_tokens").min(input);
    Usage {
        input_tokens: input - cached,
        output_tokens: obj.count("output_tokens"),
        cache_read_tokens: cached,
        cache_write_tokens: 0,
        cache_write_1h_tokens: 0,
        reasoning_tokens: detail("output_tokens_details", "reasoning_tokens"),
    }
}

/// Renders a Responses `usage` object: `input_tokens` includes every cached token.
pub(crate) fn usage_to(usage: &Usage) -> Value {
    let input = usage.prompt_total();
    json!({
        "input_tokens": input,
        "input_tokens_details": {"cached_tokens": usage.cache_read_tokens},
        "output_tokens": usage.output_tokens,
        "output_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
        "total_tokens": input.saturating_add(usage.output_tokens),
    })
}

/// `status` and `incomplete_details` for a stop reason.
pub(crate) fn status_of(stop: &StopReason) -> (&'static str, Value) {
    match stop {
        StopReason::MaxTokens => ("incomplete", json!({"reason": "max_output_tokens"})),
        StopReason::ContentFilter => ("incomplete", json!({"reason": "content_filter"})),
        _ => ("completed", Value::Null),
    }
}

/// The stop reason of a finished Response: incomplete for a reason, tool use when it calls
/// tools, else a natural end.
pub(crate) fn stop_of(status: Option<&str>, reason: Option<&str>, called_tool: bool) -> StopReason {
    match (status, reason) {
        (Some("incomplete"), Some("max_output_tokens")) => StopReason::MaxTokens,
        (Some("incomplete"), Some("content_filter")) => StopReason::ContentFilter,
        (Some("failed" | "cancelled"), _) => StopReason::Other("failed".to_owned()),
        _ if called_tool => StopReason::ToolUse,
        _ => StopReason::EndTurn,
    }
}

/// A custom tool call's canonical arguments: `{"input": …}`.
pub(crate) fn custom_arguments(input: &str) -> String {
    json!({ "input": input }).to_string()
}

/// The `input` string of a custom tool call's canonical arguments (the whole text when they
/// are not `{"input": string}`).
pub(crate) fn custom_input(arguments_json: &str) -> String {
    serde_json::from_str::<Value>(arguments_json)
        .ok()
        .and_then(|v| v.get("input").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| arguments_json.to_owned())
}

#[cfg(test)]
#[path = "mod_tests.rs"]
mod tests;
