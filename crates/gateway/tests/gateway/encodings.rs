//! Compressed request bodies: gzip, deflate, br and zstd read on every generate route, the body
//! cap applied to the decoded bytes (a bomb is a quick 413 with bounded memory), an unknown
//! coding a 415 naming it, and the gateway serving on afterwards.

use std::io::Write;

use super::*;

/// A real encoder for one content coding.
type Encoder = fn(&[u8]) -> Vec<u8>;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

fn br(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = brotli::CompressorWriter::new(&mut out, 4096, 9, 22);
    enc.write_all(data).unwrap();
    drop(enc);
    out
}

fn zstd(data: &[u8]) -> Vec<u8> {
    zstd::stream::encode_all(data, 3).unwrap()
}

/// POSTs `body` to `path` with the test token (bearer and x-goog-api-key, so every route takes
/// it) and `content-encoding: coding`.
async fn post_encoded(h: &Harness, path: &str, coding: &str, body: Vec<u8>) -> reqwest::Response {
    client()
        .post(format!("{}{path}", h.base))
        .bearer_auth(TOKEN)
        .header("x-goog-api-key", TOKEN)
        .header("content-type", "application/json")
        .header("content-encoding", coding)
        .body(body)
        .send()
        .await
        .unwrap()
}

fn routes() -> Vec<(&'static str, serde_json::Value)> {
    vec![
        ("/v1/chat/completions", openai_chat("demo-chat", false)),
        ("/v1/chat/completions", openai_chat("demo-chat", true)),
        (
            "/v1/responses",
            serde_json::json!({"model": "demo-chat", "input": "hi"}),
        ),
        ("/v1/messages", anthropic_msg("demo-chat", false)),
        ("/v1/messages", anthropic_msg("demo-chat", true)),
        (
            "/v1beta/models/demo-chat:generateContent",
            serde_json::json!({"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}),
        ),
    ]
}

#[tokio::test]
async fn gzip_deflate_br_and_zstd_bodies_are_read_on_every_generate_route() {
    let (_m, h) = start_demo().await;
    let codings: [(&str, Encoder); 6] = [
        ("gzip", gzip),
        ("x-gzip", gzip),
        ("deflate", deflate),
        ("br", br),
        ("zstd", zstd),
        ("identity", |d: &[u8]| d.to_vec()),
    ];
    for (path, body) in routes() {
        let plain = serde_json::to_vec(&body).unwrap();
        for (name, encode) in codings {
            let resp = post_encoded(&h, path, name, encode(&plain)).await;
            let status = resp.status().as_u16();
            let text = resp.text().await.unwrap();
            assert_eq!(
                status, 200,
                "a {name} body on {path} must be decoded and served like a plain one: {text}"
            );
        }
    }
}

#[tokio::test]
async fn a_list_of_codings_is_undone_in_reverse_order() {
    let (_m, h) = start_demo().await;
    let plain = serde_json::to_vec(&openai_chat("demo-chat", false)).unwrap();
    // Applied gzip first, then br: the header lists them in that order.
    let resp = post_encoded(&h, "/v1/chat/completions", "gzip, br", br(&gzip(&plain))).await;
    assert_openai_completion(resp, "gzip then br, undone br then gzip").await;
}

#[tokio::test]
async fn an_unknown_coding_is_a_415_that_names_it() {
    let (_m, h) = start_demo().await;
    let plain = serde_json::to_vec(&openai_chat("demo-chat", false)).unwrap();
    let resp = post_encoded(&h, "/v1/chat/completions", "gzip, snappy", plain).await;
    assert_eq!(
        resp.status(),
        415,
        "an unknown coding is refused, not guessed"
    );
    let v: serde_json::Value = resp.json().await.unwrap();
    let msg = v["error"]["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains("snappy"),
        "the refusal names the coding: {msg}"
    );
}

#[tokio::test]
async fn a_list_of_more_than_four_codings_is_a_415_before_any_decoding() {
    let (_m, h) = start_demo().await;
    let plain = serde_json::to_vec(&openai_chat("demo-chat", false)).unwrap();
    let nested = (0..5).fold(plain, |body, _| gzip(&body));
    let resp = post_encoded(
        &h,
        "/v1/chat/completions",
        "gzip, gzip, gzip, gzip, gzip",
        nested,
    )
    .await;
    assert_eq!(
        resp.status(),
        415,
        "a deep list would make one request decode the cap once per coding"
    );
    let v: serde_json::Value = resp.json().await.unwrap();
    let msg = v["error"]["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains("more than 4 codings"),
        "the refusal says why: {msg}"
    );
}

#[tokio::test]
async fn corrupt_compressed_bytes_are_a_400_naming_the_coding() {
    let (_m, h) = start_demo().await;
    let resp = post_encoded(&h, "/v1/messages", "zstd", b"not zstd at all".to_vec()).await;
    assert_eq!(
        resp.status(),
        400,
        "bytes that do not decode are the caller's error"
    );
    let v: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(
        v["type"], "error",
        "Anthropic callers get Anthropic-shaped errors"
    );
}

/// The process's resident memory in KiB (Linux), to bound what a bomb may cost.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// A body of at most 1 MiB made of as many copies as fit of 8 MiB of zeros compressed
/// (concatenated members or frames are one valid body for both gzip and zstd).
fn bomb(encode: Encoder) -> Vec<u8> {
    let one = encode(&vec![0u8; 8 << 20]);
    one.repeat((1 << 20) / one.len())
}

#[tokio::test]
async fn gzip_and_zstd_bombs_are_a_quick_413_with_bounded_memory() {
    let (_m, h) = start_demo().await;
    // gzip of 8 MiB of zeros is ~8 KiB: 1 MiB of members expands to about 1 GiB; zstd's frame
    // is ~300 bytes, so 1 MiB of frames expands to about 30 GiB.
    for (name, body) in [("gzip", bomb(gzip)), ("zstd", bomb(zstd))] {
        assert!(
            body.len() <= 1 << 20,
            "the {name} bomb is 1 MiB on the wire: {}",
            body.len()
        );
        let before = rss_kib();
        let started = std::time::Instant::now();
        let resp = post_encoded(&h, "/v1/chat/completions", name, body).await;
        let took = started.elapsed();
        let grew_mib = rss_kib().saturating_sub(before) / 1024;
        assert_eq!(
            resp.status(),
            413,
            "the cap applies to the decoded {name} bytes"
        );
        let v: serde_json::Value = resp.json().await.unwrap();
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("limit"),
            "a typed too-large error: {v}"
        );
        assert!(
            took < std::time::Duration::from_secs(20),
            "decoding stops at the cap, not at the end of the bomb ({name}: {took:?})"
        );
        assert!(
            grew_mib < 256,
            "memory grows by about the cap, never the expanded size ({name}: {grew_mib} MiB)"
        );
    }
    let resp = h
        .post("/v1/chat/completions", &openai_chat("demo-chat", false))
        .await;
    assert_openai_completion(resp, "the gateway serves on after the bombs").await;
}
