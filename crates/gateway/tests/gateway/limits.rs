//! Per-backend limits through the gateway: in-flight slots (held for a whole stream), requests
//! per minute, and the total timeout.

use super::*;
use futures_util::StreamExt;
use std::time::Duration;
use switchyard_gateway::Timeouts;
use switchyard_mock::{Fault, Latency, MockConfig, MockServer};

async fn mock(faults: Vec<Fault>) -> MockServer {
    MockServer::start(MockConfig::instant().with_faults(faults))
        .await
        .unwrap()
}

/// A mock that streams one token every `per_token`.
async fn slow(per_token: Duration) -> MockServer {
    let config = MockConfig {
        latency: Latency {
            first_byte: Duration::ZERO,
            per_token,
        },
        ..MockConfig::instant()
    };
    MockServer::start(config).await.unwrap()
}

fn limited(name: &str, mock: &MockServer, limits: Limits) -> Target {
    let url = format!("{}/v1", mock.base_url());
    let mut t = target(name, BackendKind::OpenAi, &url, &[(name, name)]);
    t.limits = limits;
    t
}

async fn post(h: &Harness, stream: bool) -> reqwest::Response {
    h.post("/v1/chat/completions", &openai_chat("gpt-4.1-mini", stream))
        .await
}

fn one_in_flight() -> Limits {
    Limits {
        max_in_flight: 1,
        ..Limits::default()
    }
}

#[tokio::test]
async fn a_backend_at_its_in_flight_limit_is_skipped_until_its_stream_ends() {
    let slow = slow(Duration::from_millis(40)).await;
    let spare = mock(vec![]).await;
    let h = start(
        vec![
            limited("Slow", &slow, one_in_flight()),
            limited("Spare", &spare, Limits::default()),
        ],
        &[("Slow", "sk-a"), ("Spare", "sk-b")],
    )
    .await;
    // A stream holds Slow's only slot while its body is unread.
    let held = post(&h, true).await;
    assert_eq!(held.headers()["x-switchyard-backend"], "Slow");
    let second = post(&h, false).await;
    assert_eq!(second.status(), 200);
    assert_eq!(second.headers()["x-switchyard-backend"], "Spare");
    let rec = h.ledger.wait_for(1).await.remove(0);
    assert_eq!(rec.backend.as_deref(), Some("Spare"));
    assert_eq!(rec.attempts, 1, "the busy backend was skipped, not tried");
    // Finishing the stream frees the slot.
    let mut body = held.bytes_stream();
    while body.next().await.is_some() {}
    h.ledger.wait_for(2).await;
    let third = post(&h, false).await;
    assert_eq!(third.headers()["x-switchyard-backend"], "Slow");
}

#[tokio::test]
async fn requests_per_minute_refuse_with_429_saying_which_limit() {
    let m = mock(vec![]).await;
    let rpm = Limits {
        rpm: Some(2),
        ..Limits::default()
    };
    let h = start(vec![limited("Capped", &m, rpm)], &[("Capped", "sk-a")]).await;
    assert_eq!(post(&h, false).await.status(), 200);
    assert_eq!(post(&h, false).await.status(), 200);
    let third = post(&h, false).await;
    assert_eq!(third.status(), 429);
    let body = third.text().await.unwrap();
    assert!(
        body.contains("at its requests-per-minute limit (2)"),
        "{body}"
    );
    assert_eq!(m.calls("chat"), 2);
}

#[tokio::test]
async fn the_total_timeout_answers_504_when_nothing_came_in_time() {
    let m = mock(vec![Fault::Latency(Duration::from_millis(500))]).await;
    let h = start_total(&m, Duration::from_millis(100)).await;
    let resp = post(&h, true).await;
    assert_eq!(resp.status(), 504, "no first byte within the total timeout");
    let body = resp.text().await.unwrap();
    assert!(body.contains("total timeout of 0 s"), "{body}");
    let rec = h.ledger.wait_for(1).await.remove(0);
    assert_eq!(rec.error_class.map(|c| c.as_str()), Some("timeout_total"));
}

#[tokio::test]
async fn the_total_timeout_ends_a_running_stream_with_an_error_event() {
    let m = slow(Duration::from_millis(200)).await;
    let h = start_total(&m, Duration::from_millis(500)).await;
    let resp = post(&h, true).await;
    assert_eq!(resp.status(), 200);
    let body = resp.text().await.unwrap();
    let last = body.lines().rfind(|l| l.starts_with("data: ")).unwrap();
    assert!(
        last.contains("\"error\"") && last.contains("total timeout"),
        "the stream ends with an OpenAI-shaped error event: {last} in {body}"
    );
    assert!(
        !body.contains("[DONE]"),
        "a cut stream is not marked complete"
    );
    let rec = h.ledger.wait_for(1).await.remove(0);
    assert_eq!(rec.error_class.map(|c| c.as_str()), Some("timeout_total"));
    assert!(
        rec.output_tokens > 0,
        "tokens forwarded before the cut are estimated"
    );
}

async fn start_total(m: &MockServer, total: Duration) -> Harness {
    let config = GatewayConfig {
        timeouts: Timeouts {
            total,
            ..Timeouts::default()
        },
        ..GatewayConfig::default()
    };
    let table = RoutingTable {
        targets: vec![limited("Slow", m, Limits::default())],
        routes: vec![],
    };
    start_with(table, &[("Slow", "sk-a")], config).await
}
