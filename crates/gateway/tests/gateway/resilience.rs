//! Failover, key rotation on 401 and 429, and the 503 that names every candidate.

use super::*;
use axum::http::StatusCode;
use std::sync::atomic::{AtomicU32, Ordering};
use switchyard_mock::{MockConfig, MockServer};

/// An upstream that always answers `status` and counts calls.
async fn stub(status: u16) -> (String, Arc<AtomicU32>) {
    let calls = Arc::new(AtomicU32::new(0));
    let c = calls.clone();
    let app = axum::Router::new().fallback(move || {
        let c = c.clone();
        async move {
            c.fetch_add(1, Ordering::SeqCst);
            (
                StatusCode::from_u16(status).unwrap(),
                "{\"error\":{\"message\":\"stub\"}}",
            )
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/v1"), calls)
}

fn closed_port() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", l.local_addr().unwrap());
    drop(l);
    url
}

async fn chat(h: &Harness) -> reqwest::Response {
    h.post("/v1/chat/completions", &openai_chat("gpt-4.1-mini", false))
        .await
}

#[tokio::test]
async fn a_refused_connection_fails_over_to_the_next_backend() {
    let mock = MockServer::start(MockConfig::instant()).await.unwrap();
    let down = target("Down", BackendKind::OpenAi, &closed_port(), &[("k1", "a")]);
    let up = target(
        "Up",
        BackendKind::OpenAi,
        &format!("{}/v1", mock.base_url()),
        &[("k2", "b")],
    );
    let h = start(vec![down, up], &[("k1", "sk-1"), ("k2", "sk-2")]).await;
    let resp = chat(&h).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["x-switchyard-backend"], "Up");
    let rec = h.ledger.wait_for(1).await.remove(0);
    assert!(
        rec.attempts >= 2,
        "the failed attempts are recorded: {:?}",
        rec.attempt_list
    );
    assert_eq!(
        rec.attempt_list[0].error_class.map(|c| c.as_str()),
        Some("connect")
    );
}

#[tokio::test]
async fn server_errors_are_retried_then_failed_over() {
    let mock = MockServer::start(MockConfig::instant()).await.unwrap();
    let (url, calls) = stub(503).await;
    let flaky = target("Flaky", BackendKind::OpenAi, &url, &[("k1", "a")]);
    let up = target(
        "Up",
        BackendKind::OpenAi,
        &format!("{}/v1", mock.base_url()),
        &[("k2", "b")],
    );
    let h = start(vec![flaky, up], &[("k1", "sk-1"), ("k2", "sk-2")]).await;
    let resp = chat(&h).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "one retry on the same backend before failing over"
    );
}

#[tokio::test]
async fn a_refused_key_is_skipped_for_the_next_key_and_remembered() {
    let mut cfg = MockConfig::instant();
    cfg.accepted_keys = Some(vec!["sk-good".into()]);
    let mock = MockServer::start(cfg).await.unwrap();
    let t = target(
        "OpenAI",
        BackendKind::OpenAi,
        &format!("{}/v1", mock.base_url()),
        &[("bad", "old"), ("good", "new")],
    );
    let h = start(vec![t], &[("bad", "sk-revoked"), ("good", "sk-good")]).await;
    assert_eq!(chat(&h).await.status(), 200);
    assert_eq!(mock.calls("chat"), 2, "the refused key, then the good one");
    assert_eq!(chat(&h).await.status(), 200);
    assert_eq!(mock.calls("chat"), 3, "the refused key is not tried again");
    let rec = h.ledger.wait_for(2).await.remove(0);
    assert_eq!(rec.key_label.as_deref(), Some("new"));
}

#[tokio::test]
async fn a_key_missing_from_the_keychain_is_skipped_for_the_backends_next_key() {
    let mock = MockServer::start(MockConfig::instant()).await.unwrap();
    let t = target(
        "OpenAI",
        BackendKind::OpenAi,
        &format!("{}/v1", mock.base_url()),
        &[("gone", "deleted elsewhere"), ("here", "kept")],
    );
    // Only the second key is in the keychain: loading the first says NotFound.
    let h = start(vec![t], &[("here", "sk-here")]).await;
    assert_eq!(chat(&h).await.status(), 200);
    assert_eq!(
        mock.calls("chat"),
        1,
        "the missing key never reached the provider"
    );
    let rec = h.ledger.wait_for(1).await.remove(0);
    assert_eq!(rec.key_label.as_deref(), Some("kept"));
}

#[tokio::test]
async fn a_rate_limited_key_cools_down_and_the_next_key_serves() {
    let mut cfg = MockConfig::instant();
    cfg.rate_limited_keys = vec!["sk-busy".into()];
    let mock = MockServer::start(cfg).await.unwrap();
    let t = target(
        "OpenAI",
        BackendKind::OpenAi,
        &format!("{}/v1", mock.base_url()),
        &[("busy", "busy"), ("free", "free")],
    );
    let h = start(vec![t], &[("busy", "sk-busy"), ("free", "sk-free")]).await;
    assert_eq!(chat(&h).await.status(), 200);
    assert_eq!(chat(&h).await.status(), 200);
    assert_eq!(
        mock.calls("chat"),
        3,
        "the busy key is cooling down for its retry-after on the second request"
    );
}

#[tokio::test]
async fn other_client_errors_are_returned_as_they_are() {
    let (url, calls) = stub(422).await;
    let h = start(
        vec![target("Strict", BackendKind::OpenAi, &url, &[("k", "k")])],
        &[("k", "sk-1")],
    )
    .await;
    let resp = chat(&h).await;
    assert_eq!(
        resp.status(),
        422,
        "the caller's own mistake is not retried or failed over"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn when_nothing_can_serve_the_503_names_every_candidate() {
    let (url, _) = stub(500).await;
    let a = target("Alpha", BackendKind::OpenAi, &url, &[("k1", "a")]);
    let b = target("Beta", BackendKind::OpenAi, &closed_port(), &[("k2", "b")]);
    let h = start(vec![a, b], &[("k1", "sk-1"), ("k2", "sk-2")]).await;
    let resp = chat(&h).await;
    assert_eq!(resp.status(), 503);
    let v: serde_json::Value = resp.json().await.unwrap();
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains("Alpha") && msg.contains("Beta"), "{msg}");
    let rec = h.ledger.wait_for(1).await.remove(0);
    assert_eq!(
        (rec.status, rec.error_class.map(|c| c.as_str())),
        (503, Some("no_candidate"))
    );
}
