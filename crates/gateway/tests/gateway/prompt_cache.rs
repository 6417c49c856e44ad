//! Prompt caching on every path that can cache (issue 71, part 3): a recording upstream on
//! 127.0.0.1 shows what markers reached it. Anthropic `cache_control` reaches OpenRouter as
//! `cache_control` on Chat content parts and tools, never a strict OpenAI backend;
//! `prompt_cache_key` and unknown fields pass same-format paths unchanged; cache reads and
//! writes an upstream reports on a translated stream land in the ledger's own columns.

use super::cost_fixtures::serve;
use super::*;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

type Seen = Arc<Mutex<Vec<Value>>>;

/// An upstream that records every body and answers in the wire format of the path it was sent
/// to (Messages, Responses, else OpenAI Chat, streamed when asked), with usage holding cache reads and
/// OpenRouter's cache writes.
async fn recording(kind: BackendKind) -> (String, Seen) {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri, body: axum::body::Bytes| {
        let log = log.clone();
        async move {
            let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let stream = v["stream"] == true;
            log.lock().unwrap().push(v);
            if uri.path().ends_with("/messages") {
                return anthropic_answer();
            }
            answer(uri.path().ends_with("/responses"), stream)
        }
    });
    (serve(kind, app).await, seen)
}

const USAGE: &str = r#"{"prompt_tokens":1000,"completion_tokens":7,"total_tokens":1007,
    "prompt_tokens_details":{"cached_tokens":600,"cache_write_tokens":300}}"#;

fn anthropic_answer() -> axum::response::Response {
    use axum::response::IntoResponse;
    axum::Json(
        json!({"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
        "content": [{"type": "text", "text": "ok"}], "stop_reason": "end_turn",
        "usage": {"input_tokens": 10, "output_tokens": 1, "cache_read_input_tokens": 900}}),
    )
    .into_response()
}

fn answer(responses: bool, stream: bool) -> axum::response::Response {
    use axum::response::IntoResponse;
    let usage: Value = serde_json::from_str(USAGE).unwrap();
    if responses {
        return axum::Json(
            json!({"id": "resp_1", "object": "response", "status": "completed",
            "model": "gpt-4.1", "output": [{"type": "message", "role": "assistant",
            "content": [{"type": "output_text", "text": "ok"}]}],
            "usage": {"input_tokens": 10, "output_tokens": 1}}),
        )
        .into_response();
    }
    if !stream {
        return axum::Json(
            json!({"id": "c1", "object": "chat.completion", "created": 1,
            "model": "m", "choices": [{"index": 0, "finish_reason": "stop",
            "message": {"role": "assistant", "content": "ok"}}], "usage": usage}),
        )
        .into_response();
    }
    let chunk = |v: Value| format!("data: {v}\n\n");
    let sse = [
        chunk(
            json!({"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m",
            "choices": [{"index": 0, "delta": {"role": "assistant", "content": "ok"}}]}),
        ),
        chunk(
            json!({"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m",
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}),
        ),
        chunk(
            json!({"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m",
            "choices": [], "usage": usage}),
        ),
        "data: [DONE]\n\n".to_string(),
    ]
    .concat();
    ([("content-type", "text/event-stream")], sse).into_response()
}

/// A Claude Code turn with its breakpoints: system prompt, last tool, last user message.
fn claude_code_turn(stream: bool) -> Value {
    let mark = json!({"type": "ephemeral"});
    json!({"model": "anthropic/claude-sonnet-4.5", "max_tokens": 64, "stream": stream,
        "system": [{"type": "text", "text": "You are Claude Code.", "cache_control": mark}],
        "tools": [{"name": "Bash", "input_schema": {"type": "object"}, "cache_control": mark}],
        "messages": [{"role": "user", "content": [
            {"type": "text", "text": "list the files", "cache_control": mark}]}]})
}

async fn gateway(kind: BackendKind) -> (Harness, Seen) {
    let (url, seen) = recording(kind).await;
    let h = start(
        vec![target("Up", kind, &url, &[("k", "k")])],
        &[("k", "sk-k")],
    )
    .await;
    (h, seen)
}

async fn post_anthropic(h: &Harness, body: &Value) -> reqwest::Response {
    h.post_as("/v1/messages", None, &[("x-api-key", TOKEN)], body)
        .await
}

#[tokio::test]
async fn claude_code_on_openrouter_keeps_its_cache_breakpoints_as_chat_content_part_markers() {
    let (h, seen) = gateway(BackendKind::OpenRouter).await;
    let resp = post_anthropic(&h, &claude_code_turn(false)).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let got = seen.lock().unwrap()[0].clone();
    let mark = json!({"type": "ephemeral"});
    assert_eq!(
        got["messages"][0]["content"][0]["cache_control"], mark,
        "the system prompt's breakpoint reaches OpenRouter on its text part: {got}"
    );
    assert_eq!(
        got["messages"][1]["content"][0]["cache_control"], mark,
        "the last user message's breakpoint too: {got}"
    );
    assert_eq!(
        got["tools"][0]["cache_control"], mark,
        "and the tools': {got}"
    );
}

#[tokio::test]
async fn claude_code_on_a_strict_openai_backend_sends_no_cache_control_and_is_answered() {
    let (h, seen) = gateway(BackendKind::OpenAi).await;
    let mut body = claude_code_turn(false);
    body["model"] = json!("gpt-4.1");
    let resp = post_anthropic(&h, &body).await;
    assert_eq!(
        resp.status(),
        200,
        "a marker OpenAI cannot take is dropped, never a 4xx"
    );
    let got = seen.lock().unwrap()[0].to_string();
    assert!(
        !got.contains("cache_control"),
        "OpenAI refuses unknown fields with 400: {got}"
    );
}

