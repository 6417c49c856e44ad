//! Every inbound shape (Chat Completions, Messages, Responses, Gemini) against every backend
//! format (OpenAI Chat, OpenAI Responses, Anthropic, Gemini, Demo), buffered and streamed, on
//! one switchyard-mock that speaks them all: the answer arrives in the caller's format with the
//! mock's deterministic text, and the backend was spoken to in its own format.

use super::*;
use serde_json::{json, Value};
use switchyard_mock::{MockConfig, MockServer};

pub const PROMPT: &str = "Say hello to the switchyard";

/// The caller shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    Chat,
    Messages,
    Responses,
    Gemini,
}

pub const CALLERS: [Caller; 4] = [
    Caller::Chat,
    Caller::Messages,
    Caller::Responses,
    Caller::Gemini,
];

/// (model, mock route label that must see the call) for every backend format.
pub const BACKENDS: [(&str, &str); 5] = [
    ("gpt-4.1", "chat"),
    ("gpt-5-codex", "responses"),
    ("claude-sonnet-4-5", "messages"),
    ("gemini-2.5-flash", "gemini_generate"),
    ("demo-chat", ""),
];

/// One mock behind four backends (OpenAI, Anthropic, Gemini, Demo), each with a key.
pub async fn all_formats() -> (MockServer, Harness) {
    let mock = MockServer::start(MockConfig::instant()).await.unwrap();
    let base = mock.base_url();
    let targets = vec![
        target(
            "OpenAI",
            BackendKind::OpenAi,
            &format!("{base}/v1"),
            &[("ko", "o")],
        ),
        target("Claude", BackendKind::Anthropic, &base, &[("ka", "a")]),
        target(
            "Gemini",
            BackendKind::Gemini,
            &format!("{base}/v1beta"),
            &[("kg", "g")],
        ),
        target("Demo", BackendKind::Demo, &format!("{base}/v1"), &[]),
    ];
    let keys = [("ko", "sk-o"), ("ka", "sk-a"), ("kg", "sk-g")];
    let h = start(targets, &keys).await;
    (mock, h)
}

/// The body a caller of `shape` sends, with `extra` conversation items appended and `tools`.
pub fn body(caller: Caller, model: &str, stream: bool, text: &str, tools: bool) -> Value {
    let mut b = match caller {
        Caller::Chat => json!({"model": model, "stream": stream,
            "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": text}]}),
        Caller::Messages => json!({"model": model, "stream": stream, "max_tokens": 256,
            "system": "Be brief.", "messages": [{"role": "user", "content": text}]}),
        Caller::Responses => json!({"model": model, "stream": stream,
            "instructions": "Be brief.", "input": text}),
        Caller::Gemini => json!({"systemInstruction": {"parts": [{"text": "Be brief."}]},
            "contents": [{"role": "user", "parts": [{"text": text}]}]}),
    };
    if tools {
        let schema = json!({"type": "object", "properties": {"command": {"type": "string"}}, "required": ["command"]});
        let tools = match caller {
            Caller::Chat => {
                json!([{"type": "function", "function": {"name": "shell", "parameters": schema}}])
            }
            Caller::Messages => json!([{"name": "shell", "input_schema": schema}]),
            Caller::Responses => {
                json!([{"type": "function", "name": "shell", "parameters": schema}])
            }
            Caller::Gemini => {
                json!([{"functionDeclarations": [{"name": "shell", "parametersJsonSchema": schema}]}])
            }
        };
        b["tools"] = tools;
    }
    b
}

