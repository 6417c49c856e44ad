//! Gemini's native `generateContent` / `streamGenerateContent`: replies, SSE chunks, keys, faults.

use super::*;
use switchyard_mock::Fault;

const MODEL: &str = "gemini-2.0-flash";

/// The same conversation as [`chat_body`], in Gemini's shape.
fn gemini_body(max_output_tokens: Option<u64>) -> Value {
    json!({
        "systemInstruction": {"parts": [{"text": "Be brief."}]},
        "contents": [{"role": "user", "parts": [{"text": "Hello there, mock server!"}]}],
        "generationConfig": {"maxOutputTokens": max_output_tokens},
    })
}

fn url(s: &MockServer, method: &str, query: &str) -> String {
    format!("{}/v1beta/models/{MODEL}:{method}{query}", s.base_url())
}

fn post(s: &MockServer, method: &str, query: &str, key: &str) -> reqwest::RequestBuilder {
    client()
        .post(url(s, method, query))
        .header("x-goog-api-key", key)
        .json(&gemini_body(None))
}

fn reply_text(chunk: &Value) -> &str {
    chunk["candidates"][0]["content"]["parts"][0]["text"]
        .as_str()
        .unwrap()
}

#[tokio::test]
async fn generate_content_answers_the_demo_reply_with_usage_and_model_version() {
    let s = instant().await;
    let (status, v) = get_json(post(&s, "generateContent", "", "g")).await;
    assert_eq!(status, 200, "{v}");
    let candidate = &v["candidates"][0];
    assert_eq!(candidate["content"]["role"], "model");
    assert_eq!(candidate["finishReason"], "STOP");
    let text = reply_text(&v);
    assert!(
        text.starts_with("Demo reply to “Hello there, mock server!”:"),
        "{text}"
    );
    let words = text.split_whitespace().count() as u64;
    let usage = &v["usageMetadata"];
    assert_eq!(usage["promptTokenCount"], 2 + 4 + 3, "system + message + 3");
    assert_eq!(usage["candidatesTokenCount"], words);
    assert_eq!(usage["totalTokenCount"], 9 + words);
    assert_eq!(v["modelVersion"], MODEL);
    assert!(v["responseId"]
        .as_str()
        .unwrap()
        .starts_with("gemini-demo-"));
    let (_, chat) = get_json(
        client()
            .post(format!("{}/v1/chat/completions", s.base_url()))
            .json(&chat_body(false, json!({}))),
    )
    .await;
    assert_eq!(
        chat["choices"][0]["message"]["content"], text,
        "the same deterministic reply as OpenAI"
    );
    assert_eq!((s.calls("gemini_generate"), s.calls("chat")), (1, 1));
}

#[tokio::test]
async fn alt_sse_streams_several_chunks_with_finish_and_usage_on_the_last() {
    let s = instant().await;
    let (_, whole) = get_json(post(&s, "generateContent", "", "g")).await;
    let resp = post(&s, "streamGenerateContent", "?alt=sse", "g")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let body = resp.text().await.unwrap();
    let chunks: Vec<Value> = sse_events(&body)
        .into_iter()
        .map(|(event, data)| {
            assert_eq!(event, "", "Gemini events are unnamed");
            serde_json::from_str(&data).unwrap()
        })
        .collect();
    assert!(chunks.len() > 2, "several chunks: {}", chunks.len());
    let (last, rest) = chunks.split_last().unwrap();
    for chunk in rest {
        assert!(chunk.get("usageMetadata").is_none(), "{chunk}");
        assert!(
            chunk["candidates"][0].get("finishReason").is_none(),
            "{chunk}"
        );
        assert_eq!(chunk["modelVersion"], MODEL);
    }
    assert_eq!(last["candidates"][0]["finishReason"], "STOP");
    assert_eq!(last["usageMetadata"], whole["usageMetadata"]);
    let text: String = chunks.iter().map(reply_text).collect();
    assert_eq!(text, reply_text(&whole), "the chunks add up to the reply");
    assert!(!body.contains("[DONE]"), "no terminator");
    assert_eq!(s.calls("gemini_generate"), 2);
}

