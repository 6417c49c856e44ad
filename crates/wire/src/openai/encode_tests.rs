use super::*;
use crate::canonical::StopReason;
use crate::sse::SseParser;
use crate::test_support::{start, stop, text};

fn payloads(frames: &[Bytes]) -> Vec<String> {
    let mut p = SseParser::new();
    frames
        .iter()
        .flat_map(|f| p.feed(f))
        .map(|e| e.data)
        .collect()
}

fn json_of(payload: &str) -> Value {
    serde_json::from_str(payload).unwrap()
}

fn run(enc: &mut StreamEncoder, events: &[StreamEvent]) -> Vec<String> {
    let mut frames: Vec<Bytes> = events.iter().flat_map(|e| enc.encode(e)).collect();
    frames.extend(enc.finish());
    payloads(&frames)
}

#[test]
fn text_stream_is_role_chunk_deltas_finish_and_done() {
    let mut enc = StreamEncoder::new(false).with_created(1_700_000_000);
    let out = run(
        &mut enc,
        &[
            start("msg_1", "claude"),
            text("Hel"),
            text("lo"),
            stop(StopReason::EndTurn),
        ],
    );
    assert_eq!(out.len(), 5, "{out:?}");
    let first = json_of(&out[0]);
    assert_eq!(first["object"], "chat.completion.chunk");
    assert_eq!(first["created"], 1_700_000_000);
    assert_eq!(first["choices"][0]["delta"]["role"], "assistant");
    assert_eq!(json_of(&out[1])["choices"][0]["delta"]["content"], "Hel");
    assert_eq!(json_of(&out[3])["choices"][0]["finish_reason"], "stop");
    assert_eq!(out[4], "[DONE]");
}

#[test]
fn usage_chunk_is_sent_only_when_the_client_asked() {
    let events = [
        start("m", "c"),
        StreamEvent::Usage(Usage {
            input_tokens: 200,
            cache_read_tokens: 800,
            output_tokens: 3,
            ..Usage::default()
        }),
        stop(StopReason::EndTurn),
    ];
    let with = run(&mut StreamEncoder::new(true), &events);
    let usage = json_of(&with[with.len() - 2]);
    assert_eq!(usage["choices"], json!([]), "usage chunk has empty choices");
    assert_eq!(usage["usage"]["prompt_tokens"], 1000);
    assert_eq!(
        usage["usage"]["prompt_tokens_details"]["cached_tokens"],
        800
    );
    let without = run(&mut StreamEncoder::new(false), &events);
    assert!(
        without.iter().all(|p| !p.contains("prompt_tokens")),
        "{without:?}"
    );
}

#[test]
fn tool_calls_are_announced_then_streamed_by_index() {
    let out = run(
        &mut StreamEncoder::new(false),
        &[
            StreamEvent::ToolCallStart {
                index: 0,
                id: "toolu_1".into(),
                name: "f".into(),
            },
            StreamEvent::ToolCallDelta {
                index: 0,
                arguments_json_fragment: "{\"a\":".into(),
            },
            StreamEvent::ToolCallDelta {
                index: 0,
                arguments_json_fragment: "1}".into(),
            },
            stop(StopReason::ToolUse),
        ],
    );
    let start = json_of(&out[1]);
    assert_eq!(
        start["choices"][0]["delta"]["tool_calls"][0]["id"],
        "toolu_1"
    );
    assert_eq!(
        start["choices"][0]["delta"]["tool_calls"][0]["function"]["name"],
        "f"
    );
    assert_eq!(
        json_of(&out[2])["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"],
        "{\"a\":"
    );
    assert_eq!(
        json_of(&out[4])["choices"][0]["finish_reason"],
        "tool_calls"
    );
}

#[test]
fn content_before_start_gets_a_synthesized_role_chunk() {
    let out = run(&mut StreamEncoder::new(false), &[text("x")]);
    let first = json_of(&out[0]);
    assert_eq!(first["choices"][0]["delta"]["role"], "assistant");
    assert_eq!(first["id"], FALLBACK_ID);
}

#[test]
fn error_event_is_an_openai_error_payload_and_ends_the_stream() {
    let mut enc = StreamEncoder::new(true);
    let frames = enc.encode(&StreamEvent::Error {
        message: "overloaded".into(),
    });
    let out = payloads(&frames);
    assert_eq!(json_of(&out[0])["error"]["message"], "overloaded");
    assert!(enc
        .encode(&StreamEvent::TextDelta {
            text: "late".into()
        })
        .is_empty());
    assert!(enc.finish().is_empty(), "nothing after an error");
}