/// Sends a caller's request.
pub async fn send(
    h: &Harness,
    caller: Caller,
    model: &str,
    stream: bool,
    body: &Value,
) -> reqwest::Response {
    let c = client();
    let req = match caller {
        Caller::Chat => c
            .post(format!("{}/v1/chat/completions", h.base))
            .bearer_auth(TOKEN),
        Caller::Messages => c
            .post(format!("{}/v1/messages", h.base))
            .header("x-api-key", TOKEN)
            .header("anthropic-version", "2023-06-01"),
        Caller::Responses => c
            .post(format!("{}/v1/responses", h.base))
            .bearer_auth(TOKEN),
        Caller::Gemini => {
            let method = if stream {
                "streamGenerateContent?alt=sse"
            } else {
                "generateContent"
            };
            c.post(format!("{}/v1beta/models/{model}:{method}", h.base))
                .header("x-goog-api-key", TOKEN)
        }
    };
    req.json(body).send().await.unwrap()
}

/// The answer text (and whether a stream ended properly) from a body in the caller's format.
pub fn answer_text(caller: Caller, stream: bool, body: &str) -> (String, bool) {
    if !stream {
        let v: Value = serde_json::from_str(body).unwrap();
        let text = match caller {
            Caller::Chat => v["choices"][0]["message"]["content"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            Caller::Messages => texts(&v["content"], "text"),
            // What the SDKs compute `output_text` from: every output_text part of message items.
            Caller::Responses => v["output"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|i| i["type"] == "message")
                .map(|i| texts(&i["content"], "text"))
                .collect(),
            Caller::Gemini => texts(&v["candidates"][0]["content"]["parts"], "text"),
        };
        return (text, true);
    }
    match caller {
        Caller::Chat => {
            let (text, done, _) = openai_stream_text(body);
            (text, done)
        }
        Caller::Messages => {
            let (text, events) = anthropic_stream_text(body);
            (
                text,
                events.last().map(String::as_str) == Some("message_stop"),
            )
        }
        Caller::Responses => {
            let mut text = String::new();
            let mut done = false;
            for d in body.lines().filter_map(|l| l.strip_prefix("data: ")) {
                let v: Value = serde_json::from_str(d).unwrap();
                match v["type"].as_str() {
                    Some("response.output_text.delta") => {
                        text.push_str(v["delta"].as_str().unwrap())
                    }
                    Some("response.completed") => done = true,
                    _ => {}
                }
            }
            (text, done)
        }
        Caller::Gemini => {
            let mut text = String::new();
            let mut done = false;
            for d in body.lines().filter_map(|l| l.strip_prefix("data: ")) {
                let v: Value = serde_json::from_str(d).unwrap();
                text.push_str(&texts(&v["candidates"][0]["content"]["parts"], "text"));
                done |= v["candidates"][0]["finishReason"].is_string();
            }
            (text, done)
        }
    }
}

fn texts(parts: &Value, key: &str) -> String {
    parts
        .as_array()
        .map(|ps| ps.iter().filter_map(|p| p[key].as_str()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn every_caller_is_served_by_every_backend_format_buffered_and_streamed() {
    let (mock, h) = all_formats().await;
    let mut n = 0;
    for caller in CALLERS {
        for (model, route) in BACKENDS {
            // An OpenAI backend serves a Responses caller natively.
            let route = if caller == Caller::Responses && route == "chat" {
                "responses"
            } else {
                route
            };
            for stream in [false, true] {
                let before = if route.is_empty() {
                    0
                } else {
                    mock.calls(route)
                };
                let resp = send(
                    &h,
                    caller,
                    model,
                    stream,
                    &body(caller, model, stream, PROMPT, false),
                )
                .await;
                let status = resp.status();
                let text = resp.text().await.unwrap();
                let case = format!("{caller:?} → {model} stream={stream}");
                assert_eq!(status, 200, "{case}: {text}");
                let (answer, ended) = answer_text(caller, stream, &text);
                assert!(
                    answer.starts_with(&format!("Demo reply to “{PROMPT}”")),
                    "{case}: {answer:?}\n{text}"
                );
                assert!(ended, "{case}: the stream ends properly\n{text}");
                if !route.is_empty() {
                    assert_eq!(
                        mock.calls(route),
                        before + 1,
                        "{case}: spoken to in its own format"
                    );
                }
                n += 1;
            }
        }
    }
    let records = h.ledger.wait_for(n).await;
    assert_eq!(records.len(), n);
    for r in &records {
        assert_eq!(r.status, 200, "{r:?}");
        assert!(
            r.input_tokens > 0 && r.output_tokens > 0,
            "usage recorded: {r:?}"
        );
        assert!(["openai", "anthropic", "responses", "gemini"].contains(&r.inbound.as_str()));
    }
    let priced = records
        .iter()
        .filter(|r| r.model.as_deref() == Some("gpt-5-codex"));
    assert!(
        priced.clone().count() == 8 && priced.clone().all(|r| r.cost_usd.is_some_and(|c| c > 0.0))
    );
}

/// A provider stub that records the bodies it receives and answers `answer` as JSON.
async fn recording_stub(answer: Value) -> (String, std::sync::Arc<std::sync::Mutex<Vec<Vec<u8>>>>) {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let app = axum::Router::new().fallback(move |body: axum::body::Bytes| {
        let log = log.clone();
        let answer = answer.clone();
        async move {
            log.lock().unwrap().push(body.to_vec());
            axum::Json(answer)
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), seen)
}

#[tokio::test]
async fn same_format_bodies_reach_the_provider_byte_for_byte() {
    let answer = json!({"id": "resp_1", "object": "response", "status": "completed", "model": "gpt-4.1",
        "output": [], "usage": {"input_tokens": 1, "output_tokens": 1}});
    let (base, seen) = recording_stub(answer).await;
    let t = target(
        "OpenAI",
        BackendKind::OpenAi,
        &format!("{base}/v1"),
        &[("ko", "o")],
    );
    let h = start(vec![t], &[("ko", "sk-o")]).await;
    // Unknown fields, odd spacing, escapes and number spellings must reach the provider as sent.
    let raw = r#"{ "model":"gpt-4.1",  "input":"h\u0069", "x_future": {"b":1.50,"a":[1e2]}, "store": false }"#;
    let routed = raw.replace("\"gpt-4.1\"", "\"OpenAI/gpt-4.1\"");
    for sent in [raw.to_string(), routed] {
        let resp = client()
            .post(format!("{}/v1/responses", h.base))
            .bearer_auth(TOKEN)
            .header("content-type", "application/json")
            .body(sent)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
    }
    let seen = seen.lock().unwrap();
    assert_eq!(
        std::str::from_utf8(&seen[0]).unwrap(),
        raw,
        "untouched when the model stays"
    );
    assert_eq!(
        std::str::from_utf8(&seen[1]).unwrap(),
        raw,
        "only the model member is rewritten (Backend/model → model)"
    );
}

#[tokio::test]
async fn gemini_callers_may_send_the_token_as_a_key_parameter_and_get_arrays_without_sse() {
    let (_mock, h) = all_formats().await;
    let b = body(Caller::Gemini, "claude-sonnet-4-5", false, PROMPT, false);
    let resp = client()
        .post(format!(
            "{}/v1beta/models/claude-sonnet-4-5:streamGenerateContent?key={TOKEN}",
            h.base
        ))
        .json(&b)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let v: Value = resp.json().await.unwrap();
    let chunks = v
        .as_array()
        .expect("a stream without alt=sse is a JSON array");
    assert!(
        texts(&chunks[0]["candidates"][0]["content"]["parts"], "text").starts_with("Demo reply")
    );
    let wrong = client()
        .post(format!(
            "{}/v1beta/models/x:generateContent?key=nope",
            h.base
        ))
        .json(&b)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let err: Value = wrong.json().await.unwrap();
    assert_eq!(
        err["error"]["status"], "UNAUTHENTICATED",
        "refused in Gemini's shape"
    );
}

#[tokio::test]
async fn model_lists_answer_in_each_shape() {
    let (_mock, h) = all_formats().await;
    let get = |path: &str| {
        client()
            .get(format!("{}{path}", h.base))
            .header("x-goog-api-key", TOKEN)
            .bearer_auth(TOKEN)
            .send()
    };
    let one: Value = get("/v1/models/gpt-4.1")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(one["id"], "gpt-4.1");
    assert_eq!(get("/v1/models/nope").await.unwrap().status(), 404);
    let list: Value = get("/v1beta/models").await.unwrap().json().await.unwrap();
    assert!(list["models"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["name"] == "models/gemini-2.5-flash"));
    let g: Value = get("/v1beta/models/models/gpt-4.1")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(g["name"], "models/gpt-4.1");
    assert!(
        g["inputTokenLimit"].as_u64().unwrap() > 100_000,
        "from the price table"
    );
}

#[tokio::test]
async fn one_conversation_asked_in_any_shape_hits_one_cache_entry() {
    let mock = MockServer::start(MockConfig::instant()).await.unwrap();
    let base = mock.base_url();
    let t = target("Claude", BackendKind::Anthropic, &base, &[("ka", "a")]);
    let disk = switchyard_cache::DiskCache::open_in_memory(64 << 20).unwrap();
    let clock = std::sync::Arc::new(|| 1_800_000_000_000i64) as switchyard_cache::Clock;
    let cache =
        switchyard_cache::Cache::new(switchyard_cache::CacheConfig::default(), Some(disk), clock);
    let table = RoutingTable {
        targets: vec![t],
        routes: vec![],
    };
    let h = start_cached(table, &[("ka", "sk-a")], cache).await;
    let model = "claude-sonnet-4-5";
    let deterministic = |caller: Caller, stream: bool| {
        let mut b = body(caller, model, stream, PROMPT, false);
        match caller {
            Caller::Gemini => {
                b["generationConfig"] = json!({"temperature": 0, "maxOutputTokens": 256})
            }
            Caller::Messages => b["temperature"] = json!(0),
            Caller::Chat => {
                b["temperature"] = json!(0);
                b["max_tokens"] = json!(256);
            }
            Caller::Responses => {
                b["temperature"] = json!(0);
                b["max_output_tokens"] = json!(256);
            }
        }
        b
    };
    let mut labels = Vec::new();
    for (caller, stream) in [
        (Caller::Messages, false),
        (Caller::Chat, true),
        (Caller::Responses, false),
        (Caller::Responses, true),
        (Caller::Gemini, false),
        (Caller::Gemini, true),
    ] {
        let resp = send(&h, caller, model, stream, &deterministic(caller, stream)).await;
        labels.push(
            resp.headers()["x-switchyard-cache"]
                .to_str()
                .unwrap()
                .to_string(),
        );
        let text = resp.text().await.unwrap();
        let (answer, ended) = answer_text(caller, stream, &text);
        assert!(
            answer.starts_with("Demo reply to") && ended,
            "{caller:?} {stream}: {text}"
        );
    }
    assert_eq!(
        labels,
        ["miss", "hit", "hit", "hit", "hit", "hit"],
        "format-independent key"
    );
    assert_eq!(
        mock.calls("messages"),
        1,
        "one upstream call for six askings"
    );
}

#[tokio::test]
async fn compaction_is_served_natively_and_refused_clearly_elsewhere() {
    let (mock, h) = all_formats().await;
    let body =
        json!({"model": "demo-chat", "input": [{"role": "user", "content": "long history"}]});
    let resp = send_path(&h, "/v1/responses/compact", &body).await;
    assert_eq!(resp.status(), 200);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["object"], "response.compaction");
    assert_eq!(mock.calls("responses_compact"), 1);
    let elsewhere = json!({"model": "claude-sonnet-4-5", "input": "x"});
    let resp = send_path(&h, "/v1/responses/compact", &elsewhere).await;
    assert_eq!(resp.status(), 400);
    let e: Value = resp.json().await.unwrap();
    assert!(
        e["error"]["message"].as_str().unwrap().contains("compact"),
        "{e}"
    );
}

async fn send_path(h: &Harness, path: &str, body: &Value) -> reqwest::Response {
    client()
        .post(format!("{}{path}", h.base))
        .bearer_auth(TOKEN)
        .json(body)
        .send()
        .await
        .unwrap()
}
