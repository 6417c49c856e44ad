//! OpenAI's Responses API: the buffered object, the named-event stream, tool calls and their
//! follow-up, input-token counting, compaction, 400s and faults.

use super::*;
use switchyard_mock::Fault;

fn url(s: &MockServer, path: &str) -> String {
    format!("{}/v1/responses{path}", s.base_url())
}

fn body(stream: bool, extra: Value) -> Value {
    let mut body = json!({
        "model": "demo-chat",
        "instructions": "Be brief.",
        "input": [{"role": "user", "content": [{"type": "input_text", "text": "Hello there, mock server!"}]}],
        "stream": stream,
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    body
}

async fn create(s: &MockServer, body: &Value) -> reqwest::Response {
    client()
        .post(url(s, ""))
        .bearer_auth("k")
        .json(body)
        .send()
        .await
        .unwrap()
}

/// The events of a stream: (event name, payload).
async fn read_events(resp: reqwest::Response) -> Vec<(String, Value)> {
    let text = resp.text().await.unwrap();
    assert!(
        !text.contains("[DONE]"),
        "the Responses stream has no terminator"
    );
    sse_events(&text)
        .into_iter()
        .map(|(name, data)| (name, serde_json::from_str(&data).unwrap()))
        .collect()
}

fn shell_tool() -> Value {
    json!({"type": "function", "name": "shell", "description": "Runs a command", "parameters": {
        "type": "object",
        "properties": {"command": {"type": "array", "items": {"type": "string"}}, "workdir": {"type": "string"}},
        "required": ["command"],
    }})
}

#[tokio::test]
async fn a_buffered_response_is_a_full_completed_response_object() {
    let s = instant().await;
    let (status, v) = get_json(
        client()
            .post(url(&s, ""))
            .json(&body(false, json!({"temperature": 0.5}))),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert!(v["id"].as_str().unwrap().starts_with("resp_demo_"));
    assert_eq!(
        (&v["object"], &v["status"]),
        (&json!("response"), &json!("completed"))
    );
    let item = &v["output"][0];
    assert_eq!(
        (&item["type"], &item["role"], &item["status"]),
        (&json!("message"), &json!("assistant"), &json!("completed"))
    );
    assert!(item["id"].as_str().unwrap().starts_with("msg_demo_"));
    let text = item["content"][0]["text"].as_str().unwrap();
    assert!(
        text.starts_with("Demo reply to “Hello there, mock server!”:"),
        "{text}"
    );
    assert_eq!(item["content"][0]["annotations"], json!([]));
    let words = text.split_whitespace().count() as u64;
    // "Hello there, mock server!" (4) + 3, instructions "Be brief." (2).
    assert_eq!(v["usage"]["input_tokens"], 9);
    assert_eq!(v["usage"]["output_tokens"], words);
    assert_eq!(v["usage"]["total_tokens"], 9 + words);
    assert_eq!(v["usage"]["input_tokens_details"]["cached_tokens"], 0);
    assert_eq!(v["instructions"], "Be brief.", "echoed");
    assert_eq!(
        (&v["temperature"], &v["top_p"]),
        (&json!(0.5), &json!(1.0)),
        "echo or default"
    );
    assert_eq!(v["tools"], json!([]));
    assert!(v["incomplete_details"].is_null() && v["error"].is_null());
    assert_eq!(s.calls("responses"), 1);
}

#[tokio::test]
async fn a_stream_sends_the_event_sequence_with_counted_sequence_numbers() {
    let s = instant().await;
    let (_, whole) = get_json(client().post(url(&s, "")).json(&body(false, json!({})))).await;
    let resp = create(&s, &body(true, json!({}))).await;
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let events = read_events(resp).await;
    let names: Vec<&str> = events.iter().map(|(n, _)| n.as_str()).collect();
    let deltas = names
        .iter()
        .filter(|n| **n == "response.output_text.delta")
        .count();
    assert!(deltas > 3, "one delta per word: {deltas}");
    let mut expected = vec![
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
    ];
    expected.extend(std::iter::repeat_n("response.output_text.delta", deltas));
    expected.extend([
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]);
    assert_eq!(names, expected, "the event order");
    for (i, (name, payload)) in events.iter().enumerate() {
        assert_eq!(
            payload["type"],
            name.as_str(),
            "the payload names its event"
        );
        assert_eq!(
            payload["sequence_number"], i,
            "sequence numbers count from 0"
        );
    }
    assert_eq!(events[0].1["response"]["status"], "in_progress");
    assert_eq!(events[0].1["response"]["output"], json!([]));
    let text: String = events
        .iter()
        .filter(|(n, _)| n == "response.output_text.delta")
        .map(|(_, e)| e["delta"].as_str().unwrap())
        .collect();
    let done = &events[names.len() - 4].1;
    assert_eq!(
        done["text"],
        text.as_str(),
        "done carries the concatenated deltas"
    );
    assert_eq!(
        text,
        whole["output"][0]["content"][0]["text"].as_str().unwrap()
    );
    let completed = &events.last().unwrap().1["response"];
    assert_eq!(completed["status"], "completed");
    assert_eq!(
        completed["usage"], whole["usage"],
        "the same usage as buffered"
    );
    assert_eq!(completed["output"][0]["content"][0]["text"], text.as_str());
}

#[tokio::test]
async fn max_output_tokens_makes_the_response_incomplete() {
    let s = instant().await;
    let (_, v) = get_json(
        client()
            .post(url(&s, ""))
            .json(&body(false, json!({"max_output_tokens": 3}))),
    )
    .await;
    assert_eq!(v["status"], "incomplete");
    assert_eq!(
        v["incomplete_details"],
        json!({"reason": "max_output_tokens"})
    );
    assert_eq!(v["usage"]["output_tokens"], 3);
    assert_eq!(v["max_output_tokens"], 3, "echoed");
    let events = read_events(create(&s, &body(true, json!({"max_output_tokens": 3}))).await).await;
    let (last, payload) = events.last().unwrap();
    assert_eq!(last, "response.incomplete", "the stream ends incomplete");
    assert_eq!(payload["response"]["status"], "incomplete");
}

#[tokio::test]
async fn a_run_command_calls_the_function_tool_and_the_output_is_echoed_next_turn() {
    let s = instant().await;
    let ask = json!({"model": "m", "tools": [shell_tool()], "input": "run: ls -la"});
    let (_, v) = get_json(client().post(url(&s, "")).json(&ask)).await;
    assert_eq!(v["status"], "completed");
    let call = &v["output"][0];
    assert_eq!(
        (&call["type"], &call["status"], &call["name"]),
        (
            &json!("function_call"),
            &json!("completed"),
            &json!("shell")
        )
    );
    assert!(call["id"].as_str().unwrap().starts_with("fc_demo_"));
    assert!(call["call_id"].as_str().unwrap().starts_with("call_demo_"));
    let arguments: Value = serde_json::from_str(call["arguments"].as_str().unwrap()).unwrap();
    assert_eq!(arguments, json!({"command": ["bash", "-lc", "ls -la"]}));
    assert_eq!(v["tools"], json!([shell_tool()]), "tools echoed");

    let follow_up = json!({"model": "m", "tools": [shell_tool()], "input": [
        {"role": "user", "content": "run: ls -la"},
        {"type": "function_call", "call_id": call["call_id"], "name": "shell", "arguments": call["arguments"]},
        {"type": "function_call_output", "call_id": call["call_id"], "output": "a.txt\n  b.txt"},
    ]});
    let (_, v) = get_json(client().post(url(&s, "")).json(&follow_up)).await;
    assert_eq!(
        v["output"][0]["content"][0]["text"], "Tool result: a.txt b.txt",
        "{v}"
    );
}

#[tokio::test]
async fn a_streamed_call_sends_argument_deltas_and_a_custom_tool_sends_input_deltas() {
    let s = instant().await;
    let ask = json!({"model": "m", "tools": [shell_tool()], "input": "run: pwd", "stream": true});
    let events = read_events(create(&s, &ask).await).await;
    let names: Vec<&str> = events.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "response.created",
            "response.in_progress",
            "response.output_item.added",
            "response.function_call_arguments.delta",
            "response.function_call_arguments.delta",
            "response.function_call_arguments.done",
            "response.output_item.done",
            "response.completed",
        ]
    );
    assert_eq!(
        events[2].1["item"]["arguments"], "",
        "the call starts empty"
    );
    let joined: String = events[3..5]
        .iter()
        .map(|(_, e)| e["delta"].as_str().unwrap())
        .collect();
    assert_eq!(events[5].1["arguments"], joined.as_str());
    assert_eq!(events[5].1["name"], "shell");
    assert_eq!(events[6].1["item"]["arguments"], joined.as_str());

    let custom = json!({"type": "custom", "name": "shell", "description": "Freeform shell"});
    let ask = json!({"model": "m", "tools": [custom], "input": "run: pwd", "stream": true});
    let events = read_events(create(&s, &ask).await).await;
    let names: Vec<&str> = events.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        &names[3..6],
        [
            "response.custom_tool_call_input.delta",
            "response.custom_tool_call_input.delta",
            "response.custom_tool_call_input.done",
        ]
    );
    assert_eq!(
        events[5].1["input"], "pwd",
        "freeform input is the command itself"
    );
    let item = &events.last().unwrap().1["response"]["output"][0];
    assert_eq!(
        (&item["type"], &item["input"]),
        (&json!("custom_tool_call"), &json!("pwd"))
    );
    let output = json!({"model": "m", "tools": [custom], "input": [
        {"type": "custom_tool_call", "call_id": item["call_id"], "name": "shell", "input": "pwd"},
        {"type": "custom_tool_call_output", "call_id": item["call_id"], "output": [{"type": "input_text", "text": "/work"}]},
    ]});
    let (_, v) = get_json(client().post(url(&s, "")).json(&output)).await;
    assert_eq!(v["output"][0]["content"][0]["text"], "Tool result: /work");
}

