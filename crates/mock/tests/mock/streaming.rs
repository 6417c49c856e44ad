//! Latency pacing (no buffering) and graceful shutdown.

use super::*;
use futures_util::StreamExt;

#[tokio::test]
async fn first_chunk_arrives_before_the_stream_ends() {
    let mut config = MockConfig::instant();
    config.latency = Latency {
        first_byte: Duration::from_millis(100),
        per_token: Duration::from_millis(15),
    };
    let s = MockServer::start(config).await.unwrap();
    for (path, body) in [
        (
            "/v1/chat/completions",
            chat_body(true, json!({"max_tokens": 8})),
        ),
        (
            "/v1/messages",
            json!({"model": "m", "max_tokens": 8, "stream": true, "messages": [{"role": "user", "content": "hi"}]}),
        ),
    ] {
        let started = Instant::now();
        let resp = client()
            .post(format!("{}{path}", s.base_url()))
            .json(&body)
            .send()
            .await
            .unwrap();
        let mut stream = resp.bytes_stream();
        let first = stream.next().await.unwrap().unwrap();
        let first_at = started.elapsed();
        assert!(!first.is_empty());
        while let Some(chunk) = stream.next().await {
            chunk.unwrap();
        }
        let end_at = started.elapsed();
        assert!(
            first_at >= Duration::from_millis(100),
            "{path}: first chunk after {first_at:?}"
        );
        // 7 gaps of 15 ms between 8 tokens: the end comes ≥ ~100 ms after the first chunk.
        assert!(
            end_at >= first_at + Duration::from_millis(90),
            "{path}: first {first_at:?}, end {end_at:?}"
        );
    }
}

#[tokio::test]
async fn shutdown_is_graceful_and_frees_the_port() {
    let s = MockServer::start(MockConfig::demo()).await.unwrap();
    let addr = s.addr();
    assert_eq!(s.base_url(), format!("http://127.0.0.1:{}", addr.port()));
    s.shutdown().await;
    assert!(client()
        .get(format!("http://{addr}/v1/models"))
        .send()
        .await
        .is_err());
    let again = MockServer::start_on(addr.port(), MockConfig::instant())
        .await
        .unwrap();
    assert_eq!(again.addr(), addr);
}
