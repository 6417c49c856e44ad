use super::*;
use crate::canonical::StopReason;

fn feed_all(events: &[(&str, &str)]) -> Vec<StreamEvent> {
    let mut d = StreamDecoder::new();
    events
        .iter()
        .flat_map(|(name, data)| d.feed(Some(name), data))
        .collect()
}

const START: (&str, &str) = (
    "message_start",
    r#"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":200,"cache_creation_input_tokens":0,"cache_read_input_tokens":800,"output_tokens":1}}}"#,
);

#[test]
fn message_start_gives_start_and_input_usage() {
    let events = feed_all(&[START]);
    assert_eq!(
        events,
        vec![
            StreamEvent::Start {
                id: "msg_1".into(),
                model: "claude-sonnet-4-5".into()
            },
            StreamEvent::Usage(Usage {
                input_tokens: 200,
                cache_read_tokens: 800,
                output_tokens: 1,
                ..Usage::default()
            }),
        ]
    );
}

#[test]
fn message_delta_replaces_output_and_keeps_input_usage() {
    let events = feed_all(&[
        START,
        (
            "message_delta",
            r#"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}"#,
        ),
    ]);
    assert_eq!(
        events[2],
        StreamEvent::Stop {
            reason: StopReason::EndTurn
        }
    );
    assert_eq!(
        events[3],
        StreamEvent::Usage(Usage {
            input_tokens: 200,
            cache_read_tokens: 800,
            output_tokens: 15,
            ..Usage::default()
        }),
        "a full snapshot, output replaced rather than added"
    );
}

#[test]
fn text_blocks_stream_text_deltas() {
    let events = feed_all(&[
        (
            "content_block_start",
            r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
        ),
        ("ping", r#"{"type": "ping"}"#),
        (
            "content_block_delta",
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"#,
        ),
        (
            "content_block_stop",
            r#"{"type":"content_block_stop","index":0}"#,
        ),
    ]);
    assert_eq!(events, vec![StreamEvent::TextDelta { text: "Hi".into() }]);
}

#[test]
fn tool_use_blocks_stream_input_json_as_fragments() {
    let events = feed_all(&[
        (
            "content_block_start",
            r#"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}}"#,
        ),
        (
            "content_block_delta",
            r#"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}"#,
        ),
        (
            "content_block_delta",
            r#"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\": "}}"#,
        ),
        (
            "content_block_delta",
            r#"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"\"Paris\"}"}}"#,
        ),
    ]);
    assert_eq!(
        events,
        vec![
            StreamEvent::ToolCallStart {
                index: 0,
                id: "toolu_1".into(),
                name: "get_weather".into()
            },
            StreamEvent::ToolCallDelta {
                index: 0,
                arguments_json_fragment: "{\"city\": ".into()
            },
            StreamEvent::ToolCallDelta {
                index: 0,
                arguments_json_fragment: "\"Paris\"}".into()
            },
        ],
        "block index 1 is tool call 0; empty fragments are skipped"
    );
}

#[test]
fn thinking_blocks_are_ignored() {
    let events = feed_all(&[
        (
            "content_block_start",
            r#"{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}"#,
        ),
        (
            "content_block_delta",
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"hmm"}}"#,
        ),
        (
            "content_block_delta",
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"abc"}}"#,
        ),
    ]);
    assert!(events.is_empty(), "{events:?}");
}

#[test]
fn error_event_becomes_an_error() {
    let events = feed_all(&[(
        "error",
        r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
    )]);
    assert_eq!(
        events,
        vec![StreamEvent::Error {
            message: "Overloaded".into()
        }]
    );
}

#[test]
fn message_stop_marks_the_stream_done() {
    let mut d = StreamDecoder::new();
    assert!(d
        .feed(Some("message_stop"), r#"{"type":"message_stop"}"#)
        .is_empty());
    assert!(d.is_done());
}

#[test]
fn data_type_is_used_when_the_event_name_is_missing() {
    let mut d = StreamDecoder::new();
    let events = d.feed(None, START.1);
    assert!(
        matches!(events.first(), Some(StreamEvent::Start { .. })),
        "{events:?}"
    );
}
