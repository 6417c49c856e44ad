//! The events of a Responses stream as the HTTP path writes it (`event:` and `data:` lines, a
//! blank line after each): each event's data, whole, as its bytes arrive in any pieces.

use bytes::{Buf, BytesMut};

/// What is left of the stream's bytes between events, at most the body limit.
pub(crate) struct Events {
    pending: BytesMut,
    limit: usize,
}

/// An event longer than the limit (the stream is not one the gateway wrote).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct TooLong;

impl Events {
    pub(crate) fn new(limit: usize) -> Events {
        Events {
            pending: BytesMut::new(),
            limit,
        }
    }

    /// Adds `chunk`; the data of each event it completes (`[DONE]` and empty data left out).
    pub(crate) fn push(&mut self, chunk: &[u8]) -> Result<Vec<String>, TooLong> {
        self.pending.extend_from_slice(chunk);
        let mut out = Vec::new();
        while let Some((end, skip)) = boundary(&self.pending) {
            let block = self.pending.split_to(end);
            self.pending.advance(skip);
            if let Some(data) = data_of(&block) {
                out.push(data);
            }
        }
        if self.pending.len() > self.limit {
            return Err(TooLong);
        }
        Ok(out)
    }
}

/// Where the first event ends, and the blank line's length (`\n\n` or `\r\n\r\n`).
fn boundary(buf: &[u8]) -> Option<(usize, usize)> {
    let lf = buf.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2));
    let crlf = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, 4));
    match (lf, crlf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// The event's `data:` lines, joined.
fn data_of(block: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(block);
    let lines: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect();
    let data = lines.join("\n");
    (!data.is_empty() && data != "[DONE]").then_some(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_come_whole_from_any_pieces() {
        let mut e = Events::new(1 << 20);
        let stream = b"event: response.created\ndata: {\"a\":1}\n\nevent: x\r\ndata: {\"b\":\r\ndata: 2}\r\n\r\ndata: [DONE]\n\n";
        let mut got = Vec::new();
        for piece in stream.chunks(5) {
            got.extend(e.push(piece).unwrap());
        }
        assert_eq!(got, ["{\"a\":1}", "{\"b\":\n2}"]);
    }

    #[test]
    fn an_event_longer_than_the_limit_is_refused() {
        let mut e = Events::new(8);
        assert_eq!(e.push(b"data: 0123456789"), Err(TooLong));
    }
}
