//! Line-wise files: YAML (top-level `key: value`), `.env` (`KEY=value`; a sourced env file's
//! new keys are `export`ed) and the lines Switchyard owns in a shell profile. Only top-level
//! keys with one-line scalar values are changed; comments, other lines and quoting elsewhere
//! stay as they were. The last occurrence of a key is the one that counts.
//!
//! A new key is a new line at the end of the file. A value is replaced in place (a `.env`
//! line keeps its `export `, a trailing comment stays). A removed line is put back after the
//! entry that preceded it.

mod dotenv;
mod profile;
mod yaml;

use std::ops::Range;

use serde_json::Value;

use super::engine::{Engine, Step, StepResult};
use super::layout::{recall, remember};
use super::text::{newline, splice, to_u32};
use super::{Anchor, Edit, EditError, Frame, Layout};

/// One `key: value` / `KEY=value` entry.
pub(super) struct Entry {
    pub key: String,
    /// The entry's lines, from its first through its last continuation line, newline included.
    pub lines: Range<usize>,
    /// Right after the separator (`:` or `=`): where a value goes when there is none.
    pub sep_end: usize,
    /// The value's text, quotes included (empty for an empty value).
    pub value: Range<usize>,
    /// The value; `None` when it is not a one-line scalar (a nested block, a multi-line or
    /// flow value, an anchor...), which this editor does not change.
    pub scalar: Option<Value>,
    /// `.env`: the line starts with `export `.
    pub exported: bool,
}

#[derive(Clone, Copy)]
enum Syntax {
    Yaml,
    /// `export_new`: a new key's line is `export`ed even when the file has no entry yet.
    Dotenv {
        export_new: bool,
    },
    Profile,
}

pub(crate) struct Lines(Syntax);

impl Lines {
    pub const YAML: Lines = Lines(Syntax::Yaml);
    pub const DOTENV: Lines = Lines(Syntax::Dotenv { export_new: false });
    pub const SHELL_ENV: Lines = Lines(Syntax::Dotenv { export_new: true });
    pub const PROFILE: Lines = Lines(Syntax::Profile);

    fn parse(&self, text: &str) -> Result<Vec<Entry>, EditError> {
        match self.0 {
            Syntax::Yaml => yaml::parse(text),
            Syntax::Dotenv { .. } => dotenv::parse(text),
            Syntax::Profile => Ok(profile::parse(text)),
        }
    }

    /// A string value as it is written.
    fn render(&self, value: &str) -> String {
        match self.0 {
            Syntax::Yaml => yaml::render(value),
            Syntax::Dotenv { .. } => dotenv::render(value),
            Syntax::Profile => value.to_string(),
        }
    }

    /// The value's text as the file had it, where writing `previous` afresh would differ.
    fn remember(&self, raw: &str, previous: &Value, secret: bool) -> Option<String> {
        remember(raw, previous, &self.fresh(previous), secret)
    }

    /// Any value as it would be written afresh.
    fn fresh(&self, value: &Value) -> String {
        match value {
            Value::String(s) => self.render(s),
            Value::Null => String::new(),
            other => other.to_string(),
        }
    }

    /// The start of a new line for `key`, up to its value.
    fn prefix(&self, key: &str, entries: &[Entry]) -> Result<String, EditError> {
        match self.0 {
            Syntax::Yaml => Ok(format!("{}: ", yaml::render(key))),
            Syntax::Dotenv { export_new } => {
                if !dotenv::is_valid_name(key) {
                    return Err(EditError::shape(
                        &[key.to_string()],
                        "is not a valid variable name",
                    ));
                }
                let export = if entries.is_empty() {
                    export_new
                } else {
                    entries.iter().all(|e| e.exported)
                };
                Ok(format!("{}{key}=", if export { "export " } else { "" }))
            }
            Syntax::Profile => profile::check_key(key).map(|()| String::new()),
        }
    }

    /// The end of a new line for `key`, after its value and before the line end.
    fn suffix(&self, key: &str) -> String {
        match self.0 {
            Syntax::Profile => profile::marker(key),
            _ => String::new(),
        }
    }

    /// What goes between the separator and a value written where there was none.
    fn gap(&self) -> &'static str {
        match self.0 {
            Syntax::Yaml => " ",
            Syntax::Dotenv { .. } | Syntax::Profile => "",
        }
    }
}

fn single(path: &[String]) -> Result<&str, EditError> {
    match path {
        [key] => Ok(key),
        _ => Err(EditError::Unsupported(format!(
            "`{}`: only top-level keys can be edited in this file",
            path.join(".")
        ))),
    }
}

fn last<'e>(entries: &'e [Entry], key: &str) -> Option<(usize, &'e Entry)> {
    entries.iter().enumerate().rev().find(|(_, e)| e.key == key)
}

fn not_scalar(key: &str) -> EditError {
    EditError::Unsupported(format!(
        "`{key}` holds a nested or multi-line value, which is not edited line-wise"
    ))
}

impl Engine for Lines {
    fn check(&self, text: &str) -> Result<(), EditError> {
        self.parse(text).map(|_| ())
    }

    fn read(&self, text: &str, path: &[String]) -> Result<Option<Value>, EditError> {
        let key = single(path)?;
        match last(&self.parse(text)?, key) {
            None => Ok(None),
            Some((_, e)) => e.scalar.clone().map(Some).ok_or_else(|| not_scalar(key)),
        }
    }

