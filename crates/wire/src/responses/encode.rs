//! Canonical [`StreamEvent`]s → Responses SSE (`event: <type>\ndata: {…}\n\n`).
//!
//! The event sequence is the API's: `response.created`, `response.in_progress`; per text run
//! `output_item.added` (message), `content_part.added`, `output_text.delta`…,
//! `output_text.done`, `content_part.done`, `output_item.done`; per tool call
//! `output_item.added` (function_call), `function_call_arguments.delta`…, `.done`,
//! `output_item.done` (a freeform tool's call: `custom_tool_call_input.delta` / `.done` with the
//! whole input once complete); then `response.completed` (or `response.incomplete` when cut by
//! the token limit) carrying the complete response with usage.
//!
//! Invariants the official SDK's accumulator relies on: `response.created` comes first; output
//! items are added with `output_index` 0, 1, 2, … in order; every delta refers to an item and
//! part already added; `sequence_number` counts every event from 0; the final event carries the
//! full `output`, `usage` and `status`. An `Error` event is written as `response.failed` (the
//! response with `status: failed` and its `error`) followed by a flat `error` event, and ends
//! the stream: a cut answer is never presented as complete.

use bytes::Bytes;
use serde_json::{json, Value};

use crate::canonical::{StopReason, StreamEvent, Usage};
use crate::sse::frame;
use crate::stream_state::StreamState;

use super::response::{call_item, message_item};
use super::{item_id, response_id, status_of, usage_to, ResponseContext, FALLBACK_RESPONSE_ID};

/// A tool call whose item is open.
#[derive(Debug)]
struct OpenCall {
    ordinal: usize,
    output_index: usize,
    call_id: String,
    name: String,
    arguments: String,
}

/// Stateful encoder for one Responses stream to a client.
#[derive(Debug)]
pub struct StreamEncoder {
    ctx: ResponseContext,
    state: StreamState,
    seq: u64,
    output: Vec<Value>,
    /// The open message item: its output index and the text so far.
    text: Option<(usize, String)>,
    calls: Vec<OpenCall>,
    /// Ordinals of calls already seen (open or closed).
    seen: Vec<usize>,
    stop: Option<StopReason>,
    usage: Usage,
}

impl StreamEncoder {
    /// An encoder for a caller whose request has `ctx`.
    pub fn new(ctx: ResponseContext) -> Self {
        StreamEncoder {
            ctx,
            state: StreamState::default(),
            seq: 0,
            output: Vec::new(),
            text: None,
            calls: Vec::new(),
            seen: Vec::new(),
            stop: None,
            usage: Usage::default(),
        }
    }

    /// The frames for one event (possibly none).
    pub fn encode(&mut self, event: &StreamEvent) -> Vec<Bytes> {
        let mut out = Vec::new();
        if self.state.ended() {
            return out;
        }
        match event {
            StreamEvent::Start { id, model } => {
                self.state.name(&response_id(id), model);
                self.start(&mut out);
            }
            StreamEvent::TextDelta { text } if text.is_empty() => {}
            StreamEvent::TextDelta { text } => {
                self.start(&mut out);
                self.close_calls(&mut out);
                let index = match &self.text {
                    Some((index, _)) => *index,
                    None => self.open_text(&mut out),
                };
                if let Some((_, all)) = self.text.as_mut() {
                    all.push_str(text);
                }
                let item = item_id("msg", self.state.id(), index);
                self.emit(
                    &mut out,
                    "response.output_text.delta",
                    json!({
                        "item_id": item, "output_index": index, "content_index": 0,
                        "delta": text, "logprobs": [],
                    }),
                );
            }
            StreamEvent::ToolCallStart { index, id, name } => {
                self.start(&mut out);
                self.open_call(*index, id, name, &mut out);
            }
            StreamEvent::ToolCallDelta {
                index,
                arguments_json_fragment,
            } => {
                self.start(&mut out);
                if !self.seen.contains(index) {
                    self.open_call(*index, &format!("call_switchyard_{index}"), "", &mut out);
                }
                self.call_delta(*index, arguments_json_fragment, &mut out);
            }
            StreamEvent::Stop { reason } => {
                self.start(&mut out);
                self.close_all(&mut out);
                self.stop = Some(reason.clone());
            }
            StreamEvent::Usage(usage) => self.usage = *usage,
            StreamEvent::Error { message } => {
                self.start(&mut out);
                self.state.end();
                let mut response = self.snapshot("failed");
                response["error"] = json!({"code": "server_error", "message": message});
                self.emit(&mut out, "response.failed", json!({"response": response}));
                self.emit(
                    &mut out,
                    "error",
                    json!({
                        "code": "server_error", "message": message, "param": null,
                    }),
                );
            }
        }
        out
    }

    /// Ends the stream: open items are closed, then `response.completed` (or `.incomplete`).
    pub fn finish(&mut self) -> Vec<Bytes> {
        let mut out = Vec::new();
        if self.state.ended() {
            return out;
        }
        self.start(&mut out);
        self.close_all(&mut out);
        self.state.end();
        let (status, _) = status_of(self.stop.as_ref().unwrap_or(&StopReason::EndTurn));
        let event = if status == "incomplete" {
            "response.incomplete"
        } else {
            "response.completed"
        };
        let response = self.snapshot(status);
        self.emit(&mut out, event, json!({ "response": response }));
        out
    }

    fn start(&mut self, out: &mut Vec<Bytes>) {
        if !self.state.begin(FALLBACK_RESPONSE_ID) {
            return;
        }
        let response = self.snapshot("in_progress");
        self.emit(out, "response.created", json!({ "response": response }));
        let response = self.snapshot("in_progress");
        self.emit(out, "response.in_progress", json!({ "response": response }));
    }

