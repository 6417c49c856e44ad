//! What the newest agents send, replayed on every backend format: each request `./dev compat`
//! recorded from a real agent (tests/fixtures/agents/<agent>/*.json: its path, headers and body,
//! secrets scrubbed) is sent again with its own headers, once per backend format (OpenAI Chat,
//! OpenAI Responses, Anthropic, Gemini, Demo), buffered or streamed as the agent asked. Every
//! replay is answered 200 in the agent's own shape and reaches the backend in the backend's
//! format: an unknown field or header a new release adds is passed through (same format) or
//! dropped by the translation's stated rule, never a 4xx/5xx.

use super::shapes_support::*;
use super::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// One recorded request (the format tests/fixtures/agents/README.md describes).
#[derive(serde::Deserialize)]
struct Fixture {
    agent: String,
    version: String,
    method: String,
    path: String,
    headers: std::collections::BTreeMap<String, String>,
    body: Value,
}

/// Headers a replay never copies: credentials (the harness's token replaces them), what the
/// HTTP client sets itself, and the encoding (bodies are stored decompressed).
const NOT_REPLAYED: [&str; 9] = [
    "authorization",
    "x-api-key",
    "x-goog-api-key",
    "host",
    "content-length",
    "content-encoding",
    "connection",
    "transfer-encoding",
    "accept-encoding",
];

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/agents")
}

/// Every recorded request, with the file it came from.
fn fixtures() -> Vec<(PathBuf, Fixture)> {
    let mut found = Vec::new();
    let Ok(agents) = std::fs::read_dir(fixtures_dir()) else {
        return found;
    };
    for agent in agents.flatten().filter(|e| e.path().is_dir()) {
        for file in std::fs::read_dir(agent.path()).unwrap().flatten() {
            let path = file.path();
            if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).unwrap();
                let fixture = serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("{}: not a fixture: {e}", path.display()));
                found.push((path, fixture));
            }
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

/// The caller shape of a recorded path; `None` for a route that generates nothing.
fn caller_of(path: &str) -> Option<Api> {
    let route = path.split('?').next().unwrap_or(path);
    match route {
        "/v1/chat/completions" | "/chat/completions" => Some(Api::Chat),
        "/v1/messages" => Some(Api::Messages),
        "/v1/responses" | "/responses" => Some(Api::Responses),
        r if r.contains(":generateContent") || r.contains(":streamGenerateContent") => {
            Some(Api::Gemini)
        }
        _ => None,
    }
}

/// Whether the agent asked for a stream.
fn streams(caller: Api, fixture: &Fixture) -> bool {
    match caller {
        Api::Gemini => fixture.path.contains(":streamGenerateContent"),
        _ => fixture.body["stream"].as_bool().unwrap_or(false),
    }
}

/// The recorded path with Gemini's model (in the path) replaced by `model`.
fn path_for(caller: Api, fixture: &Fixture, model: &str) -> String {
    if caller != Api::Gemini {
        return fixture.path.clone();
    }
    let (head, tail) = fixture.path.split_once(':').unwrap();
    let prefix = head.rsplit_once('/').unwrap().0;
    format!("{prefix}/{model}:{tail}")
}

/// Sends the recorded request with `model` in place of the agent's, as the agent sent it
/// otherwise, with the harness's token in the agent's own credential header.
async fn replay(h: &Harness, caller: Api, fixture: &Fixture, model: &str) -> reqwest::Response {
    let mut body = fixture.body.clone();
    if caller != Api::Gemini {
        body["model"] = Value::String(model.to_string());
    }
    let url = format!("{}{}", h.base, path_for(caller, fixture, model));
    let method = reqwest::Method::from_bytes(fixture.method.as_bytes()).unwrap();
    let mut req = client().request(method, url);
    for (name, value) in &fixture.headers {
        if !NOT_REPLAYED.contains(&name.as_str()) {
            req = req.header(name, value);
        }
    }
    req = match caller {
        Api::Messages if fixture.headers.contains_key("x-api-key") => {
            req.header("x-api-key", TOKEN)
        }
        Api::Gemini => req.header("x-goog-api-key", TOKEN),
        _ => req.bearer_auth(TOKEN),
    };
    req.body(serde_json::to_vec(&body).unwrap())
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn every_recorded_agent_request_is_served_by_every_backend_format() {
    let recorded = fixtures();
    assert!(
        !recorded.is_empty(),
        "no fixtures in {}: `./dev compat` records them",
        fixtures_dir().display()
    );
    let (mock, h) = all_formats().await;
    let mut replayed = 0;
    for (file, fixture) in &recorded {
        let Some(caller) = caller_of(&fixture.path) else {
            continue;
        };
        let stream = streams(caller, fixture);
        for (model, route) in BACKENDS {
            // An OpenAI backend serves a Responses caller natively.
            let route = match (caller, route) {
                (Api::Responses, "chat") => "responses",
                _ => route,
            };
            let before = (!route.is_empty()).then(|| mock.calls(route));
            let resp = replay(&h, caller, fixture, model).await;
            let status = resp.status();
            let text = resp.text().await.unwrap();
            let case = format!(
                "{} {} ({}) → {model}",
                fixture.agent,
                fixture.version,
                file.file_name().unwrap().to_string_lossy()
            );
            assert_eq!(
                status, 200,
                "{case}: a new release's request is served\n{text}"
            );
            let (_, ended) = answer_text(caller, stream, &text);
            assert!(ended, "{case}: the answer ends properly\n{text}");
            if let Some(before) = before {
                assert_eq!(
                    mock.calls(route),
                    before + 1,
                    "{case}: the backend is spoken to in its own format"
                );
            }
            replayed += 1;
        }
    }
    assert!(
        replayed >= BACKENDS.len(),
        "at least one generate request was recorded and replayed ({replayed})"
    );
}
