use super::*;
use crate::canonical::Usage;
use crate::gemini::StreamDecoder;
use crate::sse::SseParser;

fn encode_all(events: &[StreamEvent]) -> Vec<Bytes> {
    let mut e = StreamEncoder::new();
    let mut frames: Vec<Bytes> = events.iter().flat_map(|ev| e.encode(ev)).collect();
    frames.extend(e.finish());
    frames
}

fn wire(frames: &[Bytes]) -> String {
    frames
        .iter()
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect()
}

/// The frames as a client reads them: SSE events, each decoded by the Gemini decoder.
fn decode(frames: &[Bytes]) -> (Vec<StreamEvent>, bool) {
    let mut parser = SseParser::new();
    let mut decoder = StreamDecoder::new();
    let mut events = Vec::new();
    for f in frames {
        for sse in parser.feed(f) {
            assert_eq!(sse.event, None, "no event: lines, the SDK drops them");
            events.extend(decoder.feed(&sse.data));
        }
    }
    assert_eq!(
        parser.finish(),
        None,
        "the stream ends right after a delimiter"
    );
    (events, decoder.is_done())
}

/// The JSON of one frame.
fn chunk(frame: &Bytes) -> Value {
    let s = String::from_utf8_lossy(frame);
    serde_json::from_str(s.trim().trim_start_matches("data: ")).unwrap()
}

fn text(t: &str) -> StreamEvent {
    StreamEvent::TextDelta { text: t.into() }
}

fn usage() -> Usage {
    Usage {
        input_tokens: 300,
        cache_read_tokens: 700,
        output_tokens: 50,
        reasoning_tokens: 20,
        ..Usage::default()
    }
}

#[test]
fn text_a_tool_call_stop_and_usage_decode_back_to_the_same_events() {
    let events = vec![
        StreamEvent::Start {
            id: "r-1".into(),
            model: "gemini-2.5-flash".into(),
        },
        text("Let me "),
        text("check."),
        StreamEvent::ToolCallStart {
            index: 0,
            id: "call_0".into(),
            name: "get_weather".into(),
        },
        StreamEvent::ToolCallDelta {
            index: 0,
            arguments_json_fragment: r#"{"city":"#.into(),
        },
        StreamEvent::ToolCallDelta {
            index: 0,
            arguments_json_fragment: r#""Paris"}"#.into(),
        },
        StreamEvent::Stop {
            reason: StopReason::ToolUse,
        },
        StreamEvent::Usage(usage()),
    ];
    let frames = encode_all(&events);
    assert_eq!(
        frames.len(),
        3,
        "two text chunks, then the call with the finish"
    );
    let (decoded, done) = decode(&frames);
    assert!(done, "the final chunk carries a finishReason");
    assert_eq!(
        decoded,
        vec![
            events[0].clone(),
            text("Let me "),
            text("check."),
            events[3].clone(),
            StreamEvent::ToolCallDelta {
                index: 0,
                arguments_json_fragment: r#"{"city":"Paris"}"#.into(),
            },
            StreamEvent::Stop {
                reason: StopReason::ToolUse
            },
            StreamEvent::Usage(usage()),
        ],
        "Gemini sends a call whole: its fragments arrive as one delta"
    );
}

#[test]
fn every_frame_is_one_data_line_and_a_blank_line() {
    let frames = encode_all(&[
        text("a\nb"),
        StreamEvent::Stop {
            reason: StopReason::EndTurn,
        },
    ]);
    for f in &frames {
        let s = String::from_utf8_lossy(f);
        assert!(s.starts_with("data: {"), "starts with data: {s}");
        assert!(s.ends_with("}\n\n"), "one delimiter at the end: {s}");
        assert_eq!(s.matches('\n').count(), 2, "the JSON is on one line: {s}");
    }
    assert!(!wire(&frames).contains("event:"));
}

#[test]
fn a_text_only_stream_ends_with_an_empty_text_part_carrying_the_finish() {
    let frames = encode_all(&[
        text("Hi"),
        StreamEvent::Stop {
            reason: StopReason::MaxTokens,
        },
    ]);
    assert_eq!(
        chunk(&frames[1]),
        json!({"candidates": [{"content": {"role": "model", "parts": [{"text": ""}]},
                               "finishReason": "MAX_TOKENS", "index": 0}]}),
        "never an empty parts list; no usage when none was reported; no ids when none known"
    );
    let (decoded, _) = decode(&frames);
    let texts: String = decoded
        .iter()
        .filter_map(|e| match e {
            StreamEvent::TextDelta { text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(texts, "Hi", "the empty part adds nothing to the text");
}

#[test]
fn consecutive_calls_share_a_chunk_and_text_after_them_flushes_it() {
    let start = |index: usize, name: &str| StreamEvent::ToolCallStart {
        index,
        id: format!("toolu_{index}"),
        name: name.into(),
    };
    let frames = encode_all(&[
        start(0, "a"),
        start(1, "b"),
        StreamEvent::ToolCallDelta {
            index: 1,
            arguments_json_fragment: "[1]".into(),
        },
        text("done"),
    ]);
    assert_eq!(
        chunk(&frames[0])["candidates"][0]["content"]["parts"],
        json!([
            {"functionCall": {"name": "a", "args": {}, "id": "toolu_0"}},
            {"functionCall": {"name": "b", "args": {}, "id": "toolu_1"}}
        ]),
        "both calls in one chunk, ids kept, non-object args become {{}}"
    );
    assert_eq!(frames.len(), 3, "calls, text, final chunk");
    assert!(wire(&frames[2..]).contains(r#""finishReason":"STOP""#));
}

#[test]
fn an_error_is_sent_as_a_gemini_error_and_ends_the_stream() {
    let mut e = StreamEncoder::new();
    e.encode(&StreamEvent::ToolCallStart {
        index: 0,
        id: "c".into(),
        name: "a".into(),
    });
    let frames = e.encode(&StreamEvent::Error {
        message: "upstream went away".into(),
    });
    assert_eq!(
        wire(&frames),
        "data: {\"error\":{\"code\":500,\"message\":\"upstream went away\",\"status\":\"INTERNAL\"}}\n\n"
    );
    assert!(e.encode(&text("more")).is_empty(), "nothing after an error");
    assert!(e.finish().is_empty(), "no final chunk after an error");
    let (decoded, _) = decode(&frames);
    assert_eq!(
        decoded,
        vec![StreamEvent::Error {
            message: "upstream went away".into()
        }]
    );
}
