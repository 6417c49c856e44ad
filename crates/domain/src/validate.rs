//! Field validation for backends and keys. Problems come back as data, each with an optional fix
//! the user can apply with one click; nothing is corrected silently. Errors block saving,
//! warnings do not.

pub use crate::issue::{Field, Fix, Issue, IssueCode, Severity, Validation};
use crate::kind::BackendKind;
use crate::url_check::check_base_url;

pub const MAX_NAME_CHARS: usize = 64;
pub const MAX_LABEL_CHARS: usize = 40;
pub const MAX_MODEL_CHARS: usize = 200;
/// Real provider keys are 30–220 characters; anything longer is a paste accident.
pub const MAX_KEY_CHARS: usize = 1024;

/// What the user typed for a backend (before saving).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendDraft {
    pub name: String,
    pub kind: BackendKind,
    pub base_url: String,
    pub default_model: String,
}

/// Validates a backend draft against the names already taken by other backends.
pub fn validate_backend(draft: &BackendDraft, other_names: &[&str]) -> Validation {
    let mut issues = Vec::new();
    check_text(
        &mut issues,
        Field::Name,
        "Name",
        &draft.name,
        MAX_NAME_CHARS,
        None,
    );
    let name = draft.name.trim();
    if !name.is_empty()
        && other_names
            .iter()
            .any(|n| n.trim().eq_ignore_ascii_case(name))
    {
        issues.push(
            Issue::error(
                Field::Name,
                IssueCode::Duplicate,
                format!("A backend named “{name}” already exists."),
            )
            .replace_with(free_name(name, other_names, MAX_NAME_CHARS)),
        );
    }
    if draft.kind != BackendKind::Demo {
        issues.extend(check_base_url(draft.kind, &draft.base_url));
    } else if draft.base_url.chars().count() > crate::url_check::MAX_URL_CHARS {
        // Demo's URL is never used, but it is stored: it is bounded like any other.
        issues.push(Issue::error(
            Field::BaseUrl,
            IssueCode::TooLong,
            "Base URL is too long.",
        ));
    }
    let default_model = draft.kind.spec().default_model;
    let fallback = (!default_model.is_empty()).then_some(default_model);
    let model = &draft.default_model;
    check_text(
        &mut issues,
        Field::DefaultModel,
        "Default model",
        model,
        MAX_MODEL_CHARS,
        fallback,
    );
    if model.trim().chars().any(char::is_whitespace) {
        issues.push(Issue::error(
            Field::DefaultModel,
            IssueCode::Format,
            "Model ids contain no spaces.",
        ));
    }
    Validation { issues }
}

/// Validates a key and its label for a backend of `kind` that already has `other_labels`.
pub fn validate_key(
    kind: BackendKind,
    label: &str,
    value: &str,
    other_labels: &[&str],
) -> Validation {
    let mut issues = Vec::new();
    let fallback = free_name("default", other_labels, MAX_LABEL_CHARS);
    check_text(
        &mut issues,
        Field::KeyLabel,
        "Label",
        label,
        MAX_LABEL_CHARS,
        Some(&fallback),
    );
    let trimmed_label = label.trim();
    if !trimmed_label.is_empty()
        && other_labels
            .iter()
            .any(|l| l.trim().eq_ignore_ascii_case(trimmed_label))
    {
        issues.push(
            Issue::error(
                Field::KeyLabel,
                IssueCode::Duplicate,
                format!("This backend already has a key labelled “{trimmed_label}”."),
            )
            .replace_with(free_name(trimmed_label, other_labels, MAX_LABEL_CHARS)),
        );
    }
    issues.extend(check_key_value(kind, value));
    Validation { issues }
}

