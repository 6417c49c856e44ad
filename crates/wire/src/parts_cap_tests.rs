//! A reply that opens more tool calls than [`MAX_STREAM_PARTS`] (a hostile or broken upstream):
//! each decoder keeps the first ones, says so in one `Error` event, and drops the rest, so no
//! event's cost grows with how many the upstream opened.

use crate::canonical::{StreamEvent, MAX_STREAM_PARTS};
use crate::{anthropic, openai, responses};

const OPENED: usize = MAX_STREAM_PARTS + 50;

fn count(events: &[StreamEvent]) -> (usize, usize) {
    let starts = events
        .iter()
        .filter(|e| matches!(e, StreamEvent::ToolCallStart { .. }))
        .count();
    let errors = events
        .iter()
        .filter(|e| matches!(e, StreamEvent::Error { message } if message.contains("more than")))
        .count();
    (starts, errors)
}

fn assert_capped(decoder: &str, events: &[StreamEvent]) {
    assert_eq!(
        count(events),
        (MAX_STREAM_PARTS, 1),
        "{decoder}: the first {MAX_STREAM_PARTS} calls are kept, the rest said once and dropped"
    );
}

#[test]
fn openai_keeps_the_first_calls_and_says_once_that_the_rest_were_dropped() {
    let mut d = openai::StreamDecoder::new();
    let mut events = Vec::new();
    for i in 0..OPENED {
        let chunk = format!(
            r#"{{"id":"c","model":"m","choices":[{{"index":0,"delta":{{"tool_calls":[{{"index":{i},"id":"call_{i}","function":{{"name":"f","arguments":"{{}}"}}}}]}}}}]}}"#
        );
        events.extend(d.feed(&chunk));
    }
    assert_capped("openai", &events);
}

#[test]
fn anthropic_keeps_the_first_blocks_and_says_once_that_the_rest_were_dropped() {
    let mut d = anthropic::StreamDecoder::new();
    let mut events = d.feed(
        Some("message_start"),
        r#"{"type":"message_start","message":{"id":"m","model":"c"}}"#,
    );
    for i in 0..OPENED {
        let start = format!(
            r#"{{"type":"content_block_start","index":{i},"content_block":{{"type":"tool_use","id":"t{i}","name":"f","input":{{}}}}}}"#
        );
        events.extend(d.feed(Some("content_block_start"), &start));
    }
    assert_capped("anthropic", &events);
}

#[test]
fn responses_keeps_the_first_calls_and_says_once_that_the_rest_were_dropped() {
    let mut d = responses::StreamDecoder::new();
    let mut events = Vec::new();
    for i in 0..OPENED {
        let added = format!(
            r#"{{"type":"response.output_item.added","output_index":{i},"item":{{"type":"function_call","id":"fc_{i}","call_id":"call_{i}","name":"f","arguments":""}}}}"#
        );
        events.extend(d.feed(Some("response.output_item.added"), &added));
    }
    assert_capped("responses", &events);
}
