use super::*;
use crate::canonical::{StopReason, Usage};
use crate::collect::StreamCollector;

fn decode(events: &[(&str, &str)]) -> (Vec<StreamEvent>, bool) {
    let mut dec = StreamDecoder::new();
    let out = events
        .iter()
        .flat_map(|(name, data)| dec.feed(Some(name), data))
        .collect();
    (out, dec.is_done())
}

/// Trimmed from a real OpenAI stream: text, then a function call whose arguments come in pieces.
const STREAM: &[(&str, &str)] = &[
    (
        "response.created",
        r#"{"type":"response.created","sequence_number":0,"response":{"id":"resp_1","model":"gpt-5-codex","status":"in_progress","output":[]}}"#,
    ),
    (
        "response.output_item.added",
        r#"{"type":"response.output_item.added","output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[]}}"#,
    ),
    (
        "response.output_item.added",
        r#"{"type":"response.output_item.added","output_index":1,"item":{"id":"msg_1","type":"message","role":"assistant","content":[]}}"#,
    ),
    (
        "response.output_text.delta",
        r#"{"type":"response.output_text.delta","item_id":"msg_1","output_index":1,"content_index":0,"delta":"Hel"}"#,
    ),
    (
        "response.output_text.delta",
        r#"{"type":"response.output_text.delta","item_id":"msg_1","output_index":1,"content_index":0,"delta":"lo"}"#,
    ),
    (
        "response.output_item.added",
        r#"{"type":"response.output_item.added","output_index":2,"item":{"id":"fc_1","type":"function_call","call_id":"call_Z","name":"shell","arguments":""}}"#,
    ),
    (
        "response.function_call_arguments.delta",
        r#"{"type":"response.function_call_arguments.delta","item_id":"fc_1","output_index":2,"delta":"{\"command\":"}"#,
    ),
    (
        "response.function_call_arguments.delta",
        r#"{"type":"response.function_call_arguments.delta","item_id":"fc_1","output_index":2,"delta":"[\"ls\"]}"}"#,
    ),
    (
        "response.output_item.done",
        r#"{"type":"response.output_item.done","output_index":2,"item":{"id":"fc_1","type":"function_call","call_id":"call_Z","name":"shell","arguments":"{\"command\":[\"ls\"]}"}}"#,
    ),
    (
        "response.completed",
        r#"{"type":"response.completed","response":{"id":"resp_1","status":"completed","output":[],"usage":{"input_tokens":50,"input_tokens_details":{"cached_tokens":10},"output_tokens":9,"output_tokens_details":{"reasoning_tokens":4},"total_tokens":59}}}"#,
    ),
];

#[test]
fn an_openai_stream_decodes_to_text_a_call_a_stop_and_usage() {
    let (events, done) = decode(STREAM);
    assert!(done);
    let mut c = StreamCollector::new();
    events.iter().for_each(|e| c.feed(e));
    let r = c.finish().expect("complete");
    assert_eq!(r.id, "resp_1");
    assert_eq!(r.model, "gpt-5-codex");
    assert_eq!(r.content[0], crate::Part::Text("Hello".into()));
    assert_eq!(
        r.content[1],
        crate::Part::ToolCall {
            id: "call_Z".into(),
            name: "shell".into(),
            arguments_json: "{\"command\":[\"ls\"]}".into()
        },
        "arguments are not repeated by output_item.done"
    );
    assert_eq!(r.stop, StopReason::ToolUse);
    assert_eq!(
        r.usage,
        Usage {
            input_tokens: 40,
            cache_read_tokens: 10,
            output_tokens: 9,
            reasoning_tokens: 4,
            ..Usage::default()
        }
    );
}

#[test]
fn a_custom_call_streams_into_valid_input_arguments() {
    let (events, _) = decode(&[
        (
            "response.created",
            r#"{"type":"response.created","response":{"id":"r","model":"m"}}"#,
        ),
        (
            "response.output_item.added",
            r#"{"type":"response.output_item.added","output_index":0,"item":{"id":"ctc_1","type":"custom_tool_call","call_id":"c","name":"apply_patch","input":""}}"#,
        ),
        (
            "response.custom_tool_call_input.delta",
            r#"{"type":"response.custom_tool_call_input.delta","item_id":"ctc_1","output_index":0,"delta":"line \"1\"\n"}"#,
        ),
        (
            "response.output_item.done",
            r#"{"type":"response.output_item.done","output_index":0,"item":{"id":"ctc_1","type":"custom_tool_call","call_id":"c","name":"apply_patch","input":"line \"1\"\n"}}"#,
        ),
        (
            "response.completed",
            r#"{"type":"response.completed","response":{"status":"completed"}}"#,
        ),
    ]);
    let args: String = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::ToolCallDelta {
                arguments_json_fragment,
                ..
            } => Some(arguments_json_fragment.as_str()),
            _ => None,
        })
        .collect();
    let v: Value = serde_json::from_str(&args).expect("fragments join into JSON");
    assert_eq!(v["input"], "line \"1\"\n");
}

#[test]
fn failed_and_error_events_become_errors() {
    let (events, done) = decode(&[
        (
            "response.created",
            r#"{"type":"response.created","response":{"id":"r"}}"#,
        ),
        (
            "response.failed",
            r#"{"type":"response.failed","response":{"status":"failed","error":{"code":"server_error","message":"boom"}}}"#,
        ),
    ]);
    assert!(done);
    assert_eq!(
        events.last(),
        Some(&StreamEvent::Error {
            message: "boom".into()
        })
    );
    let (events, _) = decode(&[
        ("error", r#"{"type":"error","code":"x","message":"bad"}"#),
        ("x", "{nope"),
    ]);
    assert_eq!(
        events[0],
        StreamEvent::Error {
            message: "bad".into()
        }
    );
    assert!(matches!(&events[1], StreamEvent::Error { message } if message.contains("unreadable")));
}

#[test]
fn an_incomplete_response_stops_for_max_tokens() {
    let (events, _) = decode(&[(
        "response.incomplete",
        r#"{"type":"response.incomplete","response":{"id":"r","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"}}}"#,
    )]);
    assert!(events.contains(&StreamEvent::Stop {
        reason: StopReason::MaxTokens
    }));
}
