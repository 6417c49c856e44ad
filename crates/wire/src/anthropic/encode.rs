//! Canonical [`StreamEvent`]s → Anthropic SSE frames (`event: X\ndata: {…}\n\n`).
//!
//! Output order, as the API defines it: `message_start`; for each content block
//! `content_block_start`, its deltas, `content_block_stop` (a new block index opens whenever the
//! content switches between text and a tool call, or to another tool call); then, from
//! [`StreamEncoder::finish`], one `message_delta` with `stop_reason` and usage, and
//! `message_stop`. Invariants: at most one block is open; block indices count up from 0;
//! `message_start` is deferred until the first content (or stop, or finish), so usage that
//! arrives right after `Start` (Anthropic sources) is in it. Usage is a snapshot: the last
//! `Usage` event is what `message_delta` reports — all counters, since OpenAI sources only
//! report usage at the very end. An `Error` event is written as an `error` event and ends the
//! stream. A tool-call delta for a call whose block is already closed (interleaved calls, which
//! OpenAI does not produce) is still written against that call's block index.

use bytes::Bytes;
use serde_json::{json, Value};

use crate::canonical::{StopReason, StreamEvent, Usage};
use crate::sse::frame;
use crate::stream_state::StreamState;

use super::{error_body, reason_from_stop, usage_to};

/// Id used when the source stream never named one.
const FALLBACK_ID: &str = "msg_switchyard";

/// Stateful encoder for one Anthropic stream to a client.
#[derive(Debug, Default)]
pub struct StreamEncoder {
    state: StreamState,
    /// The open block: (block index, tool ordinal or `None` for text).
    open: Option<(usize, Option<usize>)>,
    next_block: usize,
    /// (tool ordinal, block index) of every tool call seen.
    tool_blocks: Vec<(usize, usize)>,
    stop: Option<StopReason>,
    usage: Usage,
}

impl StreamEncoder {
    /// An encoder at the start of a stream.
    pub fn new() -> Self {
        StreamEncoder::default()
    }

    /// The frames for one event (possibly none).
    pub fn encode(&mut self, event: &StreamEvent) -> Vec<Bytes> {
        let mut out = Vec::new();
        if self.state.ended() {
            return out;
        }
        match event {
            StreamEvent::Start { id, model } => self.state.name(id, model),
            StreamEvent::Usage(usage) => self.usage = *usage,
            StreamEvent::TextDelta { text } => {
                if text.is_empty() {
                    return out;
                }
                self.start(&mut out);
                let index = match self.open {
                    Some((index, None)) => index,
                    _ => self.open_block(json!({"type": "text", "text": ""}), None, &mut out),
                };
                let delta = json!({"type": "text_delta", "text": text});
                out.push(block_delta(index, delta));
            }
            StreamEvent::ToolCallStart { index, id, name } => {
                self.start(&mut out);
                self.open_tool(*index, id, name, &mut out);
            }
            StreamEvent::ToolCallDelta {
                index,
                arguments_json_fragment,
            } => {
                self.start(&mut out);
                let block = match self.tool_blocks.iter().find(|(o, _)| o == index) {
                    Some(&(_, block)) => block,
                    None => {
                        self.open_tool(*index, &format!("toolu_switchyard_{index}"), "", &mut out)
                    }
                };
                let delta =
                    json!({"type": "input_json_delta", "partial_json": arguments_json_fragment});
                out.push(block_delta(block, delta));
            }
            StreamEvent::Stop { reason } => {
                self.start(&mut out);
                self.close_block(&mut out);
                self.stop = Some(reason.clone());
            }
            StreamEvent::Error { message } => {
                self.state.end();
                out.push(event_frame("error", &error_body(500, message)));
            }
        }
        out
    }

    /// Ends the stream: closes any open block, then `message_delta` and `message_stop`.
    pub fn finish(&mut self) -> Vec<Bytes> {
        let mut out = Vec::new();
        if !self.state.end() {
            return out;
        }
        self.start(&mut out);
        self.close_block(&mut out);
        let reason = reason_from_stop(self.stop.as_ref().unwrap_or(&StopReason::EndTurn));
        out.push(event_frame(
            "message_delta",
            &json!({
                "type": "message_delta",
                "delta": {"stop_reason": reason, "stop_sequence": null},
                "usage": usage_to(&self.usage),
            }),
        ));
        out.push(event_frame(
            "message_stop",
            &json!({"type": "message_stop"}),
        ));
        out
    }

    /// Emits `message_start` once.
    fn start(&mut self, out: &mut Vec<Bytes>) {
        if !self.state.begin(FALLBACK_ID) {
            return;
        }
        out.push(event_frame(
            "message_start",
            &json!({
                "type": "message_start",
                "message": {
                    "id": self.state.id(),
                    "type": "message",
                    "role": "assistant",
                    "model": self.state.model(),
                    "content": [],
                    "stop_reason": null,
                    "stop_sequence": null,
                    "usage": usage_to(&self.usage),
                },
            }),
        ));
    }

    fn open_tool(&mut self, ordinal: usize, id: &str, name: &str, out: &mut Vec<Bytes>) -> usize {
        let block = json!({"type": "tool_use", "id": id, "name": name, "input": {}});
        let index = self.open_block(block, Some(ordinal), out);
        self.tool_blocks.retain(|(o, _)| *o != ordinal);
        self.tool_blocks.push((ordinal, index));
        index
    }

    /// Closes the open block and opens a new one; returns its index.
    fn open_block(&mut self, block: Value, tool: Option<usize>, out: &mut Vec<Bytes>) -> usize {
        self.close_block(out);
        let index = self.next_block;
        self.next_block += 1;
        self.open = Some((index, tool));
        out.push(event_frame(
            "content_block_start",
            &json!({"type": "content_block_start", "index": index, "content_block": block}),
        ));
        index
    }

    fn close_block(&mut self, out: &mut Vec<Bytes>) {
        if let Some((index, _)) = self.open.take() {
            out.push(event_frame(
                "content_block_stop",
                &json!({"type": "content_block_stop", "index": index}),
            ));
        }
    }
}

fn block_delta(index: usize, delta: Value) -> Bytes {
    event_frame(
        "content_block_delta",
        &json!({"type": "content_block_delta", "index": index, "delta": delta}),
    )
}

fn event_frame(name: &str, data: &Value) -> Bytes {
    frame(Some(name), &data.to_string())
}

#[cfg(test)]
#[path = "encode_tests.rs"]
mod tests;
