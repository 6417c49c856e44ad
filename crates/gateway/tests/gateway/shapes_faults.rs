//! The new shapes under faults and bad input: a cut Responses stream ends in `response.failed`
//! and is recorded with what it forwarded; failover before the first byte works for Responses,
//! Gemini and embeddings callers; requests no backend can take are a 400 in the caller's shape
//! naming the field (never a 5xx); malformed bodies are refused before any backend is asked; a
//! token sent as `?key=` never reaches a log line, even at TRACE.

use super::*;
use serde_json::{json, Value};
use switchyard_mock::{Fault, MockConfig, MockServer};

async fn mock(faults: Vec<Fault>) -> MockServer {
    MockServer::start(MockConfig::instant().with_faults(faults))
        .await
        .unwrap()
}

async fn post(h: &Harness, path: &str, body: &Value) -> reqwest::Response {
    client()
        .post(format!("{}{path}", h.base))
        .bearer_auth(TOKEN)
        .header("x-goog-api-key", TOKEN)
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_cut_responses_stream_ends_failed_and_is_recorded_with_what_it_forwarded() {
    for (kind, base_suffix, model) in [
        (BackendKind::OpenAi, "/v1", "gpt-4.1"),
        (BackendKind::Anthropic, "", "claude-sonnet-4-5"),
    ] {
        let m = mock(vec![Fault::CutAfterChunks(8)]).await;
        let t = target(
            "B",
            kind,
            &format!("{}{base_suffix}", m.base_url()),
            &[("k", "k")],
        );
        let h = start(vec![t], &[("k", "sk-k")]).await;
        let body = json!({"model": model, "stream": true, "input": "Say hello to the switchyard"});
        let resp = post(&h, "/v1/responses", &body).await;
        assert_eq!(resp.status(), 200, "the stream had started");
        let text = resp.text().await.unwrap();
        assert!(text.contains("event: response.failed"), "{model}: {text}");
        assert!(
            !text.contains("response.completed"),
            "{model}: never presented as complete"
        );
        let last = text
            .lines()
            .filter_map(|l| l.strip_prefix("data: "))
            .next_back()
            .unwrap();
        let last: Value = serde_json::from_str(last).unwrap();
        assert_eq!(last["type"], "error", "{model}: a flat error event ends it");
        let rec = h.ledger.wait_for(1).await.remove(0);
        assert_eq!(rec.status, 502, "{rec:?}");
        assert_eq!(rec.error_class.map(|c| c.as_str()), Some("upstream_broken"));
        assert!(
            rec.output_tokens > 0,
            "the forwarded text is counted: {rec:?}"
        );
        assert_eq!(rec.inbound, "responses");
    }
}

#[tokio::test]
async fn new_shapes_fail_over_before_the_first_byte() {
    let cases = [
        (
            "/v1/responses",
            json!({"model": "gpt-4.1", "input": "hi", "stream": true}),
        ),
        ("/v1/responses", json!({"model": "gpt-4.1", "input": "hi"})),
        (
            "/v1beta/models/gpt-4.1:streamGenerateContent?alt=sse",
            json!({"contents": [{"parts": [{"text": "hi"}]}]}),
        ),
        (
            "/v1/embeddings",
            json!({"model": "text-embedding-3-small", "input": "hi"}),
        ),
    ];
    for (path, body) in &cases {
        // A fresh pair each time: the first's breaker would otherwise open after a few 503s.
        let bad = mock(vec![Fault::Status(503); 2]).await;
        let good = mock(vec![]).await;
        let targets = vec![
            target(
                "First",
                BackendKind::OpenAi,
                &format!("{}/v1", bad.base_url()),
                &[("k1", "a")],
            ),
            target(
                "Second",
                BackendKind::OpenAi,
                &format!("{}/v1", good.base_url()),
                &[("k2", "b")],
            ),
        ];
        let h = start(targets, &[("k1", "sk-1"), ("k2", "sk-2")]).await;
        let resp = post(&h, path, body).await;
        assert_eq!(resp.status(), 200, "{path}");
        assert_eq!(resp.headers()["x-switchyard-backend"], "Second", "{path}");
        let text = resp.text().await.unwrap();
        assert!(
            !text.contains("response.failed") && !text.contains("\"error\":{"),
            "{path}: {text}"
        );
        let rec = h.ledger.wait_for(1).await.remove(0);
        assert!(rec.attempts >= 2 && rec.status == 200, "{path}: {rec:?}");
        assert_eq!(rec.attempt_list[0].status, Some(503));
    }
}

#[tokio::test]
async fn requests_no_backend_can_take_are_a_400_in_the_callers_shape() {
    let m = mock(vec![]).await;
    let targets = vec![
        target(
            "Claude",
            BackendKind::Anthropic,
            &m.base_url(),
            &[("ka", "a")],
        ),
        target(
            "OpenAI",
            BackendKind::OpenAi,
            &format!("{}/v1", m.base_url()),
            &[("ko", "o")],
        ),
    ];
    let h = start(targets, &[("ka", "sk-a"), ("ko", "sk-o")]).await;
    let web_only =
        json!({"model": "claude-sonnet-4-5", "input": "news?", "tools": [{"type": "web_search"}]});
    let r = post(&h, "/v1/responses", &web_only).await;
    assert_eq!(r.status(), 400);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["type"], "invalid_request_error");
    assert_eq!(e["error"]["param"], "tools[0].type", "{e}");
    let msg = e["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("Claude") && msg.contains("tools[0].type"),
        "names backend and field: {msg}"
    );

    let server_tool = json!({"model": "gpt-4.1", "max_tokens": 50, "messages": [{"role": "user", "content": "x"}],
        "tools": [{"type": "web_search_20250305", "name": "web_search"}]});
    let r = client()
        .post(format!("{}/v1/messages", h.base))
        .header("x-api-key", TOKEN)
        .json(&server_tool)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        400,
        "never overloaded_error: that makes Claude Code retry in vain"
    );
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["type"], "invalid_request_error");

    let audio = json!({"model": "claude-sonnet-4-5", "messages": [{"role": "user", "content": [
        {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}}]}]});
    let r = post(&h, "/v1/chat/completions", &audio).await;
    assert_eq!(r.status(), 400);
    let e: Value = r.json().await.unwrap();
    assert_eq!(
        e["error"]["param"],
        serde_json::Value::Null,
        "a renderer's path is the canonical conversation's, not necessarily the caller's"
    );
    assert!(
        e["error"]["message"].as_str().unwrap().contains("audio"),
        "{e}"
    );
    assert_eq!(m.total_calls(), 0, "nothing was sent anywhere");
    let records = h.ledger.wait_for(3).await;
    assert!(records
        .iter()
        .all(|r| r.status == 400 && r.error_class.map(|c| c.as_str()) == Some("untranslatable")));
}

