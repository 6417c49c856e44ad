//! Request translation through the canonical model, both ways.

use serde_json::{json, Value};
use switchyard_wire::{anthropic, openai, Part, Role, ToolChoice};

fn openai_agent_turn() -> Value {
    json!({
        "model": "gpt-4.1",
        "messages": [
            {"role": "system", "content": "You are terse."},
            {"role": "developer", "content": "Answer in English."},
            {"role": "user", "content": "Weather and time in Paris?"},
            {"role": "assistant", "content": null, "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}},
                {"id": "call_2", "type": "function", "function": {"name": "get_time", "arguments": "{\"tz\":\"CET\"}"}}
            ]},
            {"role": "tool", "tool_call_id": "call_1", "content": "18C, sunny"},
            {"role": "tool", "tool_call_id": "call_2", "content": "14:05"},
            {"role": "user", "content": "Thanks. Anything else?"}
        ],
        "tools": [
            {"type": "function", "function": {"name": "get_weather", "description": "Current weather",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}},
            {"type": "function", "function": {"name": "get_time",
                "parameters": {"type": "object", "properties": {"tz": {"type": "string"}}}}}
        ],
        "tool_choice": "auto",
        "temperature": 0.3,
        "stop": "END",
        "stream": true,
        "user": "user-42"
    })
}

fn anthropic_agent_turn() -> Value {
    json!({
        "model": "claude-sonnet-4-5",
        "max_tokens": 1024,
        "system": [{"type": "text", "text": "You are terse.", "cache_control": {"type": "ephemeral"}}],
        "messages": [
            {"role": "user", "content": "Weather in Paris?"},
            {"role": "assistant", "content": [
                {"type": "text", "text": "Checking."},
                {"type": "tool_use", "id": "toolu_01A", "name": "get_weather", "input": {"city": "Paris"}}
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_01A", "content": "18C"},
                {"type": "text", "text": "Thanks!"}
            ]}
        ],
        "tools": [{"name": "get_weather", "description": "Current weather",
            "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}],
        "tool_choice": {"type": "tool", "name": "get_weather"},
        "stop_sequences": ["END"],
        "stream": false
    })
}

fn openai_to_anthropic(body: &Value) -> Value {
    let req = openai::parse_request(body.to_string().as_bytes()).unwrap();
    anthropic::render_request(&req, 4096).unwrap()
}

#[test]
fn openai_request_becomes_an_anthropic_request_with_system_extracted() {
    let out = openai_to_anthropic(&openai_agent_turn());
    assert_eq!(out["system"], "You are terse.\n\nAnswer in English.");
    assert!(
        out["messages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["role"] != "system"),
        "no system role in Anthropic messages"
    );
}

#[test]
fn openai_request_without_limit_gets_the_default_max_tokens() {
    assert_eq!(
        openai_to_anthropic(&openai_agent_turn())["max_tokens"],
        4096
    );
}

#[test]
fn openai_tool_calls_and_results_become_alternating_anthropic_turns() {
    let out = openai_to_anthropic(&openai_agent_turn());
    assert_eq!(
        out["messages"],
        json!([
            {"role": "user", "content": [{"type": "text", "text": "Weather and time in Paris?"}]},
            {"role": "assistant", "content": [
                {"type": "tool_use", "id": "call_1", "name": "get_weather", "input": {"city": "Paris"}},
                {"type": "tool_use", "id": "call_2", "name": "get_time", "input": {"tz": "CET"}}
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "call_1", "content": "18C, sunny"},
                {"type": "tool_result", "tool_use_id": "call_2", "content": "14:05"},
                {"type": "text", "text": "Thanks. Anything else?"}
            ]}
        ]),
        "two tool messages and the next user message merge into one user turn"
    );
}

#[test]
fn openai_options_map_onto_anthropic_fields() {
    let out = openai_to_anthropic(&openai_agent_turn());
    assert_eq!(out["tools"][0]["input_schema"]["required"], json!(["city"]));
    assert_eq!(out["tools"][0]["description"], "Current weather");
    assert_eq!(out["tool_choice"], json!({"type": "auto"}));
    assert_eq!(out["stop_sequences"], json!(["END"]));
    assert_eq!(out["temperature"], 0.3);
    assert_eq!(out["stream"], true);
    assert_eq!(out["metadata"], json!({"user_id": "user-42"}));
}

#[test]
fn anthropic_request_becomes_an_openai_request() {
    let req = anthropic::parse_request(anthropic_agent_turn().to_string().as_bytes()).unwrap();
    let out = openai::render_request(&req, true).unwrap();
    assert_eq!(
        out["messages"],
        json!([
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "Weather in Paris?"},
            {"role": "assistant", "content": "Checking.", "tool_calls": [
                {"id": "toolu_01A", "type": "function",
                 "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}
            ]},
            {"role": "tool", "tool_call_id": "toolu_01A", "content": "18C"},
            {"role": "user", "content": "Thanks!"}
        ])
    );
    assert_eq!(out["max_tokens"], 1024);
    assert_eq!(out["stop"], json!(["END"]));
    assert_eq!(
        out["tool_choice"],
        json!({"type": "function", "function": {"name": "get_weather"}})
    );
    assert_eq!(
        out["tools"][0]["function"]["parameters"]["properties"]["city"]["type"],
        "string"
    );
    assert!(
        out.get("stream_options").is_none(),
        "not a streaming request"
    );
}

#[test]
fn openai_request_survives_a_trip_through_anthropic() {
    let original = openai_agent_turn();
    let via_anthropic = openai_to_anthropic(&original);
    let req = anthropic::parse_request(via_anthropic.to_string().as_bytes()).unwrap();
    let back = openai::render_request(&req, false).unwrap();
    let mut expected = original["messages"].as_array().unwrap().clone();
    expected.splice(
        0..2,
        [json!({"role": "system", "content": "You are terse.\n\nAnswer in English."})],
    );
    assert_eq!(back["messages"], Value::Array(expected));
    assert_eq!(back["tools"], original["tools"]);
}

#[test]
fn anthropic_request_survives_a_trip_through_openai() {
    let original = anthropic::parse_request(anthropic_agent_turn().to_string().as_bytes()).unwrap();
    let via_openai = openai::render_request(&original, false).unwrap();
    let back = openai::parse_request(via_openai.to_string().as_bytes()).unwrap();
    assert_eq!(back.messages, original.messages);
    assert_eq!(back.system, original.system);
    assert_eq!(back.tools, original.tools);
    assert_eq!(
        back.tool_choice,
        Some(ToolChoice::Named("get_weather".into()))
    );
    assert_eq!(back.max_tokens, Some(1024));
    assert_eq!(back.stop, original.stop);
}

#[test]
fn anthropic_tool_error_results_keep_their_content_in_openai() {
    let body = json!({"model": "c", "max_tokens": 10, "messages": [
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "is_error": true,
            "content": [{"type": "text", "text": "timeout"}, {"type": "text", "text": "retry later"}]}]}
    ]});
    let req = anthropic::parse_request(body.to_string().as_bytes()).unwrap();
    assert_eq!(req.messages[0].role, Role::Tool);
    let out = openai::render_request(&req, false).unwrap();
    assert_eq!(
        out["messages"][0],
        json!({"role": "tool", "tool_call_id": "t1", "content": "timeout\nretry later"})
    );
}

