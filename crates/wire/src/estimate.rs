//! A local estimate of a request's input tokens, for token-counting endpoints whose backend
//! offers no free counter (Anthropic `count_tokens` served by an OpenAI backend, and so on).
//!
//! The estimate never builds a JSON tree (Claude Code sends dozens of counting requests at start,
//! some of them the size of a whole session, so this must cost microseconds): [`scan`] reads the
//! body's bytes once. Every string and object key under the request's conversation fields counts
//! its bytes, about four per token; each conversation entry adds four tokens of framing; a long
//! string without spaces made of base64 characters (inline media) counts a flat
//! [`MEDIA_TOKENS`] instead of its length. [`input_tokens`] does the same over an already parsed
//! value. It is an estimate and is labelled as one wherever it is shown; it is never billed.

use serde_json::Value;

/// Tokens an inline image or document counts for, whatever its size.
pub const MEDIA_TOKENS: u64 = 1600;

/// Bytes per token of text.
const BYTES_PER_TOKEN: u64 = 4;

/// Framing tokens per conversation entry (role markers and separators).
const PER_ENTRY: u64 = 4;

/// The fields of each format that hold the conversation, and the one that lists its entries.
pub struct Fields {
    /// Top-level fields whose content counts.
    pub counted: &'static [&'static str],
    /// The list whose entries each add framing tokens.
    pub entries: &'static str,
}

/// Anthropic Messages (`count_tokens`).
pub const ANTHROPIC: Fields = Fields {
    counted: &["system", "messages", "tools"],
    entries: "messages",
};

/// OpenAI Responses (`input_tokens`).
pub const RESPONSES: Fields = Fields {
    counted: &["instructions", "input", "tools"],
    entries: "input",
};

/// Gemini (`countTokens`, either `{contents}` or `{generateContentRequest}`).
pub const GEMINI: Fields = Fields {
    counted: &[
        "systemInstruction",
        "system_instruction",
        "contents",
        "tools",
    ],
    entries: "contents",
};

/// What one pass over a counting request's bytes found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    /// The top-level `model`, when it is a string (escapes decoded).
    pub model: Option<String>,
    /// The estimated input tokens.
    pub tokens: u64,
    /// The first byte of the entries field's value (`b'['` for an array, `b'"'` for a string…),
    /// `None` when the field is absent.
    pub entries: Option<u8>,
}

/// Strings at least this long, without a space and made of base64 characters, are media.
const MEDIA_MIN_BYTES: usize = 2048;

/// The top-level member being read.
#[derive(Debug, Clone, Copy, Default)]
struct Member {
    counted: bool,
    entries: bool,
    model: bool,
}

/// Scans a counting request's bytes once (see the module docs). `None` when they are not one
/// JSON object (unbalanced brackets, an unterminated string, something after the object): the
/// caller answers 400. Nested structure is not validated further: this is an estimate.
pub fn scan(raw: &[u8], fields: &Fields) -> Option<Scan> {
    let mut out = Scan {
        model: None,
        tokens: 0,
        entries: None,
    };
    let mut i = skip_ws(raw, 0);
    if raw.get(i) != Some(&b'{') {
        return None;
    }
    let (mut bytes, mut media) = (0u64, 0u64);
    let (mut commas, mut nonempty, mut string_entry) = (0u64, false, false);
    let mut depth = 0usize;
    let mut member = Member::default();
    while let Some(&b) = raw.get(i) {
        match b {
            b'"' => {
                let end = string_end(raw, i + 1)?;
                let content = &raw[i + 1..end];
                let after = skip_ws(raw, end + 1);
                if depth == 1 && raw.get(after) == Some(&b':') {
                    member = Member {
                        counted: fields.counted.iter().any(|f| f.as_bytes() == content),
                        entries: fields.entries.as_bytes() == content,
                        model: content == b"model",
                    };
                    if member.entries {
                        out.entries = raw.get(skip_ws(raw, after + 1)).copied();
                    }
                    i = after + 1;
                    continue;
                }
                if depth == 1 && member.model {
                    out.model = if content.contains(&b'\\') {
                        // Escapes decoded (`\u0000` is a NUL the gateway must see to refuse).
                        serde_json::from_slice(&raw[i..=end]).ok()
                    } else {
                        std::str::from_utf8(content).ok().map(str::to_owned)
                    };
                }
                string_entry |= depth == 1 && member.entries;
                nonempty |= depth == 2 && member.entries;
                if member.counted {
                    if is_media(content) {
                        media += 1;
                    } else {
                        bytes += content.len() as u64;
                    }
                }
                i = end + 1;
                continue;
            }
            b'{' | b'[' => {
                nonempty |= depth == 2 && member.entries;
                depth += 1;
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    let entries = if nonempty {
                        commas + 1
                    } else {
                        u64::from(string_entry)
                    };
                    out.tokens = bytes.div_ceil(BYTES_PER_TOKEN)
                        + media * MEDIA_TOKENS
                        + entries * PER_ENTRY;
                    return (skip_ws(raw, i + 1) == raw.len()).then_some(out);
                }
            }
            b',' => commas += u64::from(depth == 2 && member.entries),
            b':' => {}
            _ if b.is_ascii_whitespace() => {}
            // Numbers, booleans, null.
            _ => {
                nonempty |= depth == 2 && member.entries;
                bytes += u64::from(member.counted);
            }
        }
        i += 1;
    }
    None
}

/// The index of the quote closing a string whose content starts at `from`.
fn string_end(raw: &[u8], mut from: usize) -> Option<usize> {
    loop {
        let at = from + memchr::memchr2(b'"', b'\\', raw.get(from..)?)?;
        if raw[at] == b'"' {
            return Some(at);
        }
        from = at + 2;
    }
}

