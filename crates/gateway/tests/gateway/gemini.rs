//! Gemini's native API (generateContent / streamGenerateContent) as an outbound format: OpenAI
//! and Anthropic callers, plain and streamed, the key in `x-goog-api-key`, errors translated.

use super::*;
use switchyard_mock::{MockConfig, MockServer};

const KEY: &str = "AIzaCANARY-7f3a-000000000000000000000";

async fn gemini_backend(keys: &[&str]) -> (MockServer, Harness) {
    let mut cfg = MockConfig::instant();
    cfg.accepted_keys = Some(vec![KEY.into()]);
    let mock = MockServer::start(cfg).await.unwrap();
    let url = format!("{}/v1beta", mock.base_url());
    let refs: Vec<(&str, &str)> = keys.iter().map(|k| (*k, *k)).collect();
    let t = target("Gemini", BackendKind::Gemini, &url, &refs);
    let secrets: Vec<(&str, &str)> = keys
        .iter()
        .map(|k| {
            (
                *k,
                if *k == "good" {
                    KEY
                } else {
                    "AIzaWRONG-0000000000000000000000000"
                },
            )
        })
        .collect();
    let h = start(vec![t], &secrets).await;
    (mock, h)
}

#[tokio::test]
async fn an_openai_caller_is_served_by_gemini_natively() {
    let (mock, h) = gemini_backend(&["good"]).await;
    let resp = h
        .post(
            "/v1/chat/completions",
            &openai_chat("gemini-2.5-flash", false),
        )
        .await;
    assert_openai_completion(resp, "an OpenAI caller's format").await;
    assert_eq!(
        mock.calls("gemini_generate"),
        1,
        "spoken to in its own format"
    );
    assert_eq!(mock.calls("chat"), 0);
    let rec = h.ledger.wait_for(1).await.remove(0);
    assert!(
        rec.cost_usd.is_some_and(|c| c > 0.0),
        "gemini-2.5-flash is priced: {rec:?}"
    );
    assert!(rec.output_tokens > 0);
}

#[tokio::test]
async fn streams_from_gemini_are_translated_for_both_caller_formats() {
    let (_mock, h) = gemini_backend(&["good"]).await;
    let plain = h
        .post_json(
            "/v1/chat/completions",
            &openai_chat("gemini-2.5-flash", false),
        )
        .await;
    let expected = plain["choices"][0]["message"]["content"]
        .as_str()
        .unwrap()
        .to_string();

    let mut req = openai_chat("gemini-2.5-flash", true);
    req["stream_options"] = serde_json::json!({"include_usage": true});
    let body = h.post_text("/v1/chat/completions", &req).await;
    let (text, done, usage_chunk) = openai_stream_text(&body);
    assert_eq!(text, expected);
    assert!(done && usage_chunk, "[DONE] and usage: {body}");

    let body = h
        .post_text("/v1/messages", &anthropic_msg("gemini-2.5-flash", true))
        .await;
    let (text, events) = anthropic_stream_text(&body);
    assert_eq!(text, expected);
    assert_eq!(events.first().map(String::as_str), Some("message_start"));
    assert_eq!(events.last().map(String::as_str), Some("message_stop"));
    let recs = h.ledger.wait_for(3).await;
    assert!(
        recs.iter().all(|r| r.output_tokens > 0 && r.status == 200),
        "{recs:?}"
    );
}

#[tokio::test]
async fn a_refused_gemini_key_rotates_and_a_gemini_error_reaches_the_caller_in_its_format() {
    let (mock, h) = gemini_backend(&["bad", "good"]).await;
    let resp = h
        .post("/v1/messages", &anthropic_msg("gemini-2.5-flash", false))
        .await;
    assert_eq!(
        resp.status(),
        200,
        "Gemini's 400 API_KEY_INVALID counts as a refused key"
    );
    let rec = h.ledger.wait_for(1).await.remove(0);
    assert_eq!(rec.key_label.as_deref(), Some("good"));
    assert_eq!(
        rec.attempt_list[0].error_class.map(|c| c.as_str()),
        Some("key_invalid")
    );
    assert_eq!(mock.calls("gemini_generate"), 2);

    let all = format!("{:?}", h.ledger.all());
    assert!(!all.contains(CANARY), "no key in the ledger");
}

#[tokio::test]
async fn a_gemini_client_error_reaches_an_anthropic_caller_in_its_own_format() {
    let cfg = MockConfig::instant().with_faults(vec![switchyard_mock::Fault::Status(404)]);
    let mock = MockServer::start(cfg).await.unwrap();
    let url = format!("{}/v1beta", mock.base_url());
    let t = target("Gemini", BackendKind::Gemini, &url, &[("k", "k")]);
    let h = start(vec![t], &[("k", KEY)]).await;
    let resp = h
        .post("/v1/messages", &anthropic_msg("gemini-2.5-flash", false))
        .await;
    assert_eq!(resp.status(), 404, "other 4xx are returned as they are");
    assert_eq!(resp.headers()["x-switchyard-error"], "provider");
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["type"], "error", "Anthropic-shaped: {body}");
    let msg = body["error"]["message"].as_str().unwrap();
    assert!(
        !msg.is_empty() && !msg.contains("HTTP 404"),
        "the provider's own message: {msg}"
    );
}
