//! The reader under a streamed line's parse ([`crate::stream`]): it passes the bytes on and
//! notes what the in-memory parsers check on the whole line: its first bytes, whether a needle
//! (Claude Code's `"usage"`) occurs in it, and whether the bytes of a region that the in-memory
//! parse borrows as text (Codex's `payload`) are valid UTF-8.

use std::cell::Cell;
use std::io::{BufRead, Read};

/// The bytes still expected in the UTF-8 sequence under way, and the range of the next one.
#[derive(Clone, Copy, Default)]
struct Utf8 {
    left: u8,
    lo: u8,
    hi: u8,
}

impl Utf8 {
    /// The state after `b`, or `None` if `b` makes the text invalid (as `str::from_utf8` says).
    fn step(self, b: u8) -> Option<Utf8> {
        if self.left > 0 {
            if !(self.lo..=self.hi).contains(&b) {
                return None;
            }
            let left = self.left - 1;
            return Some(Utf8 {
                left,
                lo: 0x80,
                hi: 0xBF,
            });
        }
        let (left, lo, hi) = match b {
            0x00..=0x7F => return Some(Utf8::default()),
            0xC2..=0xDF => (1, 0x80, 0xBF),
            0xE0 => (2, 0xA0, 0xBF),
            0xE1..=0xEC | 0xEE..=0xEF => (2, 0x80, 0xBF),
            0xED => (2, 0x80, 0x9F),
            0xF0 => (3, 0x90, 0xBF),
            0xF1..=0xF3 => (3, 0x80, 0xBF),
            0xF4 => (3, 0x80, 0x8F),
            _ => return None,
        };
        Some(Utf8 { left, lo, hi })
    }
}

/// Shared between the reader and the parse: the parse says when a region that must be UTF-8
/// begins and ends, the reader checks the bytes in between.
#[derive(Default)]
pub(crate) struct Checks {
    strict: Cell<u32>,
    utf8: Cell<Utf8>,
    bad_utf8: Cell<bool>,
}

impl Checks {
    /// A region whose bytes must be UTF-8 begins (regions may nest).
    pub(crate) fn begin_utf8(&self) {
        self.strict.set(self.strict.get() + 1);
    }

    /// It ends: a sequence left unfinished is invalid.
    pub(crate) fn end_utf8(&self) {
        let depth = self.strict.get().saturating_sub(1);
        self.strict.set(depth);
        if depth == 0 && self.utf8.get().left > 0 {
            self.bad_utf8.set(true);
            self.utf8.set(Utf8::default());
        }
    }

    /// Whether every region's bytes were valid UTF-8.
    pub(crate) fn utf8_ok(&self) -> bool {
        !self.bad_utf8.get()
    }

    fn see(&self, bytes: &[u8]) {
        if self.strict.get() == 0 {
            return;
        }
        let mut s = self.utf8.get();
        for &b in bytes {
            if s.left == 0 && b < 0x80 {
                continue;
            }
            match s.step(b) {
                Some(next) => s = next,
                None => {
                    self.bad_utf8.set(true);
                    s = Utf8::default();
                }
            }
        }
        self.utf8.set(s);
    }
}

/// The reader: `inner`'s bytes, watched.
pub(crate) struct Watch<'a> {
    inner: &'a mut dyn BufRead,
    checks: &'a Checks,
    needle: &'static [u8],
    /// For each prefix of the needle, the longest proper prefix that is also its suffix.
    fallback: Vec<usize>,
    matched: usize,
    found: bool,
    head: Vec<u8>,
}

/// How many first bytes are kept.
const HEAD: usize = 4;

impl<'a> Watch<'a> {
    /// `needle` empty: none looked for.
    pub(crate) fn new(
        inner: &'a mut dyn BufRead,
        checks: &'a Checks,
        needle: &'static [u8],
    ) -> Self {
        let mut fallback = vec![0; needle.len()];
        let mut k = 0;
        for i in 1..needle.len() {
            while k > 0 && needle[i] != needle[k] {
                k = fallback[k - 1];
            }
            if needle[i] == needle[k] {
                k += 1;
            }
            fallback[i] = k;
        }
        Watch {
            inner,
            checks,
            needle,
            fallback,
            matched: 0,
            found: needle.is_empty(),
            head: Vec::with_capacity(HEAD),
        }
    }

    /// Whether the needle occurred in the bytes read so far.
    pub(crate) fn found(&self) -> bool {
        self.found
    }

    /// The first bytes read.
    pub(crate) fn head(&self) -> &[u8] {
        &self.head
    }

    /// Reads the rest (to look for the needle in it); an error ends it.
    pub(crate) fn drain(&mut self) {
        let mut chunk = [0u8; 8192];
        while !self.found {
            match self.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    }

    fn see(&mut self, bytes: &[u8]) {
        if self.head.len() < HEAD {
            let room = (HEAD - self.head.len()).min(bytes.len());
            self.head.extend_from_slice(&bytes[..room]);
        }
        self.checks.see(bytes);
        if self.found {
            return;
        }
        for &b in bytes {
            while self.matched > 0 && b != self.needle[self.matched] {
                self.matched = self.fallback[self.matched - 1];
            }
            if b == self.needle[self.matched] {
                self.matched += 1;
                if self.matched == self.needle.len() {
                    self.found = true;
                    return;
                }
            }
        }
    }
}

impl Read for Watch<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.see(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watch(text: &[u8], needle: &'static [u8], strict: bool) -> (bool, bool) {
        let checks = Checks::default();
        let mut r: &[u8] = text;
        let mut w = Watch::new(&mut r, &checks, needle);
        if strict {
            checks.begin_utf8();
        }
        let mut one = [0u8; 1];
        while w.read(&mut one).unwrap() > 0 {}
        if strict {
            checks.end_utf8();
        }
        (w.found(), checks.utf8_ok())
    }

    #[test]
    fn the_needle_is_found_across_reads_and_after_a_false_start() {
        assert!(watch(br#"x""usage" "#, b"\"usage\"", false).0);
        assert!(watch(br#""usag"usage""#, b"\"usage\"", false).0);
        assert!(!watch(br#""usag" "usage "#, b"\"usage\"", false).0);
    }

    #[test]
    fn utf8_is_checked_as_str_from_utf8_does() {
        let cases: [&[u8]; 9] = [
            b"plain",
            "é中𝄞".as_bytes(),
            b"\xff",
            b"\xc0\x80",
            b"\xed\xa0\x80",
            b"\xf4\x90\x80\x80",
            b"\xe0\x80\x80",
            b"\xe2\x82",
            b"\xf0\x9f\x98\x80",
        ];
        for c in cases {
            assert_eq!(
                watch(c, b"", true).1,
                std::str::from_utf8(c).is_ok(),
                "{c:?}"
            );
            assert!(watch(c, b"", false).1, "unchecked outside a region");
        }
    }
}
