use super::*;
use crate::canonical::{StopReason, Usage};

fn feed_all(chunks: &[&str]) -> Vec<StreamEvent> {
    let mut d = StreamDecoder::new();
    chunks.iter().flat_map(|c| d.feed(c)).collect()
}

#[test]
fn role_chunk_starts_the_stream_once() {
    let events = feed_all(&[
        r#"{"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-4.1","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#,
        r#"{"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-4.1","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}"#,
    ]);
    assert_eq!(
        events,
        vec![
            StreamEvent::Start {
                id: "chatcmpl-1".into(),
                model: "gpt-4.1".into()
            },
            StreamEvent::TextDelta { text: "Hi".into() },
        ],
        "empty content adds no delta; Start is not repeated"
    );
}

#[test]
fn finish_reason_and_usage_chunk_become_stop_and_usage() {
    let events = feed_all(&[
        r#"{"id":"c","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"length"}]}"#,
        r#"{"id":"c","model":"m","choices":[],"usage":{"prompt_tokens":1000,"completion_tokens":5,"total_tokens":1005,"prompt_tokens_details":{"cached_tokens":800}}}"#,
        "[DONE]",
    ]);
    assert_eq!(
        events[1],
        StreamEvent::Stop {
            reason: StopReason::MaxTokens
        }
    );
    assert_eq!(
        events[2],
        StreamEvent::Usage(Usage {
            input_tokens: 200,
            cache_read_tokens: 800,
            output_tokens: 5,
            ..Usage::default()
        })
    );
    assert_eq!(events.len(), 3, "[DONE] adds nothing");
}

#[test]
fn done_marker_is_remembered() {
    let mut d = StreamDecoder::new();
    assert!(!d.is_done());
    assert!(d.feed("[DONE]").is_empty());
    assert!(d.is_done());
}

#[test]
fn tool_call_arguments_are_streamed_as_fragments_of_one_call() {
    let events = feed_all(&[
        r#"{"id":"c","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]}}]}"#,
        r#"{"id":"c","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"ci"}}]}}]}"#,
        r#"{"id":"c","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ty\":\"Paris\"}"}}]}}]}"#,
    ]);
    assert_eq!(
        &events[1..],
        &[
            StreamEvent::ToolCallStart {
                index: 0,
                id: "call_1".into(),
                name: "get_weather".into()
            },
            StreamEvent::ToolCallDelta {
                index: 0,
                arguments_json_fragment: "{\"ci".into()
            },
            StreamEvent::ToolCallDelta {
                index: 0,
                arguments_json_fragment: "ty\":\"Paris\"}".into()
            },
        ]
    );
}

#[test]
fn provider_indices_are_renumbered_in_order_of_appearance() {
    let events = feed_all(&[
        r#"{"choices":[{"delta":{"tool_calls":[{"index":3,"id":"a","function":{"name":"f","arguments":"{}"}}]}}]}"#,
        r#"{"choices":[{"delta":{"tool_calls":[{"index":7,"id":"b","function":{"name":"g","arguments":"{}"}}]}}]}"#,
    ]);
    let starts: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::ToolCallStart { index, id, .. } => Some((*index, id.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(starts, vec![(0, "a"), (1, "b")]);
}

#[test]
fn tool_calls_without_index_are_matched_by_id() {
    let events = feed_all(&[
        r#"{"choices":[{"delta":{"tool_calls":[{"id":"a","function":{"name":"f","arguments":"{\"x\":"}}]}}]}"#,
        r#"{"choices":[{"delta":{"tool_calls":[{"function":{"arguments":"1}"}}]}}]}"#,
        r#"{"choices":[{"delta":{"tool_calls":[{"id":"b","function":{"name":"g","arguments":"{}"}}]}}]}"#,
    ]);
    let ordinals: Vec<usize> = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::ToolCallDelta { index, .. } => Some(*index),
            _ => None,
        })
        .collect();
    assert_eq!(
        ordinals,
        vec![0, 0, 1],
        "continuation joins the latest call; new id opens a new one"
    );
}

#[test]
fn error_payload_becomes_an_error_event() {
    let events =
        feed_all(&[r#"{"error":{"message":"Rate limit reached","type":"rate_limit_error"}}"#]);
    assert_eq!(
        events,
        vec![StreamEvent::Error {
            message: "Rate limit reached".into()
        }]
    );
}

#[test]
fn unreadable_chunk_becomes_an_error_without_quoting_it() {
    let events = feed_all(&[r#"{"choices": [sk-secret"#]);
    match events.as_slice() {
        [StreamEvent::Error { message }] => assert!(!message.contains("sk-secret"), "{message}"),
        other => panic!("expected one error, got {other:?}"),
    }
}
