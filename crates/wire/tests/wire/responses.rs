//! Non-streamed response translation, stop reasons and usage semantics, both ways.

use serde_json::{json, Value};
use switchyard_wire::{anthropic, openai, StopReason, Usage};

fn openai_tool_response() -> Value {
    json!({
        "id": "chatcmpl-abc",
        "object": "chat.completion",
        "created": 1741569952,
        "model": "gpt-4.1-2025-04-14",
        "choices": [{
            "index": 0,
            "message": {
                "role": "assistant",
                "content": "Let me look that up.",
                "refusal": null,
                "tool_calls": [{"id": "call_1", "type": "function",
                    "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]
            },
            "logprobs": null,
            "finish_reason": "tool_calls"
        }],
        "usage": {
            "prompt_tokens": 1000, "completion_tokens": 40, "total_tokens": 1040,
            "prompt_tokens_details": {"cached_tokens": 800, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 16, "audio_tokens": 0}
        },
        "system_fingerprint": "fp_1"
    })
}

fn anthropic_tool_response() -> Value {
    json!({
        "id": "msg_01Aq9w938a90dw8q",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": [
            {"type": "text", "text": "I'll check."},
            {"type": "tool_use", "id": "toolu_01A", "name": "get_weather", "input": {"city": "Paris"}}
        ],
        "stop_reason": "tool_use",
        "stop_sequence": null,
        "usage": {"input_tokens": 200, "cache_creation_input_tokens": 50,
                  "cache_read_input_tokens": 800, "output_tokens": 40}
    })
}

fn openai_to_anthropic(body: &Value) -> Value {
    anthropic::render_response(&openai::parse_response(body.to_string().as_bytes()).unwrap())
}

fn anthropic_to_openai(body: &Value) -> Value {
    openai::render_response(&anthropic::parse_response(body.to_string().as_bytes()).unwrap())
}

#[test]
fn openai_tool_call_response_becomes_an_anthropic_message() {
    let out = openai_to_anthropic(&openai_tool_response());
    assert_eq!(out["type"], "message");
    assert_eq!(out["role"], "assistant");
    assert_eq!(
        out["content"],
        json!([
            {"type": "text", "text": "Let me look that up."},
            {"type": "tool_use", "id": "call_1", "name": "get_weather", "input": {"city": "Paris"}}
        ])
    );
    assert_eq!(out["stop_reason"], "tool_use");
}

#[test]
fn openai_cached_prompt_becomes_anthropic_uncached_input_plus_cache_read() {
    let usage = &openai_to_anthropic(&openai_tool_response())["usage"];
    assert_eq!(usage["input_tokens"], 200, "1000 prompt − 800 cached");
    assert_eq!(usage["cache_read_input_tokens"], 800);
    assert_eq!(usage["cache_creation_input_tokens"], 0);
    assert_eq!(usage["output_tokens"], 40, "reasoning stays inside output");
}

#[test]
fn anthropic_tool_use_response_becomes_an_openai_completion() {
    let out = anthropic_to_openai(&anthropic_tool_response());
    let message = &out["choices"][0]["message"];
    assert_eq!(out["object"], "chat.completion");
    assert_eq!(out["id"], "msg_01Aq9w938a90dw8q");
    assert_eq!(message["content"], "I'll check.");
    assert_eq!(
        message["tool_calls"],
        json!([{"id": "toolu_01A", "type": "function",
                "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}])
    );
    assert_eq!(out["choices"][0]["finish_reason"], "tool_calls");
}

#[test]
fn anthropic_cache_counters_are_folded_into_openai_prompt_tokens_once() {
    let usage = &anthropic_to_openai(&anthropic_tool_response())["usage"];
    assert_eq!(
        usage["prompt_tokens"], 1050,
        "200 uncached + 800 read + 50 written"
    );
    assert_eq!(usage["prompt_tokens_details"]["cached_tokens"], 800);
    assert_eq!(usage["completion_tokens"], 40);
    assert_eq!(usage["total_tokens"], 1090);
}

#[test]
fn usage_round_trips_openai_to_anthropic_and_back() {
    let canonical = openai::parse_response(openai_tool_response().to_string().as_bytes()).unwrap();
    assert_eq!(
        canonical.usage,
        Usage {
            input_tokens: 200,
            output_tokens: 40,
            cache_read_tokens: 800,
            cache_write_tokens: 0,
            cache_write_1h_tokens: 0,
            reasoning_tokens: 16
        }
    );
    let via_anthropic = anthropic::render_response(&canonical);
    let back = anthropic_to_openai(&via_anthropic);
    assert_eq!(back["usage"]["prompt_tokens"], 1000);
    assert_eq!(back["usage"]["prompt_tokens_details"]["cached_tokens"], 800);
    assert_eq!(back["usage"]["completion_tokens"], 40);
}

#[test]
fn usage_round_trips_anthropic_to_openai_and_back_with_cache_writes() {
    let back = openai_to_anthropic(&anthropic_to_openai(&anthropic_tool_response()));
    assert_eq!(back["usage"]["cache_read_input_tokens"], 800);
    assert_eq!(
        (
            &back["usage"]["input_tokens"],
            &back["usage"]["cache_creation_input_tokens"]
        ),
        (&serde_json::json!(200), &serde_json::json!(50)),
        "writes travel as OpenRouter's cache_write_tokens and come back as writes"
    );
    assert_eq!(back["usage"]["output_tokens"], 40);
}

#[test]
fn stop_reasons_translate_both_ways() {
    let openai_cases = [
        ("stop", "end_turn"),
        ("length", "max_tokens"),
        ("tool_calls", "tool_use"),
        ("content_filter", "refusal"),
    ];
    for (finish, expected) in openai_cases {
        let mut body = openai_tool_response();
        body["choices"][0]["finish_reason"] = json!(finish);
        assert_eq!(
            openai_to_anthropic(&body)["stop_reason"],
            expected,
            "finish_reason {finish}"
        );
    }
    let anthropic_cases = [
        ("end_turn", "stop"),
        ("max_tokens", "length"),
        ("stop_sequence", "stop"),
        ("tool_use", "tool_calls"),
        ("refusal", "content_filter"),
    ];
    for (reason, expected) in anthropic_cases {
        let mut body = anthropic_tool_response();
        body["stop_reason"] = json!(reason);
        assert_eq!(
            anthropic_to_openai(&body)["choices"][0]["finish_reason"],
            expected,
            "stop_reason {reason}"
        );
    }
}

#[test]
fn stop_sequence_is_distinguished_only_where_the_source_knows_it() {
    let mut body = anthropic_tool_response();
    body["stop_reason"] = json!("stop_sequence");
    let canonical = anthropic::parse_response(body.to_string().as_bytes()).unwrap();
    assert_eq!(canonical.stop, StopReason::StopSequence);
    assert_eq!(
        anthropic::render_response(&canonical)["stop_reason"],
        "stop_sequence"
    );
}
