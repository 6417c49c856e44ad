use super::*;
use crate::canonical::ImageSource;
use crate::sse::SseParser;
use crate::{anthropic, openai};

/// Multi-byte text (CJK, emoji, accented Latin), longer than one 64-character chunk.
const WIDE: &str = "日本語のテキストと中文文本混在しています。漢字仮名交🎉🚀🦀😀👍🏽🌍🔥✨💡🧪🎯📦🔧🧵🪄🌈⚡🍣🍜🎲🧩🛰éèêëàâäôöûüçñíóúáÉÈÊËÀÂÄÔÖÛ";

fn usage() -> Usage {
    Usage {
        input_tokens: 120,
        output_tokens: 45,
        cache_read_tokens: 800,
        cache_write_tokens: 30,
        cache_write_1h_tokens: 0,
        reasoning_tokens: 12,
    }
}

/// Text longer than one chunk, two tool calls with text between them, full usage.
fn sample() -> ChatResponse {
    ChatResponse {
        id: "resp_1".into(),
        model: "model-x".into(),
        created: 0,
        content: vec![
            Part::Text(format!("Let me check: {WIDE}")),
            Part::ToolCall {
                id: "call_a".into(),
                name: "weather".into(),
                arguments_json: r#"{"city":"東京","unit":"°C"}"#.into(),
            },
            Part::Text("and also ".into()),
            Part::ToolCall {
                id: "call_b".into(),
                name: "time".into(),
                arguments_json: String::new(),
            },
        ],
        stop: StopReason::ToolUse,
        usage: usage(),
    }
}

fn collect(events: &[StreamEvent]) -> Option<ChatResponse> {
    let mut c = StreamCollector::new();
    for ev in events {
        c.feed(ev);
    }
    c.finish()
}

fn start() -> StreamEvent {
    StreamEvent::Start {
        id: "r".into(),
        model: "m".into(),
    }
}

fn text(t: &str) -> StreamEvent {
    StreamEvent::TextDelta { text: t.into() }
}

fn stop() -> StreamEvent {
    StreamEvent::Stop {
        reason: StopReason::EndTurn,
    }
}

fn call(index: usize) -> StreamEvent {
    let (id, name) = (format!("c{index}"), "f".into());
    StreamEvent::ToolCallStart { index, id, name }
}

fn delta(index: usize, fragment: &str) -> StreamEvent {
    let arguments_json_fragment = fragment.into();
    StreamEvent::ToolCallDelta {
        index,
        arguments_json_fragment,
    }
}

#[test]
fn replayed_events_collect_back_to_the_same_reply() {
    let resp = sample();
    assert!(WIDE.chars().count() > 64 && WIDE.len() > WIDE.chars().count());
    assert_eq!(collect(&replay_events(&resp)), Some(resp));
}

#[test]
fn replay_is_start_usage_content_stop_usage() {
    let resp = ChatResponse {
        content: vec![
            Part::Image(ImageSource::Url("https://example.invalid/a.png".into())),
            Part::Text("x".repeat(130)),
            Part::ToolCall {
                id: "c0".into(),
                name: "f".into(),
                arguments_json: "{}".into(),
            },
            Part::ToolResult {
                call_id: "c0".into(),
                content: "ok".into(),
                is_error: false,
            },
            Part::ToolCall {
                id: "c1".into(),
                name: "f".into(),
                arguments_json: String::new(),
            },
        ],
        ..sample()
    };
    let expected = vec![
        StreamEvent::Start {
            id: "resp_1".into(),
            model: "model-x".into(),
        },
        StreamEvent::Usage(usage()),
        text(&"x".repeat(64)),
        text(&"x".repeat(64)),
        text("xx"),
        call(0),
        delta(0, "{}"),
        call(1),
        StreamEvent::Stop {
            reason: StopReason::ToolUse,
        },
        StreamEvent::Usage(usage()),
    ];
    assert_eq!(
        replay_events(&resp),
        expected,
        "images and tool results skipped"
    );
}

