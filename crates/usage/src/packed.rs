//! Reading a zstd-compressed JSON Lines file (Codex keeps a rollout idle for a week as
//! `rollout-….jsonl.zst`) under the same bounds as a plain one, in one pass through the
//! decompressed stream: never decompressed whole, to memory or to disk.
//!
//! - A line of up to `hold` bytes is held and handed over whole ([`Line::Complete`]); a longer
//!   one is handed over as a reader of the stream itself, stopping at its line end
//!   ([`Line::Large`]): the parsers stream it as they stream a long line of a plain file. (A
//!   plain file reads such a line again from the file; a stream cannot go back.)
//! - The decoder's window is at most [`WINDOW_LOG_MAX`] (a frame asking for more memory is
//!   refused as an error naming the file), and a file is read to at most `cap` decompressed
//!   bytes: a small file that expands without end (a "zip bomb") stops there, reported.
//! - A compressed file is complete (the tool wrote it whole, then renamed it): it is read from
//!   its start each time it changes, its records keyed as the plain file's were, so a rollout
//!   counted before it was compressed, or moved to `archived_sessions`, counts once; and a last
//!   line without its newline is a line.

use crate::tail::Line;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

/// The largest zstd window read (16 MiB of memory while a file is read, as the gateway's
/// request bodies); Codex compresses at level 3 (a 2 MiB window at most).
pub(crate) const WINDOW_LOG_MAX: u32 = 24;
/// The most a compressed file is read to, decompressed: a rollout is tens of MB; 4 GiB is two
/// orders above the largest real one and a few seconds of decompression.
pub(crate) const MAX_UNPACKED: u64 = 4 << 30;
const BUFFER: usize = 256 * 1024;
/// The buffer a long line is handed over through.
const PART_BUFFER: usize = 64 * 1024;

/// Whether `path` is read as a compressed file (its name ends `.zst`).
pub(crate) fn is_packed(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "zst")
}

/// What a read did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unpacked {
    /// Decompressed bytes read, to the end of the last line handed over.
    pub end: u64,
    /// The file goes on past the cap: what is after it was not read.
    pub over_cap: bool,
}

/// Reads every line of the compressed file at `path`, holding those of up to `hold` bytes;
/// `each` returning `false` stops the read before that line.
pub(crate) fn read_lines(
    path: &Path,
    hold: usize,
    cap: u64,
    each: &mut dyn FnMut(Line<'_>) -> bool,
) -> io::Result<Unpacked> {
    let mut decoder = zstd::stream::read::Decoder::new(File::open(path)?)?;
    decoder.window_log_max(WINDOW_LOG_MAX)?;
    let capped = Capped {
        inner: decoder,
        left: cap,
        over: false,
    };
    let mut r = BufReader::with_capacity(BUFFER, capped);
    let mut pos = 0u64;
    let mut line: Vec<u8> = Vec::new();
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            let over_cap = r.get_ref().over;
            // The file's last line, without a newline; cut by the cap, it is not a line.
            if !over_cap && !line.is_empty() {
                let l = line.strip_suffix(b"\r").unwrap_or(&line);
                if each(Line::Complete(l)) {
                    pos += line.len() as u64;
                }
            }
            return Ok(Unpacked { end: pos, over_cap });
        }
        let newline = buf.iter().position(|&b| b == b'\n');
        let upto = newline.map_or(buf.len(), |i| i + 1);
        if line.len() + upto <= hold {
            line.extend_from_slice(&buf[..upto]);
            r.consume(upto);
            if newline.is_some() {
                let l = line.strip_suffix(b"\n").unwrap_or(&line);
                let l = l.strip_suffix(b"\r").unwrap_or(l);
                if !l.is_empty() && !each(Line::Complete(l)) {
                    return Ok(Unpacked {
                        end: pos,
                        over_cap: false,
                    });
                }
                pos += line.len() as u64;
                line.clear();
            }
            continue;
        }
        // Over what is held: the rest of the line streams from the decoder.
        let mut through = Through {
            head: std::mem::take(&mut line),
            at: 0,
            r: &mut r,
            cr: false,
            done: false,
            len: 0,
        };
        let mut part = BufReader::with_capacity(PART_BUFFER, &mut through);
        // An empty line (`\r\n` with nothing held) is skipped, as a plain file's.
        let go = part.fill_buf()?.is_empty() || each(Line::Large(&mut part));
        drop(part);
        io::copy(&mut through, &mut io::sink())?; // what the parser left of the line
        let len = through.len;
        // Cut by the cap, the line ends at no line end: the read ends before it.
        let over_cap = r.get_ref().over;
        if !go || over_cap {
            return Ok(Unpacked { end: pos, over_cap });
        }
        pos += len;
    }
}

/// The decoder, ending (as at the end of the file) after `left` more bytes.
struct Capped<R> {
    inner: R,
    left: u64,
    over: bool,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            // One byte more says whether the file went on.
            let mut probe = [0u8; 1];
            self.over = self.over || self.inner.read(&mut probe)? > 0;
            return Ok(0);
        }
        let room = usize::try_from(self.left)
            .unwrap_or(usize::MAX)
            .min(out.len());
        let n = self.inner.read(&mut out[..room])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// One line's bytes: `head` (what was held of it), then the stream to its `\n`, without the
/// `\n` and a `\r` before it. `len` counts what it took, line end included.
struct Through<'a, R: BufRead> {
    head: Vec<u8>,
    at: usize,
    r: &'a mut R,
    /// A `\r` was taken and not given: it is the line end's if a `\n` comes next.
    cr: bool,
    done: bool,
    len: u64,
}

impl<R: BufRead> Through<'_, R> {
    fn consume(&mut self, n: usize, from_head: bool) {
        if from_head {
            self.at += n;
        } else {
            self.r.consume(n);
        }
        self.len += n as u64;
    }
}

impl<R: BufRead> Read for Through<'_, R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.done || out.is_empty() {
                return Ok(0);
            }
            let from_head = self.at < self.head.len();
            let chunk: &[u8] = if from_head {
                &self.head[self.at..]
            } else {
                self.r.fill_buf()?
            };
            let Some(&first) = chunk.first() else {
                // The end of the file ends the line; a `\r` kept is its last byte.
                self.done = true;
                if std::mem::take(&mut self.cr) {
                    out[0] = b'\r';
                    return Ok(1);
                }
                return Ok(0);
            };
            if first == b'\n' {
                self.consume(1, from_head);
                self.done = true;
                return Ok(0); // a `\r` kept was the line end's
            }
            if std::mem::take(&mut self.cr) {
                out[0] = b'\r';
                return Ok(1);
            }
            let content = chunk
                .iter()
                .position(|&b| b == b'\n')
                .unwrap_or(chunk.len());
            let mut take = content.min(out.len());
            // A `\r` last of what is taken may be the line end's: kept until the next byte.
            if take == content && chunk[take - 1] == b'\r' {
                take -= 1;
                if take == 0 {
                    self.consume(1, from_head);
                    self.cr = true;
                    continue;
                }
            }
            out[..take].copy_from_slice(&chunk[..take]);
            self.consume(take, from_head);
            return Ok(take);
        }
    }
}

#[cfg(test)]
#[path = "packed_tests.rs"]
pub(crate) mod tests;
