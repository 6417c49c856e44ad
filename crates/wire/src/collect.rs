//! Canonical [`StreamEvent`]s ⇄ a complete [`ChatResponse`].
//!
//! [`StreamCollector`] folds a decoded stream into the reply it describes, so a streamed answer
//! can be stored or logged like a buffered one; [`replay_events`] goes the other way, turning a
//! stored reply into the events that re-create it through any `StreamEncoder`.
//!
//! Invariants:
//! - A collector yields a reply only for a complete, clean stream: one `Start` before any content,
//!   a `Stop`, no `Error`, no protocol violation (a second `Start`, content after `Stop`, a
//!   duplicate tool-call ordinal, a delta for a call never started) and at most
//!   [`MAX_COLLECTED_BYTES`] of text and arguments. Anything else collects to `None`: a partial
//!   stream never becomes a "complete" answer. Once invalid, a collector stays invalid and drops
//!   what it had gathered.
//! - Consecutive text deltas merge into one [`Part::Text`]; text after a tool call starts a new
//!   one. Tool calls keep their position of first appearance, whatever order their deltas come in.
//! - `Usage` events are cumulative snapshots (see `canonical`); the collector keeps the
//!   field-wise maximum, which is the last snapshot for any well-behaved stream and never loses a
//!   counter that a later, partial snapshot left at zero.
//! - `collect(replay_events(r)) == r` for every reply whose parts are text and tool calls, with
//!   no empty text part and no two adjacent text parts (those merge), and `created == 0` (streams
//!   carry no timestamp).

use crate::canonical::{ChatResponse, Part, StopReason, StreamEvent, Usage};

/// Most text plus tool-call argument bytes a collector accepts before giving up (32 MiB).
pub const MAX_COLLECTED_BYTES: usize = 32 * 1024 * 1024;

/// Most characters in one replayed [`StreamEvent::TextDelta`].
const REPLAY_CHUNK_CHARS: usize = 64;

/// Folds one stream's canonical events into the complete reply.
#[derive(Debug, Default)]
pub struct StreamCollector {
    id: String,
    model: String,
    started: bool,
    content: Vec<Part>,
    /// (tool-call ordinal, position of its part in `content`).
    calls: Vec<(usize, usize)>,
    stop: Option<StopReason>,
    usage: Usage,
    /// Text and argument bytes gathered so far.
    bytes: usize,
    invalid: bool,
}

impl StreamCollector {
    /// A collector at the start of a stream.
    pub fn new() -> Self {
        StreamCollector::default()
    }

    /// Takes in one event.
    pub fn feed(&mut self, ev: &StreamEvent) {
        if self.invalid {
            return;
        }
        let ok = match ev {
            StreamEvent::Start { id, model } => self.start(id, model),
            StreamEvent::TextDelta { text } => self.text(text),
            StreamEvent::ToolCallStart { index, id, name } => self.call_start(*index, id, name),
            StreamEvent::ToolCallDelta {
                index,
                arguments_json_fragment,
            } => self.call_delta(*index, arguments_json_fragment),
            StreamEvent::Stop { reason } => self.stop(reason),
            StreamEvent::Usage(usage) => {
                self.usage = max_usage(&self.usage, usage);
                true
            }
            StreamEvent::Error { .. } => false,
        };
        if !ok {
            self.invalidate();
        }
    }

    /// The reply, or `None` unless the stream was complete and clean (see the module docs).
    pub fn finish(self) -> Option<ChatResponse> {
        if self.invalid || !self.started {
            return None;
        }
        Some(ChatResponse {
            id: self.id,
            model: self.model,
            created: 0,
            content: self.content,
            stop: self.stop?,
            usage: self.usage,
        })
    }

    fn start(&mut self, id: &str, model: &str) -> bool {
        if self.started {
            return false;
        }
        self.started = true;
        id.clone_into(&mut self.id);
        model.clone_into(&mut self.model);
        true
    }

    /// Whether content may arrive now: after `Start`, before `Stop`.
    fn open(&self) -> bool {
        self.started && self.stop.is_none()
    }

    /// Counts `len` more bytes against the size guard.
    fn grow(&mut self, len: usize) -> bool {
        self.bytes = self.bytes.saturating_add(len);
        self.bytes <= MAX_COLLECTED_BYTES
    }

