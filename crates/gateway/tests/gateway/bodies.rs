//! Request bodies and stream readers the gateway tests share, and their HTTP client.

pub fn client() -> reqwest::Client {
    reqwest::Client::new()
}

pub fn openai_chat(model: &str, stream: bool) -> serde_json::Value {
    serde_json::json!({
        "model": model,
        "stream": stream,
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Say hello to the switchyard"}
        ]
    })
}

pub fn anthropic_msg(model: &str, stream: bool) -> serde_json::Value {
    serde_json::json!({
        "model": model,
        "max_tokens": 64,
        "stream": stream,
        "system": "Be brief.",
        "messages": [{"role": "user", "content": "Say hello to the switchyard"}]
    })
}

/// Concatenated text of an OpenAI SSE body.
pub fn openai_stream_text(body: &str) -> (String, bool, bool) {
    let mut text = String::new();
    let (mut done, mut usage_chunk) = (false, false);
    for line in body.lines().filter_map(|l| l.strip_prefix("data: ")) {
        if line == "[DONE]" {
            done = true;
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if v["choices"].as_array().is_some_and(Vec::is_empty) && v.get("usage").is_some() {
            usage_chunk = true;
        }
        if let Some(t) = v["choices"][0]["delta"]["content"].as_str() {
            text.push_str(t);
        }
    }
    (text, done, usage_chunk)
}

/// Concatenated text and event names of an Anthropic SSE body.
pub fn anthropic_stream_text(body: &str) -> (String, Vec<String>) {
    let mut text = String::new();
    let mut events = Vec::new();
    for line in body.lines() {
        if let Some(e) = line.strip_prefix("event: ") {
            events.push(e.to_string());
        } else if let Some(d) = line.strip_prefix("data: ") {
            let v: serde_json::Value = serde_json::from_str(d).unwrap();
            if let Some(t) = v["delta"]["text"].as_str() {
                text.push_str(t);
            }
        }
    }
    (text, events)
}
