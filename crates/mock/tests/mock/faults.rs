//! The fault script: each chat/messages request uses the next fault, then requests are normal.

use super::*;
use switchyard_mock::Fault;

async fn with_faults(faults: Vec<Fault>) -> MockServer {
    MockServer::start(MockConfig::instant().with_faults(faults))
        .await
        .unwrap()
}

async fn post(s: &MockServer, path: &str, body: &Value) -> reqwest::Response {
    client()
        .post(format!("{}{path}", s.base_url()))
        .bearer_auth("k")
        .header("x-api-key", "k")
        .json(body)
        .send()
        .await
        .unwrap()
}

fn messages_body(stream: bool) -> Value {
    json!({"model": "m", "max_tokens": 32, "stream": stream,
           "messages": [{"role": "user", "content": "hi there"}]})
}

#[tokio::test]
async fn presets_have_an_empty_fault_script() {
    assert!(MockConfig::demo().faults.is_empty(), "demo has no faults");
    assert!(
        MockConfig::instant().faults.is_empty(),
        "instant has no faults"
    );
    let s = instant().await;
    assert_eq!(
        post(&s, "/v1/chat/completions", &chat_body(false, json!({})))
            .await
            .status(),
        200
    );
    assert_eq!(s.faults_used(), 0, "nothing to use");
}

#[tokio::test]
async fn a_status_fault_answers_a_provider_shaped_error_once_then_requests_are_normal() {
    let s = with_faults(vec![Fault::Status(503)]).await;
    let (status, v) = get_json(
        client()
            .post(format!("{}/v1/chat/completions", s.base_url()))
            .json(&chat_body(false, json!({}))),
    )
    .await;
    assert_eq!(status, 503, "the scripted status");
    assert_eq!(
        v["error"]["type"], "server_error",
        "OpenAI-shaped body: {v}"
    );
    assert!(
        v["error"]["message"].as_str().unwrap().contains("503"),
        "{v}"
    );
    assert_eq!(s.faults_used(), 1, "one fault used");
    let again = post(&s, "/v1/chat/completions", &chat_body(false, json!({}))).await;
    assert_eq!(again.status(), 200, "the script is used up");
    assert_eq!(s.faults_used(), 1, "no more faults to use");
    assert_eq!(s.calls("chat"), 2, "both requests are counted");
}

#[tokio::test]
async fn an_injected_429_carries_retry_after_one_second_in_the_anthropic_shape() {
    let s = with_faults(vec![Fault::Status(429)]).await;
    let resp = post(&s, "/v1/messages", &messages_body(false)).await;
    assert_eq!(resp.status(), 429, "the scripted status");
    assert_eq!(
        resp.headers()["retry-after"],
        "1",
        "a short advertised wait"
    );
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["type"], "error", "Anthropic-shaped body: {v}");
    assert_eq!(v["error"]["type"], "rate_limit_error", "{v}");
}

#[tokio::test]
async fn the_script_is_consumed_in_order_across_chat_and_messages() {
    let s = with_faults(vec![Fault::Status(500), Fault::Status(529)]).await;
    let first = post(&s, "/v1/messages", &messages_body(false)).await;
    let second = post(&s, "/v1/chat/completions", &chat_body(false, json!({}))).await;
    let third = post(&s, "/v1/messages", &messages_body(false)).await;
    assert_eq!(
        (
            first.status().as_u16(),
            second.status().as_u16(),
            third.status().as_u16()
        ),
        (500, 529, 200),
        "one fault per request, in order, then normal"
    );
    assert_eq!(s.faults_used(), 2, "both faults used");
}

