//! The scripted tool round trip on chat completions, messages and Gemini, buffered and streamed:
//! `run: <command>` with a shell-like tool gets one call, a trailing tool result gets
//! `Tool result: <output>`.

use super::*;

const ASK: &str = "Please run: `echo hi`\nthanks";

async fn post(s: &MockServer, path: &str, body: &Value) -> reqwest::Response {
    client()
        .post(format!("{}{path}", s.base_url()))
        .json(body)
        .send()
        .await
        .unwrap()
}

/// JSON payloads of an SSE body (the `[DONE]` terminator left out).
fn payloads(body: &str) -> Vec<(String, Value)> {
    sse_events(body)
        .into_iter()
        .filter(|(_, data)| data != "[DONE]")
        .map(|(event, data)| (event, serde_json::from_str(&data).unwrap()))
        .collect()
}

fn chat_tools() -> Value {
    json!([{"type": "function", "function": {
        "name": "shell",
        "description": "Runs a shell command",
        "parameters": {"type": "object", "properties": {
            "command": {"type": "array", "items": {"type": "string"}},
            "workdir": {"type": "string"},
            "timeout_ms": {"type": "number"},
        }, "required": ["command"]},
    }}])
}

#[tokio::test]
async fn chat_calls_the_shell_tool_then_echoes_its_result() {
    let s = instant().await;
    let ask = json!({"model": "m", "tools": chat_tools(),
        "messages": [{"role": "user", "content": ASK}]});
    let (_, v) = get_json(
        client()
            .post(format!("{}/v1/chat/completions", s.base_url()))
            .json(&ask),
    )
    .await;
    let choice = &v["choices"][0];
    assert_eq!(choice["finish_reason"], "tool_calls", "{v}");
    assert!(
        choice["message"]["content"].is_null(),
        "no text with a call"
    );
    let call = &choice["message"]["tool_calls"][0];
    assert!(
        call["id"].as_str().unwrap().starts_with("call_demo_"),
        "{call}"
    );
    assert_eq!(call["type"], "function");
    assert_eq!(call["function"]["name"], "shell");
    let arguments = call["function"]["arguments"].as_str().unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(arguments).unwrap(),
        json!({"command": ["bash", "-lc", "echo hi"]}),
        "an array command is an argv through bash"
    );
    assert_eq!(
        v["usage"]["completion_tokens"],
        arguments.split_whitespace().count(),
        "output tokens are the words of the arguments"
    );

    let mut messages = ask["messages"].as_array().unwrap().clone();
    messages.push(json!({"role": "assistant", "content": null, "tool_calls": [call]}));
    messages.push(json!({"role": "tool", "tool_call_id": call["id"], "content": "hi\n"}));
    let follow_up = json!({"model": "m", "tools": chat_tools(), "messages": messages});
    let (_, v) = get_json(
        client()
            .post(format!("{}/v1/chat/completions", s.base_url()))
            .json(&follow_up),
    )
    .await;
    assert_eq!(v["choices"][0]["message"]["content"], "Tool result: hi");
    assert_eq!(v["choices"][0]["finish_reason"], "stop");

    let mut streamed = follow_up.clone();
    streamed["stream"] = json!(true);
    let body = post(&s, "/v1/chat/completions", &streamed)
        .await
        .text()
        .await
        .unwrap();
    let text: String = payloads(&body)
        .iter()
        .filter_map(|(_, c)| c["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert_eq!(
        text, "Tool result: hi",
        "the streamed follow-up says the same"
    );
}

