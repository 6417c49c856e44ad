//! Owns OpenAI's Responses API: `POST /v1/responses` (a full `Response` object, or with
//! `stream: true` the named-event SSE stream, no `[DONE]`), `POST /v1/responses/input_tokens`
//! and `POST /v1/responses/compact`. Generation goes through `admit` (counted, the fault script
//! applies, Bearer key; ChatGPT mode's `/backend-api/codex/responses` shares the answer through
//! [`create_for_plan`]); counting and compaction only count and check the key. Answers follow
//! the scripted rules of `script`: text, or one `function_call` / `custom_tool_call`.

mod render;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::admit::{admit, admit_plan, Early};
use crate::auth;
use crate::body;
use crate::books::{self, Tokens};
use crate::convo::Conversation;
use crate::error::{ApiError, Shape};
use crate::fault;
use crate::sse;
use crate::state::{unix_now, Route, Shared};
use crate::text;

use render::Answer;

/// The fields of a Responses request the mock uses.
#[derive(Debug, Deserialize)]
struct ResponsesRequest {
    #[serde(default)]
    model: Value,
    #[serde(default)]
    input: Value,
    #[serde(default)]
    instructions: Value,
    #[serde(default)]
    max_output_tokens: Option<u64>,
    #[serde(default)]
    stream: Option<bool>,
    #[serde(default)]
    tools: Option<Vec<Value>>,
    #[serde(default)]
    temperature: Option<f64>,
    #[serde(default)]
    top_p: Option<f64>,
}

impl ResponsesRequest {
    /// The conversation the request carries.
    fn conversation(&self) -> Conversation {
        let tools = self.tools.as_deref().unwrap_or_default();
        Conversation::responses(&self.input, &self.instructions, tools)
    }
}

/// Handles `POST /v1/responses`.
pub(crate) async fn create(
    State(state): State<Arc<Shared>>,
    headers: HeaderMap,
    raw: Bytes,
) -> Result<Response, Early> {
    let key = auth::extract_key(&headers, Shape::OpenAi);
    let cut = admit(&state, Route::Responses, Shape::OpenAi, key).await?;
    generate(&state, &raw, cut, key).await
}

/// The same answer as `POST /v1/responses` for a caller a plan let in with its own sign-in
/// (ChatGPT mode): counted under `route`, the fault script applies, no key check.
pub(crate) async fn create_for_plan(
    state: &Shared,
    route: Route,
    raw: &Bytes,
) -> Result<Response, Early> {
    let cut = admit_plan(state, route, Shape::OpenAi).await?;
    generate(state, raw, cut, None).await
}

/// Answers an admitted Responses request, streamed or whole; `cut` as [`admit`] gave it. The
/// answer goes on the books under `key` (a plan caller has none).
async fn generate(
    state: &Shared,
    raw: &Bytes,
    cut: Option<usize>,
    key: Option<&str>,
) -> Result<Response, Early> {
    let request = parse(raw, &["model", "input"])?;
    let convo = request.conversation();
    let plan = convo.plan(request.max_output_tokens);
    if cut.is_none() {
        let model = request.model.as_str().unwrap_or_default();
        let tokens = Tokens::plain(convo.prompt_tokens(), plan.tokens());
        books::record(state, key, model, tokens);
    }
    let answer = Answer {
        n: state.next_id(),
        template: template(&request),
        prompt_tokens: convo.prompt_tokens(),
        plan: &plan,
    };
    let latency = state.config.latency;
    if request.stream == Some(true) {
        let frames = answer.frames(latency.per_token);
        sse::pause(latency.first_byte).await;
        return Ok(sse::stream_response(frames, state.cancel.clone(), cut));
    }
    sse::pause(latency.total_for(plan.word_count())).await;
    Ok(fault::json_answer(&answer.whole(), cut))
}

/// Handles `POST /v1/responses/input_tokens`: `{"object": "response.input_tokens",
/// "input_tokens": N}`, counted like the prompt tokens of `/v1/responses`.
pub(crate) async fn input_tokens(
    State(state): State<Arc<Shared>>,
    headers: HeaderMap,
    raw: Bytes,
) -> Result<Json<Value>, ApiError> {
    state.hit(Route::ResponsesInputTokens);
    state.authorize(&headers, Shape::OpenAi)?;
    let request = parse(&raw, &[])?;
    let tokens = request.conversation().prompt_tokens();
    Ok(Json(
        json!({ "object": "response.input_tokens", "input_tokens": tokens }),
    ))
}

/// Handles `POST /v1/responses/compact`: the user texts of the input, joined by newlines, as one
/// user message, followed by an opaque `compaction` item.
pub(crate) async fn compact(
    State(state): State<Arc<Shared>>,
    headers: HeaderMap,
    raw: Bytes,
) -> Result<Json<Value>, ApiError> {
    state.hit(Route::ResponsesCompact);
    state.authorize(&headers, Shape::OpenAi)?;
    let request = parse(&raw, &["model", "input"])?;
    let convo = request.conversation();
    let user_texts: Vec<&str> = convo
        .messages
        .iter()
        .filter(|(role, _)| role == "user")
        .map(|(_, text)| text.as_str())
        .collect();
    let summary = user_texts.join("\n");
    let n = state.next_id();
    Ok(Json(json!({
        "id": format!("resp_demo_{n}"),
        "object": "response.compaction",
        "created_at": unix_now(),
        "output": [
            {
                "type": "message",
                "role": "user",
                "content": [{ "type": "input_text", "text": summary }],
            },
            {
                "type": "compaction",
                "id": format!("cmp_demo_{n}"),
                "encrypted_content": "demo-compacted",
            },
        ],
        "usage": render::usage(convo.prompt_tokens(), text::count_words(&summary)),
    })))
}

/// Parses a Responses body: 400 naming the first missing field of `required`, or an `input`
/// that is neither a string nor an array.
fn parse(raw: &Bytes, required: &[&'static str]) -> Result<ResponsesRequest, ApiError> {
    let value = body::object(raw, Shape::OpenAi)?;
    if let Some(field) = required.iter().find(|f| body::missing(&value, f)) {
        let message = format!("Missing required parameter: '{field}'.");
        return Err(ApiError::bad_param(Shape::OpenAi, field, message));
    }
    let request: ResponsesRequest = body::decode(value, Shape::OpenAi)?;
    if !matches!(
        request.input,
        Value::Null | Value::String(_) | Value::Array(_)
    ) {
        let message = "Invalid type for 'input': expected one of a string or array of input items.";
        return Err(ApiError::bad_param(Shape::OpenAi, "input", message));
    }
    Ok(request)
}

/// The response object's fixed and echoed fields.
fn template(request: &ResponsesRequest) -> Map<String, Value> {
    let fields = json!({
        "created_at": unix_now(),
        "model": request.model,
        "instructions": request.instructions,
        "max_output_tokens": request.max_output_tokens,
        "parallel_tool_calls": true,
        "temperature": request.temperature.unwrap_or(1.0),
        "tool_choice": "auto",
        "tools": request.tools.clone().unwrap_or_default(),
        "top_p": request.top_p.unwrap_or(1.0),
        "store": false,
        "text": { "format": { "type": "text" } },
        "reasoning": { "effort": null, "summary": null },
        "metadata": {},
        "truncation": "disabled",
        "previous_response_id": null,
    });
    match fields {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}
