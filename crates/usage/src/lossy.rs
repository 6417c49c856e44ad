//! Lines that are not all UTF-8 (a tool wrote a path or an id with a stray byte): each invalid
//! sequence is read as U+FFFD, as ccusage (and JavaScript's decoder) read it, so the line still
//! counts instead of failing its parse. A line held in memory is replaced whole ([`line`]); a
//! line read from the file is decoded as it is read ([`Lossy`]).

use std::borrow::Cow;
use std::io::{BufRead, Read};

/// U+FFFD in UTF-8.
const REPLACEMENT: &[u8] = "\u{FFFD}".as_bytes();

/// `bytes`, with every invalid UTF-8 sequence replaced (borrowed when there is none).
pub(crate) fn line(bytes: &[u8]) -> Cow<'_, [u8]> {
    if bytes.is_ascii() || std::str::from_utf8(bytes).is_ok() {
        return Cow::Borrowed(bytes);
    }
    Cow::Owned(String::from_utf8_lossy(bytes).into_owned().into_bytes())
}

/// A reader giving `inner`'s bytes with each invalid UTF-8 sequence replaced by U+FFFD.
pub(crate) struct Lossy<R> {
    inner: R,
    /// Decoded bytes not yet consumed, from `at`.
    out: Vec<u8>,
    at: usize,
    /// The start of a character cut by the end of the inner buffer (at most 3 bytes).
    carry: Vec<u8>,
}

impl<R: BufRead> Lossy<R> {
    pub(crate) fn new(inner: R) -> Self {
        Lossy {
            inner,
            out: Vec::new(),
            at: 0,
            carry: Vec::new(),
        }
    }

    /// Decodes the next piece of `inner` into `out`; `out` stays empty only at the end.
    fn refill(&mut self) -> std::io::Result<()> {
        self.out.clear();
        self.at = 0;
        while self.out.is_empty() {
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                // The end: a character left unfinished is invalid.
                if !self.carry.is_empty() {
                    self.carry.clear();
                    self.out.extend_from_slice(REPLACEMENT);
                }
                return Ok(());
            }
            let mut piece = std::mem::take(&mut self.carry);
            piece.extend_from_slice(buf);
            let used = buf.len();
            self.inner.consume(used);
            let mut rest: &[u8] = &piece;
            loop {
                match std::str::from_utf8(rest) {
                    Ok(_) => {
                        self.out.extend_from_slice(rest);
                        break;
                    }
                    Err(e) => {
                        let (good, bad) = rest.split_at(e.valid_up_to());
                        self.out.extend_from_slice(good);
                        match e.error_len() {
                            Some(n) => {
                                self.out.extend_from_slice(REPLACEMENT);
                                rest = &bad[n..];
                            }
                            // Cut by the buffer's end: completed by the next read.
                            None => {
                                self.carry = bad.to_vec();
                                break;
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

impl<R: BufRead> Read for Lossy<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let have = self.fill_buf()?;
        let n = have.len().min(buf.len());
        buf[..n].copy_from_slice(&have[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Lossy<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.at >= self.out.len() {
            self.refill()?;
        }
        Ok(&self.out[self.at..])
    }

    fn consume(&mut self, amt: usize) {
        self.at = (self.at + amt).min(self.out.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Read through buffers of every small size, the decoded bytes are `from_utf8_lossy`'s.
    #[test]
    fn a_reader_decodes_as_from_utf8_lossy_whatever_the_buffer_cuts() {
        let cases: [&[u8]; 5] = [
            b"plain ascii",
            "caf\u{e9} \u{1F600} ok".as_bytes(),
            b"/home/u/\xff\xfeproj/\xe2\x82",
            b"\xf0\x9f\x98",
            b"a\xc3(b\xe2\x28\xa1c\xf0\x90\x28\xbc",
        ];
        for bytes in cases {
            let want = String::from_utf8_lossy(bytes).into_owned();
            assert_eq!(line(bytes).as_ref(), want.as_bytes());
            for cap in 1..=8 {
                let inner = std::io::BufReader::with_capacity(cap, bytes);
                let mut got = Vec::new();
                Lossy::new(inner).read_to_end(&mut got).unwrap();
                assert_eq!(
                    String::from_utf8(got).unwrap(),
                    want,
                    "{bytes:?} through {cap}"
                );
            }
        }
    }
}
