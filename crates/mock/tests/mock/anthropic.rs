//! `/v1/messages`: non-stream, stream event order, max_tokens, 400s.

use super::*;

async fn messages(s: &MockServer, body: &Value) -> reqwest::Response {
    client()
        .post(format!("{}/v1/messages", s.base_url()))
        .header("x-api-key", "k")
        .header("anthropic-version", "2023-06-01")
        .json(body)
        .send()
        .await
        .unwrap()
}

fn body(stream: bool, max_tokens: u64) -> Value {
    json!({
        "model": "demo-chat", "max_tokens": max_tokens, "stream": stream,
        "system": [{"type": "text", "text": "Be brief."}],
        "messages": [{"role": "user", "content": "Hello there, mock server!"}],
    })
}

#[tokio::test]
async fn non_stream_and_stream_agree() {
    let s = instant().await;
    let v: Value = messages(&s, &body(false, 1000)).await.json().await.unwrap();
    assert!(v["id"].as_str().unwrap().starts_with("msg_demo_"));
    assert_eq!(
        (&v["type"], &v["role"], &v["model"]),
        (&json!("message"), &json!("assistant"), &json!("demo-chat"))
    );
    assert_eq!(v["stop_reason"], "end_turn");
    assert!(v["stop_sequence"].is_null());
    let text = v["content"][0]["text"].as_str().unwrap();
    assert_eq!(v["content"][0]["type"], "text");
    assert_eq!(v["usage"]["input_tokens"], 2 + 4 + 3);
    assert_eq!(
        v["usage"]["output_tokens"],
        text.split_whitespace().count() as u64
    );
    assert_eq!(v["usage"]["cache_read_input_tokens"], 0);

    let raw = messages(&s, &body(true, 1000)).await.text().await.unwrap();
    let events = sse_events(&raw);
    let names: Vec<&str> = events
        .iter()
        .map(|(e, _)| e.as_str())
        .filter(|e| *e != "content_block_delta" && *e != "ping")
        .collect();
    assert_eq!(
        names,
        [
            "message_start",
            "content_block_start",
            "content_block_stop",
            "message_delta",
            "message_stop"
        ]
    );
    let data: Vec<Value> = events
        .iter()
        .map(|(_, d)| serde_json::from_str(d).unwrap())
        .collect();
    for ((name, _), d) in events.iter().zip(&data) {
        assert_eq!(d["type"], name.as_str());
    }
    assert_eq!(data[0]["message"]["content"], json!([]));
    assert_eq!(data[0]["message"]["usage"]["output_tokens"], 1);
    assert_eq!(data[0]["message"]["usage"]["input_tokens"], 9);
    let streamed: String = data
        .iter()
        .filter(|d| d["type"] == "content_block_delta")
        .map(|d| {
            assert_eq!(d["delta"]["type"], "text_delta");
            d["delta"]["text"].as_str().unwrap()
        })
        .collect();
    assert_eq!(streamed, text);
    let delta = data.iter().find(|d| d["type"] == "message_delta").unwrap();
    assert_eq!(
        delta["delta"],
        json!({"stop_reason": "end_turn", "stop_sequence": null})
    );
    assert_eq!(delta["usage"]["output_tokens"], v["usage"]["output_tokens"]);
    assert_eq!(s.calls("messages"), 2);
}

#[tokio::test]
async fn max_tokens_cut_and_missing() {
    let s = instant().await;
    let v: Value = messages(&s, &body(false, 3)).await.json().await.unwrap();
    assert_eq!(v["stop_reason"], "max_tokens");
    assert_eq!(v["usage"]["output_tokens"], 3);
    let raw = messages(&s, &body(true, 3)).await.text().await.unwrap();
    assert!(raw.contains(r#""stop_reason":"max_tokens""#));

    let resp = messages(
        &s,
        &json!({"model": "m", "messages": [{"role": "user", "content": "hi"}]}),
    )
    .await;
    assert_eq!(resp.status(), 400);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["type"], "error");
    assert_eq!(v["error"]["type"], "invalid_request_error");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("max_tokens"));
    let resp = client()
        .post(format!("{}/v1/messages", s.base_url()))
        .body("]")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["error"]["type"], "invalid_request_error");
}
