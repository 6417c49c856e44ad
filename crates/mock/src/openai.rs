//! Owns `POST /v1/chat/completions`: the OpenAI chat completion object and its SSE chunk stream.

use std::sync::Arc;

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
use crate::state::{unix_now, Route, Shared};
use crate::text::{self, Reply};

/// The fields of a chat request the mock uses.
#[derive(Debug, Deserialize)]
struct ChatRequest {
    model: String,
    messages: Vec<ChatMessage>,
    #[serde(default)]
    stream: Option<bool>,
    #[serde(default)]
    stream_options: Option<StreamOptions>,
    #[serde(default)]
    max_tokens: Option<u64>,
    #[serde(default)]
    max_completion_tokens: Option<u64>,
    #[serde(default)]
    #[allow(
        dead_code,
        reason = "validated for type only; replies are deterministic"
    )]
    temperature: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct ChatMessage {
    role: String,
    #[serde(default)]
    content: Value,
}

#[derive(Debug, Deserialize)]
struct StreamOptions {
    #[serde(default)]
    include_usage: Option<bool>,
}

/// Handles `POST /v1/chat/completions`.
pub(crate) async fn chat(
    State(state): State<Arc<Shared>>,
    headers: HeaderMap,
    raw: Bytes,
) -> Result<Response, Early> {
    let key = auth::extract_key(&headers, Shape::OpenAi);
    let cut = admit(&state, Route::Chat, Shape::OpenAi, key).await?;
    let request: ChatRequest = body::parse(
        &raw,
        Shape::OpenAi,
        &[
            ("model", "you must provide a model parameter"),
            ("messages", "Missing required parameter: 'messages'."),
        ],
    )?;
    if request.messages.is_empty() {
        return Err(ApiError::bad_request(
            Shape::OpenAi,
            "Invalid 'messages': empty array. Expected an array with minimum length 1.",
        )
        .into());
    }
    let messages: Vec<(String, String)> = request
        .messages
        .iter()
        .map(|m| (m.role.clone(), text::content_text(&m.content)))
        .collect();
    let prompt_tokens = text::prompt_tokens(messages.iter().map(|(_, t)| t.as_str()), "");
    let budget = request.max_completion_tokens.or(request.max_tokens);
    let reply = Reply::for_prompt(text::last_user_text(&messages), budget);
    let usage = json!({
        "prompt_tokens": prompt_tokens,
        "completion_tokens": reply.tokens(),
        "total_tokens": prompt_tokens + reply.tokens(),
    });
    let finish_reason = if reply.truncated() { "length" } else { "stop" };
    let id = format!("chatcmpl-demo-{}", state.next_id());
    let created = unix_now();
    let latency = state.config.latency;

    if request.stream == Some(true) {
        let include_usage = request
            .stream_options
            .and_then(|o| o.include_usage)
            .unwrap_or(false);
        let chunk = |choices: Value, usage: Option<&Value>| {
            let mut c = json!({
                "id": id, "object": "chat.completion.chunk", "created": created,
                "model": request.model, "system_fingerprint": null, "choices": choices,
            });
            if include_usage {
                c["usage"] = usage.cloned().unwrap_or(Value::Null);
            }
            c
        };
        let choice = |delta: Value, finish: Value| json!([{ "index": 0, "delta": delta, "logprobs": null, "finish_reason": finish }]);
        let zero = std::time::Duration::ZERO;
        let mut frames = vec![Frame::data(
            zero,
            &chunk(
                choice(json!({"role": "assistant", "content": ""}), Value::Null),
                None,
            ),
        )];
        frames.extend(reply.pieces().enumerate().map(|(i, piece)| {
            let delay = if i == 0 { zero } else { latency.per_token };
            Frame::data(
                delay,
                &chunk(choice(json!({ "content": piece }), Value::Null), None),
            )
        }));
        frames.push(Frame::data(
            zero,
            &chunk(choice(json!({}), json!(finish_reason)), None),
        ));
        if include_usage {
            frames.push(Frame::data(zero, &chunk(json!([]), Some(&usage))));
        }
        frames.push(Frame::raw(zero, "data: [DONE]\n\n".to_owned()));
        sse::pause(latency.first_byte).await;
        return Ok(sse::stream_response(frames, state.cancel.clone(), cut));
    }

    sse::pause(latency.total_for(reply.word_count())).await;
    Ok(fault::json_answer(
        &json!({
        "id": id,
        "object": "chat.completion",
        "created": created,
        "model": request.model,
        "system_fingerprint": null,
        "choices": [{
            "index": 0,
            "message": { "role": "assistant", "content": reply.text(), "refusal": null },
            "logprobs": null,
            "finish_reason": finish_reason,
        }],
        "usage": usage,
        }),
        cut,
    ))
}
