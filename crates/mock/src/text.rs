//! Owns the deterministic demo reply, word-based token counting and text extraction from message content.

use serde_json::Value;

/// How many characters of the user's prompt the reply quotes.
const EXCERPT_CHARS: usize = 60;

/// The fixed body of every demo reply.
const BODY: &str =
    "This answer comes from the Switchyard demo backend, so no real model was called \
and nothing left your machine. Add a provider key and pick a real backend to get genuine answers. \
Streaming, usage counts and errors behave like the real APIs.";

/// A generated reply, already cut to the caller's token budget. One word is one token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reply {
    words: Vec<String>,
    truncated: bool,
}

impl Reply {
    /// The reply to `prompt` (the last user message), cut to `max_tokens` words if given.
    pub(crate) fn for_prompt(prompt: &str, max_tokens: Option<u64>) -> Self {
        let collapsed = collapse(prompt);
        let full = if collapsed.is_empty() {
            format!("Demo reply: {BODY}")
        } else {
            let mut excerpt: String = collapsed.chars().take(EXCERPT_CHARS).collect();
            if collapsed.chars().count() > EXCERPT_CHARS {
                excerpt.push('…');
            }
            format!("Demo reply to “{excerpt}”: {BODY}")
        };
        Self::from_text(&full, max_tokens)
    }

    /// A reply saying exactly `text` (whitespace collapsed), cut to `max_tokens` words if given.
    pub(crate) fn from_text(text: &str, max_tokens: Option<u64>) -> Self {
        let mut words: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
        let limit = max_tokens.map_or(usize::MAX, |m| usize::try_from(m).unwrap_or(usize::MAX));
        let truncated = words.len() > limit;
        words.truncate(limit);
        Self { words, truncated }
    }

    /// The whole reply text (words joined by single spaces).
    pub(crate) fn text(&self) -> String {
        self.words.join(" ")
    }

    /// The streamed pieces, one per token; concatenated they equal [`Reply::text`].
    pub(crate) fn pieces(&self) -> impl Iterator<Item = String> + '_ {
        self.words
            .iter()
            .enumerate()
            .map(|(i, w)| if i == 0 { w.clone() } else { format!(" {w}") })
    }

    /// Number of tokens (words) in the reply.
    pub(crate) fn tokens(&self) -> u64 {
        self.words.len() as u64
    }

    /// True when the token budget cut the reply short.
    pub(crate) fn truncated(&self) -> bool {
        self.truncated
    }
}

/// `text` with every run of whitespace replaced by one space, and no leading or trailing space.
pub(crate) fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Number of whitespace-separated words in `text`.
pub(crate) fn count_words(text: &str) -> u64 {
    text.split_whitespace().count() as u64
}

/// The text of a message `content`: a string, or the `text` of every `{"type":"text"}` block in an
/// array (joined by newlines). Anything else (null, images, tool blocks) contributes nothing.
pub(crate) fn content_text(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(blocks) => blocks
            .iter()
            .filter(|b| b.get("type").and_then(Value::as_str) == Some("text"))
            .filter_map(|b| b.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

/// Prompt tokens for a conversation: words of every message plus 3 per message, plus `extra` words
/// (e.g. a system prompt).
pub(crate) fn prompt_tokens<'a>(messages: impl Iterator<Item = &'a str>, extra: &str) -> u64 {
    messages.map(|m| count_words(m) + 3).sum::<u64>() + count_words(extra)
}

/// The prompt a reply answers: the last `user` message, else the last message, else empty.
pub(crate) fn last_user_text(messages: &[(String, String)]) -> &str {
    messages
        .iter()
        .rev()
        .find(|(role, _)| role == "user")
        .or_else(|| messages.last())
        .map_or("", |(_, text)| text.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reply_is_deterministic_and_pieces_concatenate() {
        let a = Reply::for_prompt("  Hello   there\nworld ", None);
        assert_eq!(a, Reply::for_prompt("Hello there world", None));
        assert!(a
            .text()
            .starts_with("Demo reply to “Hello there world”: This"));
        assert_eq!(a.pieces().collect::<String>(), a.text());
        assert!(!a.truncated());
    }

    #[test]
    fn reply_is_cut_by_max_tokens_and_excerpt_is_char_safe() {
        let long = "é".repeat(100);
        let r = Reply::for_prompt(&long, Some(4));
        assert_eq!(r.tokens(), 4);
        assert!(r.truncated());
        assert!(r.text().contains('…'));
    }

    #[test]
    fn content_text_handles_blocks() {
        let v = json!([{"type":"text","text":"a b"},{"type":"image"},{"type":"text","text":"c"}]);
        assert_eq!(content_text(&v), "a b\nc");
        assert_eq!(content_text(&json!(null)), "");
        assert_eq!(
            prompt_tokens(["a b", "c"].into_iter(), "sys tem"),
            2 + 3 + 1 + 3 + 2
        );
    }
}
