//! Anthropic stream (`message_start` … `message_stop`) → canonical [`StreamEvent`]s.
//!
//! Feed each SSE event's name and data. The `type` inside the data is authoritative; the event
//! name is only a fallback. Invariants: content blocks are tracked by their `index`, so deltas
//! land on the right block; `tool_use` blocks get canonical tool-call ordinals 0, 1, … in order;
//! `thinking` and server-tool blocks are tracked but their deltas are dropped; usage is kept as a
//! running total (`message_start` gives the input side, each `message_delta` replaces the counters
//! it carries) and every change is emitted as a full snapshot. `ping` is ignored; an `error`
//! event or an unreadable payload becomes an `Error` event.

use serde_json::Value;

use crate::canonical::{too_many_parts, StreamEvent, Usage, MAX_STREAM_PARTS};
use crate::json::{decode_object, event_type, provider_error, start_event, Obj};

use super::{stop_from_reason, usage_update};

/// What a content block carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    Text,
    /// A tool call with its canonical ordinal.
    Tool(usize),
    /// Thinking, server tools, anything no other format can carry.
    Ignored,
}

/// Stateful decoder for one Anthropic stream.
#[derive(Debug, Default)]
pub struct StreamDecoder {
    /// (Anthropic block index, kind); at most [`MAX_STREAM_PARTS`].
    blocks: Vec<(u64, Block)>,
    /// The reply opened more blocks than that (said once).
    over: bool,
    tool_calls: usize,
    usage: Usage,
    stopped: bool,
    done: bool,
}

impl StreamDecoder {
    /// A decoder at the start of a stream.
    pub fn new() -> Self {
        StreamDecoder::default()
    }

    /// Whether `message_stop` has been seen.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Whether the stream reached its end: the terminator, or the stop reason (some compatible
    /// servers close without a terminator after it).
    pub fn saw_end(&self) -> bool {
        self.done || self.stopped
    }

    /// Whether the stream's last event (`message_stop`) has been seen: nothing follows it.
    pub fn saw_terminator(&self) -> bool {
        self.done
    }

    /// Decodes one SSE event.
    pub fn feed(&mut self, event: Option<&str>, data: &str) -> Vec<StreamEvent> {
        if data.trim().is_empty() || event == Some("ping") {
            return Vec::new();
        }
        decode_object(data, |obj| self.event(event, obj))
    }

    /// Decodes one event's JSON object; its `type` wins over the SSE event name.
    fn event(&mut self, event: Option<&str>, obj: &Obj<'_>) -> Vec<StreamEvent> {
        let mut out = Vec::new();
        match event_type(obj, event) {
            "message_start" => self.message_start(obj, &mut out),
            "content_block_start" => self.block_start(obj, &mut out),
            "content_block_delta" => self.block_delta(obj, &mut out),
            "message_delta" => self.message_delta(obj, &mut out),
            "message_stop" => self.done = true,
            "error" => out.push(provider_error(
                obj.get("error").and_then(|e| e.get("message")),
            )),
            _ => {}
        }
        out
    }

    fn message_start(&mut self, obj: &Obj<'_>, out: &mut Vec<StreamEvent>) {
        let Ok(Some(message)) = obj.obj("message") else {
            return;
        };
        out.push(start_event(&message, "id", "model"));
        if let Ok(Some(usage)) = message.obj("usage") {
            usage_update(&mut self.usage, &usage);
            out.push(StreamEvent::Usage(self.usage));
        }
    }

    fn block_start(&mut self, obj: &Obj<'_>, out: &mut Vec<StreamEvent>) {
        let index = obj.count("index");
        if self.blocks.len() >= MAX_STREAM_PARTS && !self.blocks.iter().any(|(i, _)| *i == index) {
            return too_many_parts(&mut self.over, out);
        }
        let Ok(Some(block)) = obj.obj("content_block") else {
            return;
        };
        let kind = match block.get("type").and_then(Value::as_str) {
            Some("text") => {
                let text = block.string_or_empty("text");
                if !text.is_empty() {
                    out.push(StreamEvent::TextDelta { text });
                }
                Block::Text
            }
            Some("tool_use") => {
                let ordinal = self.tool_calls;
                self.tool_calls += 1;
                out.push(StreamEvent::ToolCallStart {
                    index: ordinal,
                    id: block.string_or_empty("id"),
                    name: block.string_or_empty("name"),
                });
                // Streams send `input: {}` and the arguments as deltas; a pre-filled input is
                // passed on as a first fragment.
                if let Some(input) = block.get("input").filter(|i| !is_empty_object(i)) {
                    out.push(StreamEvent::ToolCallDelta {
                        index: ordinal,
                        arguments_json_fragment: input.to_string(),
                    });
                }
                Block::Tool(ordinal)
            }
            _ => Block::Ignored,
        };
        self.blocks.retain(|(i, _)| *i != index);
        self.blocks.push((index, kind));
    }

    fn block_delta(&mut self, obj: &Obj<'_>, out: &mut Vec<StreamEvent>) {
        let index = obj.count("index");
        let block = self
            .blocks
            .iter()
            .find(|(i, _)| *i == index)
            .map(|(_, kind)| *kind);
        let Some(delta) = obj.get("delta") else {
            return;
        };
        let text = |key: &str| delta.get(key).and_then(Value::as_str).unwrap_or_default();
        let kind = delta.get("type").and_then(Value::as_str);
        match (kind, block) {
            (Some("text_delta"), Some(Block::Text) | None) if !text("text").is_empty() => {
                out.push(StreamEvent::TextDelta {
                    text: text("text").to_owned(),
                });
            }
            (Some("input_json_delta"), Some(Block::Tool(ordinal)))
                if !text("partial_json").is_empty() =>
            {
                out.push(StreamEvent::ToolCallDelta {
                    index: ordinal,
                    arguments_json_fragment: text("partial_json").to_owned(),
                });
            }
            _ => {}
        }
    }

    fn message_delta(&mut self, obj: &Obj<'_>, out: &mut Vec<StreamEvent>) {
        let reason = obj
            .get("delta")
            .and_then(|d| d.get("stop_reason"))
            .and_then(Value::as_str);
        if let (Some(reason), false) = (reason, self.stopped) {
            self.stopped = true;
            out.push(StreamEvent::Stop {
                reason: stop_from_reason(reason),
            });
        }
        if let Ok(Some(usage)) = obj.obj("usage") {
            usage_update(&mut self.usage, &usage);
            out.push(StreamEvent::Usage(self.usage));
        }
    }
}

fn is_empty_object(v: &Value) -> bool {
    v.as_object().is_some_and(serde_json::Map::is_empty)
}

#[cfg(test)]
#[path = "decode_tests.rs"]
mod tests;
