//! The formatting an [`Edit`](super::Edit) needs to be undone byte for byte.
//!
//! Invariant: a layout never holds a value. Text around a value is kept as is; a previous
//! string value's own text is kept as a template with the value cut out (`'\0'` stands for it),
//! so `'sk-…'` in single quotes comes back in single quotes. Only a non-secret value whose text
//! cannot be templated (a number written `1.0`, an escaped string, a multi-line object) is kept
//! whole. (In JSON, a secret list or object is kept as its text with every string cut out and
//! named by its pointer: `json/template.rs`.)

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Layout of one edit; all parts optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Layout {
    /// The text apply wrote around the value (for a key it added), e.g. `,\n  "KEY": ` and ``.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub put: Option<Frame>,
    /// The text apply took out around the value (for a key it removed), or the text it replaced
    /// when it added a key (e.g. the white space inside `{ }`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub took: Option<Frame>,
    /// Where a removed key sat among its siblings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<Anchor>,
    /// How the previous value was written, when writing it afresh would differ (see the module
    /// docs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
}

impl Layout {
    pub fn is_empty(&self) -> bool {
        *self == Layout::default()
    }
}

/// Text before and after a value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frame {
    pub before: String,
    pub after: String,
}

impl Frame {
    pub(crate) fn new(before: impl Into<String>, after: impl Into<String>) -> Self {
        Frame {
            before: before.into(),
            after: after.into(),
        }
    }
}

/// Where a removed key sat, so revert can put it back in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Anchor {
    /// Right after this sibling key.
    After(String),
    /// Before the first sibling.
    First,
    /// It was the only key of its object.
    Only,
    /// A line-wise file: after the entry for `after` (the file's start when `None`), then past
    /// `skip` comment or blank lines.
    Line { after: Option<String>, skip: u32 },
}

/// The marker standing for a string value inside a template.
const HOLE: char = '\0';

/// How to remember `raw`, the text of `previous`, given what writing `previous` afresh gives.
/// `None` when the fresh text is the same, or when the only faithful record would hold a secret.
pub(crate) fn remember(raw: &str, previous: &Value, fresh: &str, secret: bool) -> Option<String> {
    if raw == fresh {
        return None;
    }
    if let Value::String(s) = previous {
        if !s.is_empty() && !raw.contains(HOLE) && raw.contains(s.as_str()) {
            return Some(raw.replacen(s.as_str(), &HOLE.to_string(), 1));
        }
    }
    (!secret).then(|| raw.to_string())
}

/// The text to write `previous` back with: the remembered template filled in, else `fresh`.
pub(crate) fn recall(
    layout_raw: Option<&str>,
    previous: &Value,
    fresh: impl FnOnce() -> String,
) -> String {
    match (layout_raw, previous) {
        (Some(t), Value::String(s)) if t.contains(HOLE) => t.replacen(HOLE, s, 1),
        (Some(t), _) if !t.contains(HOLE) => t.to_string(),
        _ => fresh(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_quoted_string_is_remembered_without_its_value() {
        let kept = remember("'sy-test-abc'", &json!("sy-test-abc"), "sy-test-abc", true);
        assert_eq!(kept.as_deref(), Some("'\0'"), "only the quoting is kept");
        let back = recall(kept.as_deref(), &json!("sy-test-abc"), String::new);
        assert_eq!(back, "'sy-test-abc'");
    }

    #[test]
    fn a_secret_that_cannot_be_templated_is_not_kept() {
        assert_eq!(
            remember(r#""a\u0062""#, &json!("ab"), r#""ab""#, true),
            None
        );
        assert_eq!(
            remember(r#""a\u0062""#, &json!("ab"), r#""ab""#, false).as_deref(),
            Some(r#""a\u0062""#),
            "a non-secret keeps its exact text"
        );
    }

    #[test]
    fn the_same_text_is_not_kept() {
        assert_eq!(remember("1", &json!(1), "1", false), None);
        assert_eq!(recall(None, &json!(1), || "1".into()), "1");
    }
}
