//! Server-sent events: an incremental parser for provider streams and a frame writer for clients.
//!
//! The parser follows the WHATWG event-stream rules: lines end with CRLF, LF or a lone CR; a
//! blank line dispatches the pending event; `data:` lines accumulate joined by `\n`; lines
//! starting with `:` are comments; one space after the colon is stripped; an initial BOM is
//! skipped; an event with no data is not dispatched. Invariant: the events produced do not depend
//! on how the byte stream is split into chunks — lines are buffered as bytes and only decoded
//! (lossily, as UTF-8) once complete, and a CR at the end of a chunk remembers to swallow a LF
//! at the start of the next one. `id` and `retry` fields are accepted and ignored.
//!
//! Bounded: an event (its pending line and data together) may grow to [`MAX_EVENT_BYTES`]. A
//! stream that goes past it (a hostile or broken server sending megabytes without a newline)
//! makes the parser stop buffering and report [`SseParser::overflowed`]; the caller ends the
//! stream with an error.

use bytes::{Bytes, BytesMut};

/// The largest event the parser buffers (a Gemini image arrives as one base64 event, so this is
/// generous); beyond it the stream is refused, not buffered.
pub const MAX_EVENT_BYTES: usize = 16 << 20;

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field, if any (`None` means the default, "message").
    pub event: Option<String>,
    /// All `data:` lines joined by `\n`.
    pub data: String,
}

/// Incremental event-stream parser. Feed it chunks as they arrive.
#[derive(Debug, Default)]
pub struct SseParser {
    /// Bytes of the current, unterminated line.
    line: Vec<u8>,
    /// The previous chunk ended with CR: a LF at the start of the next one is part of it.
    after_cr: bool,
    /// The first line has been seen (only it may start with a BOM).
    bom_checked: bool,
    event: Option<String>,
    data: String,
    has_data: bool,
    /// Largest event buffered (see [`MAX_EVENT_BYTES`]).
    limit: usize,
    overflowed: bool,
}

impl SseParser {
    /// A parser at the start of a stream.
    pub fn new() -> Self {
        SseParser::with_limit(MAX_EVENT_BYTES)
    }

    /// A parser that buffers events of at most `limit` bytes.
    pub fn with_limit(limit: usize) -> Self {
        SseParser {
            limit,
            ..SseParser::default()
        }
    }

    /// An event went over the limit: nothing more is parsed, and the stream should end with an
    /// error.
    pub fn overflowed(&self) -> bool {
        self.overflowed
    }

