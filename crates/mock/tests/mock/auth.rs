//! Key checks: 401 and 429 in each provider shape, never echoing the key.

use super::*;

async fn guarded() -> MockServer {
    let mut config = MockConfig::instant();
    config.accepted_keys = Some(vec!["good-key".into()]);
    config.rate_limited_keys = vec!["slow-key".into()];
    MockServer::start(config).await.unwrap()
}

#[tokio::test]
async fn wrong_key_gets_401_in_provider_shape_without_the_key() {
    let s = guarded().await;
    let b = s.base_url();
    let secret = "sk-wrong-SECRET-123";
    let cases = [
        client().get(format!("{b}/v1/models")).bearer_auth(secret),
        client()
            .post(format!("{b}/v1/chat/completions"))
            .bearer_auth(secret)
            .json(&chat_body(false, json!({}))),
        client().get(format!("{b}/api/tags")).bearer_auth(secret),
        client().get(format!("{b}/v1/key")).bearer_auth(secret),
    ];
    for req in cases {
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status(), 401);
        let text = resp.text().await.unwrap();
        assert!(!text.contains(secret));
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["error"]["code"], "invalid_api_key");
        assert_eq!(v["error"]["message"], "Incorrect API key provided.");
    }
    let resp = client()
        .post(format!("{b}/v1/messages"))
        .header("x-api-key", secret)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let text = resp.text().await.unwrap();
    assert!(!text.contains(secret));
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        v,
        json!({"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}})
    );
    let (st, g) = get_json(
        client()
            .get(format!("{b}/v1beta/models"))
            .header("x-goog-api-key", secret),
    )
    .await;
    assert_eq!(
        st, 400,
        "Gemini refuses a bad key with 400, like the real API"
    );
    assert_eq!(g["error"]["status"], "INVALID_ARGUMENT");
    assert_eq!(g["error"]["details"][0]["reason"], "API_KEY_INVALID");
    // Missing key is also rejected; the right key passes.
    assert_eq!(
        client()
            .get(format!("{b}/v1/models"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        client()
            .get(format!("{b}/v1/models"))
            .bearer_auth("good-key")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let (st, _) = get_json(client().get(format!("{b}/v1beta/models?key=good-key"))).await;
    assert_eq!(st, 200);
}

#[tokio::test]
async fn rate_limited_key_gets_429_with_retry_after() {
    let s = guarded().await;
    let b = s.base_url();
    let resp = client()
        .post(format!("{b}/v1/chat/completions"))
        .bearer_auth("slow-key")
        .json(&chat_body(false, json!({})))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "7");
    assert_eq!(resp.headers()["x-ratelimit-remaining-requests"], "0");
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["error"]["code"], "rate_limit_exceeded");
    let resp = client()
        .post(format!("{b}/v1/messages"))
        .header("x-api-key", "slow-key")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "7");
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["type"], "error");
    assert_eq!(v["error"]["type"], "rate_limit_error");
    assert!(!v.to_string().contains("slow-key"));
}

#[tokio::test]
async fn a_key_in_another_providers_header_counts_as_missing() {
    let mut cfg = MockConfig::instant();
    cfg.accepted_keys = Some(vec!["good-key".into()]);
    let server = MockServer::start(cfg).await.unwrap();
    let b = server.base_url();
    let wrong_header = client()
        .get(format!("{b}/v1beta/models"))
        .bearer_auth("good-key")
        .send()
        .await
        .unwrap();
    assert_eq!(
        wrong_header.status(),
        400,
        "Gemini reads only x-goog-api-key"
    );
    let chat = client()
        .post(format!("{b}/v1/chat/completions"))
        .header("x-api-key", "good-key")
        .json(&json!({"model": "m", "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        chat.status(),
        401,
        "OpenAI routes read only the bearer token"
    );
}

#[tokio::test]
async fn every_answer_says_the_keys_room_and_a_key_past_its_limit_gets_429() {
    let mut config = MockConfig::instant();
    config.requests_per_minute = 2;
    let s = MockServer::start(config).await.unwrap();
    let b = s.base_url();
    let chat = |key: &'static str| {
        client()
            .post(format!("{b}/v1/chat/completions"))
            .bearer_auth(key)
            .json(&chat_body(false, json!({})))
            .send()
    };
    let first = chat("a").await.unwrap();
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["x-ratelimit-limit-requests"], "2");
    assert_eq!(first.headers()["x-ratelimit-remaining-requests"], "1");
    assert_eq!(first.headers()["x-ratelimit-remaining-tokens"], "100");
    let second = chat("a").await.unwrap();
    assert_eq!(second.headers()["x-ratelimit-remaining-requests"], "0");
    let third = chat("a").await.unwrap();
    assert_eq!(third.status(), 429);
    assert!(third.headers().contains_key("retry-after"));
    assert_eq!(chat("b").await.unwrap().status(), 200, "counted per key");
    assert_eq!(s.rate_limited(), 1);

    let msg = client()
        .post(format!("{b}/v1/messages"))
        .header("x-api-key", "c")
        .json(&json!({"model": "demo-chat", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(msg.status(), 200);
    let h = msg.headers();
    assert_eq!(h["anthropic-ratelimit-requests-remaining"], "1");
    assert!(h["anthropic-ratelimit-requests-reset"]
        .to_str()
        .unwrap()
        .ends_with('Z'));
    assert_eq!(h["anthropic-ratelimit-unified-status"], "allowed");
    assert_eq!(h["anthropic-ratelimit-unified-5h-utilization"], "0.0100");
    assert!(h.contains_key("anthropic-ratelimit-unified-5h-reset"));
}
