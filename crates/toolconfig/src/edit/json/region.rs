//! Where a new key goes and which bytes a removed key takes with it.
//!
//! Insertion and removal are each other's inverse on the common layouts, so even the fallback
//! path of revert leaves the text as it was in most files.

use std::ops::Range;

use jsonc_parser::ast::Object;

use super::render::{self, Style};
use super::tree;
use crate::edit::text::indent_of_line;
use crate::edit::{Anchor, Frame};

/// A planned insertion: replace `range` with `put.before + leaf + put.after`, the leaf written
/// in `style` at indentation `base`.
pub(super) struct Spot {
    pub range: Range<usize>,
    pub put: Frame,
    pub style: Style,
    pub base: String,
}

/// Where `keys` (the first a new key of `object`, the rest its new children) go.
pub(super) fn insertion(
    text: &str,
    object: Option<&Object<'_>>,
    style: &Style,
    keys: &[String],
) -> Spot {
    let nl = style.nl;
    let Some(object) = object else {
        // No root value yet: a blank text becomes the document; after comments, it is added.
        let (before, after, base) = render::member(keys, style, &style.unit);
        let range = if text.trim().is_empty() {
            0..text.len()
        } else {
            text.len()..text.len()
        };
        return Spot {
            range,
            put: Frame::new(
                format!("{{{nl}{}{before}", style.unit),
                format!("{after}{nl}}}{nl}"),
            ),
            style: style.clone(),
            base,
        };
    };
    let Some(last) = object.properties.last() else {
        // An empty object is rewritten whole, braces included, so that revert only takes the
        // frame back while the object holds nothing but our key.
        let inside = &text[object.range.start + 1..object.range.end - 1];
        let outer = indent_of_line(text, object.range.start);
        let indent = format!("{outer}{}", style.unit);
        let (before, after, base) = render::member(keys, style, &indent);
        let blank = inside.trim().is_empty();
        let (before, after) = match (style.compact, blank) {
            (true, true) => (format!("{{{before}"), format!("{after}}}")),
            (true, false) => (format!("{{{before}"), format!("{after}{inside}}}")),
            (false, true) => (
                format!("{{{nl}{indent}{before}"),
                format!("{after}{nl}{outer}}}"),
            ),
            // Comments inside `{ }` stay after the new key.
            (false, false) => (
                format!("{{{nl}{indent}{before}"),
                format!("{after}{inside}}}"),
            ),
        };
        return Spot {
            range: object.range.start..object.range.end,
            put: Frame::new(before, after),
            style: style.clone(),
            base,
        };
    };
    let value_end = tree::value_range(last).end;
    let start = tree::start(last);
    let sep = &text[render::ws_start(text, start)..start];
    let pretty = sep.contains('\n');
    let local = style.with_compact(!pretty);
    let (indent, sep) = match sep.rfind('\n') {
        Some(i) => (sep[i + 1..].to_string(), format!("{nl}{}", &sep[i + 1..])),
        // After the first key of a one-line object, the space after `{` says nothing.
        None if object.properties.len() == 1 => (String::new(), style.comma.clone()),
        None => (String::new(), sep.to_string()),
    };
    let (at, comma) = if pretty {
        after_line_comment(text, value_end)
    } else {
        (value_end, true)
    };
    let (before, after, base) = render::member(keys, &local, &indent);
    let comma = if comma { "," } else { "" };
    let mid = &text[value_end..at];
    Spot {
        range: value_end..at,
        put: Frame::new(format!("{comma}{mid}{sep}{before}"), after),
        style: local,
        base,
    }
}

/// When a comment ends the value's line, the new key goes after it (so the comment stays with
/// its key): returns where to insert and whether a comma is still needed.
fn after_line_comment(text: &str, value_end: usize) -> (usize, bool) {
    let rest = text[value_end..].trim_start_matches([' ', '\t']);
    let (has_comma, after_comma) = match rest.strip_prefix(',') {
        Some(tail) => (true, tail.trim_start_matches([' ', '\t'])),
        None => (false, rest),
    };
    match line_comment_end(text, text.len() - after_comma.len()) {
        Some(end) => (end, !has_comma),
        None => (value_end, true),
    }
}

/// When a comment starts at `at` and nothing but spaces follow it on its line: where the line
/// ends (before its line break).
fn line_comment_end(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at..];
    let line_end = rest.find(['\r', '\n']).map_or(text.len(), |i| at + i);
    let comment = if rest.starts_with("//") {
        true
    } else if let Some(body) = rest.strip_prefix("/*") {
        let close = body.find("*/").map(|i| at + 2 + i + 2)?;
        close <= line_end && text[close..line_end].trim().is_empty()
    } else {
        false
    };
    comment.then_some(line_end)
}

/// The bytes removing property `index` of `object` takes out, and where it sat.
pub(super) fn removal(text: &str, object: &Object<'_>, index: usize) -> (Range<usize>, Anchor) {
    let props = &object.properties;
    let prop = &props[index];
    let value_end = tree::value_range(prop).end;
    if index > 0 {
        let previous = &props[index - 1];
        // Take a same-line comment along when no comma separates it from the value.
        let trimmed = text[value_end..].trim_start_matches([' ', '\t']);
        let end = line_comment_end(text, text.len() - trimmed.len()).unwrap_or(value_end);
        let range = tree::value_range(previous).end..end;
        return (range, Anchor::After(tree::name(previous).to_string()));
    }
    match props.get(1) {
        Some(next) => (tree::start(prop)..tree::start(next), Anchor::First),
        None => (object.range.start + 1..object.range.end - 1, Anchor::Only),
    }
}
