//! Owns `POST /v1/chat/completions`: the OpenAI chat completion object and its SSE chunk stream,
//! for a text answer or a scripted tool call (see `script`).

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
use crate::books::{self, Tokens};
use crate::convo::Conversation;
use crate::error::{ApiError, Shape};
use crate::fault;
use crate::script::{Plan, ToolCall};
use crate::sse::{self, Frame};
use crate::state::{unix_now, Route, Shared};

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
    #[serde(default)]
    tools: Option<Vec<Value>>,
}

/// A message: its role is checked here; the whole object is read by `convo`.
#[derive(Debug, Deserialize)]
struct ChatMessage {
    role: String,
    #[serde(flatten)]
    rest: Value,
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
    let messages: Vec<(&str, &Value)> = request
        .messages
        .iter()
        .map(|m| (m.role.as_str(), &m.rest))
        .collect();
    let convo = Conversation::chat(&messages, request.tools.as_deref().unwrap_or_default());
    let prompt_tokens = convo.prompt_tokens();
    let plan = convo.plan(request.max_completion_tokens.or(request.max_tokens));
    let usage = json!({
        "prompt_tokens": prompt_tokens,
        "completion_tokens": plan.tokens(),
        "total_tokens": prompt_tokens + plan.tokens(),
    });
    if cut.is_none() {
        let tokens = Tokens::plain(prompt_tokens, plan.tokens());
        books::record(&state, key, &request.model, tokens);
    }
    let finish_reason = match &plan {
        Plan::Call(_) => "tool_calls",
        Plan::Text(_) if plan.truncated() => "length",
        Plan::Text(_) => "stop",
    };
    let n = state.next_id();
    let id = format!("chatcmpl-demo-{n}");
    let call_id = format!("call_demo_{n}");
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
        let zero = Duration::ZERO;
        let mut frames: Vec<Frame> = deltas(&plan, &call_id, latency.per_token)
            .into_iter()
            .map(|(delay, delta)| Frame::data(delay, &chunk(choice(delta, Value::Null), None)))
            .collect();
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

    let message = match &plan {
        Plan::Text(reply) => {
            json!({ "role": "assistant", "content": reply.text(), "refusal": null })
        }
        Plan::Call(call) => json!({
            "role": "assistant", "content": null, "refusal": null,
            "tool_calls": [tool_call(call, &call_id)],
        }),
    };
    sse::pause(latency.total_for(plan.word_count())).await;
    Ok(fault::json_answer(
        &json!({
        "id": id,
        "object": "chat.completion",
        "created": created,
        "model": request.model,
        "system_fingerprint": null,
        "choices": [{
            "index": 0,
            "message": message,
            "logprobs": null,
            "finish_reason": finish_reason,
        }],
        "usage": usage,
        }),
        cut,
    ))
}

/// A whole `tool_calls` entry.
fn tool_call(call: &ToolCall, id: &str) -> Value {
    json!({ "id": id, "type": "function", "function": { "name": call.name, "arguments": call.text() } })
}

/// The streamed deltas before the finish chunk, with the pause before each: the role, then one
/// delta per word (paced by `per_token`), or a tool call's head and its arguments in two
/// fragments.
fn deltas(plan: &Plan, call_id: &str, per_token: Duration) -> Vec<(Duration, Value)> {
    let zero = Duration::ZERO;
    match plan {
        Plan::Text(reply) => {
            let mut deltas = vec![(zero, json!({"role": "assistant", "content": ""}))];
            deltas.extend(reply.pieces().enumerate().map(|(i, piece)| {
                let delay = if i == 0 { zero } else { per_token };
                (delay, json!({ "content": piece }))
            }));
            deltas
        }
        Plan::Call(call) => {
            let head = json!({ "index": 0, "id": call_id, "type": "function",
                "function": { "name": call.name, "arguments": "" } });
            let mut deltas = vec![
                (zero, json!({"role": "assistant", "content": null})),
                (zero, json!({ "tool_calls": [head] })),
            ];
            deltas.extend(
                call.fragments()
                    .into_iter()
                    .enumerate()
                    .map(|(i, fragment)| {
                        let delay = if i == 0 { zero } else { per_token };
                        let entry = json!({ "index": 0, "function": { "arguments": fragment } });
                        (delay, json!({ "tool_calls": [entry] }))
                    }),
            );
            deltas
        }
    }
}
