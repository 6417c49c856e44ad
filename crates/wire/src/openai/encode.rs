//! Canonical [`StreamEvent`]s → OpenAI `chat.completion.chunk` SSE frames.
//!
//! Output order: a role chunk (`delta: {role: "assistant", content: ""}`) first — synthesized if
//! content arrives before `Start` —, then content and `tool_calls` deltas, a chunk with an empty
//! delta and the `finish_reason`, and from [`StreamEncoder::finish`] the usage chunk (empty
//! `choices`, only when the client asked for `include_usage` and usage is known) and
//! `data: [DONE]`. `Usage` events only update the snapshot; the last one is reported. An `Error`
//! event is written as `data: {"error": …}` — what OpenAI itself sends mid-stream — and ends the
//! stream: later events and `finish` write nothing more.

use bytes::Bytes;
use serde_json::{json, Value};

use crate::canonical::{StreamEvent, Usage};
use crate::sse::frame;
use crate::stream_state::StreamState;

use super::{error_body, finish_from_stop, usage_to};

/// Id used when the source stream never named one.
const FALLBACK_ID: &str = "chatcmpl-switchyard";

/// Stateful encoder for one OpenAI stream to a client.
#[derive(Debug)]
pub struct StreamEncoder {
    include_usage: bool,
    created: u64,
    state: StreamState,
    usage: Option<Usage>,
}

impl StreamEncoder {
    /// An encoder; `include_usage` is what the client asked for in `stream_options`.
    pub fn new(include_usage: bool) -> Self {
        StreamEncoder {
            include_usage,
            created: 0,
            state: StreamState::default(),
            usage: None,
        }
    }

    /// Sets the `created` timestamp (Unix seconds) written into every chunk.
    pub fn with_created(mut self, created: u64) -> Self {
        self.created = created;
        self
    }

    /// The frames for one event (possibly none).
    pub fn encode(&mut self, event: &StreamEvent) -> Vec<Bytes> {
        if self.state.ended() {
            return Vec::new();
        }
        let mut out = Vec::new();
        match event {
            StreamEvent::Start { id, model } => {
                self.state.name(id, model);
                self.start(&mut out);
            }
            StreamEvent::TextDelta { text } => {
                self.start(&mut out);
                out.push(self.chunk(json!({"content": text}), Value::Null));
            }
            StreamEvent::ToolCallStart { index, id, name } => {
                self.start(&mut out);
                let call = json!({
                    "index": index,
                    "id": id,
                    "type": "function",
                    "function": {"name": name, "arguments": ""},
                });
                out.push(self.chunk(json!({"tool_calls": [call]}), Value::Null));
            }
            StreamEvent::ToolCallDelta {
                index,
                arguments_json_fragment,
            } => {
                self.start(&mut out);
                let call =
                    json!({"index": index, "function": {"arguments": arguments_json_fragment}});
                out.push(self.chunk(json!({"tool_calls": [call]}), Value::Null));
            }
            StreamEvent::Stop { reason } => {
                self.start(&mut out);
                out.push(self.chunk(json!({}), json!(finish_from_stop(reason))));
            }
            StreamEvent::Usage(usage) => self.usage = Some(*usage),
            StreamEvent::Error { message } => {
                self.state.end();
                out.push(frame(None, &error_body(500, message).to_string()));
            }
        }
        out
    }

    /// Ends the stream: the usage chunk if requested and known, then `data: [DONE]`.
    pub fn finish(&mut self) -> Vec<Bytes> {
        if !self.state.end() {
            return Vec::new();
        }
        let mut out = Vec::new();
        if let (true, Some(usage)) = (self.include_usage, self.usage) {
            self.start(&mut out);
            let mut chunk = self.envelope();
            chunk["choices"] = json!([]);
            chunk["usage"] = usage_to(&usage);
            out.push(frame(None, &chunk.to_string()));
        }
        out.push(frame(None, "[DONE]"));
        out
    }

    /// Emits the role chunk once.
    fn start(&mut self, out: &mut Vec<Bytes>) {
        if !self.state.begin(FALLBACK_ID) {
            return;
        }
        out.push(self.chunk(json!({"role": "assistant", "content": ""}), Value::Null));
    }

    fn envelope(&self) -> Value {
        json!({
            "id": self.state.id(),
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.state.model(),
        })
    }

    fn chunk(&self, delta: Value, finish_reason: Value) -> Bytes {
        let mut chunk = self.envelope();
        chunk["choices"] = json!([{
            "index": 0,
            "delta": delta,
            "logprobs": null,
            "finish_reason": finish_reason,
        }]);
        frame(None, &chunk.to_string())
    }
}

#[cfg(test)]
#[path = "encode_tests.rs"]
mod tests;
