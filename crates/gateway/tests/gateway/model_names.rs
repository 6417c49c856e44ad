//! A model name with a control character is a 400 at intake, in every format the gateway takes
//! (issue 69: one request with a NUL in `model` used to stall a team replica's ledger). The
//! answer names the field and never quotes the value; nothing reaches the ledger; the gateway
//! keeps serving.

use super::*;
use serde_json::{json, Value};

/// Names a hostile caller might send: NUL (PostgreSQL's text refuses it), a terminal escape, a
/// line break (a forged log line), DEL and a C1 control.
const HOSTILE: [&str; 5] = [
    "demo-\u{0}chat",
    "demo-chat\u{1b}[31m",
    "demo-chat\nINFO forged",
    "demo-\u{7f}",
    "demo-\u{85}chat",
];

/// Asserts `resp` is the intake's 400 for the model, with no control character in the answer
/// (raw or as a JSON escape).
async fn refused(resp: reqwest::Response, what: &str) {
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    assert_eq!(status, 400, "{what}: a typed 400, not routed: {text}");
    assert!(
        text.contains("`model`") && text.contains("control character"),
        "{what}: the answer names the field and the reason: {text}"
    );
    assert!(
        !text.chars().any(char::is_control) && !text.contains("\\u00") && !text.contains("\\n"),
        "{what}: the value's control bytes are never quoted back: {text:?}"
    );
    let _: Value = serde_json::from_str(&text).expect("an error body in the caller's format");
}

#[tokio::test]
async fn a_control_character_in_the_model_is_a_400_in_every_body_format() {
    let (_mock, h) = start_demo().await;
    for model in HOSTILE {
        let bodies = [
            ("/v1/chat/completions", openai_chat(model, false)),
            ("/v1/chat/completions", openai_chat(model, true)),
            ("/v1/messages", anthropic_msg(model, false)),
            (
                "/v1/messages/count_tokens",
                json!({"model": model, "messages": [{"role": "user", "content": "hi"}]}),
            ),
            ("/v1/responses", json!({"model": model, "input": "hi"})),
            (
                "/v1/responses/input_tokens",
                json!({"model": model, "input": "hi"}),
            ),
            (
                "/v1/responses/compact",
                json!({"model": model, "input": "hi"}),
            ),
            ("/v1/embeddings", json!({"model": model, "input": "hi"})),
        ];
        for (path, body) in bodies {
            refused(h.post(path, &body).await, &format!("{path} {model:?}")).await;
        }
    }
    assert!(
        h.ledger.all().is_empty(),
        "refused at intake: no ledger row carries the name"
    );
    assert_openai_completion(
        h.post("/v1/chat/completions", &openai_chat("demo-chat", false))
            .await,
        "still serving",
    )
    .await;
}

#[tokio::test]
async fn a_control_character_in_a_gemini_url_model_is_a_400() {
    let (_mock, h) = start_demo().await;
    let body = json!({"contents": [{"role": "user", "parts": [{"text": "hi"}]}]});
    for encoded in [
        "demo-%00chat",
        "demo-chat%1B%5B31m",
        "demo%0Achat",
        "demo-%C2%85",
    ] {
        for prefix in ["/v1beta/models", "/v1/models"] {
            for method in [
                "generateContent",
                "streamGenerateContent?alt=sse",
                "countTokens",
            ] {
                let path = format!("{prefix}/{encoded}:{method}");
                refused(h.post_google(&path, &body).await, &path).await;
            }
        }
    }
    assert!(h.ledger.all().is_empty(), "refused at intake");
    let ok = h
        .post_google("/v1beta/models/demo-chat:generateContent", &body)
        .await;
    assert_eq!(ok.status(), 200, "still serving");
}

#[tokio::test]
async fn printable_unicode_model_names_are_not_refused() {
    let (_mock, h) = start_demo().await;
    // Routed as any unknown name is: a 404 that says so, recorded; not the intake's 400.
    let resp = h
        .post(
            "/v1/chat/completions",
            &openai_chat("modèle-ünïcode ☃", false),
        )
        .await;
    assert_eq!(resp.status(), 404, "only control characters are refused");
    let rec = h.ledger.wait_for(1).await;
    assert_eq!(rec[0].requested_model, "modèle-ünïcode ☃");
}
