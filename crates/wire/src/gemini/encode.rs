//! Canonical [`StreamEvent`]s → Gemini `streamGenerateContent?alt=sse` frames, for Gemini
//! clients.
//!
//! Every frame is `data: <one-line GenerateContentResponse JSON>` and a blank line, with no
//! `event:` or `id:` line: the `@google/genai` SDK silently drops events that start with one.
//! Chunks carry `candidates[0].content = {role: "model", parts: […]}` plus `modelVersion` and
//! `responseId` (when the source named them):
//! - each non-empty text delta is sent at once as a chunk with one text part;
//! - Gemini sends a function call whole, so tool calls are buffered until complete: a run of
//!   consecutive calls is sent as one chunk with a `functionCall` part each (canonical id in
//!   `id`, `args` an object) when text resumes, or with the final chunk;
//! - [`StreamEncoder::finish`] sends the final chunk: the buffered calls, or else one empty text
//!   part (never an empty `parts` list, which the SDK treats as invalid; an empty text changes
//!   neither `response.text` nor the chat history, which skips such chunks), with the
//!   `finishReason` of the remembered `Stop` (`STOP` when none came) and the last usage snapshot
//!   as `usageMetadata` (when any came). `finishReason` is on this chunk only.
//!
//! A delta for a call that is not buffered (already sent, or never started) is dropped: no source
//! interleaves calls that way. An `Error` event is sent as Gemini's own mid-stream error
//! (`data: {"error":{"code":500,"message":…,"status":"INTERNAL"}}`, which the SDK throws as an
//! `ApiError`) and ends the stream: buffered calls are discarded, later events and `finish`
//! write nothing.

use bytes::Bytes;
use serde_json::{json, Value};

use crate::canonical::{StopReason, StreamEvent, Usage};
use crate::sse::frame;
use crate::stream_state::StreamState;

use super::response::{envelope, function_call};
use super::{error_body, finish_from_stop, usage_to};

/// A tool call whose arguments are still arriving.
#[derive(Debug)]
struct PendingCall {
    ordinal: usize,
    id: String,
    name: String,
    arguments: String,
}

/// Stateful encoder for one Gemini stream to a client.
#[derive(Debug, Default)]
pub struct StreamEncoder {
    state: StreamState,
    /// The run of calls not yet sent, in order.
    calls: Vec<PendingCall>,
    stop: Option<StopReason>,
    usage: Option<Usage>,
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
            StreamEvent::Start { id, model } => {
                // Every chunk carries the names, so the first `Start` begins the stream.
                self.state.name(id, model);
                self.state.begin("");
            }
            StreamEvent::TextDelta { text } => {
                if !text.is_empty() {
                    self.flush_calls(&mut out);
                    out.push(self.chunk(vec![json!({"text": text})], None));
                }
            }
            StreamEvent::ToolCallStart { index, id, name } => {
                if !self.calls.iter().any(|c| c.ordinal == *index) {
                    self.calls.push(PendingCall {
                        ordinal: *index,
                        id: id.clone(),
                        name: name.clone(),
                        arguments: String::new(),
                    });
                }
            }
            StreamEvent::ToolCallDelta {
                index,
                arguments_json_fragment,
            } => {
                if let Some(call) = self.calls.iter_mut().find(|c| c.ordinal == *index) {
                    call.arguments.push_str(arguments_json_fragment);
                }
            }
            StreamEvent::Stop { reason } => {
                if self.stop.is_none() {
                    self.stop = Some(reason.clone());
                }
            }
            StreamEvent::Usage(usage) => self.usage = Some(*usage),
            StreamEvent::Error { message } => {
                self.state.end();
                self.calls.clear();
                out.push(frame(None, &error_body(500, message).to_string()));
            }
        }
        out
    }

    /// Ends the stream with the final chunk (see the module docs).
    pub fn finish(&mut self) -> Vec<Bytes> {
        if !self.state.end() {
            return Vec::new();
        }
        let mut parts = self.take_calls();
        if parts.is_empty() {
            parts.push(json!({"text": ""}));
        }
        let reason = finish_from_stop(self.stop.as_ref().unwrap_or(&StopReason::EndTurn));
        vec![self.chunk(parts, Some(reason))]
    }

    /// Sends the buffered calls, if any, as one chunk.
    fn flush_calls(&mut self, out: &mut Vec<Bytes>) {
        let parts = self.take_calls();
        if !parts.is_empty() {
            out.push(self.chunk(parts, None));
        }
    }

    fn take_calls(&mut self) -> Vec<Value> {
        self.calls
            .drain(..)
            .map(|c| function_call(&c.id, &c.name, &c.arguments))
            .collect()
    }

    /// One chunk; the final one (with a `finishReason`) also carries the usage snapshot.
    fn chunk(&self, parts: Vec<Value>, finish_reason: Option<&str>) -> Bytes {
        let mut candidate = json!({"content": {"role": "model", "parts": parts}, "index": 0});
        let mut body = json!({});
        if let Some(reason) = finish_reason {
            candidate["finishReason"] = json!(reason);
            if let Some(usage) = &self.usage {
                body["usageMetadata"] = usage_to(usage);
            }
        }
        body["candidates"] = json!([candidate]);
        envelope(&mut body, self.state.id(), self.state.model());
        frame(None, &body.to_string())
    }
}

#[cfg(test)]
#[path = "encode_tests.rs"]
mod tests;
