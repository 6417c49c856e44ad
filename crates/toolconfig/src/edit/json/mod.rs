//! JSON/JSONC: every edit is a text splice around the parser's byte ranges, so comments,
//! trailing commas, key order and spacing elsewhere stay exactly as they were.
//!
//! A new key goes after the last key of its object (after that key's same-line `//` comment),
//! in the object's own layout; missing parents are written with it in the same splice. The
//! splice's text around the value is recorded ([`Layout::put`]) together with what it replaced
//! ([`Layout::took`]): when revert finds that text still around our value it puts the old text
//! back, which is exact. When the user has since edited next to it, revert falls back to cutting
//! the key out with the usual comma rules.

mod region;
mod render;
mod template;
mod tree;

use jsonc_parser::ast::Object;
use serde_json::{Map, Value};

use self::region::{insertion, removal};
use self::render::Style;
use self::template::{recall, remember};
use self::tree::{find, Found};
use super::engine::{Engine, Step, StepResult};
use super::text::{has_at, has_before, indent_of_line, splice};
use super::{Anchor, Edit, EditError, Frame, KeyPath, Layout};

pub(crate) struct Json;

impl Engine for Json {
    fn check(&self, text: &str) -> Result<(), EditError> {
        let value = tree::parse(text)?;
        tree::root(value.as_ref()).map(|_| ())
    }

    fn read(&self, text: &str, path: &[String]) -> Result<Option<Value>, EditError> {
        let value = tree::parse(text)?;
        let root = tree::root(value.as_ref())?;
        Ok(match find(root, path)? {
            Found::Key { object, index } => Some(tree::to_value(&object.properties[index].value)),
            Found::Missing { .. } => None,
        })
    }

    fn set(&self, text: &str, path: &[String], value: &Value, secret: bool) -> StepResult {
        let parsed = tree::parse(text)?;
        let root = tree::root(parsed.as_ref())?;
        let style = Style::detect(text, root);
        match find(root, path)? {
            Found::Key { object, index } => {
                let prop = &object.properties[index];
                let range = tree::value_range(prop);
                let previous = tree::to_value(&prop.value);
                let (style, base) = context(text, object, index, &style);
                let fresh = render::value(&previous, &style, base);
                let raw = remember(&text[range.clone()], &previous, &fresh, secret);
                let text = splice(text, range, &render::value(value, &style, base));
                let layout = Layout {
                    raw,
                    ..Layout::default()
                };
                Ok(Step::wrote(
                    text,
                    path,
                    Some(previous),
                    value,
                    secret,
                    layout,
                ))
            }
            Found::Missing { object, depth } => {
                let render = |s: &Style, base: &str| render::value(value, s, base);
                let (text, put, took, created) = insert(text, object, &style, path, depth, &render);
                let layout = Layout {
                    put: Some(put),
                    took: non_empty(took),
                    ..Layout::default()
                };
                Ok(Step::wrote(text, path, None, value, secret, layout).creating(created))
            }
        }
    }

    fn remove(&self, text: &str, path: &[String], secret: bool) -> Result<Option<Step>, EditError> {
        let parsed = tree::parse(text)?;
        let root = tree::root(parsed.as_ref())?;
        let Found::Key { object, index } = find(root, path)? else {
            return Ok(None);
        };
        let style = Style::detect(text, root);
        let prop = &object.properties[index];
        let previous = tree::to_value(&prop.value);
        let range = tree::value_range(prop);
        let (local, base) = context(text, object, index, &style);
        let fresh = render::value(&previous, &local, base);
        let raw = remember(&text[range.clone()], &previous, &fresh, secret);
        let (cut, anchor) = removal(text, object, index);
        let took = Frame::new(&text[cut.start..range.start], &text[range.end..cut.end]);
        let layout = Layout {
            took: Some(took),
            anchor: Some(anchor),
            raw,
            ..Layout::default()
        };
        let text = splice(text, cut, "");
        Ok(Some(Step::removed(text, path, previous, secret, layout)))
    }