    fn text(&mut self, text: &str) -> bool {
        if !self.open() || !self.grow(text.len()) {
            return false;
        }
        if text.is_empty() {
            return true;
        }
        match self.content.last_mut() {
            Some(Part::Text(current)) => current.push_str(text),
            _ => self.content.push(Part::Text(text.to_owned())),
        }
        true
    }

    fn call_start(&mut self, index: usize, id: &str, name: &str) -> bool {
        if !self.open() || self.calls.iter().any(|(o, _)| *o == index) {
            return false;
        }
        self.calls.push((index, self.content.len()));
        self.content.push(Part::ToolCall {
            id: id.to_owned(),
            name: name.to_owned(),
            arguments_json: String::new(),
        });
        true
    }

    fn call_delta(&mut self, index: usize, fragment: &str) -> bool {
        if !self.open() || !self.grow(fragment.len()) {
            return false;
        }
        let Some(&(_, position)) = self.calls.iter().find(|(o, _)| *o == index) else {
            return false;
        };
        match self.content.get_mut(position) {
            Some(Part::ToolCall { arguments_json, .. }) => {
                arguments_json.push_str(fragment);
                true
            }
            _ => false,
        }
    }

    fn stop(&mut self, reason: &StopReason) -> bool {
        if !self.open() {
            return false;
        }
        self.stop = Some(reason.clone());
        true
    }

    /// Marks the stream unusable for good and frees what was gathered.
    fn invalidate(&mut self) {
        self.invalid = true;
        self.content = Vec::new();
        self.calls = Vec::new();
    }
}

/// Field-wise maximum of two usage snapshots.
fn max_usage(a: &Usage, b: &Usage) -> Usage {
    Usage {
        input_tokens: a.input_tokens.max(b.input_tokens),
        output_tokens: a.output_tokens.max(b.output_tokens),
        cache_read_tokens: a.cache_read_tokens.max(b.cache_read_tokens),
        cache_write_tokens: a.cache_write_tokens.max(b.cache_write_tokens),
        cache_write_1h_tokens: a.cache_write_1h_tokens.max(b.cache_write_1h_tokens),
        reasoning_tokens: a.reasoning_tokens.max(b.reasoning_tokens),
    }
}

/// The events that re-create `resp` as a stream: `Start`, `Usage` (early, so an Anthropic
/// encoder puts the input side in `message_start`), the content in order — text as deltas of at
/// most 64 characters, each tool call as `ToolCallStart` (ordinal among the tool calls) plus one
/// `ToolCallDelta` with all its arguments (none when they are empty) —, `Stop` and `Usage` again.
/// Images and tool results have no stream form and are skipped.
pub fn replay_events(resp: &ChatResponse) -> Vec<StreamEvent> {
    let mut out = vec![
        StreamEvent::Start {
            id: resp.id.clone(),
            model: resp.model.clone(),
        },
        StreamEvent::Usage(resp.usage),
    ];
    let mut ordinal = 0;
    for part in &resp.content {
        match part {
            Part::Text(text) => {
                out.extend(text_chunks(text).map(|chunk| StreamEvent::TextDelta {
                    text: chunk.to_owned(),
                }));
            }
            Part::ToolCall {
                id,
                name,
                arguments_json,
            } => {
                out.push(StreamEvent::ToolCallStart {
                    index: ordinal,
                    id: id.clone(),
                    name: name.clone(),
                });
                if !arguments_json.is_empty() {
                    out.push(StreamEvent::ToolCallDelta {
                        index: ordinal,
                        arguments_json_fragment: arguments_json.clone(),
                    });
                }
                ordinal += 1;
            }
            Part::Image(_) | Part::File(_) | Part::Audio { .. } | Part::ToolResult { .. } => {}
        }
    }
    out.push(StreamEvent::Stop {
        reason: resp.stop.clone(),
    });
    out.push(StreamEvent::Usage(resp.usage));
    out
}

/// Splits `text` into pieces of at most [`REPLAY_CHUNK_CHARS`] characters, on char boundaries.
fn text_chunks(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = rest
            .char_indices()
            .nth(REPLAY_CHUNK_CHARS)
            .map_or(rest.len(), |(i, _)| i);
        let (chunk, tail) = rest.split_at(end);
        rest = tail;
        Some(chunk)
    })
}

#[cfg(test)]
#[path = "collect_tests.rs"]
mod tests;