#[tokio::test]
async fn malformed_bodies_are_refused_before_any_backend_is_asked() {
    let m = mock(vec![]).await;
    let h = start(vec![demo_target(&m)], &[]).await;
    let cases = [
        (
            "/v1/responses",
            json!({"model": "demo-chat", "input": [{"type": "message", "role": "user", "content": 5}]}),
            "input[0].content",
        ),
        (
            "/v1/responses",
            json!({"model": "demo-chat", "input": [{"role": "user", "content": "x"},
            {"type": "function_call_output", "call_id": "call_9", "output": "?"}]}),
            "input[1].call_id",
        ),
        ("/v1/responses", json!({"model": "demo-chat"}), "input"),
        (
            "/v1/embeddings",
            json!({"model": "demo-chat", "input": [""]}),
            "input[0]",
        ),
    ];
    for (path, body, field) in &cases {
        let r = post(&h, path, body).await;
        assert_eq!(r.status(), 400, "{path} {body}");
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"]["param"], *field, "{e}");
    }
    let gem = post(
        &h,
        "/v1beta/models/demo-chat:generateContent",
        &json!({"generationConfig": {}}),
    )
    .await;
    assert_eq!(gem.status(), 400);
    let e: Value = gem.json().await.unwrap();
    assert_eq!(e["error"]["status"], "INVALID_ARGUMENT");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("contents"),
        "{e}"
    );
    assert_eq!(m.total_calls(), 0, "refused before any backend");
}

/// Log lines written while the test's subscriber is active.
#[derive(Clone, Default)]
pub struct Captured(pub std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A TRACE subscriber for the whole test binary, installed once, writing into a buffer (a
/// thread-local one misses events whose callsites other tests' threads registered first).
pub fn trace_logs() -> &'static Captured {
    static LOGS: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Captured::default();
        let sink = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || sink.clone())
            .with_ansi(false)
            .finish();
        let _ = tracing::subscriber::set_global_default(subscriber);
        logs
    })
}

#[tokio::test]
async fn a_token_in_the_query_never_reaches_a_log_line_at_trace() {
    let logs = trace_logs();
    let m = mock(vec![]).await;
    let h = start(vec![demo_target(&m)], &[]).await;
    let body = json!({"contents": [{"parts": [{"text": "hi"}]}]});
    for path in [
        "demo-chat:generateContent",
        "demo-chat:streamGenerateContent?alt=sse",
        "nope:generateContent",
    ] {
        let url = format!(
            "{}/v1beta/models/{path}{}key={TOKEN}",
            h.base,
            if path.contains('?') { "&" } else { "?" }
        );
        let r = client().post(url).json(&body).send().await.unwrap();
        let _ = r.text().await;
    }
    let bad = client()
        .post(format!(
            "{}/v1beta/models/demo-chat:generateContent?key={TOKEN}x",
            h.base
        ))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 401);
    let _ = h.ledger.wait_for(3).await;
    let text = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(
        text.contains("gateway listening"),
        "the subscriber captured the gateway"
    );
    assert!(text.contains("TRACE"), "at TRACE level");
    assert!(!text.contains(TOKEN), "the token leaked into a log line");
    for r in h.ledger.all() {
        assert!(
            !format!("{r:?}").contains(TOKEN),
            "the token leaked into the ledger: {r:?}"
        );
    }
}
