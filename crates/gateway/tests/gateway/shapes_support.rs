//! Shared by the shape tests: one mock behind a backend of every format, request bodies in each
//! caller shape, sending them, and reading the answer text back out of each shape.

use super::*;
use serde_json::{json, Value};
use switchyard_mock::{MockConfig, MockServer};

pub const PROMPT: &str = "Say hello to the switchyard";

/// The caller shapes (APIs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    Chat,
    Messages,
    Responses,
    Gemini,
}

pub const CALLERS: [Api; 4] = [Api::Chat, Api::Messages, Api::Responses, Api::Gemini];

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
pub fn body(caller: Api, model: &str, stream: bool, text: &str, tools: bool) -> Value {
    let mut b = match caller {
        Api::Chat => json!({"model": model, "stream": stream,
            "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": text}]}),
        Api::Messages => json!({"model": model, "stream": stream, "max_tokens": 256,
            "system": "Be brief.", "messages": [{"role": "user", "content": text}]}),
        Api::Responses => json!({"model": model, "stream": stream,
            "instructions": "Be brief.", "input": text}),
        Api::Gemini => json!({"systemInstruction": {"parts": [{"text": "Be brief."}]},
            "contents": [{"role": "user", "parts": [{"text": text}]}]}),
    };
    if tools {
        let schema = json!({"type": "object", "properties": {"command": {"type": "string"}}, "required": ["command"]});
        let tools = match caller {
            Api::Chat => {
                json!([{"type": "function", "function": {"name": "shell", "parameters": schema}}])
            }
            Api::Messages => json!([{"name": "shell", "input_schema": schema}]),
            Api::Responses => {
                json!([{"type": "function", "name": "shell", "parameters": schema}])
            }
            Api::Gemini => {
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
    caller: Api,
    model: &str,
    stream: bool,
    body: &Value,
) -> reqwest::Response {
    let c = client();
    let req = match caller {
        Api::Chat => c
            .post(format!("{}/v1/chat/completions", h.base))
            .bearer_auth(TOKEN),
        Api::Messages => c
            .post(format!("{}/v1/messages", h.base))
            .header("x-api-key", TOKEN)
            .header("anthropic-version", "2023-06-01"),
        Api::Responses => c
            .post(format!("{}/v1/responses", h.base))
            .bearer_auth(TOKEN),
        Api::Gemini => {
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
pub fn answer_text(caller: Api, stream: bool, body: &str) -> (String, bool) {
    if !stream {
        let v: Value = serde_json::from_str(body).unwrap();
        let text = match caller {
            Api::Chat => v["choices"][0]["message"]["content"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            Api::Messages => texts(&v["content"], "text"),
            // What the SDKs compute `output_text` from: every output_text part of message items.
            Api::Responses => v["output"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|i| i["type"] == "message")
                .map(|i| texts(&i["content"], "text"))
                .collect(),
            Api::Gemini => texts(&v["candidates"][0]["content"]["parts"], "text"),
        };
        return (text, true);
    }
    match caller {
        Api::Chat => {
            let (text, done, _) = openai_stream_text(body);
            (text, done)
        }
        Api::Messages => {
            let (text, events) = anthropic_stream_text(body);
            (
                text,
                events.last().map(String::as_str) == Some("message_stop"),
            )
        }
        Api::Responses => {
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
        Api::Gemini => {
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

pub fn texts(parts: &Value, key: &str) -> String {
    parts
        .as_array()
        .map(|ps| ps.iter().filter_map(|p| p[key].as_str()).collect())
        .unwrap_or_default()
}
