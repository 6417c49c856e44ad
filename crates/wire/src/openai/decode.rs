//! OpenAI stream (`chat.completion.chunk` payloads) → canonical [`StreamEvent`]s.
//!
//! Feed the `data` of each SSE event, `[DONE]` included. Invariants: exactly one `Start`, emitted
//! with the first chunk; at most one `Stop`; tool calls get canonical ordinals 0, 1, … in order of
//! appearance, whatever `index` the provider used (servers that omit `index` are matched by `id`,
//! or continue the latest call); every `usage` object becomes a cumulative `Usage` snapshot.
//! An unreadable chunk or an `{"error":…}` payload becomes an `Error` event, never a panic.

use serde_json::Value;

use crate::canonical::{too_many_parts, StreamEvent, MAX_STREAM_PARTS};
use crate::json::{decode_chunk, start_event, Obj};

use super::{stop_from_finish, usage_from};

/// Which tool call a provider chunk refers to.
#[derive(Debug)]
struct CallKey {
    index: Option<u64>,
    id: String,
}

/// Stateful decoder for one OpenAI stream.
#[derive(Debug, Default)]
pub struct StreamDecoder {
    started: bool,
    stopped: bool,
    done: bool,
    /// Position in this list is the canonical ordinal; at most [`MAX_STREAM_PARTS`].
    calls: Vec<CallKey>,
    /// The reply opened more calls than that (said once).
    over: bool,
}

impl StreamDecoder {
    /// A decoder at the start of a stream.
    pub fn new() -> Self {
        StreamDecoder::default()
    }

    /// Whether `[DONE]` has been seen.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Whether the stream reached its end: the terminator, or the stop reason (some compatible
    /// servers close without a terminator after it).
    pub fn saw_end(&self) -> bool {
        self.done || self.stopped
    }

    /// Whether the stream's last event (`data: [DONE]`) has been seen: nothing follows it.
    pub fn saw_terminator(&self) -> bool {
        self.done
    }

    /// Decodes one SSE `data` payload.
    pub fn feed(&mut self, data: &str) -> Vec<StreamEvent> {
        let data = data.trim();
        if data.is_empty() {
            return Vec::new();
        }
        if data == "[DONE]" {
            self.done = true;
            return Vec::new();
        }
        if let Some(events) = super::decode_fast::decode(data, &mut self.started, &mut self.stopped)
        {
            return events;
        }
        self.feed_value(data)
    }

    /// Decodes a trimmed JSON payload through its `Value` tree: every chunk the fast path does
    /// not take, and in tests the reference the fast path is checked against.
    pub(super) fn feed_value(&mut self, data: &str) -> Vec<StreamEvent> {
        decode_chunk(data, |chunk| self.chunk(chunk))
    }

    /// Decodes one chunk that is not an error.
    fn chunk(&mut self, chunk: &Obj<'_>) -> Vec<StreamEvent> {
        let mut out = Vec::new();
        if !self.started {
            self.started = true;
            out.push(start_event(chunk, "id", "model"));
        }
        let first_choice = chunk
            .get("choices")
            .and_then(Value::as_array)
            .and_then(|c| c.first());
        if let Some(choice) = first_choice {
            self.choice(choice, &mut out);
        }
        if let Ok(Some(usage)) = chunk.obj("usage") {
            out.push(StreamEvent::Usage(usage_from(&usage)));
        }
        out
    }

    fn choice(&mut self, choice: &Value, out: &mut Vec<StreamEvent>) {
        let delta = choice.get("delta").unwrap_or(&Value::Null);
        for key in ["content", "refusal"] {
            if let Some(text) = delta.get(key).and_then(Value::as_str) {
                if !text.is_empty() {
                    out.push(StreamEvent::TextDelta {
                        text: text.to_owned(),
                    });
                }
            }
        }
        if let Some(calls) = delta.get("tool_calls").and_then(Value::as_array) {
            for call in calls {
                self.tool_call(call, out);
            }
        }
        if let Some(reason) = choice.get("finish_reason").and_then(Value::as_str) {
            if !self.stopped {
                self.stopped = true;
                out.push(StreamEvent::Stop {
                    reason: stop_from_finish(reason),
                });
            }
        }
    }

    fn tool_call(&mut self, call: &Value, out: &mut Vec<StreamEvent>) {
        let index = call.get("index").and_then(Value::as_u64);
        let id = call
            .get("id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty());
        let function = call.get("function").unwrap_or(&Value::Null);
        let known = match index {
            Some(i) => self.calls.iter().position(|c| c.index == Some(i)),
            None => match id {
                Some(id) => self.calls.iter().position(|c| c.id == id),
                None => self.calls.len().checked_sub(1),
            },
        };
        let ordinal = match known {
            Some(ordinal) => ordinal,
            None if self.calls.len() >= MAX_STREAM_PARTS => {
                return too_many_parts(&mut self.over, out);
            }
            None => {
                let ordinal = self.calls.len();
                let id = id.unwrap_or_default().to_owned();
                out.push(StreamEvent::ToolCallStart {
                    index: ordinal,
                    id: id.clone(),
                    name: function
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                });
                self.calls.push(CallKey { index, id });
                ordinal
            }
        };
        let fragment = match function.get("arguments") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Object(o)) => Value::Object(o.clone()).to_string(),
            _ => String::new(),
        };
        if !fragment.is_empty() {
            out.push(StreamEvent::ToolCallDelta {
                index: ordinal,
                arguments_json_fragment: fragment,
            });
        }
    }
}

#[cfg(test)]
#[path = "decode_tests.rs"]
mod tests;
