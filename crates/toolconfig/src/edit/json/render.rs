//! Writing JSON the way the file around it is written: its line ending, indent unit, colon
//! spacing, and one-line (compact) or one-key-per-line (pretty) layout. A new file is pretty
//! with two spaces.

use jsonc_parser::ast::Object;
use serde_json::Value;

use super::tree;
use crate::edit::text::newline;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Style {
    pub nl: &'static str,
    /// One level of indentation.
    pub unit: String,
    /// The colon with its spaces, e.g. `": "`.
    pub colon: String,
    /// Objects on one line (`{"a": 1, "b": 2}`).
    pub compact: bool,
    /// What follows a comma in compact layout.
    pub comma: String,
}

impl Style {
    /// The style of the document `text` whose root object is `root`.
    pub fn detect(text: &str, root: Option<&Object<'_>>) -> Style {
        let mut style = Style {
            nl: newline(text),
            unit: "  ".into(),
            colon: ": ".into(),
            compact: false,
            comma: " ".into(),
        };
        let Some(first) = root.and_then(|r| r.properties.first()) else {
            return style;
        };
        let ws = &text[ws_start(text, tree::start(first))..tree::start(first)];
        style.compact = !ws.contains('\n');
        if let Some(i) = ws.rfind('\n') {
            let indent = &ws[i + 1..];
            if !indent.is_empty() {
                style.unit = indent.to_string();
            }
        }
        let colon = &text[tree::name_end(first)..tree::value_range(first).start];
        if colon.trim() == ":" {
            style.colon = colon.to_string();
        }
        let second = root.and_then(|r| r.properties.get(1));
        style.comma = match second {
            Some(second) => {
                let between = &text[tree::value_range(first).end..tree::start(second)];
                match between.trim_start().strip_prefix(',') {
                    Some(after) if between.trim() == "," && !after.contains('\n') => after.into(),
                    _ => " ".into(),
                }
            }
            None if style.colon == ":" => String::new(),
            None => " ".into(),
        };
        style
    }

    pub fn with_compact(&self, compact: bool) -> Style {
        Style {
            compact,
            ..self.clone()
        }
    }
}

/// Start of the run of white space that ends at `end`.
pub(super) fn ws_start(text: &str, end: usize) -> usize {
    text[..end]
        .rfind(|c: char| !matches!(c, ' ' | '\t' | '\r' | '\n'))
        .map_or(0, |i| i + 1)
}

/// A key as a JSON string.
pub(super) fn key(k: &str) -> String {
    Value::String(k.to_string()).to_string()
}

/// `value` written in `style`, its nested lines indented from `base`.
pub(super) fn value(value: &Value, style: &Style, base: &str) -> String {
    let inner = format!("{base}{}", style.unit);
    let items: Vec<String> = match value {
        Value::Object(map) if !map.is_empty() => map
            .iter()
            .map(|(k, v)| format!("{}{}{}", key(k), style.colon, self::value(v, style, &inner)))
            .collect(),
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .map(|v| self::value(v, style, &inner))
            .collect(),
        scalar_or_empty => return scalar_or_empty.to_string(),
    };
    let (open, close) = if value.is_object() {
        ("{", "}")
    } else {
        ("[", "]")
    };
    if style.compact {
        format!("{open}{}{close}", items.join(&format!(",{}", style.comma)))
    } else {
        let nl = style.nl;
        let body = items
            .iter()
            .map(|item| format!("{inner}{item}"))
            .collect::<Vec<_>>()
            .join(&format!(",{nl}"));
        format!("{open}{nl}{body}{nl}{base}{close}")
    }
}

/// A new member for `keys` (its own key first, the leaf's key last) placed at indentation
/// `indent`: the text before the leaf value, the text after it, and the leaf's indentation.
pub(super) fn member(keys: &[String], style: &Style, indent: &str) -> (String, String, String) {
    let mut before = String::new();
    let mut after = String::new();
    let mut base = indent.to_string();
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            let inner = format!("{base}{}", style.unit);
            if style.compact {
                before.push('{');
                after.insert(0, '}');
            } else {
                before.push('{');
                before.push_str(style.nl);
                before.push_str(&inner);
                after.insert_str(0, &format!("{}{base}}}", style.nl));
            }
            base = inner;
        }
        before.push_str(&key(k));
        before.push_str(&style.colon);
    }
    (before, after, base)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pretty() -> Style {
        Style {
            nl: "\n",
            unit: "  ".into(),
            colon: ": ".into(),
            compact: false,
            comma: " ".into(),
        }
    }

    #[test]
    fn nested_values_follow_the_indent() {
        let v = json!({"a": {"b": [1, 2]}, "c": {}});
        assert_eq!(
            value(&v, &pretty(), "  "),
            "{\n    \"a\": {\n      \"b\": [\n        1,\n        2\n      ]\n    },\n    \"c\": {}\n  }"
        );
        assert_eq!(
            value(&v, &pretty().with_compact(true), ""),
            "{\"a\": {\"b\": [1, 2]}, \"c\": {}}"
        );
    }

    #[test]
    fn a_member_opens_the_missing_parents() {
        let keys = ["a".to_string(), "b".to_string()];
        let (before, after, base) = member(&keys, &pretty(), "  ");
        assert_eq!(before, "\"a\": {\n    \"b\": ");
        assert_eq!(after, "\n  }");
        assert_eq!(base, "    ");
    }
}