    /// Consumes a chunk and returns every event it completes, in order. Lines are found with
    /// `memchr` and copied a run at a time, not byte by byte.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        let mut out = Vec::new();
        self.feed_into(chunk, &mut out, false);
        out
    }

    /// [`SseParser::feed`] up to the first event the chunk completes: that event (if any) and
    /// how many bytes were consumed. Feed the rest later: the events are the same as those of
    /// one `feed` of the whole chunk. A relay answering with the first event before it has
    /// parsed the others of a read (a provider that sends its whole answer at once).
    pub fn feed_to_event(&mut self, chunk: &[u8]) -> (Option<SseEvent>, usize) {
        let mut out = Vec::new();
        let used = self.feed_into(chunk, &mut out, true);
        (out.pop(), used)
    }

    /// Parses `chunk` into `out`; with `one`, stops after the line that dispatched an event.
    /// Returns the bytes consumed.
    fn feed_into(&mut self, chunk: &[u8], out: &mut Vec<SseEvent>, one: bool) -> usize {
        if self.overflowed {
            return chunk.len();
        }
        let mut rest = chunk;
        while !rest.is_empty() {
            if self.after_cr {
                self.after_cr = false;
                if rest[0] == b'\n' {
                    rest = &rest[1..];
                    continue;
                }
            }
            let (run, end) = match memchr::memchr2(b'\r', b'\n', rest) {
                Some(i) => (&rest[..i], Some(rest[i])),
                None => (rest, None),
            };
            if self.line.len() + self.data.len() + run.len() > self.limit {
                self.overflow();
                return chunk.len();
            }
            self.line.extend_from_slice(run);
            let Some(end) = end else {
                rest = &[];
                break;
            };
            self.after_cr = end == b'\r';
            let before = out.len();
            self.end_line(out);
            if self.overflowed {
                return chunk.len();
            }
            rest = &rest[run.len() + 1..];
            if one && out.len() > before {
                break;
            }
        }
        chunk.len() - rest.len()
    }

    fn overflow(&mut self) {
        self.overflowed = true;
        self.line = Vec::new();
        self.data = String::new();
        self.event = None;
        self.has_data = false;
    }

    /// Ends the stream: dispatches a final event whose blank line never came (lenient; the spec
    /// would drop it, but some servers close right after the last `data:` line).
    pub fn finish(&mut self) -> Option<SseEvent> {
        if self.overflowed {
            return None;
        }
        let mut out = Vec::new();
        if !self.line.is_empty() {
            self.end_line(&mut out);
        }
        self.after_cr = false;
        self.dispatch(&mut out);
        out.pop()
    }

    fn end_line(&mut self, out: &mut Vec<SseEvent>) {
        // The line buffer is lent out and given back emptied, so it is allocated once per stream.
        let mut raw = std::mem::take(&mut self.line);
        self.take_line(&raw, out);
        raw.clear();
        self.line = raw;
    }

    fn take_line(&mut self, raw: &[u8], out: &mut Vec<SseEvent>) {
        let mut line: &[u8] = raw;
        if !self.bom_checked {
            self.bom_checked = true;
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        if line.first() == Some(&b':') {
            return;
        }
        let (name, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        // `from_utf8` checks ASCII a word at a time; `from_utf8_lossy` walks every byte (a
        // sixth of a stream's instructions at the serving thread). Lossy only for bad input.
        let value = match std::str::from_utf8(value) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(value),
        };
        // A value that was not UTF-8 grows as it is read (each bad byte becomes a 3-byte
        // U+FFFD): what is kept is held to the limit too, not only what arrived.
        let kept = match name {
            b"event" => value.len(),
            b"data" => self.data.len() + usize::from(self.has_data) + value.len(),
            _ => 0,
        };
        if kept > self.limit {
            self.overflow();
            return;
        }
        match name {
            b"event" => self.event = Some(value.into_owned()),
            b"data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(&value);
                self.has_data = true;
            }
            _ => {}
        }
    }

    fn dispatch(&mut self, out: &mut Vec<SseEvent>) {
        let event = self.event.take();
        if !self.has_data {
            return;
        }
        self.has_data = false;
        out.push(SseEvent {
            event: event.filter(|e| !e.is_empty()),
            data: std::mem::take(&mut self.data),
        });
    }
}

/// Writes one SSE frame: an optional `event:` line, one `data:` line per line of `data`, and the
/// blank line that dispatches it.
pub fn frame(event: Option<&str>, data: &str) -> Bytes {
    let mut out = BytesMut::with_capacity(data.len() + 32);
    frame_into(&mut out, event, data);
    out.freeze()
}

/// [`frame`], appended to `out` (no buffer of its own per event).
pub fn frame_into(out: &mut BytesMut, event: Option<&str>, data: &str) {
    if let Some(event) = event {
        out.extend_from_slice(b"event: ");
        out.extend_from_slice(event.as_bytes());
        out.extend_from_slice(b"\n");
    }
    for line in data.split('\n') {
        out.extend_from_slice(b"data: ");
        out.extend_from_slice(line.strip_suffix('\r').unwrap_or(line).as_bytes());
        out.extend_from_slice(b"\n");
    }
    out.extend_from_slice(b"\n");
}

#[cfg(test)]
#[path = "sse_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "sse_props.rs"]
mod props;
