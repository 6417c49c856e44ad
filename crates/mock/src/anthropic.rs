//! Owns `POST /v1/messages`: the Anthropic message object and its named-event SSE stream.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::admit::{admit, Early};
use crate::auth;
use crate::body;
use crate::error::{ApiError, Shape};
use crate::fault;
use crate::sse::{self, Frame};
use crate::state::{Route, Shared};
use crate::text::{self, Reply};

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
}

#[derive(Debug, Deserialize)]
struct Message {
    role: String,
    #[serde(default)]
    content: Value,
}

/// Handles `POST /v1/messages`.
pub(crate) async fn messages(
    State(state): State<Arc<Shared>>,
    headers: HeaderMap,
    raw: Bytes,
) -> Result<Response, Early> {
    let key = auth::extract_key(&headers, Shape::Anthropic);
    let cut = admit(&state, Route::Messages, Shape::Anthropic, key).await?;
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
    let messages: Vec<(String, String)> = request
        .messages
        .iter()
        .map(|m| (m.role.clone(), text::content_text(&m.content)))
        .collect();
    let system = text::content_text(&request.system);
    let input_tokens = text::prompt_tokens(messages.iter().map(|(_, t)| t.as_str()), &system);
    let reply = Reply::for_prompt(text::last_user_text(&messages), Some(request.max_tokens));
    let stop_reason = if reply.truncated() {
        "max_tokens"
    } else {
        "end_turn"
    };
    let id = format!("msg_demo_{}", state.next_id());
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
        let mut frames = vec![
            Frame::event(zero, "message_start", &start),
            Frame::event(
                zero,
                "content_block_start",
                &json!({ "type": "content_block_start", "index": 0, "content_block": { "type": "text", "text": "" } }),
            ),
            Frame::event(zero, "ping", &json!({ "type": "ping" })),
        ];
        frames.extend(reply.pieces().enumerate().map(|(i, piece)| {
            let delay = if i == 0 { zero } else { latency.per_token };
            let delta = json!({
                "type": "content_block_delta", "index": 0,
                "delta": { "type": "text_delta", "text": piece },
            });
            Frame::event(delay, "content_block_delta", &delta)
        }));
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
                    "usage": { "output_tokens": reply.tokens() },
                }),
            ),
            Frame::event(zero, "message_stop", &json!({ "type": "message_stop" })),
        ]);
        sse::pause(latency.first_byte).await;
        return Ok(sse::stream_response(frames, state.cancel.clone(), cut));
    }

    sse::pause(latency.total_for(reply.word_count())).await;
    Ok(fault::json_answer(
        &json!({
        "id": id,
        "type": "message",
        "role": "assistant",
        "model": request.model,
        "content": [{ "type": "text", "text": reply.text() }],
        "stop_reason": stop_reason,
        "stop_sequence": null,
        "usage": usage(reply.tokens()),
        }),
        cut,
    ))
}
