//! Owns the token-counting endpoints: Anthropic `POST /v1/messages/count_tokens` and Gemini
//! `POST /v1beta/models/{model}:countTokens`. They count exactly like the prompt tokens of the
//! matching generation endpoint (see `convo`), check the key, and never consume a fault.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::anthropic::Message;
use crate::auth;
use crate::body;
use crate::convo::Conversation;
use crate::error::{ApiError, Shape};
use crate::gemini::Content;
use crate::state::{Route, Shared};

/// The fields of an Anthropic count request the mock uses.
#[derive(Debug, Deserialize)]
struct AnthropicCount {
    messages: Vec<Message>,
    #[serde(default)]
    system: Value,
    #[serde(default)]
    tools: Option<Vec<Value>>,
}

/// The body of a Gemini count request: bare `contents`, or a whole `generateContentRequest`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GeminiCount {
    #[serde(default)]
    contents: Option<Vec<Content>>,
    #[serde(default, alias = "generate_content_request")]
    generate_content_request: Option<GeminiPrompt>,
}

/// The parts of a `generateContentRequest` that count.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GeminiPrompt {
    #[serde(default)]
    contents: Vec<Content>,
    #[serde(default, alias = "system_instruction")]
    system_instruction: Option<Content>,
    #[serde(default)]
    tools: Option<Vec<Value>>,
}

/// Message Gemini answers a count request without contents with.
const NO_CONTENTS: &str = "* CountTokensRequest.contents: contents is not specified\n";

/// `POST /v1/messages/count_tokens` → `{"input_tokens": N}`, counted like `/v1/messages`.
pub(crate) async fn anthropic(
    State(state): State<Arc<Shared>>,
    headers: HeaderMap,
    raw: Bytes,
) -> Result<Json<Value>, ApiError> {
    state.hit(Route::CountTokens);
    state.authorize(&headers, Shape::Anthropic)?;
    let request: AnthropicCount = body::parse(
        &raw,
        Shape::Anthropic,
        &[
            ("model", "model: Field required"),
            ("messages", "messages: Field required"),
        ],
    )?;
    let messages: Vec<(&str, &Value)> = request
        .messages
        .iter()
        .map(|m| (m.role.as_str(), &m.content))
        .collect();
    let tools = request.tools.as_deref().unwrap_or_default();
    let convo = Conversation::anthropic(&messages, &request.system, tools);
    Ok(Json(json!({ "input_tokens": convo.prompt_tokens() })))
}

/// `POST /v1beta/models/{model}:countTokens` → `{"totalTokens": N, "promptTokensDetails": …}`,
/// counted like `generateContent`'s prompt tokens.
pub(crate) async fn gemini(
    state: &Shared,
    headers: &HeaderMap,
    uri: &Uri,
    raw: &Bytes,
) -> Result<Json<Value>, ApiError> {
    state.hit(Route::GeminiCountTokens);
    auth::check(&state.config, auth::gemini_key(headers, uri), Shape::Gemini)?;
    let request: GeminiCount = body::parse(raw, Shape::Gemini, &[])?;
    let prompt = match (request.contents, request.generate_content_request) {
        (_, Some(prompt)) => prompt,
        (Some(contents), None) => GeminiPrompt {
            contents,
            ..GeminiPrompt::default()
        },
        (None, None) => return Err(ApiError::bad_request(Shape::Gemini, NO_CONTENTS)),
    };
    let contents: Vec<(&str, &[Value])> = prompt
        .contents
        .iter()
        .map(|c| (c.role(), c.parts.as_slice()))
        .collect();
    let system = prompt
        .system_instruction
        .as_ref()
        .map_or(&[][..], |c| c.parts.as_slice());
    let tools = prompt.tools.as_deref().unwrap_or_default();
    let total = Conversation::gemini(&contents, system, tools).prompt_tokens();
    Ok(Json(json!({
        "totalTokens": total,
        "promptTokensDetails": [{ "modality": "TEXT", "tokenCount": total }],
    })))
}
