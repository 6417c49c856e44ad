//! End-to-end tests of the mock server over real HTTP (reqwest), plus the CLI binary. One test
//! binary: shared helpers live here, the test groups in `tests/mock/*.rs`.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] fns; clippy.toml only covers the tests themselves"
)]

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use switchyard_mock::{Latency, MockConfig, MockServer};

fn client() -> Client {
    Client::new()
}

/// The value of header `name` of `resp` (the test fails without it).
fn header<'a>(resp: &'a reqwest::Response, name: &str) -> &'a str {
    resp.headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

/// Now, in Unix seconds.
fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

async fn instant() -> MockServer {
    MockServer::start(MockConfig::instant()).await.unwrap()
}

async fn get_json(req: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let resp = req.send().await.unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap())
}

/// Data payloads of an SSE body, paired with their `event:` name (empty if none).
fn sse_events(body: &str) -> Vec<(String, String)> {
    body.split("\n\n")
        .filter(|f| !f.trim().is_empty())
        .map(|frame| {
            let mut event = String::new();
            let mut data = String::new();
            for line in frame.lines() {
                if let Some(e) = line.strip_prefix("event: ") {
                    event = e.to_owned();
                } else if let Some(d) = line.strip_prefix("data: ") {
                    data = d.to_owned();
                }
            }
            (event, data)
        })
        .collect()
}

/// Reads a body chunk by chunk until it ends or breaks: (text received, whether it broke).
async fn read_until_break(resp: reqwest::Response) -> (String, bool) {
    let mut stream = resp.bytes_stream();
    let mut text = String::new();
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(bytes) => text.push_str(&String::from_utf8_lossy(&bytes)),
            Err(_) => return (text, true),
        }
    }
    (text, false)
}

fn chat_body(stream: bool, extra: Value) -> Value {
    let mut body = json!({
        "model": "demo-chat",
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": [{"type": "text", "text": "Hello there, mock server!"}]},
        ],
        "stream": stream,
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    body
}

#[path = "mock/anthropic.rs"]
mod anthropic;
#[path = "mock/auth.rs"]
mod auth;
#[path = "mock/books.rs"]
mod books;
#[path = "mock/books_admin.rs"]
mod books_admin;
#[path = "mock/chatgpt.rs"]
mod chatgpt;
#[path = "mock/cli.rs"]
mod cli;
#[path = "mock/counting.rs"]
mod counting;
#[path = "mock/embeddings.rs"]
mod embeddings;
#[path = "mock/faults.rs"]
mod faults;
#[path = "mock/gemini.rs"]
mod gemini;
#[path = "mock/openai.rs"]
mod openai;
#[path = "mock/plan.rs"]
mod plan;
#[path = "mock/probes.rs"]
mod probes;
#[path = "mock/record.rs"]
mod record;
#[path = "mock/responses.rs"]
mod responses;
#[path = "mock/streaming.rs"]
mod streaming;
#[path = "mock/tools.rs"]
mod tools;