#[test]
fn replayed_text_chunks_hold_at_most_64_whole_chars() {
    let resp = ChatResponse {
        content: vec![Part::Text(WIDE.repeat(3))],
        ..sample()
    };
    let chunks: Vec<String> = replay_events(&resp)
        .into_iter()
        .filter_map(|ev| match ev {
            StreamEvent::TextDelta { text } => Some(text),
            _ => None,
        })
        .collect();
    assert_eq!(chunks.len(), (WIDE.chars().count() * 3).div_ceil(64));
    assert!(chunks[..chunks.len() - 1]
        .iter()
        .all(|c| c.chars().count() == 64));
    assert_eq!(chunks.concat(), WIDE.repeat(3));
}

#[test]
fn text_deltas_merge_until_a_tool_call_intervenes() {
    let events = [
        start(),
        text("Hel"),
        text(""),
        text("lo"),
        call(0),
        text("x"),
        stop(),
    ];
    assert_eq!(
        collect(&events).map(|r| r.content),
        Some(vec![
            Part::Text("Hello".into()),
            Part::ToolCall {
                id: "c0".into(),
                name: "f".into(),
                arguments_json: String::new(),
            },
            Part::Text("x".into()),
        ])
    );
}

#[test]
fn interleaved_tool_call_deltas_land_on_their_own_call() {
    let got = collect(&[
        start(),
        call(0),
        delta(0, "{\"a\":"),
        call(1),
        delta(1, "{\"b\":2}"),
        delta(0, "1}"),
        stop(),
    ]);
    let args = |r: ChatResponse| -> Vec<String> {
        let args = r.content.into_iter().filter_map(|p| match p {
            Part::ToolCall { arguments_json, .. } => Some(arguments_json),
            _ => None,
        });
        args.collect()
    };
    let expected = vec![r#"{"a":1}"#.to_owned(), r#"{"b":2}"#.to_owned()];
    assert_eq!(got.map(args), Some(expected));
}

#[test]
fn usage_keeps_the_field_wise_maximum_of_snapshots() {
    let input_side = Usage {
        input_tokens: 200,
        cache_read_tokens: 800,
        output_tokens: 1,
        ..Usage::default()
    };
    let output_side = Usage {
        output_tokens: 15,
        reasoning_tokens: 4,
        ..Usage::default()
    };
    let got = collect(&[
        start(),
        StreamEvent::Usage(input_side),
        text("hi"),
        stop(),
        StreamEvent::Usage(output_side),
    ]);
    let expected = Usage {
        input_tokens: 200,
        cache_read_tokens: 800,
        ..output_side
    };
    assert_eq!(got.map(|r| r.usage), Some(expected));
}

#[test]
fn a_stream_without_stop_is_not_a_reply() {
    assert_eq!(collect(&[start(), text("partial answer")]), None);
    assert_eq!(collect(&[]), None);
}

#[test]
fn an_error_spoils_the_stream_even_if_stop_follows() {
    let error = StreamEvent::Error {
        message: "overloaded".into(),
    };
    assert_eq!(collect(&[start(), text("a"), error.clone(), stop()]), None);
    assert_eq!(collect(&[start(), text("a"), stop(), error]), None);
}

#[test]
fn a_delta_for_an_unknown_tool_call_spoils_the_stream() {
    assert_eq!(collect(&[start(), delta(3, "{}"), stop()]), None);
    assert_eq!(collect(&[start(), call(0), delta(1, "{}"), stop()]), None);
}

#[test]
fn protocol_violations_spoil_the_stream() {
    let cases = [
        (vec![text("a"), start(), stop()], "content before Start"),
        (vec![start(), start(), stop()], "two Starts"),
        (vec![start(), stop(), text("more")], "content after Stop"),
        (vec![start(), stop(), stop()], "two Stops"),
        (vec![start(), call(0), call(0), stop()], "ordinal reused"),
    ];
    for (events, why) in cases {
        assert_eq!(collect(&events), None, "{why}");
    }
    let empty = collect(&[start(), stop()]);
    assert!(empty.is_some(), "an empty reply is fine");
}

#[test]
fn more_than_32_mib_of_text_and_arguments_spoils_the_stream() {
    let half = "a".repeat(MAX_COLLECTED_BYTES / 2);
    let at_limit = [start(), text(&half), call(0), delta(0, &half), stop()];
    assert!(collect(&at_limit).is_some(), "exactly at the limit is kept");
    let mut over = at_limit.to_vec();
    over.insert(2, text("b"));
    assert_eq!(collect(&over), None, "one byte over, counting arguments");
}

/// The wire format a stream goes through.
#[derive(Clone, Copy)]
enum Format {
    OpenAi,
    Anthropic,
}

/// Encodes `events` in `format`, re-reads the bytes (split every 7 bytes, so through multi-byte
/// characters and frame boundaries) and decodes them back to canonical events. Also says whether
/// the decoder saw the stream's proper end (`[DONE]` / `message_stop`).
fn reencode(format: Format, events: &[StreamEvent]) -> (Vec<StreamEvent>, bool) {
    let mut frames = Vec::new();
    match format {
        Format::OpenAi => {
            let mut enc = openai::StreamEncoder::new(true);
            frames.extend(events.iter().flat_map(|e| enc.encode(e)));
            frames.extend(enc.finish());
        }
        Format::Anthropic => {
            let mut enc = anthropic::StreamEncoder::new();
            frames.extend(events.iter().flat_map(|e| enc.encode(e)));
            frames.extend(enc.finish());
        }
    }
    let bytes = frames.concat();
    let mut parser = SseParser::new();
    let sse: Vec<_> = bytes.chunks(7).flat_map(|c| parser.feed(c)).collect();
    match format {
        Format::OpenAi => {
            let mut dec = openai::StreamDecoder::new();
            let out = sse.iter().flat_map(|e| dec.feed(&e.data)).collect();
            (out, dec.is_done())
        }
        Format::Anthropic => {
            let mut dec = anthropic::StreamDecoder::new();
            let out = sse
                .iter()
                .flat_map(|e| dec.feed(e.event.as_deref(), &e.data))
                .collect();
            (out, dec.is_done())
        }
    }
}

/// Replays `resp` through `format` and collects the result; the stream must end properly.
fn round_trip(format: Format, resp: &ChatResponse) -> Option<ChatResponse> {
    let (events, done) = reencode(format, &replay_events(resp));
    assert!(done, "the stream reached its end marker");
    collect(&events)
}

#[test]
fn a_reply_survives_an_openai_stream() {
    let resp = sample();
    let got = round_trip(Format::OpenAi, &resp);
    // Cache writes travel as OpenRouter's `cache_write_tokens`; their 1-hour share has no
    // OpenAI-format counter.
    let usage = Usage {
        cache_write_1h_tokens: 0,
        ..usage()
    };
    assert_eq!(got, Some(ChatResponse { usage, ..resp }));
}

#[test]
fn a_reply_survives_an_anthropic_stream() {
    let resp = sample();
    let got = round_trip(Format::Anthropic, &resp);
    // Anthropic reports no reasoning-token counter (thinking is inside `output_tokens`).
    let usage = Usage {
        reasoning_tokens: 0,
        ..usage()
    };
    assert_eq!(got, Some(ChatResponse { usage, ..resp }));
}

#[test]
fn stop_reasons_survive_as_far_as_each_format_can_carry_them() {
    use StopReason::*;
    let cases = [
        // `finish_reason` has no stop-sequence value: OpenAI itself reports it as `stop`.
        (Format::OpenAi, StopSequence, EndTurn),
        (Format::OpenAi, MaxTokens, MaxTokens),
        (Format::OpenAi, ContentFilter, ContentFilter),
        (Format::Anthropic, StopSequence, StopSequence),
        (Format::Anthropic, ContentFilter, ContentFilter),
        // Unknown reasons become `end_turn` so strict Anthropic clients never see a foreign value.
        (Format::Anthropic, Other("eos_token".into()), EndTurn),
    ];
    for (format, sent, expected) in cases {
        let resp = ChatResponse {
            content: vec![Part::Text("done".into())],
            stop: sent,
            ..sample()
        };
        assert_eq!(round_trip(format, &resp).map(|r| r.stop), Some(expected));
    }
}

#[test]
fn a_mid_stream_error_survives_encoding_and_spoils_the_reply() {
    let mut events = replay_events(&sample());
    let message = "upstream died".to_owned();
    events.insert(events.len() - 2, StreamEvent::Error { message });
    // Both encoders end the stream at the error: no `[DONE]` / `message_stop` follows.
    for format in [Format::OpenAi, Format::Anthropic] {
        let (decoded, done) = reencode(format, &events);
        assert!(!done);
        assert!(decoded
            .iter()
            .any(|e| matches!(e, StreamEvent::Error { .. })));
        assert_eq!(collect(&decoded), None);
    }
}
