//! Owns `POST /v1/messages`: the Anthropic message object and its named-event SSE stream, for a
//! text answer or a scripted `tool_use` (see `script`).

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::admit::{admit, admit_plan, Early};
use crate::auth;
use crate::body;
use crate::books::{self, Tokens};
use crate::convo::Conversation;
use crate::error::{ApiError, Shape};
use crate::fault;
use crate::plan_window;
use crate::script::{Plan, ToolCall};
use crate::sse::{self, Frame};
use crate::state::{Route, Shared};

/// The fields of a messages request the mock uses.
#[derive(Debug, Deserialize)]
struct MessagesRequest {
    model: String,
    max_tokens: u64,
    messages: Vec<Message>,
    #[serde(default)]
    system: Value,
    #[serde(default)]
    stream: Option<bool>,
    #[serde(default)]
    tools: Option<Vec<Value>>,
}

/// One message of a conversation (also read by `count`).
#[derive(Debug, Deserialize)]
pub(crate) struct Message {
    /// `user` or `assistant`.
    pub role: String,
    /// A string or an array of content blocks.
    #[serde(default)]
    pub content: Value,
}

/// The conversation of an Anthropic request's `messages`, `system` and `tools` (also read by
/// `count`, which must count exactly as `/v1/messages` does).
pub(crate) fn conversation(
    messages: &[Message],
    system: &Value,
    tools: Option<&[Value]>,
) -> Conversation {
    let pairs: Vec<(&str, &Value)> = messages
        .iter()
        .map(|m| (m.role.as_str(), &m.content))
        .collect();
    Conversation::anthropic(&pairs, system, tools.unwrap_or_default())
}

/// Handles `POST /v1/messages`.
pub(crate) async fn messages(
    State(state): State<Arc<Shared>>,
    headers: HeaderMap,
    raw: Bytes,
) -> Result<Response, Early> {
    // A plan caller's subscription pays, not a key: it is not on the books.
    let key = (!plan_window::admits(&state.config, &headers))
        .then(|| auth::extract_key(&headers, Shape::Anthropic));
    let cut = match key {
        None => admit_plan(&state, Route::Messages, Shape::Anthropic).await?,
        Some(key) => admit(&state, Route::Messages, Shape::Anthropic, key).await?,
    };
    let request: MessagesRequest = body::parse(
        &raw,
        Shape::Anthropic,
        &[
            ("model", "model: Field required"),
            ("messages", "messages: Field required"),
            ("max_tokens", "max_tokens: Field required"),
        ],
    )?;
    if request.max_tokens == 0 {
        return Err(ApiError::bad_request(
            Shape::Anthropic,
            "max_tokens: Input should be greater than or equal to 1",
        )
        .into());
    }
    if request.messages.is_empty() {
        return Err(ApiError::bad_request(
            Shape::Anthropic,
            "messages: at least one message is required",
        )
        .into());
    }
    let convo = conversation(&request.messages, &request.system, request.tools.as_deref());
    let input_tokens = convo.prompt_tokens();
    let plan = convo.plan(Some(request.max_tokens));
    if cut.is_none() {
        let tokens = Tokens::plain(input_tokens, plan.tokens());
        books::record(&state, key.flatten(), &request.model, tokens);
    }
    let stop_reason = match &plan {
        Plan::Call(_) => "tool_use",
        Plan::Text(_) if plan.truncated() => "max_tokens",
        Plan::Text(_) => "end_turn",
    };
    let n = state.next_id();
    let id = format!("msg_demo_{n}");
    let tool_id = format!("toolu_demo_{n}");
    let latency = state.config.latency;
    let usage = |output_tokens: u64| {
        json!({
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
        })
    };

    if request.stream == Some(true) {
        let zero = Duration::ZERO;
        let start = json!({
            "type": "message_start",
            "message": {
                "id": id, "type": "message", "role": "assistant", "model": request.model,
                "content": [], "stop_reason": null, "stop_sequence": null, "usage": usage(1),
            },
        });
        let mut frames = vec![Frame::event(zero, "message_start", &start)];
        frames.extend(block_frames(&plan, &tool_id, latency.per_token));
        frames.extend([
            Frame::event(
                zero,
                "content_block_stop",
                &json!({ "type": "content_block_stop", "index": 0 }),
            ),
            Frame::event(
                zero,
                "message_delta",
                &json!({
                    "type": "message_delta",
                    "delta": { "stop_reason": stop_reason, "stop_sequence": null },
                    "usage": { "output_tokens": plan.tokens() },
                }),
            ),
            Frame::event(zero, "message_stop", &json!({ "type": "message_stop" })),
        ]);
        sse::pause(latency.first_byte).await;
        return Ok(sse::stream_response(frames, state.cancel.clone(), cut));
    }

    let content = match &plan {
        Plan::Text(reply) => json!([{ "type": "text", "text": reply.text() }]),
        Plan::Call(call) => json!([tool_use(call, &tool_id, call.object())]),
    };
    sse::pause(latency.total_for(plan.word_count())).await;
    Ok(fault::json_answer(
        &json!({
        "id": id,
        "type": "message",
        "role": "assistant",
        "model": request.model,
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": null,
        "usage": usage(plan.tokens()),
        }),
        cut,
    ))
}

/// A `tool_use` content block with `input`.
fn tool_use(call: &ToolCall, id: &str, input: Value) -> Value {
    json!({ "type": "tool_use", "id": id, "name": call.name, "input": input })
}

/// The stream's content block (index 0) up to its stop: a text block with a ping and one
/// `text_delta` per word (paced by `per_token`), or a `tool_use` block with its input JSON in
/// two `input_json_delta` fragments.
fn block_frames(plan: &Plan, tool_id: &str, per_token: Duration) -> Vec<Frame> {
    let zero = Duration::ZERO;
    let start = |block: Value| {
        let event = json!({ "type": "content_block_start", "index": 0, "content_block": block });
        Frame::event(zero, "content_block_start", &event)
    };
    let delta = |i: usize, delta: Value| {
        let delay = if i == 0 { zero } else { per_token };
        let event = json!({ "type": "content_block_delta", "index": 0, "delta": delta });
        Frame::event(delay, "content_block_delta", &event)
    };
    match plan {
        Plan::Text(reply) => {
            let mut frames = vec![
                start(json!({ "type": "text", "text": "" })),
                Frame::event(zero, "ping", &json!({ "type": "ping" })),
            ];
            frames.extend(
                reply
                    .pieces()
                    .enumerate()
                    .map(|(i, piece)| delta(i, json!({ "type": "text_delta", "text": piece }))),
            );
            frames
        }
        Plan::Call(call) => {
            // Anthropic tools are never freeform, so the call's text is its input JSON.
            let mut frames = vec![start(tool_use(call, tool_id, json!({})))];
            frames.extend(
                call.fragments().into_iter().enumerate().map(|(i, f)| {
                    delta(i, json!({ "type": "input_json_delta", "partial_json": f }))
                }),
            );
            frames
        }
    }
}
