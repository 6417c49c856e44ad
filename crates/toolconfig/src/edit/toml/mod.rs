//! TOML through `toml_edit`: the change is made on its document, then only the part of its
//! printing that differs is spliced into the original (see [`lf`]), so untouched lines, CRLF
//! endings and formatting `toml_edit` would normalise stay as they were.
//!
//! New root keys land after the last root key, before the first table. A missing table for a
//! key is created as a normal `[a.b]` table at the end of the file (its parents implicit), or
//! as an inline/dotted table when its parent is one. Replacing a value keeps its comment.

mod convert;
mod lf;
mod place;

use serde_json::Value;
use toml_edit::{DocumentMut, InlineTable, Item, Table, Value as TomlValue};

use self::convert::{bare_text, to_item, to_json, to_value};
use self::lf::Lf;
use self::place::{append_inline, reinsert_layout, remove_key};
use super::engine::{Engine, Step, StepResult};
use super::layout::{recall, remember};
use super::text::line_col;
use super::{Anchor, Edit, EditError, Frame, KeyPath, Layout};

pub(crate) struct Toml;

fn parse(text: &str) -> Result<(Lf, DocumentMut), EditError> {
    let lf = Lf::new(text);
    match lf.text.parse::<DocumentMut>() {
        Ok(doc) => Ok((lf, doc)),
        Err(e) => {
            let at = lf.original_offset(e.span().map_or(0, |s| s.start));
            let (line, column) = line_col(text, at);
            let message = e
                .message()
                .lines()
                .next()
                .unwrap_or("invalid TOML")
                .to_string();
            Err(EditError::Parse {
                line,
                column,
                message,
            })
        }
    }
}

/// Runs `change` on the document of `text` and carries the result back onto `text`.
fn edit<T>(
    text: &str,
    change: impl FnOnce(&mut DocumentMut) -> Result<T, EditError>,
) -> Result<(String, T), EditError> {
    let (lf, mut doc) = parse(text)?;
    let before = doc.to_string();
    let out = change(&mut doc)?;
    Ok((lf.carry(text, &before, &doc.to_string()), out))
}

impl Engine for Toml {
    fn check(&self, text: &str) -> Result<(), EditError> {
        parse(text).map(|_| ())
    }

    fn read(&self, text: &str, path: &[String]) -> Result<Option<Value>, EditError> {
        let (_, doc) = parse(text)?;
        let mut item = doc.as_item();
        for (i, key) in path.iter().enumerate() {
            let Some(table) = item.as_table_like() else {
                return Err(EditError::shape(&path[..i], "is not a table"));
            };
            match table.get(key) {
                Some(next) => item = next,
                None => return Ok(None),
            }
        }
        Ok(to_json(item))
    }

    fn set(&self, text: &str, path: &[String], value: &Value, secret: bool) -> StepResult {
        let ((text, (previous, raw)), created) = {
            let mut created = Vec::new();
            let out = edit(text, |doc| {
                let parent = parent_mut(doc, path, true, value.is_object(), &mut created)?
                    .ok_or_else(|| EditError::shape(path, "has no parent table"))?;
                put(parent, path, value, secret)
            })?;
            (out, created)
        };
        let layout = Layout {
            raw,
            ..Layout::default()
        };
        Ok(Step::wrote(text, path, previous, value, secret, layout).creating(created))
    }

    fn remove(&self, text: &str, path: &[String], secret: bool) -> Result<Option<Step>, EditError> {
        let (text, taken) = edit(text, |doc| take(doc, path, secret))?;
        Ok(taken.map(|(previous, layout)| Step::removed(text, path, previous, secret, layout)))
    }

    fn undo(&self, text: &str, edit_: &Edit) -> Result<String, EditError> {
        let path = &edit_.path;
        let key = leaf(path)?;
        let (text, ()) = edit(text, |doc| {
            let Some(previous) = &edit_.previous else {
                if let Some(parent) = parent_mut(doc, path, false, false, &mut Vec::new())? {
                    remove_key(parent, key);
                }
                return Ok(());
            };
            let back = restored(previous, edit_, path)?;
            let Some(parent) = parent_mut(doc, path, true, false, &mut Vec::new())? else {
                return Ok(());
            };
            let table = parent
                .as_table_like_mut()
                .ok_or_else(|| EditError::shape(path, "is not in a table"))?;
            if let Some(Item::Value(old)) = table.get_mut(key) {
                let decor = old.decor().clone();
                *old = back;
                *old.decor_mut() = decor;
                return Ok(());
            }
            table.insert(key, Item::Value(back));
            reinsert_layout(parent, key, &edit_.layout);
            Ok(())
        })?;
        Ok(text)
    }

    fn drop_if_empty(&self, text: &str, path: &[String]) -> Result<String, EditError> {
        let Some(key) = path.last() else {
            return Ok(text.to_string());
        };
        let (text, ()) = edit(text, |doc| {
            let Ok(Some(parent)) = parent_mut(doc, path, false, false, &mut Vec::new()) else {
                return Ok(());
            };
            let empty = match parent.as_table_like().and_then(|t| t.get(key)) {
                Some(Item::Table(t)) => t.is_empty(),
                Some(Item::Value(TomlValue::InlineTable(t))) => t.is_empty(),
                _ => false,
            };
            if empty {
                remove_key(parent, key);
            }
            Ok(())
        })?;
        Ok(text)
    }

