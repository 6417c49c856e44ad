//! Gemini stream (`streamGenerateContent?alt=sse`) → canonical [`StreamEvent`]s.
//!
//! Each SSE event's `data` is one whole `GenerateContentResponse`: text arrives as deltas in
//! `candidates[0].content.parts`, a function call arrives whole in one part, `finishReason` is on
//! the last chunk, and `usageMetadata` (cumulative) on the last chunk or on every chunk. There is
//! no terminator such as `[DONE]`: [`StreamDecoder::is_done`] reports whether the final chunk
//! (one with a `finishReason`) arrived, so a stream that ends without it was cut.
//!
//! Invariants, as for the other decoders: exactly one `Start`, with the first chunk; at most one
//! `Stop`, with `STOP` reported as `ToolUse` once a function call was seen; each function call is
//! a `ToolCallStart` (ordinals 0, 1, … and ids `call_0`, `call_1`, …, matching
//! [`super::parse_response`]) followed by one `ToolCallDelta` holding all its arguments; a `Usage`
//! snapshot whenever the usage changes, after the chunk's `Stop`. An unreadable chunk or an
//! `{"error":…}` payload becomes an `Error` event, never a panic.

use serde_json::Value;

use crate::canonical::{Part, StopReason, StreamEvent, Usage};
use crate::json::{decode_chunk, start_event, unreadable, Obj};

use super::{candidate_parts, prompt_blocked, stop_from_finish, usage_from};

/// Stateful decoder for one Gemini stream.
#[derive(Debug, Default)]
pub struct StreamDecoder {
    started: bool,
    stopped: bool,
    /// Function calls seen so far, i.e. the ordinal of the next one.
    calls: usize,
    /// The last usage snapshot emitted.
    usage: Option<Usage>,
}

impl StreamDecoder {
    /// A decoder at the start of a stream.
    pub fn new() -> Self {
        StreamDecoder::default()
    }

    /// Whether the final chunk (the one with a `finishReason`, or a blocked prompt) has been seen.
    pub fn is_done(&self) -> bool {
        self.stopped
    }

    /// Decodes one SSE `data` payload.
    pub fn feed(&mut self, data: &str) -> Vec<StreamEvent> {
        let data = data.trim();
        if data.is_empty() || data == "[DONE]" {
            return Vec::new();
        }
        decode_chunk(data, |chunk| self.chunk(chunk))
    }

    /// Decodes one chunk that is not an error.
    fn chunk(&mut self, chunk: &Obj<'_>) -> Vec<StreamEvent> {
        let mut out = Vec::new();
        if !self.started {
            self.started = true;
            out.push(start_event(chunk, "responseId", "modelVersion"));
        }
        let first = chunk
            .get("candidates")
            .and_then(Value::as_array)
            .and_then(|c| c.first());
        match first {
            Some(candidate) => self.candidate(candidate, &mut out),
            None if prompt_blocked(chunk) => self.stop(StopReason::ContentFilter, &mut out),
            None => {}
        }
        if let Ok(Some(usage)) = chunk.obj("usageMetadata") {
            let usage = usage_from(&usage);
            if self.usage != Some(usage) {
                self.usage = Some(usage);
                out.push(StreamEvent::Usage(usage));
            }
        }
        out
    }

    fn candidate(&mut self, candidate: &Value, out: &mut Vec<StreamEvent>) {
        let Ok(candidate) = Obj::new(candidate, "candidates[0]") else {
            return;
        };
        match candidate_parts(&candidate, self.calls) {
            Ok(parts) => {
                for part in parts {
                    self.part(part, out);
                }
            }
            Err(err) => out.push(unreadable(&err)),
        }
        if let Some(reason) = candidate.get("finishReason").and_then(Value::as_str) {
            self.stop(stop_from_finish(reason, self.calls > 0), out);
        }
    }

    fn part(&mut self, part: Part, out: &mut Vec<StreamEvent>) {
        match part {
            Part::Text(text) => out.push(StreamEvent::TextDelta { text }),
            Part::ToolCall {
                id,
                name,
                arguments_json,
            } => {
                let index = self.calls;
                self.calls += 1;
                out.push(StreamEvent::ToolCallStart { index, id, name });
                out.push(StreamEvent::ToolCallDelta {
                    index,
                    arguments_json_fragment: arguments_json,
                });
            }
            Part::Image(_) | Part::File(_) | Part::Audio { .. } | Part::ToolResult { .. } => {}
        }
    }

    fn stop(&mut self, reason: StopReason, out: &mut Vec<StreamEvent>) {
        if !self.stopped {
            self.stopped = true;
            out.push(StreamEvent::Stop { reason });
        }
    }
}

#[cfg(test)]
#[path = "decode_tests.rs"]
mod tests;
