//! Responses stream (`response.created` … `response.completed`) → canonical [`StreamEvent`]s.
//!
//! Feed each SSE event's name and data; the `type` inside the data wins over the name.
//! Invariants, as for the other decoders: exactly one `Start` (from `response.created`, or the
//! first content if a server skips it); tool calls get ordinals 0, 1, … in order of their
//! `output_item.added`; each call's argument fragments follow its start; at most one `Stop`,
//! with usage, from `response.completed` / `response.incomplete`. A freeform
//! (`custom_tool_call`) input is turned into the canonical arguments `{"input": …}` as it
//! streams. `response.failed` and `error` become an `Error` event; an unreadable payload too,
//! never a panic. Built-in tool and reasoning events are ignored.

use serde_json::Value;

use crate::canonical::{too_many_parts, StreamEvent, MAX_STREAM_PARTS};
use crate::json::{decode_object, event_type, provider_error, Obj};

use super::{stop_of, usage_from};

/// A call being streamed.
#[derive(Debug)]
struct Call {
    ordinal: usize,
    item_id: String,
    output_index: u64,
    custom: bool,
    /// Argument bytes passed on so far.
    sent: usize,
}

/// Stateful decoder for one Responses stream.
#[derive(Debug, Default)]
pub struct StreamDecoder {
    started: bool,
    done: bool,
    /// At most [`MAX_STREAM_PARTS`].
    calls: Vec<Call>,
    /// The reply opened more calls than that (said once).
    over: bool,
}

impl StreamDecoder {
    /// A decoder at the start of a stream.
    pub fn new() -> Self {
        StreamDecoder::default()
    }

    /// Whether a final event (`completed`, `incomplete` or `failed`) has been seen.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Decodes one SSE event.
    pub fn feed(&mut self, event: Option<&str>, data: &str) -> Vec<StreamEvent> {
        let data = data.trim();
        if data.is_empty() || data == "[DONE]" {
            return Vec::new();
        }
        decode_object(data, |obj| self.event(event, obj))
    }

    /// Decodes one event's JSON object; its `type` wins over the SSE event name.
    fn event(&mut self, event: Option<&str>, obj: &Obj<'_>) -> Vec<StreamEvent> {
        let mut out = Vec::new();
        match event_type(obj, event) {
            "response.created" | "response.in_progress" => self.start(obj, &mut out),
            "response.output_text.delta" | "response.refusal.delta" => {
                self.start(obj, &mut out);
                if let Some(text) = obj.get("delta").and_then(Value::as_str) {
                    if !text.is_empty() {
                        out.push(StreamEvent::TextDelta {
                            text: text.to_owned(),
                        });
                    }
                }
            }
            "response.output_item.added" => self.item_added(obj, &mut out),
            "response.function_call_arguments.delta" => {
                let delta = obj.get("delta").and_then(Value::as_str).unwrap_or_default();
                self.call_delta(obj, delta.to_owned(), &mut out);
            }
            "response.custom_tool_call_input.delta" => {
                let delta = obj.get("delta").and_then(Value::as_str).unwrap_or_default();
                self.call_delta(obj, json_escaped(delta), &mut out);
            }
            "response.output_item.done" => self.item_done(obj, &mut out),
            "response.completed" | "response.incomplete" => self.finish(obj, &mut out),
            "response.failed" => {
                self.done = true;
                let message = obj
                    .get("response")
                    .and_then(|r| r.get("error"))
                    .and_then(|e| e.get("message"))
                    .and_then(Value::as_str)
                    .unwrap_or("the provider reported the response as failed")
                    .to_owned();
                out.push(StreamEvent::Error { message });
            }
            "error" => out.push(provider_error(
                obj.get("message")
                    .or_else(|| obj.get("error").and_then(|e| e.get("message"))),
            )),
            _ => {}
        }
        out
    }

