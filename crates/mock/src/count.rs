//! Owns Anthropic's token-counting endpoint, `POST /v1/messages/count_tokens` (Gemini's
//! `countTokens` is in `gemini`). It counts exactly like the prompt tokens of `/v1/messages`
//! (see `convo`), checks the key, and never consumes a fault.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::anthropic::{conversation, Message};
use crate::body;
use crate::error::{ApiError, Shape};
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
    let convo = conversation(&request.messages, &request.system, request.tools.as_deref());
    Ok(Json(json!({ "input_tokens": convo.prompt_tokens() })))
}
