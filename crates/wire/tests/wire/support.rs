//! Test helpers: run transcripts through decoder → encoder, and reassemble what a client would
//! see while checking the event order the target format requires (panicking with the reason).

use serde_json::{json, Value};
use switchyard_wire::{anthropic, openai, SseEvent, SseParser};

/// Parses a byte stream fed in chunks of `chunk` bytes, flushing at the end.
pub fn sse_events(bytes: &[u8], chunk: usize) -> Vec<SseEvent> {
    let mut p = SseParser::new();
    let mut out: Vec<SseEvent> = bytes.chunks(chunk.max(1)).flat_map(|c| p.feed(c)).collect();
    out.extend(p.finish());
    out
}

/// OpenAI provider stream → Anthropic client stream, parsed back into events.
pub fn openai_to_anthropic(transcript: &str, chunk: usize) -> Vec<SseEvent> {
    let mut dec = openai::StreamDecoder::new();
    let mut enc = anthropic::StreamEncoder::new();
    let mut frames = Vec::new();
    for ev in sse_events(transcript.as_bytes(), chunk) {
        for e in dec.feed(&ev.data) {
            frames.extend(enc.encode(&e));
        }
    }
    assert!(dec.is_done(), "the OpenAI transcript ends with [DONE]");
    frames.extend(enc.finish());
    sse_events(&frames.concat(), usize::MAX)
}

/// Anthropic provider stream → OpenAI client stream, parsed back into events.
pub fn anthropic_to_openai(transcript: &str, chunk: usize, include_usage: bool) -> Vec<SseEvent> {
    let mut dec = anthropic::StreamDecoder::new();
    let mut enc = openai::StreamEncoder::new(include_usage).with_created(1_741_570_000);
    let mut frames = Vec::new();
    for ev in sse_events(transcript.as_bytes(), chunk) {
        for e in dec.feed(ev.event.as_deref(), &ev.data) {
            frames.extend(enc.encode(&e));
        }
    }
    assert!(
        dec.is_done(),
        "the Anthropic transcript ends with message_stop"
    );
    frames.extend(enc.finish());
    sse_events(&frames.concat(), usize::MAX)
}

/// What a client reassembles from a stream.
#[derive(Debug, Default, PartialEq)]
pub struct Assembled {
    pub id: String,
    pub text: String,
    /// (id, name, arguments) per tool call, in order.
    pub tool_calls: Vec<(String, String, String)>,
    pub stop: Option<String>,
    /// Anthropic: message_start usage overlaid with message_delta usage. OpenAI: the usage chunk.
    pub usage: Option<Value>,
}

fn data_json(ev: &SseEvent) -> Value {
    serde_json::from_str(&ev.data)
        .unwrap_or_else(|e| panic!("frame is not JSON ({e}): {}", ev.data))
}

