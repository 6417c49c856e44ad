//! Property tests of the four stream decoders (OpenAI Chat, Anthropic Messages, Gemini,
//! Responses) behind the SSE parser, on what an upstream may send: frames whose JSON is built
//! from the fields the decoders read (so their branches are reached, not only the error path),
//! split into chunks at arbitrary points. No decoder panics, and the canonical events do not
//! depend on the split.

use crate::canonical::StreamEvent;
use crate::sse::{SseEvent, SseParser};
use crate::{anthropic, gemini, openai, responses};
use proptest::prelude::*;
use serde_json::Value;

/// Keys the decoders read.
const KEYS: [&str; 40] = [
    "id",
    "type",
    "index",
    "choices",
    "delta",
    "content",
    "tool_calls",
    "function",
    "name",
    "arguments",
    "finish_reason",
    "usage",
    "message",
    "content_block",
    "text",
    "partial_json",
    "stop_reason",
    "input",
    "candidates",
    "parts",
    "functionCall",
    "args",
    "finishReason",
    "usageMetadata",
    "promptTokenCount",
    "candidatesTokenCount",
    "thought",
    "item",
    "item_id",
    "output_index",
    "call_id",
    "response",
    "status",
    "error",
    "refusal",
    "code",
    "model",
    "promptFeedback",
    "blockReason",
    "totalTokenCount",
];

/// Values the decoders branch on.
const WORDS: [&str; 24] = [
    "message_start",
    "content_block_start",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
    "tool_use",
    "text_delta",
    "input_json_delta",
    "function_call",
    "custom_tool_call",
    "STOP",
    "MAX_TOKENS",
    "SAFETY",
    "stop",
    "tool_calls",
    "length",
    "end_turn",
    "response.created",
    "response.output_item.added",
    "response.function_call_arguments.delta",
    "response.completed",
    "response.failed",
    "response.output_text.delta",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (0u64..4).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        prop::sample::select(&WORDS[..]).prop_map(|w| Value::String(w.into())),
        "\\PC{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 96, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(&KEYS[..]), inner), 0..6).prop_map(
                |fields| Value::Object(
                    fields
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect()
                )
            ),
        ]
    })
}

/// An event stream: frames with an optional `event:` name and JSON (or `[DONE]`, or text) data.
fn stream() -> impl Strategy<Value = Vec<u8>> {
    let data = prop_oneof![
        6 => json_value().prop_map(|v| v.to_string()),
        1 => Just("[DONE]".to_string()),
        1 => "\\PC{0,12}",
    ];
    let frame =
        (prop::option::of(prop::sample::select(&WORDS[..])), data).prop_map(|(event, data)| {
            match event {
                Some(e) => format!("event: {e}\ndata: {data}\n\n"),
                None => format!("data: {data}\n\n"),
            }
        });
    prop::collection::vec(frame, 0..16).prop_map(|fs| fs.concat().into_bytes())
}

/// The SSE events of `bytes` cut at `cuts`.
fn events(bytes: &[u8], cuts: &[usize]) -> Vec<SseEvent> {
    let mut at: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    at.sort_unstable();
    let mut p = SseParser::new();
    let mut out = Vec::new();
    let mut from = 0;
    for to in at.into_iter().chain([bytes.len()]) {
        out.extend(p.feed(&bytes[from..to]));
        from = to;
    }
    out.extend(p.finish());
    out
}

/// Every decoder's canonical events for `evs`.
fn decode_all(evs: &[SseEvent]) -> [Vec<StreamEvent>; 4] {
    let (mut o, mut a, mut g, mut r) = (
        openai::StreamDecoder::new(),
        anthropic::StreamDecoder::new(),
        gemini::StreamDecoder::new(),
        responses::StreamDecoder::new(),
    );
    let mut out: [Vec<StreamEvent>; 4] = Default::default();
    for ev in evs {
        out[0].extend(o.feed(&ev.data));
        out[1].extend(a.feed(ev.event.as_deref(), &ev.data));
        out[2].extend(g.feed(&ev.data));
        out[3].extend(r.feed(ev.event.as_deref(), &ev.data));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_decoder_panics_and_none_depends_on_the_split(
        bytes in stream(),
        cuts in prop::collection::vec(any::<usize>(), 0..8),
    ) {
        let whole = decode_all(&events(&bytes, &[]));
        let split = decode_all(&events(&bytes, &cuts));
        prop_assert_eq!(split, whole, "the same stream split differently");
    }

    #[test]
    fn arbitrary_bytes_reach_every_decoder_without_a_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..512),
        cuts in prop::collection::vec(any::<usize>(), 0..8),
    ) {
        decode_all(&events(&bytes, &cuts));
    }
}
