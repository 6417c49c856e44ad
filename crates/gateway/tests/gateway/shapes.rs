//! Every inbound shape (Chat Completions, Messages, Responses, Gemini) against every backend
//! format (OpenAI Chat, OpenAI Responses, Anthropic, Gemini, Demo), buffered and streamed, on
//! one switchyard-mock that speaks them all: the answer arrives in the caller's format with the
//! mock's deterministic text, and the backend was spoken to in its own format.

use super::*;
use serde_json::{json, Value};
use switchyard_mock::{MockConfig, MockServer};

use super::shapes_support::*;

#[tokio::test]
async fn every_caller_is_served_by_every_backend_format_buffered_and_streamed() {
    let (mock, h) = all_formats().await;
    let mut n = 0;
    let mut given = std::collections::HashSet::new();
    for caller in CALLERS {
        for (model, route) in BACKENDS {
            // An OpenAI backend serves a Responses caller natively.
            let route = if caller == Api::Responses && route == "chat" {
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
                given.insert(id_given(&text).unwrap_or_else(|| panic!("{case}: no id\n{text}")));
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
    // Every answer's id is kept, streamed or not, in every format (a tool's own log of the
    // request is matched to its row by it).
    let ids: std::collections::HashSet<&str> = records
        .iter()
        .map(|r| {
            r.provider_id
                .as_deref()
                .unwrap_or_else(|| panic!("no id: {r:?}"))
        })
        .collect();
    assert_eq!(ids.len(), n, "one distinct id per answer");
    // The id each caller was given is the row's client id where the gateway made one (a
    // Responses caller served by another format), else the provider's.
    let kept: std::collections::HashSet<String> = records
        .iter()
        .map(|r| {
            r.client_id
                .clone()
                .or(r.provider_id.clone())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(kept, given, "the ids the callers saw are the rows' ids");
    assert!(records.iter().any(|r| r
        .client_id
        .as_deref()
        .is_some_and(|c| c.starts_with("resp_msgdemo"))));
    assert!(
        ids.iter().any(|i| i.starts_with("msg_demo_"))
            && ids.iter().any(|i| i.starts_with("resp_demo_"))
    );
    let priced = records
        .iter()
        .filter(|r| r.model.as_deref() == Some("gpt-5-codex"));
    assert!(
        priced.clone().count() == 8 && priced.clone().all(|r| r.cost_usd.is_some_and(|c| c > 0.0))
    );
}

/// The answer's id as its caller saw it: a whole answer's `id` (Gemini: `responseId`), or a
/// stream's first event that names one.
fn id_given(text: &str) -> Option<String> {
    let values: Vec<Value> = match serde_json::from_str::<Value>(text) {
        Ok(v) => vec![v],
        Err(_) => text
            .lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .filter_map(|d| serde_json::from_str(d.trim()).ok())
            .collect(),
    };
    values.iter().find_map(|v| {
        ["/id", "/message/id", "/response/id", "/responseId"]
            .iter()
            .find_map(|p| v.pointer(p).and_then(Value::as_str))
            .map(str::to_string)
    })
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
    let b = body(Api::Gemini, "claude-sonnet-4-5", false, PROMPT, false);
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
    // Each client's own credential header says whose shape it reads.
    let openai = |path: &str| {
        client()
            .get(format!("{}{path}", h.base))
            .bearer_auth(TOKEN)
            .send()
    };
    let get = |path: &str| {
        client()
            .get(format!("{}{path}", h.base))
            .header("x-goog-api-key", TOKEN)
            .send()
    };
    let one: Value = openai("/v1/models/gpt-4.1")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(one["id"], "gpt-4.1");
    assert_eq!(openai("/v1/models/nope").await.unwrap().status(), 404);
    // `@google/genai` 3 asks the v1 paths: a Gemini client gets Gemini's shape there too.
    let v1: Value = get("/v1/models/gpt-4.1")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v1["name"], "models/gpt-4.1", "Gemini's Model on /v1: {v1}");
    let v1_list: Value = get("/v1/models").await.unwrap().json().await.unwrap();
    assert!(
        v1_list["models"].as_array().is_some_and(|m| !m.is_empty()),
        "Gemini's list on /v1/models: {v1_list}"
    );
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
    let deterministic = |caller: Api, stream: bool| {
        let mut b = body(caller, model, stream, PROMPT, false);
        match caller {
            Api::Gemini => {
                b["generationConfig"] = json!({"temperature": 0, "maxOutputTokens": 256})
            }
            Api::Messages => b["temperature"] = json!(0),
            Api::Chat => {
                b["temperature"] = json!(0);
                b["max_tokens"] = json!(256);
            }
            Api::Responses => {
                b["temperature"] = json!(0);
                b["max_output_tokens"] = json!(256);
            }
        }
        b
    };
    let mut labels = Vec::new();
    for (caller, stream) in [
        (Api::Messages, false),
        (Api::Chat, true),
        (Api::Responses, false),
        (Api::Responses, true),
        (Api::Gemini, false),
        (Api::Gemini, true),
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