#[tokio::test]
async fn probes_do_not_consume_faults() {
    let s = with_faults(vec![Fault::Status(500)]).await;
    let models = client()
        .get(format!("{}/v1/models", s.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(models.status(), 200, "the model list is not scripted");
    assert_eq!(s.faults_used(), 0, "the fault is still pending");
}

#[tokio::test]
async fn hang_and_latency_delay_the_headers_then_answer_normally() {
    for fault in [
        Fault::HangBeforeFirstByte(Duration::from_millis(200)),
        Fault::Latency(Duration::from_millis(200)),
    ] {
        let s = with_faults(vec![fault]).await;
        let started = Instant::now();
        let resp = post(&s, "/v1/chat/completions", &chat_body(true, json!({}))).await;
        let headers_at = started.elapsed();
        assert_eq!(
            resp.status(),
            200,
            "{fault:?}: normal answer after the delay"
        );
        assert!(
            headers_at >= Duration::from_millis(200),
            "{fault:?}: headers after {headers_at:?}"
        );
        let (body, broke) = read_until_break(resp).await;
        assert!(
            !broke && body.contains("data: [DONE]"),
            "{fault:?}: complete stream"
        );
    }
}

#[tokio::test]
async fn a_hang_that_outlasts_the_client_timeout_times_the_client_out() {
    let s = with_faults(vec![Fault::HangBeforeFirstByte(Duration::from_secs(5))]).await;
    let err = client()
        .post(format!("{}/v1/chat/completions", s.base_url()))
        .timeout(Duration::from_millis(150))
        .json(&chat_body(false, json!({})))
        .send()
        .await
        .unwrap_err();
    assert!(
        err.is_timeout(),
        "no headers before the client gave up: {err}"
    );
}

#[tokio::test]
async fn a_cut_stream_sends_n_frames_then_drops_the_connection() {
    for (path, body) in [
        ("/v1/chat/completions", chat_body(true, json!({}))),
        ("/v1/messages", messages_body(true)),
    ] {
        let s = with_faults(vec![Fault::CutAfterChunks(2)]).await;
        let resp = post(&s, path, &body).await;
        assert_eq!(resp.status(), 200, "{path}: headers are sent");
        let (text, broke) = read_until_break(resp).await;
        assert!(
            broke,
            "{path}: the connection is dropped, not closed cleanly"
        );
        assert_eq!(
            sse_events(&text).len(),
            2,
            "{path}: exactly two frames: {text}"
        );
        assert!(
            !text.contains("[DONE]") && !text.contains("message_stop"),
            "{path}: no terminating events: {text}"
        );
    }
}

#[tokio::test]
async fn a_cut_non_stream_answer_breaks_off_mid_json() {
    let s = with_faults(vec![Fault::CutAfterChunks(1)]).await;
    let resp = post(&s, "/v1/chat/completions", &chat_body(false, json!({}))).await;
    assert_eq!(resp.status(), 200, "headers are sent");
    let (text, broke) = read_until_break(resp).await;
    assert!(broke, "the body breaks off");
    assert!(
        serde_json::from_str::<Value>(&text).is_err(),
        "half a JSON object: {text}"
    );
}

#[tokio::test]
async fn invalid_json_is_a_200_with_a_body_that_does_not_parse() {
    let s = with_faults(vec![Fault::InvalidJson]).await;
    let resp = post(&s, "/v1/chat/completions", &chat_body(false, json!({}))).await;
    assert_eq!(resp.status(), 200, "looks successful");
    assert_eq!(
        resp.headers()["content-type"],
        "application/json",
        "claims JSON"
    );
    let text = resp.text().await.unwrap();
    assert!(
        serde_json::from_str::<Value>(&text).is_err(),
        "not JSON: {text}"
    );
}

#[tokio::test]
async fn a_steady_fault_hits_every_request_after_the_script_until_cleared() {
    let s = with_faults(vec![Fault::Status(429)]).await;
    s.set_steady_fault(Some(Fault::Status(500)));
    let status = |r: reqwest::Response| r.status().as_u16();
    let body = chat_body(false, json!({}));
    assert_eq!(
        status(post(&s, "/v1/chat/completions", &body).await),
        429,
        "the script first"
    );
    for _ in 0..3 {
        assert_eq!(status(post(&s, "/v1/chat/completions", &body).await), 500);
    }
    assert_eq!(
        status(post(&s, "/v1/messages", &messages_body(false)).await),
        500
    );
    s.set_steady_fault(None);
    assert_eq!(
        status(post(&s, "/v1/chat/completions", &body).await),
        200,
        "cleared"
    );
    assert_eq!(s.faults_used(), 5);
}

#[tokio::test]
async fn answers_to_a_rate_limited_key_are_counted() {
    let mut config = MockConfig::instant();
    config.rate_limited_keys = vec!["k".into()];
    let s = MockServer::start(config).await.unwrap();
    let body = chat_body(false, json!({}));
    for _ in 0..2 {
        assert_eq!(post(&s, "/v1/chat/completions", &body).await.status(), 429);
    }
    assert_eq!(s.rate_limited(), 2);
    assert_eq!(s.faults_used(), 0, "not a scripted fault");
}
