//! A secret's previous value that is a list or an object (Droid's `customModels`, whose entries
//! hold keys) kept as its text with every string value cut out and named by its JSON pointer
//! (`"apiKey": \0/0/apiKey\0`): the layout still holds no value, only the structure and the
//! text around it, and undoing fills the strings back in from the previous value (which the
//! record keeps with the secrets). Used only when filling the template gives the text back
//! exactly; otherwise the value is written afresh, as before.

use jsonc_parser::ast::Value as Ast;
use jsonc_parser::common::Ranged;
use serde_json::Value;

use super::tree;
use crate::edit::layout;

/// Marks a cut-out string (as the layout's own template does).
const HOLE: char = '\0';

/// [`layout::remember`], and for a secret list or object whose text differs from what writing
/// it afresh gives, its template.
pub(super) fn remember(raw: &str, previous: &Value, fresh: &str, secret: bool) -> Option<String> {
    let kept = layout::remember(raw, previous, fresh, secret);
    if kept.is_some() || raw == fresh || !secret || !structured(previous) {
        return kept;
    }
    let t = template(raw)?;
    (fill(&t, previous).as_deref() == Some(raw)).then_some(t)
}

/// [`layout::recall`], filling a list's or object's template.
pub(super) fn recall(
    raw: Option<&str>,
    previous: &Value,
    fresh: impl FnOnce() -> String,
) -> String {
    match raw {
        Some(t) if structured(previous) && t.contains(HOLE) => {
            fill(t, previous).unwrap_or_else(fresh)
        }
        _ => layout::recall(raw, previous, fresh),
    }
}

fn structured(v: &Value) -> bool {
    matches!(v, Value::Array(_) | Value::Object(_))
}

/// `raw` with each string value replaced by `\0POINTER\0`.
fn template(raw: &str) -> Option<String> {
    let parsed = tree::parse(raw).ok()??;
    let mut cuts: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    strings(&parsed, &mut String::new(), &mut cuts);
    let mut out = String::with_capacity(raw.len());
    let mut at = 0;
    for (range, pointer) in cuts {
        out.push_str(raw.get(at..range.start)?);
        out.push(HOLE);
        out.push_str(&pointer);
        out.push(HOLE);
        at = range.end;
    }
    out.push_str(raw.get(at..)?);
    Some(out)
}

/// Every string value under `v` (at `pointer`), in text order.
fn strings(v: &Ast<'_>, pointer: &mut String, out: &mut Vec<(std::ops::Range<usize>, String)>) {
    match v {
        Ast::StringLit(s) => out.push((s.range().start..s.range().end, pointer.clone())),
        Ast::Array(a) => {
            for (i, e) in a.elements.iter().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                strings(e, pointer, out);
                pointer.truncate(len);
            }
        }
        Ast::Object(o) => {
            for p in &o.properties {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&tree::name(p).replace('~', "~0").replace('/', "~1"));
                strings(&p.value, pointer, out);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// The template with each `\0POINTER\0` replaced by that string of `previous`, as JSON.
fn fill(t: &str, previous: &Value) -> Option<String> {
    let mut out = String::with_capacity(t.len());
    let mut rest = t;
    while let Some(start) = rest.find(HOLE) {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after.find(HOLE)?;
        let Value::String(s) = previous.pointer(&after[..end])? else {
            return None;
        };
        out.push_str(&serde_json::to_string(s).ok()?);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_holding_keys_comes_back_byte_for_byte_without_its_strings_in_the_layout() {
        let raw = "[\n    { \"model\": \"qwen3\", \"apiKey\": \"sk-secret-1\", \"n\": 1 },\n    {\"displayName\":\"A/B ~x\",\"apiKey\":\"k2\"}\n  ]";
        let previous: Value = serde_json::from_str(raw).unwrap();
        let fresh = serde_json::to_string_pretty(&previous).unwrap();
        let t = remember(raw, &previous, &fresh, true).unwrap();
        assert!(
            !t.contains("sk-secret-1") && !t.contains("qwen3") && !t.contains("k2"),
            "{t}"
        );
        assert_eq!(recall(Some(&t), &previous, || fresh.clone()), raw);
        // A string written with escapes serde would not use: written afresh instead.
        let escaped = "[\"\\u0041\"]";
        let v: Value = serde_json::from_str(escaped).unwrap();
        assert_eq!(remember(escaped, &v, "[\"A\"]", true), None);
    }
}