    fn open_text(&mut self, out: &mut Vec<Bytes>) -> usize {
        let index = self.output.len();
        let id = item_id("msg", self.state.id(), index);
        let mut item = message_item(&id, "", "in_progress");
        item["content"] = json!([]);
        self.output.push(item.clone());
        self.text = Some((index, String::new()));
        self.emit(
            out,
            "response.output_item.added",
            json!({"output_index": index, "item": item}),
        );
        self.emit(
            out,
            "response.content_part.added",
            json!({
                "item_id": id, "output_index": index, "content_index": 0,
                "part": {"type": "output_text", "text": "", "annotations": [], "logprobs": []},
            }),
        );
        index
    }

    fn close_text(&mut self, out: &mut Vec<Bytes>) {
        let Some((index, text)) = self.text.take() else {
            return;
        };
        let id = item_id("msg", self.state.id(), index);
        let item = message_item(&id, &text, "completed");
        self.emit(
            out,
            "response.output_text.done",
            json!({
                "item_id": id, "output_index": index, "content_index": 0,
                "text": text, "logprobs": [],
            }),
        );
        self.emit(
            out,
            "response.content_part.done",
            json!({
                "item_id": id, "output_index": index, "content_index": 0,
                "part": item["content"][0].clone(),
            }),
        );
        self.emit(
            out,
            "response.output_item.done",
            json!({"output_index": index, "item": item}),
        );
        if let Some(slot) = self.output.get_mut(index) {
            *slot = item;
        }
    }

    fn open_call(&mut self, ordinal: usize, call_id: &str, name: &str, out: &mut Vec<Bytes>) {
        self.close_text(out);
        self.seen.push(ordinal);
        let index = self.output.len();
        let item = call_item(
            self.state.id(),
            index,
            call_id,
            name,
            "",
            &self.ctx,
            "in_progress",
        );
        self.output.push(item.clone());
        self.calls.push(OpenCall {
            ordinal,
            output_index: index,
            call_id: call_id.to_owned(),
            name: name.to_owned(),
            arguments: String::new(),
        });
        self.emit(
            out,
            "response.output_item.added",
            json!({"output_index": index, "item": item}),
        );
    }

    fn call_delta(&mut self, ordinal: usize, fragment: &str, out: &mut Vec<Bytes>) {
        let Some(call) = self.calls.iter_mut().find(|c| c.ordinal == ordinal) else {
            // The call's item is already done: nothing can be added to it any more.
            return;
        };
        call.arguments.push_str(fragment);
        if self.ctx.is_custom(&call.name) {
            return; // A freeform input is sent whole when the call closes.
        }
        let (index, item) = (
            call.output_index,
            item_id("fc", self.state.id(), call.output_index),
        );
        self.emit(
            out,
            "response.function_call_arguments.delta",
            json!({
                "item_id": item, "output_index": index, "delta": fragment,
            }),
        );
    }

    fn close_calls(&mut self, out: &mut Vec<Bytes>) {
        for call in std::mem::take(&mut self.calls) {
            let index = call.output_index;
            let item = call_item(
                self.state.id(),
                index,
                &call.call_id,
                &call.name,
                &call.arguments,
                &self.ctx,
                "completed",
            );
            let item_id = item["id"].clone();
            if self.ctx.is_custom(&call.name) {
                let input = item["input"].clone();
                self.emit(
                    out,
                    "response.custom_tool_call_input.delta",
                    json!({
                        "item_id": item_id, "output_index": index, "delta": input,
                    }),
                );
                self.emit(
                    out,
                    "response.custom_tool_call_input.done",
                    json!({
                        "item_id": item_id, "output_index": index, "input": input,
                    }),
                );
            } else {
                self.emit(
                    out,
                    "response.function_call_arguments.done",
                    json!({
                        "item_id": item_id, "output_index": index,
                        "arguments": call.arguments, "name": call.name,
                    }),
                );
            }
            self.emit(
                out,
                "response.output_item.done",
                json!({"output_index": index, "item": item}),
            );
            if let Some(slot) = self.output.get_mut(index) {
                *slot = item;
            }
        }
    }

    fn close_all(&mut self, out: &mut Vec<Bytes>) {
        self.close_text(out);
        self.close_calls(out);
    }

    /// The response as it stands, with `status`.
    fn snapshot(&self, status: &str) -> Value {
        let mut obj = self.ctx.echoed();
        let incomplete = match (status, &self.stop) {
            ("incomplete", Some(stop)) => status_of(stop).1,
            _ => Value::Null,
        };
        let finished = matches!(status, "completed" | "incomplete" | "failed");
        for (key, value) in [
            ("id", json!(self.state.id())),
            ("object", json!("response")),
            ("created_at", json!(self.ctx.created_at)),
            ("status", json!(status)),
            ("model", json!(self.state.model())),
            ("output", Value::Array(self.output.clone())),
            ("incomplete_details", incomplete),
            ("error", Value::Null),
            (
                "usage",
                if finished {
                    usage_to(&self.usage)
                } else {
                    Value::Null
                },
            ),
        ] {
            obj.insert(key.to_owned(), value);
        }
        Value::Object(obj)
    }

    fn emit(&mut self, out: &mut Vec<Bytes>, kind: &str, mut data: Value) {
        data["type"] = json!(kind);
        data["sequence_number"] = json!(self.seq);
        self.seq += 1;
        out.push(frame(Some(kind), &data.to_string()));
    }
}

#[cfg(test)]
#[path = "encode_tests.rs"]
mod tests;
