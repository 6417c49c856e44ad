//! Model-name aliasing: which table names to try, best first, for the model id a client sent.
//!
//! Rules, in order (all on the lowercased, trimmed id):
//! 1. Strip a leading `models/` (Gemini API style) and this provider's own key prefix if the
//!    client already sent it (`gemini/gemini-2.5-flash`, `openrouter/anthropic/...`).
//! 2. The name itself.
//! 3. Ollama only: `llama3:latest` → `llama3` (`:latest` is Ollama's default tag).
//! 4. Dated ↔ undated: a trailing `-YYYYMMDD` / `-YYYY-MM-DD` is stripped
//!    (`gpt-4o-2024-08-06` → `gpt-4o`); an undated name falls back to its newest dated
//!    sibling (`claude-3-7-sonnet` → `claude-3-7-sonnet-20250219`).
//! 5. `-latest`: `x-latest` falls back to `x` (then `x`'s newest dated sibling); a plain `x`
//!    falls back to `x-latest`.
//!
//! The table turns each [`Step`] into keys (provider-prefixed first, then bare) and checks the
//! entry's provider. Invariant: steps only ever lose or gain a version marker, never a family
//! name, so an alias cannot jump to a different model.

/// One name to try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// A key spelled exactly so (after prefixing).
    Exact(String),
    /// The newest key spelled `name-<date>`.
    NewestDated(String),
}

/// The bare, normalised model name: lowercase, no `models/`, no own provider prefix.
pub(crate) fn normalise(prefix: Option<&str>, model: &str) -> String {
    let mut name = model.trim().to_lowercase();
    if let Some(rest) = name.strip_prefix("models/") {
        name = rest.to_owned();
    }
    if let Some(rest) = prefix.and_then(|p| name.strip_prefix(p)?.strip_prefix('/')) {
        name = rest.to_owned();
    }
    name
}

/// The names to try for a normalised `name`, best first.
pub(crate) fn steps(name: &str, ollama: bool) -> Vec<Step> {
    let mut steps = vec![Step::Exact(name.to_owned())];
    let name = match name.strip_suffix(":latest").filter(|_| ollama) {
        Some(untagged) => {
            steps.push(Step::Exact(untagged.to_owned()));
            untagged
        }
        None => name,
    };
    match strip_date(name) {
        Some(undated) => steps.push(Step::Exact(undated.to_owned())),
        None => steps.push(Step::NewestDated(name.to_owned())),
    }
    match name.strip_suffix("-latest") {
        Some(base) => {
            steps.push(Step::Exact(base.to_owned()));
            steps.push(Step::NewestDated(base.to_owned()));
        }
        None if strip_date(name).is_none() => steps.push(Step::Exact(format!("{name}-latest"))),
        None => {}
    }
    steps
}

/// `name` without a trailing `-YYYYMMDD` or `-YYYY-MM-DD`, if it has one.
pub(crate) fn strip_date(name: &str) -> Option<&str> {
    [9, 11].into_iter().find_map(|len| {
        let cut = name.len().checked_sub(len)?;
        let (base, suffix) = (name.get(..cut)?, name.get(cut..)?);
        let date = suffix.strip_prefix('-')?;
        (!base.is_empty() && is_date(date)).then_some(base)
    })
}

/// A plausible `YYYYMMDD` or `YYYY-MM-DD` date, returned as its eight digits for ordering.
pub(crate) fn date_digits(date: &str) -> Option<String> {
    let digits: String = match date.len() {
        8 => date.to_owned(),
        10 if date.as_bytes()[4] == b'-' && date.as_bytes()[7] == b'-' => date.replace('-', ""),
        _ => return None,
    };
    let all_digits = digits.len() == 8 && digits.bytes().all(|b| b.is_ascii_digit());
    let month = digits.get(4..6).and_then(|m| m.parse::<u8>().ok());
    let day = digits.get(6..8).and_then(|d| d.parse::<u8>().ok());
    let plausible = all_digits
        && digits.starts_with("20")
        && month.is_some_and(|m| (1..=12).contains(&m))
        && day.is_some_and(|d| (1..=31).contains(&d));
    plausible.then_some(digits)
}

fn is_date(date: &str) -> bool {
    date_digits(date).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_date_styles_are_recognised_and_nothing_else() {
        assert_eq!(
            strip_date("claude-sonnet-4-5-20250929"),
            Some("claude-sonnet-4-5")
        );
        assert_eq!(strip_date("gpt-4o-2024-08-06"), Some("gpt-4o"));
        assert_eq!(strip_date("gpt-4-0613"), None);
        assert_eq!(strip_date("mistral-large-2411"), None);
        assert_eq!(strip_date("model-12345678"), None);
        assert_eq!(strip_date("-20250929"), None);
    }

    #[test]
    fn normalising_drops_case_models_slash_and_own_prefix_only() {
        assert_eq!(
            normalise(Some("gemini"), " models/Gemini-2.5-Flash "),
            "gemini-2.5-flash"
        );
        assert_eq!(
            normalise(Some("groq"), "groq/llama-3.3-70b-versatile"),
            "llama-3.3-70b-versatile"
        );
        assert_eq!(
            normalise(Some("openrouter"), "anthropic/claude-3.5-sonnet"),
            "anthropic/claude-3.5-sonnet"
        );
        assert_eq!(normalise(Some("groq"), "groqx/m"), "groqx/m");
    }

    #[test]
    fn a_dated_name_tries_itself_then_its_undated_form() {
        assert_eq!(
            steps("gpt-4o-2024-08-06", false),
            [
                Step::Exact("gpt-4o-2024-08-06".into()),
                Step::Exact("gpt-4o".into())
            ]
        );
    }

    #[test]
    fn an_undated_name_tries_dated_siblings_then_latest() {
        assert_eq!(
            steps("mistral-large", false),
            [
                Step::Exact("mistral-large".into()),
                Step::NewestDated("mistral-large".into()),
                Step::Exact("mistral-large-latest".into()),
            ]
        );
    }

    #[test]
    fn a_latest_name_falls_back_to_its_base() {
        assert_eq!(
            steps("claude-3-7-sonnet-latest", false),
            [
                Step::Exact("claude-3-7-sonnet-latest".into()),
                Step::NewestDated("claude-3-7-sonnet-latest".into()),
                Step::Exact("claude-3-7-sonnet".into()),
                Step::NewestDated("claude-3-7-sonnet".into()),
            ]
        );
    }

    #[test]
    fn the_ollama_latest_tag_is_dropped_only_for_ollama() {
        assert!(steps("llama3:latest", true).contains(&Step::Exact("llama3".into())));
        assert!(!steps("llama3:latest", false).contains(&Step::Exact("llama3".into())));
    }
}
