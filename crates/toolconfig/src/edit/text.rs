//! Text helpers shared by the engines: the envelope (byte order mark, final newline), line
//! endings, and byte offsets to 1-based line/column.

/// What [`Envelope::open`] took off a file's text, to put back in [`Envelope::close`]: engines
/// see a text without a byte order mark that, unless empty, ends with a newline.
pub(crate) struct Envelope {
    bom: bool,
    /// The line ending added because the text had no final newline.
    added: Option<&'static str>,
}

const BOM: char = '\u{feff}';

impl Envelope {
    /// For a text whose original (before apply) had no final newline: apply then took the
    /// newline off the end of its result, so it is added back here even when the text ends
    /// with one (a blank last line), and taken off again in [`Envelope::close`].
    pub(crate) fn open_bare(text: &str) -> (Envelope, String) {
        let (mut envelope, mut body) = Envelope::open(text);
        let nl = newline(&body);
        if envelope.added.is_none() && !body.is_empty() {
            body.push_str(nl);
        }
        envelope.added = Some(nl);
        (envelope, body)
    }

    pub(crate) fn open(text: &str) -> (Envelope, String) {
        let (bom, body) = match text.strip_prefix(BOM) {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let mut body = body.to_string();
        let added = if body.is_empty() || body.ends_with('\n') {
            None
        } else {
            let nl = newline(&body);
            body.push_str(nl);
            Some(nl)
        };
        (Envelope { bom, added }, body)
    }

    /// Whether the text had no final newline (an empty text has none to miss).
    pub(crate) fn missed_newline(&self) -> bool {
        self.added.is_some()
    }

    pub(crate) fn close(&self, mut body: String) -> String {
        if let Some(nl) = self.added {
            if body.ends_with(nl) {
                body.truncate(body.len() - nl.len());
            }
        }
        if self.bom {
            body.insert(0, BOM);
        }
        body
    }
}

/// The line ending most of the text uses (`\n` when there is none).
pub(crate) fn newline(text: &str) -> &'static str {
    let crlf = text.matches("\r\n").count();
    let lf = text.matches('\n').count();
    if crlf > 0 && crlf * 2 >= lf {
        "\r\n"
    } else {
        "\n"
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (to_u32(line), to_u32(column))
}

pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The start of the line holding `offset`.
pub(crate) fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// The white space a line starts with.
pub(crate) fn indent_of_line(text: &str, offset: usize) -> &str {
    let start = line_start(text, offset);
    let line = &text[start..];
    let end = line
        .find(|c: char| c != ' ' && c != '\t')
        .unwrap_or(line.len());
    &line[..end]
}

/// `text` with `range` replaced by `with`.
pub(crate) fn splice(text: &str, range: std::ops::Range<usize>, with: &str) -> String {
    let mut out = String::with_capacity(text.len() + with.len());
    out.push_str(&text[..range.start]);
    out.push_str(with);
    out.push_str(&text[range.end..]);
    out
}

/// Whether `text[at..]` starts with `part`, without panicking on bad offsets.
pub(crate) fn has_at(text: &str, at: usize, part: &str) -> bool {
    text.get(at..).is_some_and(|rest| rest.starts_with(part))
}

/// Whether `text[..end]` ends with `part`, without panicking on bad offsets.
pub(crate) fn has_before(text: &str, end: usize, part: &str) -> bool {
    text.get(..end).is_some_and(|head| head.ends_with(part))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_gives_back_what_it_took() {
        for text in ["", "a", "a\n", "\u{feff}a", "a\r\nb", "\u{feff}"] {
            let (env, body) = Envelope::open(text);
            assert!(body.is_empty() || body.ends_with('\n'), "{text:?}");
            assert_eq!(env.close(body), text);
        }
        let (env, body) = Envelope::open("a\r\nb");
        assert_eq!(body, "a\r\nb\r\n", "the added newline is the file's own");
        assert_eq!(env.close(body + "c\r\n"), "a\r\nb\r\nc");
    }

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        assert_eq!(line_col("ab\ncdé\nf", 0), (1, 1));
        assert_eq!(line_col("ab\ncdé\nf", 3), (2, 1));
        assert_eq!(line_col("ab\ncdé\nf", 8), (3, 1));
        assert_eq!(line_col("ab\ncdéx", 7), (2, 4));
    }
}
