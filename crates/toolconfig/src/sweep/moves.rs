//! Moving a found key out of its file and back.
//!
//! [`take_out`] replaces one span of whole lines and records it twice, as [`Moved::inserted`]
//! (what the file now holds there) and [`Moved::template`] (what it held, the key replaced by
//! [`PLACEHOLDER`]). [`restore`] looks for `inserted` as whole lines anywhere in the live text,
//! nearest the recorded line, and swaps the template back in with the key. Everything outside
//! the span is never touched, so take-out then restore returns the original byte for byte.

use switchyard_domain::mask_key;

use super::lines::{self, Line};
use super::syntax::Assignment;
use super::{findings_on_line, tokens, Moved, SourceKind, SweepError, PLACEHOLDER};

const MOVED_NOTE: &str = "# moved to the Switchyard keychain";

/// Takes the finding of `variable` (masked as `masked`) on line `found_line` out of the file.
///
/// The line becomes a comment with the key masked (`# export X="sk-…abcd"  # moved to the
/// Switchyard keychain <note>`); in JSON the member's line is removed and, when it was the last
/// member, the comma before it too. `Changed` when the line no longer holds that finding;
/// `Unsupported` when other settings share the line or the key appears twice in the span.
pub fn take_out(
    text: &str,
    source: SourceKind,
    found_line: u32,
    variable: &str,
    masked: &str,
    note: &str,
) -> Result<(String, Moved), SweepError> {
    let all = lines::split(text);
    let index = usize::try_from(found_line)
        .ok()
        .and_then(|n| n.checked_sub(1))
        .filter(|&i| i < all.len())
        .ok_or(SweepError::Changed)?;
    let line = &all[index];
    let content = &text[line.content.clone()];
    let assignment = findings_on_line(content, source)
        .into_iter()
        .map(|(a, _)| a)
        .find(|a| a.variable == variable && mask_key(&content[a.value.clone()]) == masked)
        .ok_or(SweepError::Changed)?;
    if !assignment.whole_line {
        return Err(unsupported(
            "other settings share its line; edit the file by hand",
        ));
    }
    let start = line.content.start + assignment.value.start;
    let end = line.content.start + assignment.value.end;
    let value = &text[start..end];
    if note.contains(['\n', '\r']) || note.contains(value) {
        return Err(unsupported(
            "the note must fit on one line and not hold the key",
        ));
    }
    let span = match source {
        SourceKind::Json => json_span(text, &all, index)?,
        _ => comment_span(content, &assignment, masked, note, line),
    };
    let template = format!(
        "{}{PLACEHOLDER}{}",
        &text[span.start..start],
        &text[end..span.end]
    );
    if span.inserted.contains(value)
        || template.contains(value)
        || text[span.start..span.end].contains(PLACEHOLDER)
    {
        return Err(unsupported(
            "the key appears more than once nearby; edit the file by hand",
        ));
    }
    let new_text = format!(
        "{}{}{}",
        &text[..span.start],
        span.inserted,
        &text[span.end..]
    );
    let moved = Moved {
        line: found_line,
        inserted: span.inserted,
        template,
    };
    Ok((new_text, moved))
}

/// Puts the key back: finds `moved.inserted` as whole lines (nearest `moved.line`, so lines the
/// user added above do not matter) and replaces it with the template holding `value`.
///
/// `NotFound` when the inserted text is gone; `Unsupported` when the record is damaged or
/// `value` would not read back as the same kind of literal (so nothing but a key is ever
/// written into a shell file).
pub fn restore(
    text: &str,
    source: SourceKind,
    moved: &Moved,
    value: &str,
) -> Result<String, SweepError> {
    if moved.template.matches(PLACEHOLDER).count() != 1 || moved.inserted.is_empty() {
        return Err(unsupported("the record of the move is damaged"));
    }
    let at = locate(text, moved).ok_or(SweepError::NotFound)?;
    // Only a literal that reads back as the same kind of finding goes in: never code.
    let key_line = moved
        .template
        .split('\n')
        .find(|l| l.contains(PLACEHOLDER))
        .unwrap_or_default()
        .trim_end_matches('\r')
        .replacen(PLACEHOLDER, value, 1);
    let fits = !value.contains(['\n', '\r'])
        && findings_on_line(&key_line, source)
            .iter()
            .any(|(a, _)| &key_line[a.value.clone()] == value);
    if !fits {
        return Err(unsupported(
            "the key does not fit the recorded line; put it back by hand",
        ));
    }
    let restored = moved.template.replacen(PLACEHOLDER, value, 1);
    Ok(format!(
        "{}{restored}{}",
        &text[..at],
        &text[at + moved.inserted.len()..]
    ))
}

