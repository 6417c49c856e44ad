//! Label values with bounded cardinality and size: the first `max` distinct values of a label
//! are kept, every later one becomes `other`, so a client that sends a thousand model names
//! cannot grow the scrape without bound. Values are the user's and the clients' own words (token,
//! backend and route names, requested models), so each is also cut to [`MAX_VALUE_CHARS`] and has
//! its control characters replaced by spaces ([`clean`]). Quotes, backslashes and newlines are
//! escaped when written (`prometheus-client`'s label value encoder: `\"`, `\\`, `\n`, the same in
//! OpenMetrics and the Prometheus text format); `escaping_tests.rs` holds both formats to it.

use prometheus_client::encoding::{EncodeLabelValue, LabelValueEncoder};
use std::borrow::Cow;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, PoisonError, RwLock};

/// The value every label beyond the bound becomes.
pub const OTHER: &str = "other";

/// The longest label value written, in characters; a longer one is cut and ends in `…`.
pub const MAX_VALUE_CHARS: usize = 128;

/// `value` as a label may carry it: control characters (tabs, carriage returns, newlines, NUL …)
/// become spaces and anything past [`MAX_VALUE_CHARS`] is cut. Borrowed when nothing changes.
pub fn clean(value: &str) -> Cow<'_, str> {
    // A value of at most MAX_VALUE_CHARS bytes has at most that many characters.
    let too_long = value.len() > MAX_VALUE_CHARS && value.chars().count() > MAX_VALUE_CHARS;
    if !too_long && !value.chars().any(char::is_control) {
        return Cow::Borrowed(value);
    }
    let keep = if too_long {
        MAX_VALUE_CHARS - 1
    } else {
        MAX_VALUE_CHARS
    };
    let mut out: String = value
        .chars()
        .take(keep)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if too_long {
        out.push('…');
    }
    Cow::Owned(out)
}

pub struct Bounded {
    max: usize,
    /// Looked up by text once per label per request: a fast hash (the set is bounded by `max`,
    /// so a client's names cannot make it degrade far).
    seen: RwLock<HashSet<Arc<str>, rustc_hash::FxBuildHasher>>,
    other: Arc<str>,
}

/// A label value from a [`Bounded`] set, which holds one shared copy of each distinct value:
/// compared and hashed by that copy's address, so finding a request's series hashes a word per
/// label rather than its text (a lookup in each family per request). Only [`Bounded::label`]
/// makes one, so two equal texts in the same label are always the same copy.
#[derive(Clone, Debug)]
pub struct Interned(Arc<str>);

impl PartialEq for Interned {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Interned {}

impl Hash for Interned {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::ptr::hash(Arc::as_ptr(&self.0).cast::<u8>(), state);
    }
}

impl std::ops::Deref for Interned {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl EncodeLabelValue for Interned {
    fn encode(&self, encoder: &mut LabelValueEncoder<'_>) -> Result<(), std::fmt::Error> {
        (&*self.0).encode(encoder)
    }
}

impl Bounded {
    pub fn new(max: usize) -> Bounded {
        Bounded {
            max,
            seen: RwLock::new(HashSet::default()),
            other: Arc::from(OTHER),
        }
    }

    /// `value` ([`clean`]ed) while fewer than `max` distinct values were seen (or it is one of
    /// them), else [`OTHER`]. Shared: a value seen before is not copied again.
    pub fn label(&self, value: &str) -> Interned {
        if let Some(known) = self.known(value) {
            return known;
        }
        // Only a value not seen as it is gets cleaned: the common case pays one lookup.
        let cleaned = clean(value);
        if let Cow::Owned(c) = &cleaned {
            if let Some(known) = self.known(c) {
                return known;
            }
        }
        let value: &str = &cleaned;
        let mut seen = self.seen.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(known) = seen.get(value) {
            return Interned(Arc::clone(known));
        }
        if seen.len() < self.max {
            let label: Arc<str> = Arc::from(value);
            seen.insert(Arc::clone(&label));
            Interned(label)
        } else {
            Interned(Arc::clone(&self.other))
        }
    }

    /// The shared copy of `value`, when it was seen.
    fn known(&self, value: &str) -> Option<Interned> {
        self.seen
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(value)
            .map(|known| Interned(Arc::clone(known)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_beyond_the_bound_become_other_and_known_ones_stay() {
        let b = Bounded::new(2);
        assert_eq!(&*b.label("a"), "a");
        assert_eq!(&*b.label("b"), "b");
        assert_eq!(&*b.label("c"), OTHER);
        assert_eq!(&*b.label("a"), "a", "a value seen before keeps its name");
        assert!(
            Arc::ptr_eq(&b.label("a").0, &b.label("a").0),
            "and is shared, not copied"
        );
        assert_eq!(b.label("a"), b.label("a"));
        assert_ne!(b.label("a"), b.label("b"));
    }

    #[test]
    fn control_characters_become_spaces_and_long_values_are_cut() {
        assert!(
            matches!(clean("claude-code"), Cow::Borrowed(_)),
            "a plain name is not copied"
        );
        assert_eq!(clean("a\nb\r\tc\0d\u{7f}e\u{85}f"), "a b  c d e f");
        assert_eq!(
            clean(r#"say "hi" \ a="b""#),
            r#"say "hi" \ a="b""#,
            "quotes and backslashes are escaped when written, not changed here"
        );
        let huge = "é".repeat(10_000);
        let cut = clean(&huge);
        assert_eq!(
            cut.chars().count(),
            MAX_VALUE_CHARS,
            "bounded in characters"
        );
        assert!(cut.ends_with('…'), "and says it was cut");
        let exact = "x".repeat(MAX_VALUE_CHARS);
        assert_eq!(clean(&exact), exact, "a value at the limit is kept whole");
    }

    #[test]
    fn a_dirty_value_counts_once_under_its_cleaned_name() {
        let b = Bounded::new(2);
        let first = b.label("a\nb");
        assert_eq!(&*first, "a b");
        assert_eq!(b.label("a\nb"), first, "the same value finds the same copy");
        assert_eq!(
            b.label("a b"),
            first,
            "and its clean twin is the same series"
        );
        assert_eq!(&*b.label("c"), "c", "one slot was used, not two");
    }
}