    fn is_blank(&self, text: &str) -> bool {
        text.trim().is_empty()
    }
}

fn leaf(path: &[String]) -> Result<&str, EditError> {
    path.last()
        .map(String::as_str)
        .ok_or_else(|| EditError::shape(path, "an edit needs a key"))
}

/// The item holding the leaf of `path`, creating missing tables (recorded in `created`) when
/// `create`; `None` when one is missing and `create` is false. A created table gets a
/// `[header]` only when it holds the leaf and the leaf is not a table itself.
fn parent_mut<'d>(
    doc: &'d mut DocumentMut,
    path: &[String],
    create: bool,
    leaf_is_table: bool,
    created: &mut Vec<KeyPath>,
) -> Result<Option<&'d mut Item>, EditError> {
    let mut item = doc.as_item_mut();
    let parents = path.len().saturating_sub(1);
    for (i, key) in path[..parents].iter().enumerate() {
        let inline = matches!(item, Item::Value(TomlValue::InlineTable(_)));
        let table = item
            .as_table_like_mut()
            .ok_or_else(|| EditError::shape(&path[..i], "is not a table"))?;
        if !table.contains_key(key) {
            if !create {
                return Ok(None);
            }
            let new = if inline {
                Item::Value(TomlValue::InlineTable(InlineTable::new()))
            } else {
                let mut t = Table::new();
                t.set_implicit(i + 1 < parents || leaf_is_table);
                t.set_dotted(table.is_dotted());
                Item::Table(t)
            };
            table.insert(key, new);
            created.push(path[..=i].to_vec());
        }
        item = table
            .get_mut(key)
            .ok_or_else(|| EditError::shape(&path[..=i], "is missing"))?;
    }
    if item.as_table_like().is_none() {
        return Err(EditError::shape(&path[..parents], "is not a table"));
    }
    Ok(Some(item))
}

fn parent_table<'d>(
    doc: &'d mut DocumentMut,
    path: &[String],
) -> Option<&'d mut dyn toml_edit::TableLike> {
    parent_mut(doc, path, false, false, &mut Vec::new())
        .ok()
        .flatten()
        .and_then(Item::as_table_like_mut)
}

/// Sets the leaf of `path` in `parent`; returns the previous value and how it was written.
fn put(
    parent: &mut Item,
    path: &[String],
    value: &Value,
    secret: bool,
) -> Result<(Option<Value>, Option<String>), EditError> {
    let key = leaf(path)?;
    if let Item::Value(TomlValue::InlineTable(t)) = parent {
        if !t.contains_key(key) {
            append_inline(t, key, to_value(value, path)?);
            return Ok((None, None));
        }
    }
    let table = parent
        .as_table_like_mut()
        .ok_or_else(|| EditError::shape(path, "is not in a table"))?;
    match table.get_mut(key) {
        Some(Item::Value(old)) => {
            let previous = to_json(&Item::Value(old.clone()));
            let raw = match &previous {
                Some(p) => remember(&bare_text(old), p, &bare_text(&to_value(p, path)?), secret),
                None => None,
            };
            let mut new = to_value(value, path)?;
            *new.decor_mut() = old.decor().clone();
            *old = new;
            Ok((previous, raw))
        }
        Some(_) => Err(EditError::shape(path, "is a table; only values are set")),
        None => {
            let item = to_item(value, path, table.is_dotted())?;
            table.insert(key, item);
            Ok((None, None))
        }
    }
}

/// Removes the leaf of `path`; returns its value and the layout to put it back with.
fn take(
    doc: &mut DocumentMut,
    path: &[String],
    secret: bool,
) -> Result<Option<(Value, Layout)>, EditError> {
    let key = leaf(path)?;
    let Some(table) = parent_table(doc, path) else {
        return Ok(None);
    };
    let value = match table.get(key) {
        None => return Ok(None),
        Some(Item::Value(v)) => v.clone(),
        Some(_) => {
            return Err(EditError::Unsupported(format!(
                "`{}` is a table; only values are removed",
                path.join(".")
            )))
        }
    };
    let keys: Vec<&str> = table.iter().map(|(k, _)| k).collect();
    let anchor = match keys.iter().position(|k| *k == key) {
        Some(i) if i > 0 => Anchor::After(keys[i - 1].to_string()),
        _ => Anchor::First,
    };
    let prefix = table
        .key(key)
        .and_then(|k| k.leaf_decor().prefix())
        .and_then(|r| r.as_str())
        .unwrap_or("")
        .to_string();
    let suffix = value
        .decor()
        .suffix()
        .and_then(|r| r.as_str())
        .unwrap_or("")
        .to_string();
    let previous = to_json(&Item::Value(value.clone())).unwrap_or(Value::Null);
    let raw = remember(
        &bare_text(&value),
        &previous,
        &bare_text(&to_value(&previous, path)?),
        secret,
    );
    table.remove(key);
    let layout = Layout {
        took: Some(Frame::new(prefix, suffix)),
        anchor: Some(anchor),
        raw,
        ..Layout::default()
    };
    Ok(Some((previous, layout)))
}

/// The previous value as a TOML value, written the way it was.
fn restored(previous: &Value, edit: &Edit, path: &[String]) -> Result<TomlValue, EditError> {
    let fresh = to_value(previous, path)?;
    let text = recall(edit.layout.raw.as_deref(), previous, || bare_text(&fresh));
    Ok(text.parse::<TomlValue>().unwrap_or(fresh))
}