/// Reassembles an Anthropic stream, asserting the documented event order.
pub fn assemble_anthropic(events: &[SseEvent]) -> Assembled {
    let mut a = Assembled::default();
    let events: Vec<(&str, Value)> = events
        .iter()
        .map(|e| {
            (
                e.event.as_deref().expect("every Anthropic frame is named"),
                data_json(e),
            )
        })
        .filter(|(name, _)| *name != "ping")
        .collect();
    let mut open: Option<(u64, String)> = None;
    let mut next_index = 0;
    let mut usage = json!({});
    for (i, (name, data)) in events.iter().enumerate() {
        assert_eq!(data["type"], *name, "event name matches data.type at #{i}");
        assert_eq!(
            i == 0,
            *name == "message_start",
            "message_start comes first, once (#{i})"
        );
        assert_eq!(
            i + 1 == events.len(),
            *name == "message_stop",
            "message_stop comes last (#{i})"
        );
        match *name {
            "message_start" => {
                a.id = data["message"]["id"].as_str().unwrap().to_owned();
                usage = data["message"]["usage"].clone();
            }
            "content_block_start" => {
                assert!(open.is_none(), "block opened while another is open (#{i})");
                assert_eq!(data["index"], next_index, "block indices count up (#{i})");
                let block = &data["content_block"];
                let kind = block["type"].as_str().unwrap().to_owned();
                if kind == "tool_use" {
                    assert_eq!(block["input"], json!({}), "tool input starts empty");
                    let (id, name) = (
                        block["id"].as_str().unwrap(),
                        block["name"].as_str().unwrap(),
                    );
                    a.tool_calls
                        .push((id.to_owned(), name.to_owned(), String::new()));
                }
                open = Some((next_index, kind));
                next_index += 1;
            }
            "content_block_delta" => {
                let (index, kind) = open.as_ref().expect("delta outside a block");
                assert_eq!(data["index"], *index, "delta targets the open block (#{i})");
                match (kind.as_str(), data["delta"]["type"].as_str().unwrap()) {
                    ("text", "text_delta") => {
                        a.text.push_str(data["delta"]["text"].as_str().unwrap())
                    }
                    ("tool_use", "input_json_delta") => {
                        let call = a.tool_calls.last_mut().unwrap();
                        call.2
                            .push_str(data["delta"]["partial_json"].as_str().unwrap());
                    }
                    ("thinking", "thinking_delta" | "signature_delta") => {}
                    other => panic!("delta type does not fit its block: {other:?}"),
                }
            }
            "content_block_stop" => {
                let (index, _) = open.take().expect("stop without an open block");
                assert_eq!(data["index"], index, "stop closes the open block (#{i})");
            }
            "message_delta" => {
                assert!(open.is_none(), "message_delta after every block is closed");
                assert!(
                    a.stop.is_none(),
                    "one message_delta carries the stop reason"
                );
                a.stop = Some(data["delta"]["stop_reason"].as_str().unwrap().to_owned());
                for (k, v) in data["usage"].as_object().unwrap() {
                    usage[k] = v.clone();
                }
            }
            "message_stop" => assert!(a.stop.is_some(), "message_delta precedes message_stop"),
            other => panic!("unexpected event {other}"),
        }
    }
    a.usage = Some(usage);
    a
}

/// Reassembles an OpenAI stream, asserting chunk shape and order.
pub fn assemble_openai(events: &[SseEvent]) -> Assembled {
    let mut a = Assembled::default();
    let (last, chunks) = events.split_last().expect("stream is not empty");
    assert_eq!(last.data, "[DONE]", "the stream ends with [DONE]");
    assert!(
        chunks.iter().all(|e| e.event.is_none()),
        "OpenAI frames are unnamed"
    );
    for (i, ev) in chunks.iter().enumerate() {
        let chunk = data_json(ev);
        assert_eq!(chunk["object"], "chat.completion.chunk", "#{i}");
        if i == 0 {
            a.id = chunk["id"].as_str().unwrap().to_owned();
            assert_eq!(
                chunk["choices"][0]["delta"]["role"], "assistant",
                "role chunk first"
            );
        }
        assert_eq!(
            chunk["id"],
            a.id.as_str(),
            "one id for the whole stream (#{i})"
        );
        let choices = chunk["choices"].as_array().unwrap();
        if choices.is_empty() {
            assert!(
                a.stop.is_some(),
                "the usage chunk follows the finish_reason (#{i})"
            );
            assert!(a.usage.is_none(), "one usage chunk (#{i})");
            a.usage = Some(chunk["usage"].clone());
            continue;
        }
        assert!(
            a.stop.is_none(),
            "nothing but usage after finish_reason (#{i})"
        );
        let delta = &choices[0]["delta"];
        if let Some(text) = delta["content"].as_str() {
            a.text.push_str(text);
        }
        for call in delta["tool_calls"].as_array().into_iter().flatten() {
            let index = usize::try_from(call["index"].as_u64().unwrap()).unwrap();
            if index == a.tool_calls.len() {
                let (id, name) = (
                    call["id"].as_str().unwrap(),
                    call["function"]["name"].as_str().unwrap(),
                );
                a.tool_calls
                    .push((id.to_owned(), name.to_owned(), String::new()));
            }
            assert!(
                index < a.tool_calls.len(),
                "tool call indices count up (#{i})"
            );
            let args = call["function"]["arguments"].as_str().unwrap_or_default();
            a.tool_calls[index].2.push_str(args);
        }
        if let Some(reason) = choices[0]["finish_reason"].as_str() {
            a.stop = Some(reason.to_owned());
        }
    }
    a
}
