//! Parsing JSON/JSONC into `jsonc-parser`'s syntax tree and finding keys in it.
//!
//! Accepted: JSON plus comments and trailing commas (what Claude Code, Gemini CLI and opencode
//! read). Refused as [`EditError::Parse`]: everything else, including JSON5 extras, so we never
//! edit a file its tool would reject.

use jsonc_parser::ast::{Object, ObjectProp, ObjectPropName, Value as Ast};
use jsonc_parser::common::Ranged;
use jsonc_parser::errors::ParseErrorKind;
use jsonc_parser::{
    parse_to_ast, CollectOptions, CommentCollectionStrategy, ParseOptions, ParseStringErrorKind,
};
use serde_json::Value;

use crate::edit::text::line_col;
use crate::edit::EditError;

/// Parses `text`; `None` when it holds no value (blank, or only comments).
pub(super) fn parse(text: &str) -> Result<Option<Ast<'_>>, EditError> {
    let collect = CollectOptions {
        comments: CommentCollectionStrategy::Off,
        tokens: false,
    };
    let options = ParseOptions {
        allow_comments: true,
        allow_loose_object_property_names: false,
        allow_trailing_commas: true,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
    };
    match parse_to_ast(text, &collect, &options) {
        Ok(parsed) => Ok(parsed.value),
        Err(e) => {
            let (line, column) = line_col(text, e.range().start);
            // Some messages quote the input (an escape sequence); say what is wrong without it.
            let message = match e.kind() {
                ParseErrorKind::String(ParseStringErrorKind::InvalidUnicodeEscapeSequence(_)) => {
                    "Invalid unicode escape sequence".to_string()
                }
                kind => kind.to_string(),
            };
            Err(EditError::Parse {
                line,
                column,
                message,
            })
        }
    }
}

/// The document's root object; `None` when there is no root value yet.
pub(super) fn root<'t, 'a>(
    value: Option<&'t Ast<'a>>,
) -> Result<Option<&'t Object<'a>>, EditError> {
    match value {
        None => Ok(None),
        Some(Ast::Object(o)) => Ok(Some(o)),
        Some(_) => Err(EditError::shape(&[], "the document is not a JSON object")),
    }
}

/// Where a key is, or how much of its path exists.
pub(super) enum Found<'t, 'a> {
    /// The key exists: `object.properties[index]` (the last of duplicates, as JSON readers do).
    Key {
        object: &'t Object<'a>,
        index: usize,
    },
    /// The first `depth` keys of the path exist as objects, the deepest being `object` (the
    /// root when `depth` is 0; `None` when there is no root).
    Missing {
        object: Option<&'t Object<'a>>,
        depth: usize,
    },
}

pub(super) fn name<'t>(prop: &'t ObjectProp<'_>) -> &'t str {
    match &prop.name {
        ObjectPropName::String(lit) => lit.value.as_ref(),
        ObjectPropName::Word(lit) => lit.value,
    }
}

/// Index of the last property named `key`.
pub(super) fn index_of(object: &Object<'_>, key: &str) -> Option<usize> {
    object.properties.iter().rposition(|p| name(p) == key)
}

pub(super) fn find<'t, 'a>(
    root: Option<&'t Object<'a>>,
    path: &[String],
) -> Result<Found<'t, 'a>, EditError> {
    let Some(mut object) = root else {
        return Ok(Found::Missing {
            object: None,
            depth: 0,
        });
    };
    for (depth, key) in path.iter().enumerate() {
        let Some(index) = index_of(object, key) else {
            return Ok(Found::Missing {
                object: Some(object),
                depth,
            });
        };
        if depth + 1 == path.len() {
            return Ok(Found::Key { object, index });
        }
        match &object.properties[index].value {
            Ast::Object(inner) => object = inner,
            _ => return Err(EditError::shape(&path[..=depth], "is not an object")),
        }
    }
    Ok(Found::Missing {
        object: Some(object),
        depth: 0,
    })
}

/// The object at `path` (the root for an empty path), if it exists and is an object.
pub(super) fn object_at<'t, 'a>(
    root: Option<&'t Object<'a>>,
    path: &[String],
) -> Result<Option<&'t Object<'a>>, EditError> {
    if path.is_empty() {
        return Ok(root);
    }
    match find(root, path)? {
        Found::Key { object, index } => match &object.properties[index].value {
            Ast::Object(inner) => Ok(Some(inner)),
            _ => Err(EditError::shape(path, "is not an object")),
        },
        Found::Missing { .. } => Ok(None),
    }
}

/// The value of a property as `serde_json` sees it.
pub(super) fn to_value(value: &Ast<'_>) -> Value {
    match value {
        Ast::StringLit(s) => Value::String(s.value.to_string()),
        Ast::NumberLit(n) => {
            serde_json::from_str(n.value).unwrap_or_else(|_| Value::String(n.value.to_string()))
        }
        Ast::BooleanLit(b) => Value::Bool(b.value),
        Ast::NullKeyword(_) => Value::Null,
        Ast::Array(a) => Value::Array(a.elements.iter().map(to_value).collect()),
        Ast::Object(o) => Value::Object(
            o.properties
                .iter()
                .map(|p| (name(p).to_string(), to_value(&p.value)))
                .collect(),
        ),
    }
}

/// Byte range of a property's value.
pub(super) fn value_range(prop: &ObjectProp<'_>) -> std::ops::Range<usize> {
    let r = prop.value.range();
    r.start..r.end
}

/// Byte offset where the property's name starts.
pub(super) fn start(prop: &ObjectProp<'_>) -> usize {
    prop.range.start
}

/// Byte offset right after the property's name.
pub(super) fn name_end(prop: &ObjectProp<'_>) -> usize {
    prop.name.range().end
}
