//! [`ChatRequest`] → Gemini `generateContent` body (the same body serves
//! `streamGenerateContent`; the model and streaming are chosen by the URL, see
//! `switchyard_domain::Address::gemini`, so neither `model` nor `stream` is in the body).
//!
//! Gemini's constraints, enforced here so a translated request is accepted:
//! - The system prompt goes to `systemInstruction`; roles are `user` and `model`. `Role::Tool`
//!   messages are sent as `user`, consecutive contents with the same role are merged, and inside
//!   a `user` content `functionResponse` parts are moved first (stable), right after the calls.
//! - Empty text parts and contents left without parts are dropped (the API rejects them).
//! - A `functionResponse` needs the function *name*: it is recovered from the most recent
//!   earlier assistant call with the same id (ids repeat across turns, see the module docs);
//!   with no such call the id itself is used as the name. Its `response` must be an object: a
//!   result that parses as a JSON object is sent as is, anything else as `{"content": text}`;
//!   a failed result (`is_error`) is wrapped as `{"error": …}`, the key Gemini documents for it.
//! - `functionCall.args` must be an object: arguments that do not parse as one become `{}`.
//!   Gemini 3 rejects a replayed call without a thought signature, which no other format can
//!   carry: the first call of every `model` content gets the documented placeholder signature
//!   [`SKIP_SIGNATURE`] (older models ignore the field).
//! - Images: inline data becomes `inlineData`. A URL becomes `fileData` when its path ends in a
//!   known image extension (Gemini requires a `mimeType`, which the canonical model does not
//!   record for URLs); otherwise it is sent as the text `[image: <url>]` so the request still
//!   goes through. Images in assistant messages are dropped (Gemini does not accept them back).
//! - Tool schemas are cleaned up for Gemini's OpenAPI subset (see `schema`); a declaration whose
//!   parameters are an object without properties is sent without `parameters`.
//! - `tool_choice` (only sent with tools) becomes `toolConfig.functionCallingConfig.mode`
//!   (`AUTO` / `NONE` / `ANY`, plus `allowedFunctionNames` for a named tool).
//! - `generationConfig` carries `temperature` (Gemini allows 0–2, as sent), `topP`,
//!   `maxOutputTokens` and `stopSequences`; `candidateCount` and `topK` are never sent (the
//!   canonical model has no `top_k`). `user` has no Gemini equivalent and is dropped.
//! - System messages inside the conversation are merged into `systemInstruction`.
//! - Reasoning becomes `thinkingConfig.thinkingBudget`, within the 512–24,576 range every
//!   current model accepts (off is left out); structured output
//!   `responseMimeType: application/json` with `responseJsonSchema`.
//! - Files: inline data becomes `inlineData`, a URL `fileData` (its type from the extension,
//!   else PDF), plain text a text part; audio `inlineData`. A provider file id cannot be sent:
//!   an error, so the gateway skips the backend.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use crate::canonical::{
    ChatRequest, Effort, FilePart, FileSource, ImageSource, Message, OutputFormat, Part, Role,
    Tool, ToolChoice,
};
use crate::error::WireError;
use crate::json::{arguments_object, index};
use crate::media::{audio_media_type, media_type_of};

use super::schema::clean_schema;

/// The thought signature Gemini documents for function calls that it did not produce itself
/// (history from another model or client), which skips its signature validation.
pub(crate) const SKIP_SIGNATURE: &str = "skip_thought_signature_validator";

/// The thinking budgets every current Gemini model accepts (2.5 Flash-Lite needs at least 512,
/// 2.5 Flash takes at most 24,576).
const THINKING_MIN: u32 = 512;
const THINKING_MAX: u32 = 24_576;

/// Renders a Gemini `generateContent` request body.
pub fn render_request(req: &ChatRequest) -> Result<Value, WireError> {
    let mut body = Map::new();
    if let Some(system) = req.merged_system() {
        body.insert(
            "systemInstruction".into(),
            json!({"parts": [{"text": system}]}),
        );
    }
    body.insert("contents".into(), render_contents(&req.messages)?);
    if !req.tools.is_empty() {
        let declarations: Vec<Value> = req.tools.iter().map(render_tool).collect();
        body.insert(
            "tools".into(),
            json!([{"functionDeclarations": declarations}]),
        );
        if let Some(choice) = &req.tool_choice {
            body.insert(
                "toolConfig".into(),
                json!({"functionCallingConfig": render_tool_choice(choice)}),
            );
        }
    }
    let mut config = Map::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(v) = value {
            config.insert(key.into(), v);
        }
    };
    put("temperature", req.temperature.map(Value::from));
    put("topP", req.top_p.map(Value::from));
    put("maxOutputTokens", req.max_tokens.map(Value::from));
    put(
        "stopSequences",
        (!req.stop.is_empty()).then(|| json!(req.stop)),
    );
    // "Off" is left out rather than sent as budget 0, which Gemini's Pro models refuse (they
    // always think).
    put(
        "thinkingConfig",
        req.reasoning.filter(|r| r.effort != Effort::None).map(
            |r| json!({"thinkingBudget": r.budget_or_default().clamp(THINKING_MIN, THINKING_MAX)}),
        ),
    );
    if let Some(format) = &req.format {
        put("responseMimeType", Some(json!("application/json")));
        if let OutputFormat::JsonSchema { schema, .. } = format {
            put("responseJsonSchema", Some(schema.clone()));
        }
    }
    if !config.is_empty() {
        body.insert("generationConfig".into(), Value::Object(config));
    }
    Ok(Value::Object(body))
}