#[test]
fn images_translate_between_data_urls_and_base64_sources() {
    let body = json!({"model": "gpt-4.1", "messages": [{"role": "user", "content": [
        {"type": "text", "text": "What is it?"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}
    ]}]});
    let out = openai_to_anthropic(&body);
    assert_eq!(
        out["messages"][0]["content"][1],
        json!({"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}})
    );
    let back = openai::render_request(
        &anthropic::parse_request(out.to_string().as_bytes()).unwrap(),
        false,
    )
    .unwrap();
    assert_eq!(
        back["messages"][0]["content"],
        body["messages"][0]["content"]
    );
    assert!(matches!(
        anthropic::parse_request(out.to_string().as_bytes())
            .unwrap()
            .messages[0]
            .content[1],
        Part::Image(_)
    ));
}

/// Claude Code reads two files at once and the first result holds an image: in Chat Completions
/// the `tool` messages must follow the calls directly, the image after them.
#[test]
fn tool_results_with_images_keep_the_tool_run_openai_requires() {
    let body = serde_json::json!({"model": "m", "max_tokens": 100, "messages": [
        {"role": "user", "content": "read both"},
        {"role": "assistant", "content": [
            {"type": "tool_use", "id": "t1", "name": "Read", "input": {"p": "a.png"}},
            {"type": "tool_use", "id": "t2", "name": "Read", "input": {"p": "b.txt"}}]},
        {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "t1", "content": [
                {"type": "text", "text": "an image"},
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBO"}}]},
            {"type": "tool_result", "tool_use_id": "t2", "content": "text of b"}]}]});
    let req = anthropic::parse_request(body.to_string().as_bytes()).unwrap();
    let out = openai::render_request(&req, false).unwrap();
    let roles: Vec<&str> = out["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["user", "assistant", "tool", "tool", "user"]);
    assert_eq!(out["messages"][4]["content"][0]["type"], "image_url");
}