fn check_key_value(kind: BackendKind, value: &str) -> Vec<Issue> {
    let key = value.trim();
    let spec = kind.spec();
    if kind == BackendKind::Demo {
        return vec![Issue::error(
            Field::KeyValue,
            IssueCode::Other,
            "The Demo backend needs no key.",
        )];
    }
    if key.is_empty() {
        return vec![Issue::error(
            Field::KeyValue,
            IssueCode::Required,
            "Key is empty.",
        )];
    }
    let n = value.chars().count();
    if n > MAX_KEY_CHARS {
        return vec![Issue::error(
            Field::KeyValue,
            IssueCode::TooLong,
            format!("Key is too long ({n} characters; provider keys are under {MAX_KEY_CHARS})."),
        )];
    }
    let mut issues = Vec::new();
    if key.len() != value.len() {
        issues.push(
            Issue::error(
                Field::KeyValue,
                IssueCode::Format,
                "Key has spaces or line breaks around it.",
            )
            .with_fix(Fix::TrimKey),
        );
    }
    if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        issues.push(Issue::error(
            Field::KeyValue,
            IssueCode::Format,
            "Key contains spaces or control characters.",
        ));
    } else if !key.is_ascii() {
        issues.push(Issue::error(
            Field::KeyValue,
            IssueCode::Format,
            "Key contains non-ASCII characters.",
        ));
    }
    if kind == BackendKind::OpenAiCompatible || !issues.is_empty() {
        return issues;
    }
    match BackendKind::from_key_prefix(key) {
        Some(other) if other != kind => issues.push(
            Issue::warning(
                Field::KeyValue,
                IssueCode::Other,
                format!(
                    "This looks like {} {} key, not {}.",
                    article(other.spec().label),
                    other.spec().label,
                    spec.label
                ),
            )
            .with_fix(Fix::SwitchKind { kind: other }),
        ),
        None if !spec.key_prefixes.is_empty() => {
            let prefix = spec.key_prefixes[spec.key_prefixes.len() - 1];
            issues.push(Issue::warning(
                Field::KeyValue,
                IssueCode::Format,
                format!("{} keys usually start with “{prefix}”.", spec.label),
            ));
        }
        _ => {}
    }
    issues
}

/// Required, trimmed, bounded free text that must not be a pasted key.
fn check_text(
    issues: &mut Vec<Issue>,
    field: Field,
    what: &str,
    value: &str,
    max: usize,
    fallback: Option<&str>,
) {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        let issue = Issue::error(field, IssueCode::Required, format!("{what} is required."));
        issues.push(match fallback {
            Some(f) => issue.replace_with(f),
            None => issue,
        });
        return;
    }
    if looks_like_key(trimmed, field != Field::DefaultModel) {
        // Never offer a fix here: it would echo the key back.
        issues.push(Issue::error(
            field,
            IssueCode::LooksLikeKey,
            format!("{what} looks like an API key. Keys belong in the key field, where they go to the keychain."),
        ));
        return;
    }
    if trimmed.len() != value.len() {
        issues.push(
            Issue::error(
                field,
                IssueCode::Format,
                format!("{what} has spaces around it."),
            )
            .replace_with(trimmed),
        );
    }
    let n = trimmed.chars().count();
    if n > max {
        issues.push(Issue::error(
            field,
            IssueCode::TooLong,
            format!("{what} is too long ({n} of at most {max} characters)."),
        ));
    }
}

/// True for text with a provider key prefix, or (when `strict`) a long run of mixed-case letters
/// and digits with no separators, the shape of prefix-less keys such as Mistral's.
pub fn looks_like_key(text: &str, strict: bool) -> bool {
    if text.len() >= 20 && BackendKind::from_key_prefix(text).is_some() {
        return true;
    }
    strict
        && text.len() >= 24
        && text.chars().all(|c| c.is_ascii_alphanumeric())
        && text.chars().any(|c| c.is_ascii_uppercase())
        && text.chars().any(|c| c.is_ascii_lowercase())
        && text.chars().any(|c| c.is_ascii_digit())
}

/// `base` if free, else `base 2`, `base 3`, … — the first one not taken (ignoring case), shortened
/// so that it fits in `max_chars`.
pub fn free_name(base: &str, taken: &[&str], max_chars: usize) -> String {
    let is_taken = |c: &str| taken.iter().any(|t| t.trim().eq_ignore_ascii_case(c));
    if !is_taken(base) && base.chars().count() <= max_chars {
        return base.to_string();
    }
    (2u32..)
        .map(|i| {
            let suffix = format!(" {i}");
            let keep = max_chars.saturating_sub(suffix.chars().count());
            let stem: String = base.chars().take(keep).collect();
            format!("{}{suffix}", stem.trim_end())
        })
        .find(|c| !is_taken(c))
        .unwrap_or_else(|| base.to_string())
}

/// "a" or "an" for a kind's label ("an OpenAI key", "a Groq key").
pub(crate) fn article(word: &str) -> &'static str {
    match word.chars().next() {
        Some('A' | 'E' | 'I' | 'O' | 'U' | 'a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "validate_fix_tests.rs"]
mod fix_tests;
