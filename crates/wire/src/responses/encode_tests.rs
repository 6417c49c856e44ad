use super::*;
use crate::collect::{replay_events, StreamCollector};
use crate::responses::StreamDecoder;
use crate::sse::SseParser;
use crate::test_support::{call, sse_json};
use crate::{ChatResponse, Part};

fn encode_all(events: &[StreamEvent], ctx: ResponseContext) -> Vec<(String, Value)> {
    let mut enc = StreamEncoder::new(ctx);
    let mut out: Vec<Bytes> = events.iter().flat_map(|e| enc.encode(e)).collect();
    out.extend(enc.finish());
    sse_json(&out)
}

fn reply() -> ChatResponse {
    ChatResponse {
        id: "chatcmpl-1".into(),
        model: "gpt-4.1".into(),
        created: 0,
        content: vec![
            Part::Text("Running it.".into()),
            call("call_1", "shell", r#"{"command":["ls"]}"#),
        ],
        stop: StopReason::ToolUse,
        usage: Usage {
            input_tokens: 7,
            output_tokens: 3,
            ..Usage::default()
        },
    }
}

#[test]
fn a_stream_follows_the_api_event_sequence() {
    let got = encode_all(&replay_events(&reply()), ResponseContext::default());
    let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "response.created",
            "response.in_progress",
            "response.output_item.added",
            "response.content_part.added",
            "response.output_text.delta",
            "response.output_text.done",
            "response.content_part.done",
            "response.output_item.done",
            "response.output_item.added",
            "response.function_call_arguments.delta",
            "response.function_call_arguments.done",
            "response.output_item.done",
            "response.completed",
        ]
    );
    for (i, (name, data)) in got.iter().enumerate() {
        assert_eq!(
            data["type"], *name,
            "type inside the data equals the event name"
        );
        assert_eq!(
            data["sequence_number"], i,
            "sequence numbers count every event"
        );
    }
    assert_eq!(got[2].1["output_index"], 0);
    assert_eq!(
        got[8].1["output_index"], 1,
        "items are added at 0, 1, … in order"
    );
    let done = &got[12].1["response"];
    assert_eq!(done["status"], "completed");
    assert_eq!(done["output"][0]["content"][0]["text"], "Running it.");
    assert_eq!(done["output"][1]["arguments"], r#"{"command":["ls"]}"#);
    assert_eq!(
        done["usage"]["total_tokens"], 10,
        "the last event carries usage"
    );
}

#[test]
fn encoding_then_decoding_gives_back_the_reply() {
    let mut enc = StreamEncoder::new(ResponseContext::default());
    let mut bytes: Vec<Bytes> = replay_events(&reply())
        .iter()
        .flat_map(|e| enc.encode(e))
        .collect();
    bytes.extend(enc.finish());
    let mut parser = SseParser::new();
    let mut dec = StreamDecoder::new();
    let mut collector = StreamCollector::new();
    for b in &bytes {
        for e in parser.feed(b) {
            dec.feed(e.event.as_deref(), &e.data)
                .iter()
                .for_each(|ev| collector.feed(ev));
        }
    }
    assert!(dec.is_done());
    let back = collector.finish().expect("a complete stream collects");
    assert_eq!(back.content, reply().content);
    assert_eq!(back.stop, StopReason::ToolUse);
    assert_eq!(back.usage, reply().usage);
}

#[test]
fn a_freeform_call_streams_its_input_whole_when_it_closes() {
    let mut r = reply();
    r.content[1] = call("c", "apply_patch", r#"{"input":"*** Begin"}"#);
    let ctx = ResponseContext {
        custom_tools: vec!["apply_patch".into()],
        ..ResponseContext::default()
    };
    let got = encode_all(&replay_events(&r), ctx);
    let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains(&"response.custom_tool_call_input.done"),
        "{names:?}"
    );
    assert!(!names.contains(&"response.function_call_arguments.delta"));
    let added = got.iter().find(|(n, d)| {
        n == "response.output_item.added" && d["item"]["type"] == "custom_tool_call"
    });
    assert!(added.is_some());
    let last = &got.last().unwrap().1["response"]["output"][1];
    assert_eq!(last["input"], "*** Begin");
}

#[test]
fn an_error_fails_the_response_and_ends_the_stream() {
    let mut enc = StreamEncoder::new(ResponseContext::default());
    let mut out = enc.encode(&StreamEvent::Start {
        id: "x".into(),
        model: "m".into(),
    });
    out.extend(enc.encode(&StreamEvent::TextDelta {
        text: "partial".into(),
    }));
    out.extend(enc.encode(&StreamEvent::Error {
        message: "cut".into(),
    }));
    out.extend(enc.encode(&StreamEvent::TextDelta {
        text: "more".into(),
    }));
    out.extend(enc.finish());
    let got = sse_json(&out);
    let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names[names.len() - 2..], ["response.failed", "error"]);
    assert_eq!(got[got.len() - 2].1["response"]["status"], "failed");
    assert_eq!(got[got.len() - 2].1["response"]["error"]["message"], "cut");
    assert_eq!(got.last().unwrap().1["message"], "cut");
    assert!(
        !names.contains(&"response.completed"),
        "a cut stream never completes"
    );
}

#[test]
fn a_reply_cut_by_the_limit_ends_incomplete() {
    let mut r = reply();
    r.content.truncate(1);
    r.stop = StopReason::MaxTokens;
    let got = encode_all(&replay_events(&r), ResponseContext::default());
    let (name, data) = got.last().unwrap();
    assert_eq!(name, "response.incomplete");
    assert_eq!(
        data["response"]["incomplete_details"]["reason"],
        "max_output_tokens"
    );
}
