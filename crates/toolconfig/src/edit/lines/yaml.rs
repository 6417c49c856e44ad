//! YAML, read line-wise: a document whose top level is a mapping of `key: value` lines.
//!
//! Indented lines (and `- item` lines right under an empty `key:`) belong to the entry above
//! them, which then holds a nested value that is never changed. Plain scalars resolve as PyYAML
//! does (aider reads its config with it): `true`/`yes`/`on` are booleans, `~`/`null` is null,
//! numbers are numbers. A value is written plain when it would read back as the same string,
//! else double-quoted.

use serde_json::{Number, Value};

use super::Entry;
use crate::edit::text::line_col;
use crate::edit::EditError;

pub(super) fn parse(text: &str) -> Result<Vec<Entry>, EditError> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut started = false;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let (start, end) = (offset, offset + raw.len());
        offset = end;
        let line = raw.trim_end_matches(['\n', '\r']);
        let bad = |col: usize, message: &str| {
            let (line, column) = line_col(text, start + col);
            EditError::Parse {
                line,
                column,
                message: message.to_string(),
            }
        };
        let trimmed = line.trim_start_matches([' ', '\t']);
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if trimmed.len() < line.len() {
            let Some(entry) = entries.last_mut() else {
                return Err(bad(0, "indented content before the first key"));
            };
            entry.lines.end = end;
            entry.scalar = None;
            continue;
        }
        if is_marker(line, "---") {
            if started {
                return Err(EditError::Unsupported(
                    "a file with several YAML documents is not edited".into(),
                ));
            }
            continue;
        }
        if is_marker(line, "...") {
            return Err(EditError::Unsupported(
                "a YAML document end marker (`...`) is not edited around".into(),
            ));
        }
        if line == "-" || line.starts_with("- ") || line.starts_with("-\t") {
            match entries.last_mut() {
                Some(entry) if entry.value.is_empty() => {
                    entry.lines.end = end;
                    entry.scalar = None;
                    continue;
                }
                _ => {
                    return Err(EditError::shape(
                        &[],
                        "the YAML document is a list, not a mapping",
                    ))
                }
            }
        }
        match line.chars().next() {
            Some('%') if !started => continue,
            Some('{' | '[') => {
                return Err(EditError::Unsupported(
                    "a flow-style YAML document is not edited".into(),
                ))
            }
            Some('?') => {
                return Err(EditError::Unsupported(
                    "complex YAML keys are not edited".into(),
                ))
            }
            _ => {}
        }
        started = true;
        let (key, colon) = key_of(line).map_err(|(col, m)| bad(col, m))?;
        let (value, scalar) = value_of(line, colon + 1).map_err(|(col, m)| bad(col, m))?;
        entries.push(Entry {
            key,
            lines: start..end,
            sep_end: start + colon + 1,
            value: start + value.start..start + value.end,
            scalar,
            exported: false,
        });
    }
    Ok(entries)
}

fn is_marker(line: &str, marker: &str) -> bool {
    line.strip_prefix(marker)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
}

type Fail = (usize, &'static str);

/// The key of a `key: value` line and the position of its colon.
fn key_of(line: &str) -> Result<(String, usize), Fail> {
    if let Some(q @ ('"' | '\'')) = line.chars().next() {
        let (key, end) = quoted(line, 0, q)?.ok_or((0, "unterminated quoted key"))?;
        let rest = &line[end..];
        let colon = end + rest.len() - rest.trim_start_matches([' ', '\t']).len();
        return match line[colon..].strip_prefix(':') {
            Some(_) => Ok((key, colon)),
            None => Err((colon, "expected `:` after the key")),
        };
    }
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b':' && matches!(bytes.get(i + 1), None | Some(b' ' | b'\t')) {
            let key = line[..i].trim_end();
            if key.is_empty() {
                return Err((0, "expected a key before `:`"));
            }
            return Ok((key.to_string(), i));
        }
        if b == b'#' && i > 0 && matches!(bytes[i - 1], b' ' | b'\t') {
            break;
        }
    }
    Err((0, "expected `key: value`"))
}

/// The value starting at byte `from` of `line`: its range in the line and its scalar.
fn value_of(line: &str, from: usize) -> Result<(std::ops::Range<usize>, Option<Value>), Fail> {
    let rest = &line[from..];
    let start = from + rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let tail = &line[start..];
    match tail.chars().next() {
        None | Some('#') => Ok((from..from, Some(Value::Null))),
        Some(q @ ('"' | '\'')) => match quoted(line, start, q)? {
            None => Ok((start..line.len(), None)),
            Some((s, end)) => {
                let after = line[end..].trim_start_matches([' ', '\t']);
                if !(after.is_empty() || after.starts_with('#')) {
                    return Err((end, "unexpected text after the closing quote"));
                }
                Ok((start..end, Some(Value::String(s))))
            }
        },
        Some('|' | '>' | '&' | '*' | '!' | '[' | '{') => Ok((start..line.len(), None)),
        Some(_) => {
            let bytes = tail.as_bytes();
            let comment = (1..bytes.len())
                .find(|&i| bytes[i] == b'#' && matches!(bytes[i - 1], b' ' | b'\t'))
                .unwrap_or(bytes.len());
            let text = tail[..comment].trim_end_matches([' ', '\t']);
            Ok((start..start + text.len(), Some(resolve(text))))
        }
    }
}

/// A quoted scalar starting at byte `at` (the quote): its value and the end of its closing
/// quote; `None` when it does not close on this line.
fn quoted(line: &str, at: usize, quote: char) -> Result<Option<(String, usize)>, Fail> {
    let mut out = String::new();
    let mut chars = line[at + 1..].char_indices();
    while let Some((i, c)) = chars.next() {
        let pos = at + 1 + i;
        match c {
            '\'' if quote == '\'' => {
                if line[pos + 1..].starts_with('\'') {
                    out.push('\'');
                    chars.next();
                } else {
                    return Ok(Some((out, pos + 1)));
                }
            }
            '"' if quote == '"' => return Ok(Some((out, pos + 1))),
            '\\' if quote == '"' => {
                let Some((_, e)) = chars.next() else {
                    return Ok(None);
                };
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    '0' => out.push('\0'),
                    '"' | '\\' | '/' | ' ' => out.push(e),
                    'x' | 'u' | 'U' => {
                        let n = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let hex: String = chars.by_ref().take(n).map(|(_, h)| h).collect();
                        let c = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                        out.push(c.ok_or((pos, "invalid escape in a double-quoted value"))?);
                    }
                    _ => return Err((pos, "invalid escape in a double-quoted value")),
                }
            }
            c => out.push(c),
        }
    }
    Ok(None)
}

/// A plain scalar as PyYAML reads it.
fn resolve(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y" => {
            return Value::Bool(true)
        }
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "n" | "N" => {
            return Value::Bool(false)
        }
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = text.parse::<i64>() {
            return Value::from(i);
        }
    }
    let numeric = digits
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || b == b'.')
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if numeric {
        if let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
            return Value::Number(n);
        }
    }
    Value::String(text.to_string())
}

/// A string as a YAML scalar (also used for keys).
pub(super) fn render(value: &str) -> String {
    if is_plain_safe(value) {
        return value.to_string();
    }
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || c == '\u{feff}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn is_plain_safe(value: &str) -> bool {
    let Some(first) = value.chars().next() else {
        return false;
    };
    !"-?:,[]{}#&*!|>'\"%@`~ \t".contains(first)
        && !value.ends_with([' ', '\t', ':'])
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.chars().any(|c| c.is_control() || c == '\u{feff}')
        && matches!(resolve(value), Value::String(_))
}
