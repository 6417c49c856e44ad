//! A one-line tokenizer for JSON and TOML: strings, bare words and punctuation, stopping at a
//! comment. Enough to see `"key": "value"` and `key = "value"` pairs, including several on a
//! line (minified JSON, TOML inline tables), without parsing the whole document.

use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Tok {
    /// A quoted string; the range is inside the quotes, escapes left as written.
    Str(Range<usize>),
    /// A bare word (TOML keys, numbers, `true`).
    Bare(Range<usize>),
    /// One of `= : , { } [ ]`, at this byte offset.
    Punct(char, usize),
}

/// The tokens of `line` up to a comment (`#` in TOML; `//` or `/*` in JSON) or anything that
/// cannot be read on its own line (an unterminated or multi-line string).
pub(super) fn tokenize(line: &str, json: bool) -> Vec<Tok> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &line[i..];
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if (json && (rest.starts_with("//") || rest.starts_with("/*")))
            || (!json && c == b'#')
            || rest.starts_with("\"\"\"")
            || rest.starts_with("'''")
        {
            break;
        } else if c == b'"' || (!json && c == b'\'') {
            let Some(close) = closing_quote(line, i) else {
                break;
            };
            out.push(Tok::Str(i + 1..close));
            i = close + 1;
        } else if b"=:,{}[]".contains(&c) {
            out.push(Tok::Punct(char::from(c), i));
            i += 1;
        } else {
            let len = rest
                .find(|ch: char| ch.is_ascii_whitespace() || "=:,{}[]\"'#".contains(ch))
                .unwrap_or(rest.len())
                .max(1);
            out.push(Tok::Bare(i..i + len));
            i += len;
        }
    }
    out
}

/// The offset of the quote closing the string that opens at `open`. Double quotes honour
/// backslash escapes; single quotes (TOML literal strings) do not.
pub(super) fn closing_quote(line: &str, open: usize) -> Option<usize> {
    let bytes = line.as_bytes();
    let quote = *bytes.get(open)?;
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b if b == quote => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// The offset of a `,` that ends the line's code (before any comment), if there is one.
pub(super) fn trailing_comma(line: &str, json: bool) -> Option<usize> {
    match tokenize(line, json).last() {
        Some(Tok::Punct(',', at)) => Some(*at),
        _ => None,
    }
}