    fn undo(&self, text: &str, edit: &Edit) -> Result<String, EditError> {
        let parsed = tree::parse(text)?;
        let root = tree::root(parsed.as_ref())?;
        let style = Style::detect(text, root);
        let layout = &edit.layout;
        match (&edit.previous, find(root, &edit.path)?) {
            (Some(previous), Found::Key { object, index }) => {
                let range = tree::value_range(&object.properties[index]);
                let (style, base) = context(text, object, index, &style);
                let back = recall(layout.raw.as_deref(), previous, || {
                    render::value(previous, &style, base)
                });
                Ok(splice(text, range, &back))
            }
            (None, Found::Key { object, index }) => {
                let range = tree::value_range(&object.properties[index]);
                if let Some(put) = &layout.put {
                    let start = range.start.wrapping_sub(put.before.len());
                    if has_before(text, range.start, &put.before)
                        && has_at(text, range.end, &put.after)
                    {
                        let took = layout.took.clone().unwrap_or_default();
                        let end = range.end + put.after.len();
                        let back = splice(text, start..end, &(took.before + &took.after));
                        // A frame that matched by chance must not touch anything else.
                        if only_changes(text, &back, &edit.path, None) {
                            return Ok(back);
                        }
                    }
                }
                Ok(splice(text, removal(text, object, index).0, ""))
            }
            (Some(previous), Found::Missing { .. }) => {
                Ok(restore(text, root, &style, edit, previous)?)
            }
            (None, Found::Missing { .. }) => Ok(text.to_string()),
        }
    }

    fn drop_if_empty(&self, text: &str, path: &[String]) -> Result<String, EditError> {
        let parsed = tree::parse(text)?;
        let root = tree::root(parsed.as_ref())?;
        if path.is_empty() {
            return Ok(match root {
                Some(o) if o.properties.is_empty() && blank_inside(text, o) => {
                    let end = o.range.end;
                    let nl = ["\r\n", "\n"].into_iter().find(|nl| has_at(text, end, nl));
                    splice(text, o.range.start..end + nl.map_or(0, str::len), "")
                }
                _ => text.to_string(),
            });
        }
        let Found::Key { object, index } = find(root, path)? else {
            return Ok(text.to_string());
        };
        match tree::object_at(root, path)? {
            Some(inner) if inner.properties.is_empty() && blank_inside(text, inner) => {
                Ok(splice(text, removal(text, object, index).0, ""))
            }
            _ => Ok(text.to_string()),
        }
    }

    fn is_blank(&self, text: &str) -> bool {
        let rest: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        rest.is_empty() || rest == "{}"
    }
}

/// Puts a removed key back: where it was when its anchor is still there, else as a new key.
fn restore(
    text: &str,
    root: Option<&Object<'_>>,
    style: &Style,
    edit: &Edit,
    previous: &Value,
) -> Result<String, EditError> {
    let layout = &edit.layout;
    let (parent_path, _) = edit.path.split_at(edit.path.len() - 1);
    let parent = tree::object_at(root, parent_path)?;
    if let (Some(parent), Some(took), Some(anchor)) = (parent, &layout.took, &layout.anchor) {
        let at = match anchor {
            Anchor::After(key) => tree::index_of(parent, key).map(|i| {
                tree::value_range(&parent.properties[i]).end
                    ..tree::value_range(&parent.properties[i]).end
            }),
            Anchor::First => parent
                .properties
                .first()
                .map(|p| tree::start(p)..tree::start(p)),
            Anchor::Only if parent.properties.is_empty() && blank_inside(text, parent) => {
                Some(parent.range.start + 1..parent.range.end - 1)
            }
            _ => None,
        };
        if let Some(at) = at {
            let base = indent_of_line(text, at.start);
            let value = recall(layout.raw.as_deref(), previous, || {
                render::value(previous, style, base)
            });
            let with = format!("{}{value}{}", took.before, took.after);
            let back = splice(text, at, &with);
            // The neighbours may have changed so that the old frame no longer fits.
            if only_changes(text, &back, &edit.path, Some(previous)) {
                return Ok(back);
            }
        }
    }
    let render = |s: &Style, base: &str| {
        recall(layout.raw.as_deref(), previous, || {
            render::value(previous, s, base)
        })
    };
    let (depth, object) = match find(root, &edit.path)? {
        Found::Missing { object, depth } => (depth, object),
        Found::Key { .. } => return Ok(text.to_string()),
    };
    Ok(insert(text, object, style, &edit.path, depth, &render).0)
}

