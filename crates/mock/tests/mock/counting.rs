//! Token counting (Anthropic `count_tokens`, Gemini `countTokens`) and Gemini's model lookup.

use super::*;
use switchyard_mock::Fault;

fn anthropic_request() -> Value {
    json!({
        "model": "m",
        "system": "Be brief.",
        "tools": [{"name": "Bash", "description": "Runs a command", "input_schema": {"type": "object"}}],
        "messages": [
            {"role": "user", "content": "Hello there"},
            {"role": "assistant", "content": [{"type": "text", "text": "Hi"}]},
            {"role": "user", "content": [{"type": "text", "text": "How are you?"}]},
        ],
    })
}

#[tokio::test]
async fn anthropic_count_tokens_matches_the_messages_input_tokens_without_using_a_fault() {
    let s = MockServer::start(MockConfig::instant().with_faults(vec![Fault::Status(500)]))
        .await
        .unwrap();
    let (status, counted) = get_json(
        client()
            .post(format!("{}/v1/messages/count_tokens", s.base_url()))
            .header("x-api-key", "k")
            .json(&anthropic_request()),
    )
    .await;
    assert_eq!(status, 200, "{counted}");
    // 2 + 1 + 3 words, 3 per message, system 2, tool "Bash" 1 + "Runs a command" 3.
    assert_eq!(counted, json!({"input_tokens": 6 + 9 + 2 + 4}));
    assert_eq!(s.faults_used(), 0, "counting is not generation");
    let mut generate = anthropic_request();
    generate["max_tokens"] = json!(16);
    let url = format!("{}/v1/messages", s.base_url());
    let failed = client().post(&url).json(&generate).send().await.unwrap();
    assert_eq!(failed.status(), 500, "the fault went to generation");
    let (_, v) = get_json(client().post(&url).json(&generate)).await;
    assert_eq!(
        v["usage"]["input_tokens"], counted["input_tokens"],
        "the same count"
    );
    let (status, v) = get_json(
        client()
            .post(format!("{}/v1/messages/count_tokens", s.base_url()))
            .json(&json!({"model": "m"})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(v["error"]["message"], "messages: Field required");
    assert_eq!(s.calls("count_tokens"), 2);
}

#[tokio::test]
async fn gemini_count_tokens_accepts_contents_or_a_generate_content_request() {
    let s = instant().await;
    let contents = json!([{"role": "user", "parts": [{"text": "Hello there, mock server!"}]}]);
    let url = |method: &str| format!("{}/v1beta/models/demo-chat:{method}", s.base_url());
    let (status, bare) = get_json(
        client()
            .post(url("countTokens"))
            .json(&json!({"contents": contents})),
    )
    .await;
    assert_eq!(status, 200, "{bare}");
    assert_eq!(
        bare,
        json!({"totalTokens": 7, "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 7}]})
    );
    let request =
        json!({"contents": contents, "systemInstruction": {"parts": [{"text": "Be brief."}]}});
    let (_, wrapped) = get_json(client().post(url("countTokens")).json(
        &json!({"generateContentRequest": {"model": "models/demo-chat", "contents": contents,
                "systemInstruction": {"parts": [{"text": "Be brief."}]}}}),
    ))
    .await;
    let (_, generated) = get_json(client().post(url("generateContent")).json(&request)).await;
    assert_eq!(
        wrapped["totalTokens"], generated["usageMetadata"]["promptTokenCount"],
        "the same count as generation"
    );
    let (status, v) = get_json(client().post(url("countTokens")).json(&json!({}))).await;
    assert_eq!(status, 400);
    assert_eq!(v["error"]["status"], "INVALID_ARGUMENT");
    assert_eq!(
        (s.calls("gemini_count_tokens"), s.calls("gemini_generate")),
        (3, 1)
    );
}

#[tokio::test]
async fn gemini_model_lookup_answers_a_configured_model_and_404s_the_rest() {
    let s = instant().await;
    let (status, v) = get_json(
        client()
            .get(format!("{}/v1beta/models/demo-fast", s.base_url()))
            .header("x-goog-api-key", "g"),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["name"], "models/demo-fast");
    assert_eq!(v["displayName"], "Demo Fast");
    assert_eq!(
        v["supportedGenerationMethods"],
        json!(["generateContent", "countTokens"])
    );
    let (status, v) =
        get_json(client().get(format!("{}/v1beta/models/gpt-4o", s.base_url()))).await;
    assert_eq!(status, 404, "not in config.models");
    assert_eq!(v["error"]["status"], "NOT_FOUND", "Gemini-shaped: {v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("models/gpt-4o"),
        "{v}"
    );
    assert_eq!(s.calls("gemini_model"), 2);
}