#[tokio::test]
async fn chat_streams_a_call_as_head_then_two_argument_fragments() {
    let s = instant().await;
    let body = json!({"model": "m", "tools": chat_tools(), "stream": true,
        "stream_options": {"include_usage": true},
        "messages": [{"role": "user", "content": ASK}]});
    let text = post(&s, "/v1/chat/completions", &body)
        .await
        .text()
        .await
        .unwrap();
    assert!(text.ends_with("data: [DONE]\n\n"), "terminated: {text}");
    let chunks: Vec<Value> = payloads(&text).into_iter().map(|(_, c)| c).collect();
    let deltas: Vec<&Value> = chunks
        .iter()
        .filter_map(|c| c["choices"].get(0).map(|ch| &ch["delta"]))
        .collect();
    assert_eq!(deltas[0]["role"], "assistant", "a role chunk first");
    let head = &deltas[1]["tool_calls"][0];
    assert_eq!(head["index"], 0);
    assert!(head["id"].as_str().unwrap().starts_with("call_demo_"));
    assert_eq!(head["function"], json!({"name": "shell", "arguments": ""}));
    let fragments: Vec<&str> = deltas[2..4]
        .iter()
        .map(|d| {
            d["tool_calls"][0]["function"]["arguments"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        serde_json::from_str::<Value>(&fragments.concat()).unwrap(),
        json!({"command": ["bash", "-lc", "echo hi"]}),
        "the two fragments add up to the arguments"
    );
    assert_eq!(chunks[4]["choices"][0]["finish_reason"], "tool_calls");
    assert_eq!(chunks[5]["choices"], json!([]), "then the usage chunk");
    assert!(chunks[5]["usage"]["completion_tokens"].as_u64().unwrap() >= 1);
    assert_eq!(chunks.len(), 6, "role, head, 2 fragments, finish, usage");
}

fn anthropic_tools() -> Value {
    json!([{"name": "Bash", "description": "Executes a bash command", "input_schema": {
        "type": "object",
        "properties": {"command": {"type": "string"}, "description": {"type": "string"}, "timeout": {"type": "number"}},
        "required": ["command"],
    }}])
}

#[tokio::test]
async fn messages_call_bash_with_tool_use_then_echo_the_tool_result() {
    let s = instant().await;
    let ask = json!({"model": "m", "max_tokens": 64, "tools": anthropic_tools(),
        "messages": [{"role": "user", "content": [{"type": "text", "text": ASK}]}]});
    let (_, v) = get_json(
        client()
            .post(format!("{}/v1/messages", s.base_url()))
            .json(&ask),
    )
    .await;
    assert_eq!(v["stop_reason"], "tool_use", "{v}");
    let block = &v["content"][0];
    assert_eq!(block["type"], "tool_use");
    assert!(block["id"].as_str().unwrap().starts_with("toolu_demo_"));
    assert_eq!(block["name"], "Bash");
    assert_eq!(
        block["input"],
        json!({"command": "echo hi"}),
        "only the required command"
    );
    assert_eq!(v["content"].as_array().unwrap().len(), 1, "no text block");

    let follow_up = json!({"model": "m", "max_tokens": 64, "tools": anthropic_tools(), "messages": [
        ask["messages"][0],
        {"role": "assistant", "content": [block]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": block["id"],
            "content": [{"type": "text", "text": "hi"}]}]},
    ]});
    let (_, v) = get_json(
        client()
            .post(format!("{}/v1/messages", s.base_url()))
            .json(&follow_up),
    )
    .await;
    assert_eq!(v["content"][0]["text"], "Tool result: hi", "{v}");
    assert_eq!(v["stop_reason"], "end_turn");
}

