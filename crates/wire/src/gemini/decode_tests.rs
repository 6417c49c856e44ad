use super::*;

fn feed_all(d: &mut StreamDecoder, chunks: &[&str]) -> Vec<StreamEvent> {
    chunks.iter().flat_map(|c| d.feed(c)).collect()
}

#[test]
fn a_text_stream_starts_once_streams_deltas_then_stops_with_usage() {
    let mut d = StreamDecoder::new();
    let events = feed_all(
        &mut d,
        &[
            r#"{"candidates": [{"content": {"parts": [{"text": "The"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 1000,"candidatesTokenCount": 1,"totalTokenCount": 1001,"cachedContentTokenCount": 600},"modelVersion": "gemini-2.0-flash","responseId": "r-1"}"#,
            r#"{"candidates": [{"content": {"parts": [{"text": " sky is"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 1000,"candidatesTokenCount": 1,"totalTokenCount": 1001,"cachedContentTokenCount": 600},"modelVersion": "gemini-2.0-flash","responseId": "r-1"}"#,
            r#"{"candidates": [{"content": {"parts": [{"text": " blue."}],"role": "model"},"finishReason": "STOP","index": 0}],"usageMetadata": {"promptTokenCount": 1000,"candidatesTokenCount": 4,"totalTokenCount": 1004,"cachedContentTokenCount": 600},"modelVersion": "gemini-2.0-flash","responseId": "r-1"}"#,
        ],
    );
    let usage = |output_tokens| {
        StreamEvent::Usage(Usage {
            input_tokens: 400,
            cache_read_tokens: 600,
            output_tokens,
            ..Usage::default()
        })
    };
    assert_eq!(
        events,
        vec![
            StreamEvent::Start {
                id: "r-1".into(),
                model: "gemini-2.0-flash".into()
            },
            StreamEvent::TextDelta { text: "The".into() },
            usage(1),
            StreamEvent::TextDelta {
                text: " sky is".into()
            },
            StreamEvent::TextDelta {
                text: " blue.".into()
            },
            StreamEvent::Stop {
                reason: StopReason::EndTurn
            },
            usage(4),
        ],
        "an unchanged usage snapshot is not repeated; Stop precedes the final usage"
    );
    assert!(d.is_done(), "the finishReason chunk ends the stream");
}

#[test]
fn a_function_call_arrives_whole_and_stops_for_tool_use() {
    let mut d = StreamDecoder::new();
    let events = feed_all(
        &mut d,
        &[
            r#"{"candidates": [{"content": {"parts": [{"text": "Let me check."}],"role": "model"}}],"modelVersion": "gemini-2.5-flash"}"#,
            r#"{"candidates": [{"content": {"parts": [{"functionCall": {"name": "get_weather","args": {"city": "Paris"}},"thoughtSignature": "c2ln"},{"functionCall": {"name": "get_time","args": {}}}],"role": "model"},"finishReason": "STOP"}],"usageMetadata": {"promptTokenCount": 60,"candidatesTokenCount": 12,"thoughtsTokenCount": 40,"totalTokenCount": 112},"modelVersion": "gemini-2.5-flash"}"#,
        ],
    );
    assert_eq!(
        events,
        vec![
            StreamEvent::Start {
                id: String::new(),
                model: "gemini-2.5-flash".into()
            },
            StreamEvent::TextDelta {
                text: "Let me check.".into()
            },
            StreamEvent::ToolCallStart {
                index: 0,
                id: "call_0".into(),
                name: "get_weather".into()
            },
            StreamEvent::ToolCallDelta {
                index: 0,
                arguments_json_fragment: r#"{"city":"Paris"}"#.into()
            },
            StreamEvent::ToolCallStart {
                index: 1,
                id: "call_1".into(),
                name: "get_time".into()
            },
            StreamEvent::ToolCallDelta {
                index: 1,
                arguments_json_fragment: "{}".into()
            },
            StreamEvent::Stop {
                reason: StopReason::ToolUse
            },
            StreamEvent::Usage(Usage {
                input_tokens: 60,
                output_tokens: 52,
                reasoning_tokens: 40,
                ..Usage::default()
            }),
        ]
    );
}

#[test]
fn calls_in_separate_chunks_keep_counting_and_a_late_stop_is_tool_use() {
    let mut d = StreamDecoder::new();
    let events = feed_all(
        &mut d,
        &[
            r#"{"candidates":[{"content":{"parts":[{"functionCall":{"name":"a"}}]}}]}"#,
            r#"{"candidates":[{"content":{"parts":[{"functionCall":{"name":"b"}}]}}]}"#,
            r#"{"candidates":[{"content":{"parts":[{"text":""}]},"finishReason":"STOP"}]}"#,
        ],
    );
    let ids: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::ToolCallStart { id, .. } => Some(id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(ids, ["call_0", "call_1"]);
    assert_eq!(
        events.last(),
        Some(&StreamEvent::Stop {
            reason: StopReason::ToolUse
        })
    );
}

#[test]
fn errors_and_unreadable_chunks_become_error_events() {
    let mut d = StreamDecoder::new();
    assert_eq!(
        d.feed(
            r#"{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}"#
        ),
        vec![StreamEvent::Error {
            message: "The model is overloaded.".into()
        }]
    );
    let events = d.feed(r#"{"candidates": [{"content": "sk-secret"#);
    let [StreamEvent::Error { message }] = events.as_slice() else {
        panic!("one error event: {events:?}");
    };
    assert!(message.contains("unreadable"), "{message}");
    assert!(!message.contains("sk-secret"), "{message}");
    assert!(d.feed("").is_empty() && d.feed("[DONE]").is_empty());
    assert!(!d.is_done());
}

#[test]
fn a_blocked_prompt_stops_for_content_filter() {
    let mut d = StreamDecoder::new();
    let events = d.feed(r#"{"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},"usageMetadata":{"promptTokenCount":7},"modelVersion":"m"}"#);
    assert_eq!(
        events[1],
        StreamEvent::Stop {
            reason: StopReason::ContentFilter
        }
    );
    assert!(d.is_done());
    let again = d.feed(r#"{"candidates":[{"finishReason":"SAFETY"}]}"#);
    assert!(again.is_empty(), "at most one Stop: {again:?}");
}
