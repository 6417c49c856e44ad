//! Lines as byte ranges of the original text, so every edit splices the text and keeps each
//! line's terminator (`\n` or `\r\n`), a missing final newline and a leading BOM as they were.

use std::ops::Range;

/// One line: its content, without the terminator and without the BOM on the first line.
#[derive(Debug, Clone)]
pub(super) struct Line {
    pub content: Range<usize>,
}

/// Splits `text` into lines; a final line without a newline counts, an empty tail does not.
pub(super) fn split(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0;
    for segment in text.split_inclusive('\n') {
        let end = start + segment.len();
        let terminator = if segment.ends_with("\r\n") {
            2
        } else if segment.ends_with('\n') {
            1
        } else {
            0
        };
        let bom = if start == 0 && segment.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        };
        out.push(Line {
            content: start + bom..end - terminator,
        });
        start = end;
    }
    out
}

/// The 1-based number of the line at `index`.
pub(super) fn number(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}