#[tokio::test]
async fn messages_stream_a_tool_use_block_with_two_input_json_deltas() {
    let s = instant().await;
    let body = json!({"model": "m", "max_tokens": 64, "stream": true, "tools": anthropic_tools(),
        "messages": [{"role": "user", "content": ASK}]});
    let events = payloads(&post(&s, "/v1/messages", &body).await.text().await.unwrap());
    let names: Vec<&str> = events.iter().map(|(e, _)| e.as_str()).collect();
    assert_eq!(
        names,
        [
            "message_start",
            "content_block_start",
            "content_block_delta",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop"
        ],
        "the tool_use event sequence"
    );
    let block = &events[1].1["content_block"];
    assert_eq!(block["type"], "tool_use");
    assert_eq!(block["input"], json!({}), "input arrives in deltas");
    let partial: String = events[2..4]
        .iter()
        .map(|(_, e)| {
            assert_eq!(e["delta"]["type"], "input_json_delta");
            e["delta"]["partial_json"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(
        serde_json::from_str::<Value>(&partial).unwrap(),
        json!({"command": "echo hi"})
    );
    assert_eq!(events[5].1["delta"]["stop_reason"], "tool_use");
}

fn gemini_tools() -> Value {
    json!([{"functionDeclarations": [{"name": "run_shell_command", "description": "Runs a command",
        "parameters": {"type": "OBJECT", "properties": {
            "command": {"type": "STRING"}, "description": {"type": "STRING"}, "directory": {"type": "STRING"},
        }, "required": ["command"]}}]}])
}

fn gemini_url(s: &MockServer, method: &str) -> String {
    format!("{}/v1beta/models/gemini-2.5-pro:{method}", s.base_url())
}

#[tokio::test]
async fn gemini_calls_run_shell_command_buffered_and_streamed_then_echoes_the_response() {
    let s = instant().await;
    let ask = json!({"tools": gemini_tools(),
        "contents": [{"role": "user", "parts": [{"text": ASK}]}]});
    let (_, v) = get_json(client().post(gemini_url(&s, "generateContent")).json(&ask)).await;
    let candidate = &v["candidates"][0];
    assert_eq!(candidate["finishReason"], "STOP", "{v}");
    let part = &candidate["content"]["parts"][0];
    assert_eq!(
        part["functionCall"],
        json!({"name": "run_shell_command", "args": {"command": "echo hi"}}),
        "a functionCall part without an id"
    );
    assert!(v["usageMetadata"]["candidatesTokenCount"].as_u64().unwrap() >= 1);

    let resp = client()
        .post(format!(
            "{}?alt=sse",
            gemini_url(&s, "streamGenerateContent")
        ))
        .json(&ask)
        .send()
        .await
        .unwrap();
    let chunks = payloads(&resp.text().await.unwrap());
    assert_eq!(chunks.len(), 1, "one chunk carries the whole call");
    assert_eq!(chunks[0].1["candidates"][0]["content"]["parts"][0], *part);
    assert_eq!(chunks[0].1["usageMetadata"], v["usageMetadata"]);

    let follow_up = json!({"tools": gemini_tools(), "contents": [
        ask["contents"][0],
        {"role": "model", "parts": [part]},
        {"role": "user", "parts": [{"functionResponse": {"name": "run_shell_command",
            "response": {"output": "hi\n"}}}]},
    ]});
    let (_, v) = get_json(
        client()
            .post(gemini_url(&s, "generateContent"))
            .json(&follow_up),
    )
    .await;
    assert_eq!(
        v["candidates"][0]["content"]["parts"][0]["text"],
        "Tool result: hi"
    );
}

#[tokio::test]
async fn without_a_shell_tool_or_a_run_command_the_demo_reply_is_unchanged() {
    let s = instant().await;
    let read_only =
        json!([{"type": "function", "function": {"name": "read_file", "parameters": {}}}]);
    for (tools, prompt) in [
        (read_only, ASK),
        (chat_tools(), "Hello there, mock server!"),
    ] {
        let body = json!({"model": "m", "tools": tools, "messages": [{"role": "user", "content": prompt}]});
        let (_, v) = get_json(
            client()
                .post(format!("{}/v1/chat/completions", s.base_url()))
                .json(&body),
        )
        .await;
        let content = v["choices"][0]["message"]["content"].as_str().unwrap();
        assert!(content.starts_with("Demo reply to “"), "{content}");
        assert_eq!(v["choices"][0]["finish_reason"], "stop");
    }
}
