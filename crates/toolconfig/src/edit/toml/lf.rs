//! Carrying `toml_edit`'s changes back onto the original text.
//!
//! `toml_edit` prints CRLF files with LF line endings. So the engine hands it an LF copy of the
//! text, compares its printing of the document before and after a change, and splices only the
//! part that differs into the original, mapped back through the removed `\r`s and written with
//! the file's own line ending. Everything outside the changed part stays byte for byte.

use crate::edit::text::{newline, splice};

/// An LF copy of a text, with each byte's position in the original.
pub(super) struct Lf {
    pub text: String,
    /// `map[i]`: where byte `i` of `text` is in the original (a `\n` that was `\r\n` maps to the
    /// `\r`); one more entry for the end.
    map: Vec<usize>,
    crlf: bool,
}

impl Lf {
    pub fn new(original: &str) -> Lf {
        let bytes = original.as_bytes();
        let mut text = Vec::with_capacity(bytes.len());
        let mut map = Vec::with_capacity(bytes.len() + 1);
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                text.push(b'\n');
                map.push(i);
                i += 2;
            } else {
                text.push(bytes[i]);
                map.push(i);
                i += 1;
            }
        }
        map.push(bytes.len());
        Lf {
            // Only whole `\r\n` pairs were dropped, so this is still UTF-8.
            text: String::from_utf8_lossy(&text).into_owned(),
            map,
            crlf: newline(original) == "\r\n",
        }
    }

    /// Position in the original of byte `i` of the LF copy.
    pub fn original_offset(&self, i: usize) -> usize {
        self.map
            .get(i)
            .copied()
            .unwrap_or_else(|| self.map.last().copied().unwrap_or(0))
    }

    /// `original` with the change from `before` to `after` (two printings of the document)
    /// applied. When `before` is not exactly the LF copy (a file `toml_edit` does not print back
    /// as it read it), the whole of `after` is the result.
    pub fn carry(&self, original: &str, before: &str, after: &str) -> String {
        if before != self.text {
            return self.endings(after);
        }
        let (prefix, suffix) = common_ends(before, after);
        let start = self.original_offset(prefix);
        let end = self.original_offset(before.len() - suffix);
        splice(
            original,
            start..end,
            &self.endings(&after[prefix..after.len() - suffix]),
        )
    }

    fn endings(&self, text: &str) -> String {
        if !self.crlf {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len() + text.len() / 16);
        let mut previous = None;
        for c in text.chars() {
            if c == '\n' && previous != Some('\r') {
                out.push('\r');
            }
            out.push(c);
            previous = Some(c);
        }
        out
    }
}

/// Lengths in bytes of the common prefix and (not overlapping it) common suffix, on character
/// boundaries.
fn common_ends(a: &str, b: &str) -> (usize, usize) {
    let (ab, bb) = (a.as_bytes(), b.as_bytes());
    let mut prefix = ab.iter().zip(bb).take_while(|(x, y)| x == y).count();
    while !a.is_char_boundary(prefix) || !b.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let limit = ab.len().min(bb.len()) - prefix;
    let mut suffix = ab
        .iter()
        .rev()
        .zip(bb.iter().rev())
        .take(limit)
        .take_while(|(x, y)| x == y)
        .count();
    while !a.is_char_boundary(ab.len() - suffix) || !b.is_char_boundary(bb.len() - suffix) {
        suffix -= 1;
    }
    (prefix, suffix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_lands_in_the_crlf_original() {
        let original = "a = 1\r\n\r\n[x]\r\nb = 2\r\n";
        let lf = Lf::new(original);
        assert_eq!(lf.text, "a = 1\n\n[x]\nb = 2\n");
        let after = "a = 1\nz = 3\n\n[x]\nb = 2\n";
        assert_eq!(
            lf.carry(original, &lf.text, after),
            "a = 1\r\nz = 3\r\n\r\n[x]\r\nb = 2\r\n"
        );
        let removed = "a = 1\n\n[x]\n";
        assert_eq!(
            lf.carry(original, &lf.text, removed),
            "a = 1\r\n\r\n[x]\r\n"
        );
    }

    #[test]
    fn common_ends_respect_characters() {
        assert_eq!(common_ends("aé", "aè"), (1, 0));
        assert_eq!(common_ends("abc", "abc"), (3, 0));
        assert_eq!(common_ends("ab", "axb"), (1, 1));
    }
}
