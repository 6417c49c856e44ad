//! Cross-format: OpenAI callers on an Anthropic backend and the other way round, streamed too.

use super::*;
use switchyard_mock::{MockConfig, MockServer};

const KEY: &str = "sk-ant-CANARY-7f3a-0000000000001";

async fn anthropic_backend() -> (MockServer, Harness) {
    let mut cfg = MockConfig::instant();
    cfg.accepted_keys = Some(vec![KEY.into()]);
    let mock = MockServer::start(cfg).await.unwrap();
    let t = target(
        "Claude",
        BackendKind::Anthropic,
        &mock.base_url(),
        &[("k1", "work")],
    );
    let h = start(vec![t], &[("k1", KEY)]).await;
    (mock, h)
}

#[tokio::test]
async fn an_openai_caller_is_served_by_an_anthropic_backend() {
    let (mock, h) = anthropic_backend().await;
    let resp = h
        .post(
            "/v1/chat/completions",
            &openai_chat("claude-haiku-4-5", false),
        )
        .await;
    assert_openai_completion(resp, "translated back to the caller's format").await;
    assert_eq!(
        mock.calls("messages"),
        1,
        "the backend was spoken to in its own format"
    );
    let rec = h.ledger.wait_for(1).await.remove(0);
    assert!(
        rec.cost_usd.is_some_and(|c| c > 0.0),
        "a priced model has a cost: {rec:?}"
    );
    assert_eq!(rec.key_label.as_deref(), Some("work"));
}

#[tokio::test]
async fn an_openai_stream_from_an_anthropic_backend_is_translated_event_by_event() {
    let (_mock, h) = anthropic_backend().await;
    let chat = "/v1/chat/completions";
    let buffered = h
        .post_json(chat, &openai_chat("claude-haiku-4-5", false))
        .await;
    let body = h
        .post_text(chat, &openai_chat("claude-haiku-4-5", true))
        .await;
    let (text, done, _) = openai_stream_text(&body);
    assert_eq!(
        text,
        buffered["choices"][0]["message"]["content"]
            .as_str()
            .unwrap(),
        "same content streamed and not"
    );
    assert!(done, "ends with [DONE]");
    let recs = h.ledger.wait_for(2).await;
    assert!(
        recs[1].output_tokens > 0,
        "usage captured through translation"
    );
}

#[tokio::test]
async fn an_anthropic_caller_is_served_by_an_openai_backend_streamed() {
    let mock = MockServer::start(MockConfig::instant()).await.unwrap();
    let t = target(
        "OpenAI",
        BackendKind::OpenAi,
        &format!("{}/v1", mock.base_url()),
        &[("k1", "work")],
    );
    let h = start(vec![t], &[("k1", "sk-CANARY-7f3a-openai")]).await;
    let anthropic_sdk = [("x-api-key", TOKEN)];
    let body = h
        .post_as(
            "/v1/messages",
            None,
            &anthropic_sdk,
            &anthropic_msg("gpt-4.1-mini", true),
        )
        .await
        .text()
        .await
        .unwrap();
    let (text, events) = anthropic_stream_text(&body);
    assert!(text.contains("switchyard"), "{body}");
    assert_eq!(events.first().map(String::as_str), Some("message_start"));
    assert_eq!(events.last().map(String::as_str), Some("message_stop"));
    assert_eq!(mock.calls("chat"), 1);
}

#[tokio::test]
async fn provider_keys_never_reach_a_response_or_the_ledger() {
    let (_mock, h) = anthropic_backend().await;
    for stream in [false, true] {
        let body = h
            .post(
                "/v1/chat/completions",
                &openai_chat("claude-haiku-4-5", stream),
            )
            .await
            .text()
            .await
            .unwrap();
        assert!(!body.contains(CANARY), "response body leaks the key");
    }
    let recs = h.ledger.wait_for(2).await;
    assert!(
        !format!("{recs:?}").contains(CANARY),
        "ledger leaks the key"
    );
}
