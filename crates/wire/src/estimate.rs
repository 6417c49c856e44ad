//! A local estimate of a request's input tokens, for token-counting endpoints whose backend
//! offers no free counter (Anthropic `count_tokens` served by an OpenAI backend, and so on).
//!
//! The estimate walks the JSON once without building the canonical model (Claude Code sends
//! dozens of counting requests at start, so this must cost microseconds): every string and
//! object key under the request's conversation fields counts its bytes, about four per token;
//! each conversation entry adds four tokens of framing; inline media (base64 `data` next to a
//! media type) counts a flat [`MEDIA_TOKENS`] instead of its length. It is an estimate and is
//! labelled as one wherever it is shown; it is never billed.

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

/// OpenAI Chat Completions.
pub const CHAT: Fields = Fields {
    counted: &["messages", "tools"],
    entries: "messages",
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
