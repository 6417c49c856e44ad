//! Edits to a request body that keep every other byte as the client sent it.
//!
//! Same-format forwarding must not re-serialize the body: key order, number spelling and
//! whitespace of fields Switchyard does not understand stay exactly as sent (providers' prompt
//! caches and new API fields depend on it). These functions locate one top-level member by
//! scanning the JSON text and splice a new value in its place.
//!
//! Invariants: the input must be a JSON object (callers parsed it already); on anything
//! unexpected the functions return `None` and the caller falls back to re-serializing. A key is
//! matched after unescaping, so `"mod\u0065l"` is found as `model`; only the first occurrence of
//! a duplicated key is edited (serde_json keeps the last one, but clients do not send
//! duplicates).

use serde::de::IgnoredAny;
use serde_json::Value;

/// Byte range of a top-level member's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Member {
    value_start: usize,
    end: usize,
}

/// Replaces (or adds) the top-level string member `key` with `value`. Returns the new body,
/// or `None` when `raw` is not a JSON object.
pub fn set_string(raw: &[u8], key: &str, value: &str) -> Option<Vec<u8>> {
    let encoded = Value::String(value.to_owned()).to_string();
    set_raw(raw, key, encoded.as_bytes())
}

/// Replaces (or adds, as the first member) the top-level member `key` with the JSON text
/// `value`, which must be valid JSON. `None` when `raw` is not a JSON object.
pub fn set_raw(raw: &[u8], key: &str, value: &[u8]) -> Option<Vec<u8>> {
    let members = members(raw)?;
    if let Some((_, m)) = members.iter().find(|(k, _)| k == key) {
        let mut out = Vec::with_capacity(raw.len() + value.len());
        out.extend_from_slice(&raw[..m.value_start]);
        out.extend_from_slice(value);
        out.extend_from_slice(&raw[m.end..]);
        return Some(out);
    }
    let open = raw.iter().position(|&b| b == b'{')?;
    let key_json = Value::String(key.to_owned()).to_string();
    let mut out = Vec::with_capacity(raw.len() + key_json.len() + value.len() + 2);
    out.extend_from_slice(&raw[..=open]);
    out.extend_from_slice(key_json.as_bytes());
    out.push(b':');
    out.extend_from_slice(value);
    if !members.is_empty() {
        out.push(b',');
    }
    out.extend_from_slice(&raw[open + 1..]);
    Some(out)
}

/// The top-level members of a JSON object text: (unescaped key, byte range).
fn members(raw: &[u8]) -> Option<Vec<(String, Member)>> {
    let mut i = skip_ws(raw, 0);
    if raw.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_ws(raw, i + 1);
    let mut out = Vec::new();
    if raw.get(i) == Some(&b'}') {
        return Some(out);
    }
    loop {
        let key_end = value_end(raw, i)?;
        let key: String = serde_json::from_slice(&raw[i..key_end]).ok()?;
        i = skip_ws(raw, key_end);
        if raw.get(i) != Some(&b':') {
            return None;
        }
        let value_start = skip_ws(raw, i + 1);
        let end = value_end(raw, value_start)?;
        out.push((key, Member { value_start, end }));
        i = skip_ws(raw, end);
        match raw.get(i) {
            Some(b',') => i = skip_ws(raw, i + 1),
            Some(b'}') => return Some(out),
            _ => return None,
        }
    }
}

/// The end of the JSON value starting at `at`.
fn value_end(raw: &[u8], at: usize) -> Option<usize> {
    let rest = raw.get(at..)?;
    let mut stream = serde_json::Deserializer::from_slice(rest).into_iter::<IgnoredAny>();
    match stream.next() {
        Some(Ok(_)) => Some(at + stream.byte_offset()),
        _ => None,
    }
}

fn skip_ws(raw: &[u8], mut i: usize) -> usize {
    while raw.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_is_replaced_and_every_other_byte_kept() {
        let raw = br#"{ "zeta": 1.50, "model" : "gpt-4.1", "messages":[{"x":"\u00e9"}],"n":1e2 }"#;
        let out = set_string(raw, "model", "gpt-4.1-mini").unwrap();
        assert_eq!(
            std::str::from_utf8(&out).unwrap(),
            r#"{ "zeta": 1.50, "model" : "gpt-4.1-mini", "messages":[{"x":"\u00e9"}],"n":1e2 }"#,
            "key order, number spelling, escapes and spaces survive"
        );
    }

    #[test]
    fn a_missing_member_is_added_first() {
        let out = set_raw(
            br#"{"a":1}"#,
            "stream_options",
            br#"{"include_usage":true}"#,
        )
        .unwrap();
        assert_eq!(out, br#"{"stream_options":{"include_usage":true},"a":1}"#);
        assert_eq!(
            set_string(b" {} ", "model", "m").unwrap(),
            br#" {"model":"m"} "#
        );
    }

    #[test]
    fn escaped_keys_and_nested_lookalikes_are_handled() {
        let raw = br#"{"meta":{"model":"inner"},"mod\u0065l":"outer"}"#;
        let keys: Vec<String> = members(raw).unwrap().into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, vec!["meta", "model"]);
        let out = set_string(raw, "model", "x").unwrap();
        assert_eq!(out, br#"{"meta":{"model":"inner"},"mod\u0065l":"x"}"#);
    }

    #[test]
    fn values_with_quotes_are_encoded() {
        let out = set_string(br#"{"model":"a"}"#, "model", "we\"ird").unwrap();
        let v: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["model"], "we\"ird");
    }

    #[test]
    fn non_objects_are_refused() {
        assert_eq!(set_string(b"[1]", "model", "m"), None);
        assert_eq!(set_string(b"{\"a\" 1}", "model", "m"), None);
        assert_eq!(set_string(b"{\"a\":1", "model", "m"), None);
    }
}