#[tokio::test]
async fn missing_model_or_input_is_a_400_naming_the_parameter() {
    let s = instant().await;
    for (body, param) in [
        (json!({"model": "m"}), "input"),
        (json!({"input": "hi"}), "model"),
    ] {
        let (status, v) = get_json(client().post(url(&s, "")).json(&body)).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(
            v["error"]["message"],
            format!("Missing required parameter: '{param}'.")
        );
        assert_eq!(v["error"]["param"], param);
        assert_eq!(v["error"]["type"], "invalid_request_error");
    }
    assert_eq!(s.calls("responses"), 2, "rejected requests count");
}

#[tokio::test]
async fn input_tokens_counts_like_the_reply_and_compact_keeps_the_user_texts() {
    let s = MockServer::start(MockConfig::instant().with_faults(vec![Fault::Status(500)]))
        .await
        .unwrap();
    let request = body(false, json!({"tools": [shell_tool()]}));
    let (status, counted) = get_json(client().post(url(&s, "/input_tokens")).json(&request)).await;
    assert_eq!(status, 200, "counting does not use the fault");
    assert_eq!(counted["object"], "response.input_tokens");
    let input = json!([
        {"role": "user", "content": "first question"},
        {"role": "assistant", "content": [{"type": "output_text", "text": "an answer"}]},
        {"role": "user", "content": [{"type": "input_text", "text": "second"}]},
    ]);
    let (status, compacted) = get_json(
        client()
            .post(url(&s, "/compact"))
            .json(&json!({"model": "m", "input": input})),
    )
    .await;
    assert_eq!(status, 200, "compaction does not use the fault either");
    assert_eq!(s.faults_used(), 0);
    assert_eq!(
        create(&s, &request).await.status(),
        500,
        "the fault waits for generation"
    );
    let (_, v) = get_json(client().post(url(&s, "")).json(&request)).await;
    assert_eq!(
        counted["input_tokens"], v["usage"]["input_tokens"],
        "same count as the reply"
    );

    assert_eq!(compacted["object"], "response.compaction");
    assert!(compacted["id"].as_str().unwrap().starts_with("resp_demo_"));
    let output = compacted["output"].as_array().unwrap();
    assert_eq!(output[0]["role"], "user");
    assert_eq!(
        output[0]["content"][0],
        json!({"type": "input_text", "text": "first question\nsecond"})
    );
    assert_eq!(output[1]["type"], "compaction");
    assert_eq!(output[1]["encrypted_content"], "demo-compacted");
    assert!(output[1]["id"].as_str().unwrap().starts_with("cmp_demo_"));
    assert_eq!(compacted["usage"]["output_tokens"], 3);
    assert_eq!(
        (
            s.calls("responses_input_tokens"),
            s.calls("responses_compact"),
            s.calls("responses")
        ),
        (1, 1, 2)
    );
}

#[tokio::test]
async fn status_and_cut_faults_apply_to_responses() {
    let s = MockServer::start(
        MockConfig::instant().with_faults(vec![Fault::Status(503), Fault::CutAfterChunks(3)]),
    )
    .await
    .unwrap();
    let (status, v) = get_json(client().post(url(&s, "")).json(&body(false, json!({})))).await;
    assert_eq!(status, 503, "the scripted status");
    assert_eq!(v["error"]["type"], "server_error", "OpenAI-shaped: {v}");
    let resp = create(&s, &body(true, json!({}))).await;
    assert_eq!(resp.status(), 200, "headers are sent");
    let (text, broke) = read_until_break(resp).await;
    assert!(broke, "the connection is dropped");
    let names: Vec<String> = sse_events(&text).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "response.created",
            "response.in_progress",
            "response.output_item.added"
        ],
        "three frames, then the cut"
    );
    assert_eq!(s.faults_used(), 2);
}