#[tokio::test]
async fn an_openai_chat_callers_prompt_cache_key_and_unknown_fields_reach_openai_unchanged() {
    let (h, seen) = gateway(BackendKind::OpenAi).await;
    let mut body = openai_chat("gpt-4.1", false);
    body["prompt_cache_key"] = json!("session-42");
    body["x_future_field"] = json!({"kept": [1, 2]});
    let resp = h.post("/v1/chat/completions", &body).await;
    assert_eq!(resp.status(), 200);
    let got = seen.lock().unwrap()[0].clone();
    assert_eq!(
        got["prompt_cache_key"], "session-42",
        "same format: the caller's key routes it to its cache"
    );
    assert_eq!(
        got["x_future_field"],
        json!({"kept": [1, 2]}),
        "same format: unknown fields pass through"
    );
}

#[tokio::test]
async fn a_responses_callers_prompt_cache_key_and_unknown_fields_reach_responses_unchanged() {
    let (h, seen) = gateway(BackendKind::OpenAi).await;
    let body = json!({"model": "gpt-4.1", "input": "hi", "prompt_cache_key": "codex-7",
        "x_future_field": true});
    let resp = h.post("/v1/responses", &body).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let got = seen.lock().unwrap()[0].clone();
    assert_eq!(got["prompt_cache_key"], "codex-7");
    assert_eq!(got["x_future_field"], true, "unknown fields pass through");
}

#[tokio::test]
async fn a_translated_openrouter_stream_lands_cache_reads_and_writes_in_the_ledger() {
    let (h, _seen) = gateway(BackendKind::OpenRouter).await;
    let text = post_anthropic(&h, &claude_code_turn(true))
        .await
        .text()
        .await
        .unwrap();
    assert!(text.contains("message_stop"), "the stream ends: {text}");
    assert!(
        text.contains("\"cache_read_input_tokens\":600"),
        "the caller sees its cache reads: {text}"
    );
    let rec = h.ledger.wait_for(1).await.remove(0);
    assert!(rec.streamed);
    assert_eq!(
        (
            rec.input_tokens,
            rec.cache_read_tokens,
            rec.cache_write_tokens
        ),
        (100, 600, 300),
        "reads and writes in their own columns, each token once"
    );
    // The bundled table's OpenRouter row for this model: $3 in, $0.30 read, $3.75 write, $15 out
    // per million.
    let reference = 100.0 * 3e-6 + 600.0 * 3e-7 + 300.0 * 3.75e-6 + 7.0 * 1.5e-5;
    let cost = rec.cost_usd.expect("a priced model");
    assert!(
        (cost - reference).abs() < 1e-9,
        "each counter priced at its own rate: ${cost} vs ${reference}"
    );
}

#[tokio::test]
async fn a_chat_callers_prompt_cache_key_survives_translation_to_openais_responses_api() {
    let (h, seen) = gateway(BackendKind::OpenAi).await;
    let mut body = openai_chat("gpt-5-codex", false);
    body["prompt_cache_key"] = json!("session-42");
    let resp = h.post("/v1/chat/completions", &body).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let got = seen.lock().unwrap()[0].clone();
    assert!(got.get("input").is_some(), "translated to Responses: {got}");
    assert_eq!(
        got["prompt_cache_key"], "session-42",
        "OpenAI takes the key in both of its formats: {got}"
    );
}

#[tokio::test]
async fn openrouter_style_markers_from_an_openai_chat_caller_reach_anthropic_as_its_own_blocks() {
    let (h, seen) = gateway(BackendKind::Anthropic).await;
    let mark = json!({"type": "ephemeral"});
    let text = |t: &str, marked: bool| {
        let mut part = json!({"type": "text", "text": t});
        if marked {
            part["cache_control"] = mark.clone();
        }
        part
    };
    let body = json!({"model": "claude-sonnet-4-5", "max_tokens": 64,
        "messages": [
            {"role": "system", "content": [text("You are a helpful agent.", true)]},
            {"role": "user", "content": [text("first", true)]},
            {"role": "assistant", "content": "ok"},
            {"role": "user", "content": [text("second", true)]},
            {"role": "assistant", "content": "ok"},
            {"role": "user", "content": [text("third", false), text("fourth", true)]}],
        "tools": [{"type": "function", "cache_control": mark,
            "function": {"name": "Bash", "parameters": {"type": "object"}}}]});
    let resp = h.post("/v1/chat/completions", &body).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let got = seen.lock().unwrap()[0].clone();
    assert_eq!(got["system"][0]["cache_control"], mark, "system: {got}");
    assert_eq!(got["tools"][0]["cache_control"], mark, "tools: {got}");
    let messages = got["messages"].as_array().unwrap();
    let marked: Vec<&str> = messages
        .iter()
        .flat_map(|m| m["content"].as_array().into_iter().flatten())
        .filter(|b| b.get("cache_control").is_some())
        .filter_map(|b| b["text"].as_str())
        .collect();
    assert_eq!(
        marked,
        ["second", "fourth"],
        "the latest breakpoints, four in all with system and tools (Anthropic refuses more): {got}"
    );
}