#[tokio::test]
async fn streaming_without_alt_sse_is_a_json_array_and_max_output_tokens_cuts_the_reply() {
    let s = instant().await;
    let (status, v) = get_json(post(&s, "streamGenerateContent", "", "g")).await;
    assert_eq!(status, 200);
    let chunks = v.as_array().unwrap();
    assert_eq!(
        chunks.last().unwrap()["candidates"][0]["finishReason"],
        "STOP"
    );
    let (_, short) = get_json(
        client()
            .post(url(&s, "generateContent", ""))
            .json(&gemini_body(Some(3))),
    )
    .await;
    assert_eq!(short["candidates"][0]["finishReason"], "MAX_TOKENS");
    assert_eq!(short["usageMetadata"]["candidatesTokenCount"], 3);
}

#[tokio::test]
async fn keys_follow_the_gemini_rules_in_the_header_or_the_query() {
    let mut config = MockConfig::instant();
    config.accepted_keys = Some(vec!["good-key".into()]);
    config.rate_limited_keys = vec!["slow-key".into()];
    let s = MockServer::start(config).await.unwrap();
    let (st, _) = get_json(post(&s, "generateContent", "", "good-key")).await;
    assert_eq!(st, 200, "header key");
    let (st, _) = get_json(
        client()
            .post(url(&s, "streamGenerateContent", "?key=good-key"))
            .json(&gemini_body(None)),
    )
    .await;
    assert_eq!(st, 200, "query key");

    let secret = "AIza-wrong-SECRET";
    let resp = post(&s, "generateContent", "", secret)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400, "Gemini refuses a bad key with 400");
    let text = resp.text().await.unwrap();
    assert!(!text.contains(secret), "the key is never echoed");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["error"]["code"], 400);
    assert_eq!(v["error"]["status"], "INVALID_ARGUMENT");
    assert_eq!(v["error"]["details"][0]["reason"], "API_KEY_INVALID");

    let resp = post(&s, "streamGenerateContent", "?alt=sse", "slow-key")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
    assert!(
        !resp.headers().contains_key("retry-after"),
        "Gemini says it in the body"
    );
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["error"]["status"], "RESOURCE_EXHAUSTED");
    assert_eq!(v["error"]["details"][1]["retryDelay"], "7s");
    assert_eq!(
        v["error"]["details"][0]["violations"][0]["quotaValue"],
        "10"
    );
    assert_eq!(s.calls("gemini_generate"), 4, "rejected requests count too");
}

#[tokio::test]
async fn unknown_methods_and_bad_bodies_get_gemini_errors() {
    let s = instant().await;
    let (st, v) = get_json(post(&s, "embedContent", "", "g")).await;
    assert_eq!(st, 404, "a method the mock does not serve");
    assert_eq!(v["error"]["status"], "NOT_FOUND");
    assert_eq!(s.calls("gemini_generate"), 0, "not a generation call");
    for body in [json!({}), json!({"contents": []})] {
        let (st, v) = get_json(client().post(url(&s, "generateContent", "")).json(&body)).await;
        assert_eq!(st, 400, "{body}");
        assert_eq!(v["error"]["status"], "INVALID_ARGUMENT");
        assert!(v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("contents is not specified"));
    }
}

#[tokio::test]
async fn faults_apply_to_gemini_generation_in_script_order() {
    let s = MockServer::start(MockConfig::instant().with_faults(vec![
        Fault::Status(429),
        Fault::Status(503),
        Fault::CutAfterChunks(2),
    ]))
    .await
    .unwrap();
    let resp = post(&s, "generateContent", "", "g").send().await.unwrap();
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "1");
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["error"]["status"], "RESOURCE_EXHAUSTED", "{v}");
    let chat = client()
        .post(format!("{}/v1/chat/completions", s.base_url()))
        .json(&chat_body(false, json!({})))
        .send()
        .await
        .unwrap();
    assert_eq!(chat.status(), 503, "the script is shared with chat");

    let resp = post(&s, "streamGenerateContent", "?alt=sse", "g")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "headers are sent");
    let (text, broke) = read_until_break(resp).await;
    assert!(broke, "the connection is dropped");
    assert_eq!(sse_events(&text).len(), 2, "exactly two chunks: {text}");
    assert!(!text.contains("finishReason"), "the last chunk never came");
    assert_eq!(s.faults_used(), 3);
}
