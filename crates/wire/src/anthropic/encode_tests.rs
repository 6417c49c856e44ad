use super::*;
use crate::sse::SseParser;
use crate::test_support::{sse_json, start, stop, text};

fn run(events: &[StreamEvent]) -> Vec<(String, Value)> {
    let mut enc = StreamEncoder::new();
    let mut frames: Vec<Bytes> = events.iter().flat_map(|e| enc.encode(e)).collect();
    frames.extend(enc.finish());
    sse_json(&frames)
}

fn names(out: &[(String, Value)]) -> Vec<&str> {
    out.iter().map(|(n, _)| n.as_str()).collect()
}

#[test]
fn text_stream_has_the_anthropic_event_order() {
    let out = run(&[
        start("chatcmpl-1", "gpt"),
        text("Hel"),
        text("lo"),
        stop(StopReason::EndTurn),
    ]);
    assert_eq!(
        names(&out),
        vec![
            "message_start",
            "content_block_start",
            "content_block_delta",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop"
        ]
    );
    assert_eq!(out[0].1["message"]["id"], "chatcmpl-1");
    assert_eq!(
        out[2].1["delta"],
        json!({"type": "text_delta", "text": "Hel"})
    );
    assert_eq!(out[5].1["delta"]["stop_reason"], "end_turn");
}

#[test]
fn usage_right_after_start_is_in_message_start_and_last_usage_in_message_delta() {
    let out = run(&[
        start("m", "c"),
        StreamEvent::Usage(Usage {
            input_tokens: 200,
            cache_read_tokens: 800,
            ..Usage::default()
        }),
        text("x"),
        StreamEvent::Usage(Usage {
            input_tokens: 200,
            cache_read_tokens: 800,
            output_tokens: 9,
            ..Usage::default()
        }),
    ]);
    assert_eq!(out[0].1["message"]["usage"]["cache_read_input_tokens"], 800);
    let delta = &out[out.len() - 2].1;
    assert_eq!(delta["usage"]["output_tokens"], 9);
    assert_eq!(delta["usage"]["input_tokens"], 200);
}

#[test]
fn switching_between_text_and_tool_calls_opens_new_blocks() {
    let out = run(&[
        StreamEvent::TextDelta {
            text: "Checking.".into(),
        },
        StreamEvent::ToolCallStart {
            index: 0,
            id: "call_1".into(),
            name: "a".into(),
        },
        StreamEvent::ToolCallDelta {
            index: 0,
            arguments_json_fragment: "{}".into(),
        },
        StreamEvent::ToolCallStart {
            index: 1,
            id: "call_2".into(),
            name: "b".into(),
        },
        StreamEvent::ToolCallDelta {
            index: 1,
            arguments_json_fragment: "{}".into(),
        },
        stop(StopReason::ToolUse),
    ]);
    let starts: Vec<(u64, &str)> = out
        .iter()
        .filter(|(n, _)| n == "content_block_start")
        .map(|(_, v)| {
            (
                v["index"].as_u64().unwrap(),
                v["content_block"]["type"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(starts, vec![(0, "text"), (1, "tool_use"), (2, "tool_use")]);
    let stops = out
        .iter()
        .filter(|(n, _)| n == "content_block_stop")
        .count();
    assert_eq!(stops, 3, "every block is closed");
    let delta = out
        .iter()
        .find(|(n, v)| n == "content_block_delta" && v["index"] == 2)
        .unwrap();
    assert_eq!(
        delta.1["delta"],
        json!({"type": "input_json_delta", "partial_json": "{}"})
    );
    assert_eq!(out[out.len() - 2].1["delta"]["stop_reason"], "tool_use");
}

#[test]
fn finish_without_any_event_still_produces_a_valid_empty_message() {
    let out = run(&[]);
    assert_eq!(
        names(&out),
        vec!["message_start", "message_delta", "message_stop"]
    );
    assert_eq!(out[0].1["message"]["id"], FALLBACK_ID);
}

#[test]
fn error_is_an_error_event_and_ends_the_stream() {
    let mut enc = StreamEncoder::new();
    let frames = enc.encode(&StreamEvent::Error {
        message: "boom".into(),
    });
    let events = SseParser::new().feed(&frames.concat());
    assert_eq!(events[0].event.as_deref(), Some("error"));
    assert!(events[0].data.contains("\"boom\""));
    assert!(enc.finish().is_empty(), "no message_stop after an error");
}