    fn start(&mut self, obj: &Obj<'_>, out: &mut Vec<StreamEvent>) {
        if self.started {
            return;
        }
        self.started = true;
        let response = obj.get("response");
        let field = |key: &str| {
            response
                .and_then(|r| r.get(key))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        out.push(StreamEvent::Start {
            id: field("id"),
            model: field("model"),
        });
    }

    fn item_added(&mut self, obj: &Obj<'_>, out: &mut Vec<StreamEvent>) {
        self.start(obj, out);
        let Some(item) = obj.get("item") else {
            return;
        };
        let custom = match item.get("type").and_then(Value::as_str) {
            Some("function_call") => false,
            Some("custom_tool_call") => true,
            _ => return,
        };
        let text = |key: &str| {
            item.get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        if self.calls.len() >= MAX_STREAM_PARTS {
            return too_many_parts(&mut self.over, out);
        }
        let ordinal = self.calls.len();
        out.push(StreamEvent::ToolCallStart {
            index: ordinal,
            id: text("call_id"),
            name: text("name"),
        });
        self.calls.push(Call {
            ordinal,
            item_id: text("id"),
            output_index: obj.count("output_index"),
            custom,
            sent: 0,
        });
        if custom {
            self.push_fragment(ordinal, "{\"input\":\"".to_owned(), out);
        }
    }

    fn call_delta(&mut self, obj: &Obj<'_>, fragment: String, out: &mut Vec<StreamEvent>) {
        if let Some(ordinal) = self.find(obj) {
            self.push_fragment(ordinal, fragment, out);
        }
    }

    /// Closes a call: a freeform input's closing quote, or the whole arguments of a server that
    /// sent none as deltas.
    fn item_done(&mut self, obj: &Obj<'_>, out: &mut Vec<StreamEvent>) {
        let Some(ordinal) = self.find(obj) else {
            return;
        };
        let Some(call) = self.calls.iter().find(|c| c.ordinal == ordinal) else {
            return;
        };
        let item = obj.get("item");
        let whole = |key: &str| {
            item.and_then(|i| i.get(key))
                .and_then(Value::as_str)
                .unwrap_or_default()
        };
        if call.custom {
            if call.sent == "{\"input\":\"".len() {
                let input = json_escaped(whole("input"));
                self.push_fragment(ordinal, input, out);
            }
            self.push_fragment(ordinal, "\"}".to_owned(), out);
        } else if call.sent == 0 && !whole("arguments").is_empty() {
            let arguments = whole("arguments").to_owned();
            self.push_fragment(ordinal, arguments, out);
        }
    }

    fn finish(&mut self, obj: &Obj<'_>, out: &mut Vec<StreamEvent>) {
        self.start(obj, out);
        if self.done {
            return;
        }
        self.done = true;
        let response = obj.get("response");
        let field = |key: &str| response.and_then(|r| r.get(key));
        let reason = field("incomplete_details")
            .and_then(|d| d.get("reason"))
            .and_then(Value::as_str);
        out.push(StreamEvent::Stop {
            reason: stop_of(
                field("status").and_then(Value::as_str),
                reason,
                !self.calls.is_empty(),
            ),
        });
        if let Some(usage) = field("usage") {
            if let Ok(usage) = Obj::new(usage, "usage") {
                out.push(StreamEvent::Usage(usage_from(&usage)));
            }
        }
    }

    /// The call an event refers to, by `item_id`, else by `output_index`.
    fn find(&self, obj: &Obj<'_>) -> Option<usize> {
        let item_id = obj
            .get("item_id")
            .or_else(|| obj.get("item").and_then(|i| i.get("id")))
            .and_then(Value::as_str);
        let by_id = item_id.and_then(|id| {
            self.calls
                .iter()
                .find(|c| !id.is_empty() && c.item_id == id)
        });
        let index = obj.get("output_index").and_then(Value::as_u64);
        by_id
            .or_else(|| self.calls.iter().find(|c| Some(c.output_index) == index))
            .map(|c| c.ordinal)
    }

    fn push_fragment(&mut self, ordinal: usize, fragment: String, out: &mut Vec<StreamEvent>) {
        if fragment.is_empty() {
            return;
        }
        if let Some(call) = self.calls.iter_mut().find(|c| c.ordinal == ordinal) {
            call.sent += fragment.len();
        }
        out.push(StreamEvent::ToolCallDelta {
            index: ordinal,
            arguments_json_fragment: fragment,
        });
    }
}

/// `text` as the inside of a JSON string literal (without the quotes).
fn json_escaped(text: &str) -> String {
    let quoted = Value::String(text.to_owned()).to_string();
    quoted
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
#[path = "decode_tests.rs"]
mod tests;
