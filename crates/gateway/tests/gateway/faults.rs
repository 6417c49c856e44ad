//! Upstream faults injected by switchyard-mock's fault script: retries, first-byte timeouts,
//! streams cut mid-way, clients that hang up, broken JSON and rate limits with a cool-down.

use super::*;
use futures_util::StreamExt;
use std::time::Duration;
use switchyard_domain::RequestRecord;
use switchyard_gateway::Timeouts;
use switchyard_mock::{Fault, Latency, MockConfig, MockServer};

async fn mock(faults: Vec<Fault>) -> MockServer {
    MockServer::start(MockConfig::instant().with_faults(faults))
        .await
        .unwrap()
}

fn openai_target(name: &str, mock: &MockServer, key_id: &str) -> Target {
    let url = format!("{}/v1", mock.base_url());
    target(name, BackendKind::OpenAi, &url, &[(key_id, key_id)])
}

/// A gateway over `targets` (priority order) with 300 ms first-byte and idle timeouts.
async fn start_short(targets: Vec<Target>) -> Harness {
    let keys: Vec<(String, String)> = targets
        .iter()
        .flat_map(|t| {
            t.keys
                .iter()
                .map(|k| (k.id.clone(), format!("sk-{}", k.id)))
        })
        .collect();
    let keys: Vec<(&str, &str)> = keys.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let config = GatewayConfig {
        timeouts: Timeouts {
            first_byte: Duration::from_millis(300),
            idle: Duration::from_millis(300),
            ..Timeouts::default()
        },
        ..GatewayConfig::default()
    };
    let table = RoutingTable {
        targets,
        routes: vec![],
    };
    start_with(table, &keys, config).await
}

async fn chat(h: &Harness, stream: bool) -> reqwest::Response {
    h.post("/v1/chat/completions", &openai_chat("gpt-4.1-mini", stream))
        .await
}

/// Waits up to `limit` for the first ledger record.
async fn first_record(h: &Harness, limit: Duration) -> Option<RequestRecord> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(r) = h.ledger.all().into_iter().next() {
            return Some(r);
        }
        if tokio::time::Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_503_then_success_on_the_same_backend_is_retried_and_recorded() {
    let m = mock(vec![Fault::Status(503)]).await;
    let h = start_short(vec![openai_target("Only", &m, "k1")]).await;
    let resp = chat(&h, false).await;
    assert_eq!(resp.status(), 200, "the retry succeeds");
    assert_eq!(m.calls("chat"), 2, "the 503, then the retry");
    let rec = h.ledger.wait_for(1).await.remove(0);
    assert_eq!(rec.status, 200, "the request succeeded: {rec:?}");
    assert_eq!(rec.attempts, 2, "one retry: {:?}", rec.attempt_list);
    let first = &rec.attempt_list[0];
    assert_eq!(
        (first.status, first.error_class.map(|c| c.as_str())),
        (Some(503), Some("upstream_5xx")),
        "the failed attempt is recorded"
    );
    assert_eq!(rec.attempt_list[1].status, Some(200), "then the success");
}

#[tokio::test]
async fn a_hang_past_the_first_byte_timeout_fails_over_to_the_next_backend() {
    let slow = mock(vec![
        Fault::HangBeforeFirstByte(Duration::from_secs(3)),
        Fault::HangBeforeFirstByte(Duration::from_secs(3)),
    ])
    .await;
    let fast = mock(vec![]).await;
    let h = start_short(vec![
        openai_target("Slow", &slow, "k1"),
        openai_target("Fast", &fast, "k2"),
    ])
    .await;
    let started = std::time::Instant::now();
    let resp = chat(&h, false).await;
    assert_eq!(resp.status(), 200, "the second backend serves");
    assert_eq!(
        resp.headers()["x-switchyard-backend"],
        "Fast",
        "failed over"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the hangs were cut by the first-byte timeout: {:?}",
        started.elapsed()
    );
    let rec = h.ledger.wait_for(1).await.remove(0);
    assert_eq!(
        rec.attempt_list[0].error_class.map(|c| c.as_str()),
        Some("timeout"),
        "the hanging attempt timed out: {:?}",
        rec.attempt_list
    );
    assert_eq!(
        rec.backend.as_deref(),
        Some("Fast"),
        "recorded as served by Fast"
    );
}

