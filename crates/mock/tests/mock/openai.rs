//! `/v1/chat/completions`: non-stream, stream, max_tokens, 400s, counters.

use super::*;

async fn chat(s: &MockServer, body: &Value) -> reqwest::Response {
    client()
        .post(format!("{}/v1/chat/completions", s.base_url()))
        .bearer_auth("k")
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn non_stream_has_content_and_usage() {
    let s = instant().await;
    let v: Value = chat(&s, &chat_body(false, json!({})))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["object"], "chat.completion");
    assert!(v["id"].as_str().unwrap().starts_with("chatcmpl-demo-"));
    assert_eq!(v["model"], "demo-chat");
    let content = v["choices"][0]["message"]["content"].as_str().unwrap();
    assert!(
        content.starts_with("Demo reply to “Hello there, mock server!”:"),
        "{content}"
    );
    assert_eq!(v["choices"][0]["message"]["role"], "assistant");
    assert_eq!(v["choices"][0]["finish_reason"], "stop");
    let words = content.split_whitespace().count() as u64;
    assert_eq!(v["usage"]["completion_tokens"], words);
    // "Be brief." (2) + "Hello there, mock server!" (4) + 3 per message.
    assert_eq!(v["usage"]["prompt_tokens"], 12);
    assert_eq!(v["usage"]["total_tokens"], 12 + words);
    assert_eq!(s.calls("chat"), 1);
}

#[tokio::test]
async fn stream_concatenates_to_non_stream_content() {
    let s = instant().await;
    let full: Value = chat(&s, &chat_body(false, json!({})))
        .await
        .json()
        .await
        .unwrap();
    for include_usage in [false, true] {
        let resp = chat(
            &s,
            &chat_body(
                true,
                json!({"stream_options": {"include_usage": include_usage}}),
            ),
        )
        .await;
        assert!(resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream"));
        let events = sse_events(&resp.text().await.unwrap());
        assert_eq!(events.last().unwrap().1, "[DONE]");
        let chunks: Vec<Value> = events[..events.len() - 1]
            .iter()
            .map(|(_, d)| serde_json::from_str(d).unwrap())
            .collect();
        assert_eq!(
            chunks[0]["choices"][0]["delta"],
            json!({"role": "assistant", "content": ""})
        );
        assert!(chunks
            .iter()
            .all(|c| c["object"] == "chat.completion.chunk"));
        let text: String = chunks
            .iter()
            .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
            .collect();
        assert_eq!(
            text,
            full["choices"][0]["message"]["content"].as_str().unwrap()
        );
        let finish: Vec<&Value> = chunks
            .iter()
            .map(|c| &c["choices"][0]["finish_reason"])
            .filter(|f| !f.is_null())
            .collect();
        assert_eq!(finish, [&json!("stop")]);
        let usage: Vec<&Value> = chunks
            .iter()
            .filter(|c| c["choices"] == json!([]))
            .collect();
        if include_usage {
            assert_eq!(usage.len(), 1);
            assert_eq!(usage[0]["usage"], full["usage"]);
            assert_eq!(chunks.last().unwrap()["choices"], json!([]));
        } else {
            assert!(usage.is_empty());
        }
    }
}

#[tokio::test]
async fn max_tokens_cuts_with_length() {
    let s = instant().await;
    let v: Value = chat(&s, &chat_body(false, json!({"max_tokens": 4})))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["choices"][0]["finish_reason"], "length");
    assert_eq!(v["usage"]["completion_tokens"], 4);
    assert_eq!(
        v["choices"][0]["message"]["content"]
            .as_str()
            .unwrap()
            .split_whitespace()
            .count(),
        4
    );
    let text = chat(&s, &chat_body(true, json!({"max_tokens": 4})))
        .await
        .text()
        .await
        .unwrap();
    assert!(text.contains(r#""finish_reason":"length""#));
}

#[tokio::test]
async fn bad_requests_get_400() {
    let s = instant().await;
    let url = format!("{}/v1/chat/completions", s.base_url());
    let resp = client()
        .post(&url)
        .bearer_auth("sk-hidden")
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let text = resp.text().await.unwrap();
    assert!(!text.contains("sk-hidden"));
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["error"]["type"], "invalid_request_error");
    assert!(v["error"]["message"].as_str().unwrap().contains("JSON"));
    for body in [
        json!({"messages": []}),
        json!({"model": "m"}),
        json!({"model": "m", "messages": []}),
    ] {
        let (st, v) = get_json(client().post(&url).json(&body)).await;
        assert_eq!(st, 400, "{body}");
        assert!(v["error"]["message"].is_string());
    }
    let (st, v) = get_json(client().get(format!("{}/nope", s.base_url()))).await;
    assert_eq!(st, 404);
    assert!(v["error"]["message"].as_str().unwrap().contains("/nope"));
    assert_eq!(s.calls("chat"), 4);
    assert_eq!(s.total_calls(), 5);
}
