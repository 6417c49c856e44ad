//! `.env` files, with the rules of `switchyard_domain::dotenv`: `KEY=value`, `export KEY=value`,
//! `#` comments, single quotes (literal), double quotes (`\n`, `\t`, `\"`, `\\` escapes) and
//! ` #` comments after unquoted values. Unlike that forgiving reader, a line it would skip is a
//! parse error here: we do not edit a file we cannot fully read.

use serde_json::Value;

use super::Entry;
use crate::edit::text::line_col;
use crate::edit::EditError;

pub(super) fn parse(text: &str) -> Result<Vec<Entry>, EditError> {
    let mut entries = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let (start, end) = (offset, offset + raw.len());
        offset = end;
        let line = raw.trim_end_matches(['\n', '\r']);
        match parse_line(line) {
            Ok(None) => {}
            Ok(Some(p)) => entries.push(Entry {
                key: p.key,
                lines: start..end,
                sep_end: start + p.value.start,
                value: start + p.value.start..start + p.value.end,
                scalar: Some(Value::String(p.text)),
                exported: p.exported,
            }),
            Err((col, message)) => {
                let (line, column) = line_col(text, start + col);
                return Err(EditError::Parse {
                    line,
                    column,
                    message: message.to_string(),
                });
            }
        }
    }
    Ok(entries)
}

struct Parsed {
    key: String,
    exported: bool,
    value: std::ops::Range<usize>,
    text: String,
}

type Fail = (usize, &'static str);

fn skip_ws(line: &str, at: usize) -> usize {
    at + line[at..].len() - line[at..].trim_start_matches([' ', '\t']).len()
}

fn parse_line(line: &str) -> Result<Option<Parsed>, Fail> {
    let at = skip_ws(line, 0);
    if at == line.len() || line[at..].starts_with('#') {
        return Ok(None);
    }
    let (exported, at) = match line[at..].strip_prefix("export") {
        Some(rest) if rest.starts_with([' ', '\t']) => (true, skip_ws(line, at + "export".len())),
        _ => (false, at),
    };
    let Some(eq) = line[at..].find('=').map(|i| at + i) else {
        return Err((at, "expected KEY=value"));
    };
    let key = line[at..eq].trim_end_matches([' ', '\t']);
    if !is_valid_name(key) {
        return Err((
            at,
            "invalid variable name (use letters, digits, _ and ., not starting with a digit)",
        ));
    }
    let start = skip_ws(line, eq + 1);
    let (end, text) = value(line, start)?;
    Ok(Some(Parsed {
        key: key.to_string(),
        exported,
        value: start..end,
        text,
    }))
}

/// The value starting at `start`: where its text ends and what it says.
fn value(line: &str, start: usize) -> Result<(usize, String), Fail> {
    let rest = &line[start..];
    let closed = |end: usize, text: String| {
        let tail = line[end..].trim_start_matches([' ', '\t']);
        if tail.is_empty() || tail.starts_with('#') {
            Ok((end, text))
        } else {
            Err((end, "unexpected text after the closing quote"))
        }
    };
    if let Some(body) = rest.strip_prefix('\'') {
        let close = body.find('\'').ok_or((
            start,
            "unterminated single quote (values must fit on one line)",
        ))?;
        return closed(start + close + 2, body[..close].to_string());
    }
    if let Some(body) = rest.strip_prefix('"') {
        let mut text = String::new();
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => return closed(start + i + 2, text),
                '\\' => match chars.next() {
                    Some((_, 'n')) => text.push('\n'),
                    Some((_, 't')) => text.push('\t'),
                    Some((_, other)) => text.push(other),
                    None => break,
                },
                c => text.push(c),
            }
        }
        return Err((
            start,
            "unterminated double quote (values must fit on one line)",
        ));
    }
    // A `#` starts a comment only after white space: `pa#ss` is a value.
    let bytes = rest.as_bytes();
    let comment = (0..bytes.len())
        .find(|&i| bytes[i] == b'#' && (i == 0 || matches!(bytes[i - 1], b' ' | b'\t')))
        .unwrap_or(bytes.len());
    let text = rest[..comment].trim_end_matches([' ', '\t']);
    Ok((start + text.len(), text.to_string()))
}

pub(super) fn is_valid_name(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

/// A value as written: bare when it has only safe characters, else single-quoted (literal),
/// else double-quoted.
pub(super) fn render(value: &str) -> String {
    let bare = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:@+,%^=~".contains(c));
    if bare {
        value.to_string()
    } else if !value.contains(['\'', '\n', '\r']) {
        format!("'{value}'")
    } else {
        let escaped = value
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
            .replace('\t', "\\t");
        format!("\"{escaped}\"")
    }
}