fn render_contents(messages: &[Message]) -> Result<Value, WireError> {
    // Tool name per call id, as of the message being rendered: later calls override earlier
    // ones, so a result pairs with the most recent call of its id.
    let mut names: HashMap<&str, &str> = HashMap::new();
    let mut merged: Vec<(&str, Vec<Value>)> = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        let role = match m.role {
            // Merged into `systemInstruction` by the caller.
            Role::System => continue,
            Role::Assistant => "model",
            Role::User | Role::Tool => "user",
        };
        let mut parts = Vec::new();
        for (j, part) in m.content.iter().enumerate() {
            let path = index(&format!("messages[{i}].content"), j);
            if let Some(p) = render_part(part, m.role, &names, &path)? {
                parts.push(p);
            }
            if let (Role::Assistant, Part::ToolCall { id, name, .. }) = (m.role, part) {
                names.insert(id, name);
            }
        }
        if parts.is_empty() {
            continue;
        }
        match merged.last_mut() {
            Some((last, existing)) if *last == role => existing.extend(parts),
            _ => merged.push((role, parts)),
        }
    }
    let contents: Vec<Value> = merged
        .into_iter()
        .map(|(role, mut parts)| {
            if role == "user" {
                // Stable: function responses first, everything else after, each in order.
                parts.sort_by_key(|p| p.get("functionResponse").is_none());
            } else if let Some(first_call) =
                parts.iter_mut().find(|p| p.get("functionCall").is_some())
            {
                first_call["thoughtSignature"] = json!(SKIP_SIGNATURE);
            }
            json!({"role": role, "parts": parts})
        })
        .collect();
    Ok(Value::Array(contents))
}

fn render_part(
    part: &Part,
    role: Role,
    names: &HashMap<&str, &str>,
    path: &str,
) -> Result<Option<Value>, WireError> {
    Ok(Some(match part {
        Part::Text(t) if t.is_empty() => return Ok(None),
        Part::Text(t) => json!({"text": t}),
        Part::Image(_) | Part::File(_) | Part::Audio { .. } if role == Role::Assistant => {
            return Ok(None)
        }
        Part::Image(ImageSource::Base64 { media_type, data }) => {
            json!({"inlineData": {"mimeType": media_type, "data": data}})
        }
        Part::Image(ImageSource::Url(url)) => match media_type_of(url) {
            Some(mime) => json!({"fileData": {"mimeType": mime, "fileUri": url}}),
            None => json!({"text": format!("[image: {url}]")}),
        },
        Part::File(file) => render_file(file, path)?,
        Part::Audio { format, data } => {
            json!({"inlineData": {"mimeType": audio_media_type(format), "data": data}})
        }
        Part::ToolCall {
            name,
            arguments_json,
            ..
        } => json!({"functionCall": {"name": name, "args": arguments_object(arguments_json)}}),
        Part::ToolResult {
            call_id,
            content,
            is_error,
        } => {
            let name = names
                .get(call_id.as_str())
                .copied()
                .unwrap_or(call_id.as_str());
            json!({"functionResponse": {"name": name, "response": tool_response(content, *is_error)}})
        }
    }))
}

/// A file as `inlineData`, `fileData` or text.
fn render_file(file: &FilePart, path: &str) -> Result<Value, WireError> {
    Ok(match &file.source {
        FileSource::Base64 { media_type, data } => {
            json!({"inlineData": {"mimeType": media_type, "data": data}})
        }
        FileSource::Url(url) => {
            let mime = media_type_of(url).unwrap_or("application/pdf");
            json!({"fileData": {"mimeType": mime, "fileUri": url}})
        }
        FileSource::Text(text) => json!({"text": text}),
        FileSource::Id(_) => {
            return Err(WireError::unsupported(
                path,
                "a provider file id cannot be sent to another provider",
            ))
        }
    })
}

/// A tool result as the object `functionResponse.response` must be.
fn tool_response(content: &str, is_error: bool) -> Value {
    let parsed = match serde_json::from_str::<Value>(content) {
        Ok(object @ Value::Object(_)) => object,
        _ => json!({"content": content}),
    };
    if is_error {
        json!({"error": parsed})
    } else {
        parsed
    }
}

fn render_tool(tool: &Tool) -> Value {
    let mut declaration = json!({"name": tool.name});
    if let Some(d) = &tool.description {
        declaration["description"] = json!(d);
    }
    if let Some(parameters) = clean_schema(&tool.parameters) {
        declaration["parameters"] = parameters;
    }
    declaration
}

fn render_tool_choice(choice: &ToolChoice) -> Value {
    match choice {
        ToolChoice::Auto => json!({"mode": "AUTO"}),
        ToolChoice::None => json!({"mode": "NONE"}),
        ToolChoice::Required => json!({"mode": "ANY"}),
        ToolChoice::Named(name) => json!({"mode": "ANY", "allowedFunctionNames": [name]}),
    }
}

#[cfg(test)]
#[path = "render_tests.rs"]
mod tests;
