//! Whether a literal is a provider key, and whose: by key prefix first, by variable name second.
//!
//! Misses leak keys and false alarms teach users to ignore the sweep, so the rules are narrow on
//! both sides: a prefixed value must be key-shaped (`[A-Za-z0-9_-]`, at least 20 characters,
//! exactly 39 for `AIza`); a value found only by its variable's name must be a long single-token
//! literal; and anything that reads like a placeholder (`your-key-here`, `sk-xxxx…`, `changeme`)
//! or has no randomness to it is ignored.

use switchyard_domain::import::kind_for_variable;
use switchyard_domain::BackendKind;

/// Shortest value taken for a key.
const MIN_LEN: usize = 20;
/// Google API keys are `AIza` plus 35 characters.
const GOOGLE_KEY_LEN: usize = 39;
/// Switchyard's own gateway tokens: not a provider key, and the reason a tool works at all.
const GATEWAY_TOKEN_PREFIX: &str = "sy-";
/// Fragments of the values docs and templates put where a key goes (compared in lower case).
const PLACEHOLDER_WORDS: [&str; 16] = [
    "changeme",
    "change_me",
    "change-me",
    "placeholder",
    "example",
    "replace",
    "redacted",
    "dummy",
    "xxxx",
    "...",
    "yourkey",
    "your_",
    "your-",
    "_here",
    "-here",
    "keyhere",
];

/// The kind of key `value` is when assigned to `variable`, or `None` when it is not a key.
pub(super) fn classify(variable: &str, value: &str) -> Option<BackendKind> {
    let by_name = kind_for_name(variable);
    // `OLLAMA_HOST` is an address, not a secret.
    if by_name == Some(BackendKind::Ollama)
        || value.starts_with(GATEWAY_TOKEN_PREFIX)
        || is_placeholder(value)
    {
        return None;
    }
    if let Some(kind) = by_prefix(value) {
        return Some(kind);
    }
    let kind = by_name?;
    let fits = match kind {
        // Mistral keys carry no prefix: 32 letters and digits.
        BackendKind::Mistral => {
            (24..=64).contains(&value.len()) && value.chars().all(|c| c.is_ascii_alphanumeric())
        }
        _ => named_literal(value),
    };
    (fits && looks_random(value)).then_some(kind)
}

/// The kind a variable or config key names, matching case-insensitively with `-` as `_`
/// (aider's `openai-api-key` is `OPENAI_API_KEY`).
fn kind_for_name(variable: &str) -> Option<BackendKind> {
    kind_for_variable(&variable.to_ascii_uppercase().replace('-', "_"))
}

/// The kind whose prefix `value` starts with, if it is shaped like such a key.
fn by_prefix(value: &str) -> Option<BackendKind> {
    let kind = BackendKind::from_key_prefix(value)?;
    let shaped = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let long_enough = match kind {
        BackendKind::Gemini => value.len() == GOOGLE_KEY_LEN,
        _ => value.len() >= MIN_LEN,
    };
    (shaped && long_enough && looks_random(body(value))).then_some(kind)
}

/// A literal that could be a key of any format: one long token of key characters.
fn named_literal(value: &str) -> bool {
    value.len() >= MIN_LEN
        && value.starts_with(|c: char| c.is_ascii_alphanumeric())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.+/=".contains(c))
}

/// Keys are random: some digit or both cases, and more than a handful of distinct characters.
fn looks_random(body: &str) -> bool {
    let has = |f: fn(&char) -> bool| body.chars().any(|c| f(&c));
    let mut distinct: Vec<char> = body.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    distinct.len() >= 8
        && (has(char::is_ascii_digit)
            || (has(char::is_ascii_uppercase) && has(char::is_ascii_lowercase)))
}

/// `value` without its provider prefix.
fn body(value: &str) -> &str {
    BackendKind::from_key_prefix(value)
        .into_iter()
        .flat_map(|k| k.spec().key_prefixes.iter())
        .find_map(|p| value.strip_prefix(p))
        .unwrap_or(value)
}

fn is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w)) || has_long_run(value)
}

/// Six or more of the same character in a row (`sk-000000…`, `AAAAAA`).
fn has_long_run(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.windows(6).any(|w| w.iter().all(|&b| b == w[0]))
}
