//! The lines Switchyard owns in a shell's startup file: `COMMAND # switchyard:KEY`. The rest of
//! the file is the user's shell code, which is never parsed (so no line of it can make an edit
//! fail) and never changed: a key is its marker, its value the command before it.

use serde_json::Value;

use super::Entry;
use crate::edit::EditError;

const MARK: &str = " # switchyard:";

/// The end of a line holding `key`.
pub(super) fn marker(key: &str) -> String {
    format!("{MARK}{key}")
}

/// Keys are short names (`copilot-cli`): letters, digits, `-` and `_`.
pub(super) fn check_key(key: &str) -> Result<(), EditError> {
    let ok = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(EditError::shape(
            &[key.to_string()],
            "is not a name for a profile line (letters, digits, - and _)",
        ))
    }
}

/// The marked lines of `text`.
pub(super) fn parse(text: &str) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let Some(at) = line.rfind(MARK) else {
            continue;
        };
        let key = &line[at + MARK.len()..];
        if check_key(key).is_err() {
            continue;
        }
        entries.push(Entry {
            key: key.to_string(),
            lines: start..offset,
            sep_end: start,
            value: start..start + at,
            scalar: Some(Value::String(line[..at].to_string())),
            exported: false,
        });
    }
    entries
}