    fn set(&self, text: &str, path: &[String], value: &Value, secret: bool) -> StepResult {
        let key = single(path)?;
        let Value::String(s) = value else {
            return Err(EditError::Unsupported(format!(
                "`{key}`: only text values are written to this file"
            )));
        };
        let entries = self.parse(text)?;
        let rendered = self.render(s);
        let (text, previous, layout) = match last(&entries, key) {
            Some((_, entry)) => {
                let previous = entry.scalar.clone().ok_or_else(|| not_scalar(key))?;
                let raw = self.remember(&text[entry.value.clone()], &previous, secret);
                let text = if entry.value.is_empty() {
                    let at = entry.sep_end;
                    splice(
                        text,
                        at..entry.value.end,
                        &format!("{}{rendered}", self.gap()),
                    )
                } else {
                    splice(text, entry.value.clone(), &rendered)
                };
                (
                    text,
                    Some(previous),
                    Layout {
                        raw,
                        ..Layout::default()
                    },
                )
            }
            None => {
                let end = format!("{}{}", self.suffix(key), newline(text));
                let put = Frame::new(self.prefix(key, &entries)?, end);
                let text = format!("{text}{}{rendered}{}", put.before, put.after);
                (
                    text,
                    None,
                    Layout {
                        put: Some(put),
                        ..Layout::default()
                    },
                )
            }
        };
        Ok(Step::wrote(text, path, previous, value, secret, layout))
    }

    fn remove(&self, text: &str, path: &[String], secret: bool) -> Result<Option<Step>, EditError> {
        let key = single(path)?;
        let mut text = text.to_string();
        // Earlier duplicates are dead lines (the last one counts); they go without a record.
        loop {
            let entries = self.parse(&text)?;
            let found: Vec<&Entry> = entries.iter().filter(|e| e.key == key).collect();
            match found.as_slice() {
                [] => return Ok(None),
                [first, _, ..] => text = splice(&text, first.lines.clone(), ""),
                [_] => break,
            }
        }
        let entries = self.parse(&text)?;
        let Some((i, entry)) = last(&entries, key) else {
            return Ok(None);
        };
        let previous = entry.scalar.clone().ok_or_else(|| not_scalar(key))?;
        let raw = self.remember(&text[entry.value.clone()], &previous, secret);
        let (after, from) = match i.checked_sub(1).map(|p| &entries[p]) {
            Some(p) => (Some(p.key.clone()), p.lines.end),
            None => (None, 0),
        };
        let skip = to_u32(text[from..entry.lines.start].matches('\n').count());
        let took = Frame::new(
            &text[entry.lines.start..entry.value.start],
            &text[entry.value.end..entry.lines.end],
        );
        let layout = Layout {
            took: Some(took),
            anchor: Some(Anchor::Line { after, skip }),
            raw,
            ..Layout::default()
        };
        let text = splice(&text, entry.lines.clone(), "");
        Ok(Some(Step::removed(text, path, previous, secret, layout)))
    }

    fn undo(&self, text: &str, edit: &Edit) -> Result<String, EditError> {
        let key = single(&edit.path)?;
        let entries = self.parse(text)?;
        let layout = &edit.layout;
        match (&edit.previous, last(&entries, key)) {
            (Some(previous), Some((_, entry))) => {
                let back = recall(layout.raw.as_deref(), previous, || self.fresh(previous));
                let range = if back.is_empty() {
                    entry.sep_end..entry.value.end
                } else {
                    entry.value.clone()
                };
                Ok(splice(text, range, &back))
            }
            (None, Some((_, entry))) => Ok(splice(text, entry.lines.clone(), "")),
            (Some(previous), None) => {
                let back = recall(layout.raw.as_deref(), previous, || self.fresh(previous));
                let took = match &layout.took {
                    Some(t) => t.clone(),
                    None => Frame::new(
                        self.prefix(key, &entries)?,
                        format!("{}{}", self.suffix(key), newline(text)),
                    ),
                };
                let at = place(text, &entries, layout.anchor.as_ref());
                Ok(splice(
                    text,
                    at..at,
                    &format!("{}{back}{}", took.before, took.after),
                ))
            }
            (None, None) => Ok(text.to_string()),
        }
    }

    fn drop_if_empty(&self, text: &str, _path: &[String]) -> Result<String, EditError> {
        Ok(text.to_string())
    }

    fn is_blank(&self, text: &str) -> bool {
        text.trim().is_empty()
    }
}

/// Where a removed line goes back: after its anchor entry and the comment or blank lines that
/// followed it (fewer if an entry now comes first); at the end when the anchor is gone.
fn place(text: &str, entries: &[Entry], anchor: Option<&Anchor>) -> usize {
    let Some(Anchor::Line { after, skip }) = anchor else {
        return text.len();
    };
    let mut at = match after {
        None => 0,
        Some(k) => match last(entries, k) {
            Some((_, e)) => e.lines.end,
            None => return text.len(),
        },
    };
    for _ in 0..*skip {
        if entries.iter().any(|e| e.lines.start == at) || at >= text.len() {
            break;
        }
        at = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
    }
    at
}