/// The byte offset of the whole-line occurrence of `moved.inserted` that would put the key back
/// nearest `moved.line` (the later one on a tie: lines are more often added above than removed).
fn locate(text: &str, moved: &Moved) -> Option<usize> {
    let all = lines::split(text);
    let extra_lines = moved.inserted.matches('\n').count();
    let key_offset = moved
        .template
        .split('\n')
        .position(|l| l.contains(PLACEHOLDER))?;
    text.match_indices(moved.inserted.as_str())
        .filter_map(|(at, _)| {
            let first = all.iter().position(|l| l.content.start == at)?;
            let last = all.get(first + extra_lines)?;
            (last.content.end == at + moved.inserted.len()).then_some((at, first + key_offset))
        })
        .min_by_key(|&(_, key_index)| {
            let distance = lines::number(key_index).abs_diff(moved.line);
            (distance, std::cmp::Reverse(key_index))
        })
        .map(|(at, _)| at)
}

/// A replaced span of the original text and what now stands there.
struct Span {
    start: usize,
    end: usize,
    inserted: String,
}

/// The line as a comment, key masked: `<indent># <line>  # moved to the Switchyard keychain`.
fn comment_span(content: &str, a: &Assignment, masked: &str, note: &str, line: &Line) -> Span {
    let indent = content.len() - content.trim_start_matches([' ', '\t']).len();
    let note = if note.is_empty() {
        String::new()
    } else {
        format!(" {note}")
    };
    let inserted = format!(
        "{}# {}{masked}{}  {MOVED_NOTE}{note}",
        &content[..indent],
        &content[indent..a.value.start],
        &content[a.value.end..],
    );
    Span {
        start: line.content.start,
        end: line.content.end,
        inserted,
    }
}

/// The JSON member's line removed, anchored on a neighbouring line so `restore` can find the
/// place again: the line above (the previous member's, minus its comma, when this was the last
/// member), or the line below when the line above holds another key. No other key may end up in
/// the record, so a neighbour holding one is refused.
fn json_span(text: &str, all: &[Line], index: usize) -> Result<Span, SweepError> {
    let member = &all[index];
    // The neighbour's text is stored in the record: it must hold no key, and nothing that may be
    // another secret either (a gateway token, a GitHub token).
    let holds_key = |l: &Line| {
        let line = &text[l.content.clone()];
        !findings_on_line(line, SourceKind::Json).is_empty() || may_be_secret(line)
    };
    let neighbour_first =
        || unsupported("a key or token sits on the line next to it; move or edit that one first");
    if tokens::trailing_comma(&text[member.content.clone()], true).is_none() {
        if let Some((comma_line, at)) = comma_before(text, &all[..index]) {
            // The last member: the comma before it goes too.
            if all[comma_line..index].iter().any(holds_key) {
                return Err(neighbour_first());
            }
            let start = all[comma_line].content.start;
            let inserted = format!(
                "{}{}",
                &text[start..at],
                &text[at + 1..all[index - 1].content.end]
            );
            return Ok(Span {
                start,
                end: member.content.end,
                inserted,
            });
        }
    }
    let before = index.checked_sub(1).map(|i| &all[i]);
    let after = all.get(index + 1);
    match (before, after) {
        (Some(b), _) if !holds_key(b) => Ok(Span {
            start: b.content.start,
            end: member.content.end,
            inserted: text[b.content.clone()].to_string(),
        }),
        (_, Some(a)) if !holds_key(a) => Ok(Span {
            start: member.content.start,
            end: a.content.end,
            inserted: text[a.content.clone()].to_string(),
        }),
        (None, None) => Err(unsupported("the file is not pretty-printed JSON")),
        _ => Err(neighbour_first()),
    }
}

/// The line index and byte offset of the comma ending the last line of code in `above`, if
/// that line ends with one (blank and comment lines are skipped).
fn comma_before(text: &str, above: &[Line]) -> Option<(usize, usize)> {
    let (i, line) = above.iter().enumerate().rev().find(|(_, l)| {
        let code = text[l.content.clone()].trim();
        !(code.is_empty() || code.starts_with("//") || code.starts_with("/*"))
    })?;
    let at = tokens::trailing_comma(&text[line.content.clone()], true)?;
    Some((i, line.content.start + at))
}

fn unsupported(why: &str) -> SweepError {
    SweepError::Unsupported(why.to_string())
}

/// Whether a line holds a string that could be a credential: 24 or more characters of
/// `[A-Za-z0-9_.-]` with letters and digits (a gateway token, a GitHub token, an unknown key).
fn may_be_secret(line: &str) -> bool {
    line.split('"').skip(1).step_by(2).any(|s| {
        s.len() >= 24
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
            && s.chars().any(|c| c.is_ascii_digit())
            && s.chars().any(|c| c.is_ascii_alphabetic())
    })
}