#[tokio::test]
async fn a_stream_cut_after_two_chunks_delivers_them_without_failover_and_is_recorded() {
    let cut = mock(vec![Fault::CutAfterChunks(2)]).await;
    let spare = mock(vec![]).await;
    let h = start_short(vec![
        openai_target("Cut", &cut, "k1"),
        openai_target("Spare", &spare, "k2"),
    ])
    .await;
    let resp = chat(&h, true).await;
    assert_eq!(resp.status(), 200, "headers went out before the cut");
    let mut body = resp.bytes_stream();
    let mut text = String::new();
    while let Some(Ok(chunk)) = body.next().await {
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    let frames: Vec<&str> = text.lines().filter(|l| l.starts_with("data: ")).collect();
    assert_eq!(
        frames.len(),
        3,
        "the two chunks sent before the cut, then an error event: {text}"
    );
    assert!(
        frames[2].contains("\"error\"") && frames[2].contains("broke off"),
        "the client is told the answer is cut: {text}"
    );
    assert!(
        text.contains("\"role\":\"assistant\""),
        "the first chunk: {text}"
    );
    assert!(!text.contains("[DONE]"), "no terminator was sent: {text}");
    assert_eq!(spare.calls("chat"), 0, "no failover after the first byte");
    let rec = first_record(&h, Duration::from_secs(2))
        .await
        .expect("a ledger row for the cut stream");
    assert!(rec.streamed, "recorded as streamed");
    assert_eq!(
        (rec.status, rec.error_class.map(|c| c.as_str())),
        (502, Some("upstream_broken")),
        "recorded as broken upstream: {rec:?}"
    );
    assert_eq!(
        rec.backend.as_deref(),
        Some("Cut"),
        "served by the cut backend"
    );
}

#[tokio::test]
async fn a_client_that_hangs_up_mid_stream_still_gets_a_ledger_row() {
    let mut cfg = MockConfig::instant();
    cfg.latency = Latency {
        first_byte: Duration::ZERO,
        per_token: Duration::from_millis(50),
    };
    let m = MockServer::start(cfg).await.unwrap();
    let h = start(vec![openai_target("Slow", &m, "k1")], &[("k1", "sk-k1")]).await;
    let resp = chat(&h, true).await;
    assert_eq!(resp.status(), 200, "the stream starts");
    let mut body = resp.bytes_stream();
    let first = body.next().await.unwrap().unwrap();
    assert!(!first.is_empty(), "the first chunk arrives");
    drop(body);
    let rec = first_record(&h, Duration::from_secs(2))
        .await
        .expect("a ledger row within 2 s of the hang-up");
    assert_eq!(
        rec.error_class.map(|c| c.as_str()),
        Some("client_disconnected"),
        "recorded as a client disconnect: {rec:?}"
    );
    assert!(rec.streamed, "recorded as streamed");
}

#[tokio::test]
async fn invalid_json_from_upstream_is_a_502_in_the_callers_format_and_the_gateway_keeps_serving() {
    let m = mock(vec![Fault::InvalidJson]).await;
    let h = start_short(vec![openai_target("Broken", &m, "k1")]).await;
    let resp = chat(&h, false).await;
    assert_eq!(
        resp.status(),
        502,
        "a 200 that is not JSON is a bad gateway"
    );
    let v: serde_json::Value = resp.json().await.expect("the 502 body is JSON");
    assert!(
        v["error"]["message"].is_string(),
        "OpenAI-shaped error for an OpenAI caller: {v}"
    );
    let again = chat(&h, false).await;
    assert_eq!(again.status(), 200, "the next request is served normally");
    let recs = h.ledger.wait_for(2).await;
    assert_eq!(recs[0].status, 502, "the broken answer is recorded as 502");
}

#[tokio::test]
async fn a_429_on_the_only_key_is_a_503_and_the_key_cools_down() {
    let m = mock(vec![Fault::Status(429)]).await;
    let h = start_short(vec![openai_target("Solo", &m, "k1")]).await;
    let resp = chat(&h, false).await;
    assert_eq!(resp.status(), 503, "no other key or backend");
    let v: serde_json::Value = resp.json().await.unwrap();
    let msg = v["error"]["message"].as_str().unwrap_or_default();
    assert!(msg.contains("Solo"), "the 503 names the backend: {msg}");
    let again = chat(&h, false).await;
    assert_eq!(again.status(), 503, "still cooling down");
    assert_eq!(
        m.calls("chat"),
        1,
        "the second request within retry-after does not reach the upstream"
    );
}
