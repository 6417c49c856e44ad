//! Finding 5: unbounded inputs. Model names are capped, request heads are capped, and an
//! upstream that streams without a newline cannot grow the gateway's memory.

use crate::harness::{client, flood_upstream, Serve};

#[test]
fn long_model_names_and_huge_headers_are_refused_with_a_clear_error() {
    let s = Serve::start();
    let token = s.token("caps");
    let http = client();
    for len in [257, 300 * 1024] {
        let model = format!("Demo/{}", "m".repeat(len));
        let resp = http
            .post(s.url("/v1/chat/completions"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"model": model, "messages": [{"role": "user", "content": "hi"}]}))
            .send()
            .unwrap();
        assert_eq!(resp.status(), 400, "a {len}-byte model name");
        assert!(resp.headers().get("x-switchyard-model").is_none());
        let body = resp.text().unwrap();
        assert!(body.contains("at most 256"), "{body}");
        assert!(
            body.len() < 1024,
            "the name is not echoed back: {} bytes",
            body.len()
        );
    }
    let ok = http
        .post(s.url("/v1/chat/completions"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"model": "Demo/demo-chat", "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .unwrap();
    assert_eq!(ok.status(), 200);
    let huge = http
        .get(s.url("/v1/models"))
        .bearer_auth(&token)
        .header("x-filler", "f".repeat(100 * 1024))
        .send()
        .unwrap();
    assert_eq!(huge.status(), 431, "a 100 KiB header");
    let rows: i64 = rusqlite::Connection::open(s.data.path().join("switchyard.sqlite"))
        .unwrap()
        .query_row(
            "SELECT COALESCE(MAX(LENGTH(requested_model)), 0) FROM requests",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(rows <= 256, "a ledger row holds a {rows}-byte model name");
}

#[test]
fn a_newline_free_upstream_stream_ends_with_an_error_and_memory_stays_flat() {
    let s = Serve::start();
    let token = s.token("flood");
    let upstream = flood_upstream(100 << 20);
    s.cli_with_input(
        &[
            "backend",
            "add",
            "Flood",
            "--kind",
            "openai",
            "--base-url",
            &format!("http://{upstream}/v1"),
            "--key-stdin",
        ],
        "sk-flood-test-key\n",
    );
    let before = s.peak_rss_kib();
    let http = client();
    let body = serde_json::json!({"model": "Flood/x", "stream": true, "messages": [{"role": "user", "content": "hi"}]});
    let resp = s.post_until_routed(&http, &token, &body);
    assert_eq!(resp.status(), 200);
    let text = resp.text().unwrap();
    assert!(
        text.contains("over 16 MiB"),
        "the stream ends with an error event: {}",
        &text[..text.len().min(300)]
    );
    let grew_mib = (s.peak_rss_kib().saturating_sub(before)) / 1024;
    assert!(
        grew_mib < 64,
        "the gateway grew by {grew_mib} MiB on a 100 MB stream"
    );
}
