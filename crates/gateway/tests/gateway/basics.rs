//! Same-format forwarding to the Demo backend, buffered and streamed, with the ledger.

use super::*;

#[tokio::test]
async fn an_openai_request_is_served_by_the_demo_backend_and_recorded() {
    let (mock, h) = start_demo().await;
    let resp = h
        .post("/v1/chat/completions", &openai_chat("demo-chat", false))
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["x-switchyard-backend"], "Demo");
    assert!(
        resp.headers().contains_key("x-switchyard-reason"),
        "the answer says why this backend"
    );
    let body: serde_json::Value = resp.json().await.unwrap();
    assert!(body["choices"][0]["message"]["content"]
        .as_str()
        .unwrap()
        .contains("switchyard"));
    assert_eq!(mock.calls("chat"), 1);
    let rec = h.ledger.wait_for(1).await.remove(0);
    assert_eq!(
        (
            rec.status,
            rec.backend.as_deref(),
            rec.token_name.as_deref()
        ),
        (200, Some("Demo"), Some("tests"))
    );
    assert!(
        rec.input_tokens > 0 && rec.output_tokens > 0,
        "usage recorded: {rec:?}"
    );
    let demo = switchyard_pricing::DEMO_PRICE;
    assert_eq!(
        rec.cost_usd,
        Some(rec.input_tokens as f64 * demo.input + rec.output_tokens as f64 * demo.output),
        "the Demo backend at its stated price"
    );
    assert_eq!((rec.attempts, rec.streamed), (1, false));
}

#[tokio::test]
async fn an_openai_stream_is_forwarded_with_usage_recorded_but_not_injected() {
    let (_mock, h) = start_demo().await;
    let resp = h
        .post("/v1/chat/completions", &openai_chat("demo-chat", true))
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let body = resp.text().await.unwrap();
    let (text, done, usage_chunk) = openai_stream_text(&body);
    assert!(text.contains("switchyard") && done, "{body}");
    assert!(
        !usage_chunk,
        "the caller did not ask for usage, so the usage chunk is removed"
    );
    let rec = h.ledger.wait_for(1).await.remove(0);
    assert!(
        rec.streamed && rec.output_tokens > 0,
        "usage captured from the stream: {rec:?}"
    );
    assert!(rec.ttfb_ms.is_some());
}

#[tokio::test]
async fn a_caller_that_asks_for_stream_usage_gets_it() {
    let (_mock, h) = start_demo().await;
    let mut req = openai_chat("demo-chat", true);
    req["stream_options"] = serde_json::json!({"include_usage": true});
    let body = h.post_text("/v1/chat/completions", &req).await;
    assert!(
        openai_stream_text(&body).2,
        "usage chunk present when asked for"
    );
}

#[tokio::test]
async fn an_anthropic_request_is_served_with_x_api_key() {
    let (mock, h) = start_demo().await;
    let resp = client()
        .post(format!("{}/v1/messages", h.base))
        .header("x-api-key", TOKEN)
        .header("anthropic-version", "2023-06-01")
        .json(&anthropic_msg("demo-chat", false))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["type"], "message");
    assert_eq!(mock.calls("messages"), 1, "Demo speaks Anthropic natively");
    let rec = h.ledger.wait_for(1).await.remove(0);
    assert_eq!(rec.inbound, "anthropic");
}

#[tokio::test]
async fn models_lists_what_the_gateway_can_serve() {
    let (_mock, h) = start_demo().await;
    let body = h.get_json("/v1/models").await;
    assert_eq!(body["object"], "list");
    assert_eq!(body["data"][0]["id"], "demo-chat");
}

/// An OpenAI stream's events: a role chunk, four pieces of text, the finish and the usage.
fn whole_openai_stream() -> Vec<String> {
    let chunk = |delta: &str, finish: &str| {
        format!(
            r#"{{"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{{"index":0,"delta":{delta},"finish_reason":{finish}}}]}}"#
        )
    };
    let mut events = vec![chunk(r#"{"role":"assistant","content":""}"#, "null")];
    for piece in ["Hel", "lo, ", "wor", "ld"] {
        events.push(chunk(&format!(r#"{{"content":"{piece}"}}"#), "null"));
    }
    events.push(chunk("{}", r#""stop""#));
    events.push(
        r#"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":4,"total_tokens":13}}"#
            .to_string(),
    );
    events
}

#[tokio::test]
async fn a_stream_the_provider_sends_at_once_starts_with_its_first_event_alone() {
    let events = whole_openai_stream();
    let mut sse: String = events.iter().map(|e| format!("data: {e}\n\n")).collect();
    sse.push_str("data: [DONE]\n\n");
    let app = axum::Router::new().fallback(move || {
        let sse = sse.clone();
        async move { ([("content-type", "text/event-stream")], sse) }
    });
    let url = super::cost_fixtures::serve(BackendKind::OpenAi, app).await;
    let h = super::cost_fixtures::gateway_over(BackendKind::OpenAi, &url).await;
    let resp = h
        .post("/v1/chat/completions", &openai_chat("gpt-4.1", true))
        .await;
    assert_eq!(resp.status(), 200);
    // Each HTTP chunk the gateway writes reaches the client as one or more frames, never
    // merged with the next chunk's.
    let first = format!("data: {}\n\n", events[0]);
    let mut body = resp.bytes_stream();
    let mut seen = Vec::new();
    while seen.len() < first.len() {
        let frame = futures_util::StreamExt::next(&mut body)
            .await
            .unwrap()
            .unwrap();
        seen.extend_from_slice(&frame);
    }
    assert_eq!(
        String::from_utf8_lossy(&seen),
        first,
        "the first event goes out before the others are worked on"
    );
    while let Some(frame) = futures_util::StreamExt::next(&mut body).await {
        seen.extend_from_slice(&frame.unwrap());
    }
    let (text, done, usage_chunk) = openai_stream_text(&String::from_utf8(seen).unwrap());
    assert_eq!(
        (text.as_str(), done, usage_chunk),
        ("Hello, world", true, false)
    );
    let rec = h.ledger.wait_for(1).await.remove(0);
    assert_eq!(
        (rec.status, rec.input_tokens, rec.output_tokens),
        (200, 9, 4),
        "the whole stream was read for its usage"
    );
}