fn skip_ws(raw: &[u8], mut i: usize) -> usize {
    while raw.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// A long run of base64 characters: inline image or document data.
fn is_media(s: &[u8]) -> bool {
    s.len() >= MEDIA_MIN_BYTES
        && s.iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

/// The estimated input tokens of `body` (see the module docs).
pub fn input_tokens(body: &Value, fields: &Fields) -> u64 {
    let body = body
        .get("generateContentRequest")
        .filter(|v| v.is_object())
        .unwrap_or(body);
    let mut bytes = 0u64;
    let mut media = 0u64;
    for key in fields.counted {
        if let Some(v) = body.get(*key) {
            walk(v, &mut bytes, &mut media);
        }
    }
    let entries = match body.get(fields.entries) {
        Some(Value::Array(items)) => items.len() as u64,
        Some(Value::String(_)) => 1,
        _ => 0,
    };
    bytes.div_ceil(BYTES_PER_TOKEN) + media * MEDIA_TOKENS + entries * PER_ENTRY
}

fn walk(v: &Value, bytes: &mut u64, media: &mut u64) {
    match v {
        Value::String(s) => *bytes += s.len() as u64,
        Value::Array(items) => items.iter().for_each(|i| walk(i, bytes, media)),
        Value::Object(map) => {
            let inline = map.contains_key("data")
                && (map.contains_key("media_type")
                    || map.contains_key("mimeType")
                    || map.contains_key("mime_type"));
            if inline {
                *media += 1;
                return;
            }
            for (k, v) in map {
                *bytes += k.len() as u64;
                walk(v, bytes, media);
            }
        }
        Value::Number(_) | Value::Bool(_) | Value::Null => *bytes += 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_counts_about_four_bytes_a_token_plus_framing() {
        let body = json!({"model": "m", "messages": [{"role": "user", "content": "abcdefgh"}]});
        // "role" + "user" + "content" + "abcdefgh" = 23 bytes → 6 tokens, + 4 framing.
        assert_eq!(input_tokens(&body, &ANTHROPIC), 10);
    }

    #[test]
    fn inline_media_counts_a_flat_amount_whatever_its_size() {
        let big = "A".repeat(400_000);
        let body = json!({"messages": [{"role": "user", "content": [
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": big}}]}]});
        let n = input_tokens(&body, &ANTHROPIC);
        assert!(n > MEDIA_TOKENS && n < MEDIA_TOKENS + 40, "{n}");
    }

    #[test]
    fn a_scanned_model_with_escapes_is_decoded_so_the_gateway_sees_what_it_names() {
        let scan = scan(
            br#"{"model": "demo-\u0000\/x", "messages": []}"#,
            &ANTHROPIC,
        )
        .unwrap();
        assert_eq!(
            scan.model.as_deref(),
            Some("demo-\0/x"),
            "a NUL sent as an escape is still a NUL, refused at intake"
        );
    }

    #[test]
    fn a_scan_of_the_bytes_agrees_with_the_parsed_estimate_within_a_few_percent() {
        let body = json!({"model": "claude-sonnet-4-5", "system": "You are terse.",
            "messages": [{"role": "user", "content": [{"type": "text", "text": "hello there, how are you"}]},
                         {"role": "assistant", "content": "fine"}, {"role": "user", "content": "good"}],
            "tools": [{"name": "Bash", "input_schema": {"type": "object", "properties": {"n": {"type": "integer", "minimum": 10}}}}]});
        let raw = serde_json::to_vec_pretty(&body).unwrap();
        let scan = scan(&raw, &ANTHROPIC).unwrap();
        assert_eq!(scan.model.as_deref(), Some("claude-sonnet-4-5"));
        assert_eq!(scan.entries, Some(b'['));
        let parsed = input_tokens(&body, &ANTHROPIC);
        let diff = scan.tokens.abs_diff(parsed);
        assert!(diff <= 2, "scan {} vs parsed {parsed}", scan.tokens);
    }

    #[test]
    fn a_scan_counts_entries_media_and_refuses_broken_json() {
        let img = "QUJD".repeat(1000);
        let raw = format!(
            r#"{{"messages":[{{"role":"user","content":[{{"type":"image","source":{{"data":"{img}"}}}}]}},{{"role":"assistant","content":"x"}}],"model":"m"}}"#
        );
        let s = scan(raw.as_bytes(), &ANTHROPIC).unwrap();
        assert!(
            s.tokens >= MEDIA_TOKENS + 2 * PER_ENTRY && s.tokens < MEDIA_TOKENS + 40,
            "{s:?}"
        );
        let resp = scan(br#"{"input": "hi", "model": "m"}"#, &RESPONSES).unwrap();
        assert_eq!((resp.tokens, resp.entries), (1 + PER_ENTRY, Some(b'"')));
        for broken in [
            &b"{"[..],
            b"[1]",
            br#"{"a":"x}"#,
            br#"{"a":1}}"#,
            br#"{"a":1} x"#,
        ] {
            assert_eq!(
                scan(broken, &ANTHROPIC),
                None,
                "{}",
                String::from_utf8_lossy(broken)
            );
        }
        assert_eq!(scan(b"{}", &ANTHROPIC).unwrap().entries, None);
    }

    #[test]
    fn gemini_counts_the_wrapped_request_when_given() {
        let direct = json!({"contents": [{"role": "user", "parts": [{"text": "hello there"}]}]});
        let wrapped = json!({"generateContentRequest": direct.clone(), "contents": [{"parts": [{"text": "ignored"}]}]});
        assert_eq!(
            input_tokens(&direct, &GEMINI),
            input_tokens(&wrapped, &GEMINI)
        );
        assert_eq!(input_tokens(&json!({"input": "hi"}), &RESPONSES), 1 + 4);
    }
}
