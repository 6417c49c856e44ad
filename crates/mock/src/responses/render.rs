//! Owns the shapes of one Responses answer: the full `Response` object (non-streamed answer and
//! the payload of `response.created` / `.in_progress` / `.completed` / `.incomplete`), its one
//! output item (a `message`, a `function_call` or a `custom_tool_call`) and the named SSE event
//! sequence, where every event carries its `type` and a `sequence_number` counting from 0.

use std::time::Duration;

use serde_json::{json, Map, Value};

use crate::script::{Plan, ToolCall};
use crate::sse::Frame;
use crate::text::Reply;

/// One answer to a `POST /v1/responses` request.
#[derive(Debug)]
pub(super) struct Answer<'a> {
    /// The number in every id of the answer (`resp_demo_N`, `msg_demo_N`, `call_demo_N`, …).
    pub n: u64,
    /// The response object's fields that do not change while it is produced (`model`,
    /// `created_at`, the echoed request settings, …).
    pub template: Map<String, Value>,
    /// Prompt tokens of the request.
    pub prompt_tokens: u64,
    /// What the answer says.
    pub plan: &'a Plan,
}

impl Answer<'_> {
    /// The non-streamed answer: the finished response object.
    pub(super) fn whole(&self) -> Value {
        self.response(self.status(), json!([self.item(true)]), self.usage())
    }

    /// The event stream: created, in_progress, the item's events, then completed (or
    /// incomplete). Text deltas are paced by `per_token`, as in the other handlers.
    pub(super) fn frames(&self, per_token: Duration) -> Vec<Frame> {
        let zero = Duration::ZERO;
        let started = self.response("in_progress", json!([]), Value::Null);
        let mut events = vec![
            (zero, "response.created", json!({ "response": started })),
            (zero, "response.in_progress", json!({ "response": started })),
            (
                zero,
                "response.output_item.added",
                json!({ "output_index": 0, "item": self.item(false) }),
            ),
        ];
        match self.plan {
            Plan::Text(reply) => events.extend(self.text_events(reply, per_token)),
            Plan::Call(call) => events.extend(self.call_events(call, per_token)),
        }
        events.push((
            zero,
            "response.output_item.done",
            json!({ "output_index": 0, "item": self.item(true) }),
        ));
        let last = if self.status() == "incomplete" {
            "response.incomplete"
        } else {
            "response.completed"
        };
        events.push((zero, last, json!({ "response": self.whole() })));
        events
            .into_iter()
            .enumerate()
            .map(|(sequence, (delay, name, payload))| {
                let event = merge(
                    &json!({ "type": name, "sequence_number": sequence }),
                    payload,
                );
                Frame::event(delay, name, &event)
            })
            .collect()
    }

    /// A text item's content events: part added, one delta per word (paced by `per_token`),
    /// text done, part done.
    fn text_events(
        &self,
        reply: &Reply,
        per_token: Duration,
    ) -> Vec<(Duration, &'static str, Value)> {
        let zero = Duration::ZERO;
        let at = json!({ "item_id": self.item_id(), "output_index": 0, "content_index": 0 });
        let with = |extra: Value| merge(&at, extra);
        let mut events = vec![(
            zero,
            "response.content_part.added",
            with(json!({ "part": text_part("") })),
        )];
        events.extend(reply.pieces().enumerate().map(|(i, piece)| {
            let delay = if i == 0 { zero } else { per_token };
            let delta = with(json!({ "delta": piece, "logprobs": [] }));
            (delay, "response.output_text.delta", delta)
        }));
        let text = reply.text();
        events.extend([
            (
                zero,
                "response.output_text.done",
                with(json!({ "text": text, "logprobs": [] })),
            ),
            (
                zero,
                "response.content_part.done",
                with(json!({ "part": text_part(&text) })),
            ),
        ]);
        events
    }

    /// A tool call's argument (or freeform input) events: two deltas, then done.
    fn call_events(
        &self,
        call: &ToolCall,
        per_token: Duration,
    ) -> Vec<(Duration, &'static str, Value)> {
        let (delta_name, done_name, field) = if call.freeform {
            (
                "response.custom_tool_call_input.delta",
                "response.custom_tool_call_input.done",
                "input",
            )
        } else {
            (
                "response.function_call_arguments.delta",
                "response.function_call_arguments.done",
                "arguments",
            )
        };
        let at = json!({ "item_id": self.item_id(), "output_index": 0 });
        let mut events: Vec<(Duration, &'static str, Value)> = call
            .fragments()
            .into_iter()
            .enumerate()
            .map(|(i, fragment)| {
                let delay = if i == 0 { Duration::ZERO } else { per_token };
                (delay, delta_name, merge(&at, json!({ "delta": fragment })))
            })
            .collect();
        let mut finished = json!({ field: call.text() });
        if !call.freeform {
            finished["name"] = json!(call.name);
        }
        events.push((Duration::ZERO, done_name, merge(&at, finished)));
        events
    }

    /// The response object with `status`, `output` and `usage` (null while in progress).
    fn response(&self, status: &str, output: Value, usage: Value) -> Value {
        let incomplete = if status == "incomplete" {
            json!({ "reason": "max_output_tokens" })
        } else {
            Value::Null
        };
        let mut response = self.template.clone();
        response.extend([
            ("id".to_owned(), json!(format!("resp_demo_{}", self.n))),
            ("object".to_owned(), json!("response")),
            ("status".to_owned(), json!(status)),
            ("output".to_owned(), output),
            ("incomplete_details".to_owned(), incomplete),
            ("usage".to_owned(), usage),
            ("error".to_owned(), Value::Null),
        ]);
        Value::Object(response)
    }

    /// `completed`, or `incomplete` when `max_output_tokens` cut the text.
    fn status(&self) -> &'static str {
        if self.plan.truncated() {
            "incomplete"
        } else {
            "completed"
        }
    }

    /// The finished response's usage.
    fn usage(&self) -> Value {
        usage(self.prompt_tokens, self.plan.tokens())
    }

    /// The id of the output item: `msg_demo_N`, `fc_demo_N` or `ctc_demo_N`.
    fn item_id(&self) -> String {
        let prefix = match self.plan {
            Plan::Text(_) => "msg",
            Plan::Call(call) if call.freeform => "ctc",
            Plan::Call(_) => "fc",
        };
        format!("{prefix}_demo_{}", self.n)
    }

    /// The output item, as added (`in_progress`, empty) or as finished.
    fn item(&self, done: bool) -> Value {
        let id = self.item_id();
        match self.plan {
            Plan::Text(reply) => {
                let (status, content) = match done {
                    false => ("in_progress", json!([])),
                    true => (self.status(), json!([text_part(&reply.text())])),
                };
                json!({ "type": "message", "id": id, "status": status, "role": "assistant", "content": content })
            }
            Plan::Call(call) => {
                let (status, text) = match done {
                    false => ("in_progress", String::new()),
                    true => ("completed", call.text()),
                };
                let (kind, field) = if call.freeform {
                    ("custom_tool_call", "input")
                } else {
                    ("function_call", "arguments")
                };
                json!({
                    "type": kind, "id": id, "call_id": format!("call_demo_{}", self.n),
                    "name": call.name, field: text, "status": status,
                })
            }
        }
    }
}

/// The Responses usage object.
pub(super) fn usage(input_tokens: u64, output_tokens: u64) -> Value {
    json!({
        "input_tokens": input_tokens,
        "input_tokens_details": { "cached_tokens": 0 },
        "output_tokens": output_tokens,
        "output_tokens_details": { "reasoning_tokens": 0 },
        "total_tokens": input_tokens + output_tokens,
    })
}

/// An `output_text` content part holding `text`.
fn text_part(text: &str) -> Value {
    json!({ "type": "output_text", "text": text, "annotations": [], "logprobs": [] })
}

/// `base` with the fields of `extra` added (both objects).
fn merge(base: &Value, extra: Value) -> Value {
    let mut merged = base.clone();
    if let (Some(into), Value::Object(from)) = (merged.as_object_mut(), extra) {
        into.extend(from);
    }
    merged
}