/// Inserts `path` (of which `depth` keys exist, the deepest being `object`) with the leaf
/// value `render` writes. Returns the text, the frame put around the value, the text replaced,
/// and the containers created.
fn insert(
    text: &str,
    object: Option<&Object<'_>>,
    style: &Style,
    path: &[String],
    depth: usize,
    render: &dyn Fn(&Style, &str) -> String,
) -> (String, Frame, String, Vec<KeyPath>) {
    let mut created: Vec<KeyPath> = (depth + 1..path.len())
        .map(|n| path[..n].to_vec())
        .collect();
    let spot = insertion(text, object, style, &path[depth..]);
    if object.is_none() {
        created.insert(0, Vec::new());
    }
    let leaf = render(&spot.style, &spot.base);
    let with = format!("{}{leaf}{}", spot.put.before, spot.put.after);
    let took = text[spot.range.clone()].to_string();
    (splice(text, spot.range, &with), spot.put, took, created)
}

/// The style and indentation to write property `index`'s value in.
fn context<'t>(
    text: &'t str,
    object: &Object<'_>,
    index: usize,
    style: &Style,
) -> (Style, &'t str) {
    let start = tree::start(&object.properties[index]);
    let own_line = text[render::ws_start(text, start)..start].contains('\n');
    (style.with_compact(!own_line), indent_of_line(text, start))
}

/// Whether `after` is the document `before` with `path` set to `value`, or removed (`None`)
/// together with any parents that it leaves empty.
fn only_changes(before: &str, after: &str, path: &[String], value: Option<&Value>) -> bool {
    let document = |text: &str| -> Option<Value> {
        let parsed = tree::parse(text).ok()?;
        Some(
            parsed
                .as_ref()
                .map_or_else(|| Value::Object(Map::new()), tree::to_value),
        )
    };
    let (Some(mut expected), Some(actual)) = (document(before), document(after)) else {
        return false;
    };
    let Some((key, parents)) = path.split_last() else {
        return false;
    };
    let mut object = &mut expected;
    for k in parents {
        let Some(map) = object.as_object_mut() else {
            return false;
        };
        object = map
            .entry(k.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    let Some(map) = object.as_object_mut() else {
        return false;
    };
    match value {
        Some(v) => {
            map.insert(key.clone(), v.clone());
            expected == actual
        }
        None => {
            map.remove(key);
            (0..=parents.len()).rev().any(|depth| {
                let mut pruned = expected.clone();
                prune_empty(&mut pruned, &parents[..depth]);
                pruned == actual
            })
        }
    }
}

/// Removes the object at `path` when it is empty, then each parent it leaves empty.
fn prune_empty(document: &mut Value, path: &[String]) {
    for depth in (1..=path.len()).rev() {
        let Some((key, parents)) = path[..depth].split_last() else {
            return;
        };
        let mut object = &mut *document;
        for k in parents {
            match object.get_mut(k) {
                Some(next) => object = next,
                None => return,
            }
        }
        let Some(map) = object.as_object_mut() else {
            return;
        };
        if map
            .get(key)
            .is_some_and(|v| v.as_object().is_some_and(Map::is_empty))
        {
            map.remove(key);
        } else {
            return;
        }
    }
}

/// Whether only white space sits between an object's braces.
fn blank_inside(text: &str, object: &Object<'_>) -> bool {
    text[object.range.start + 1..object.range.end - 1]
        .trim()
        .is_empty()
}

fn non_empty(took: String) -> Option<Frame> {
    (!took.is_empty()).then(|| Frame::new(took, ""))
}
