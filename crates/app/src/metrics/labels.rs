//! Label values with bounded cardinality: the first `max` distinct values of a label are kept as
//! they are, every later one becomes `other`, so a client that sends a thousand model names
//! cannot grow the scrape without bound.

use prometheus_client::encoding::{EncodeLabelValue, LabelValueEncoder};
use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, PoisonError, RwLock};

/// The value every label beyond the bound becomes.
pub const OTHER: &str = "other";

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

    /// `value` itself while fewer than `max` distinct values were seen (or it is one of them),
    /// else [`OTHER`]. Shared: a value seen before is not copied again.
    pub fn label(&self, value: &str) -> Interned {
        if let Some(known) = self
            .seen
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(value)
        {
            return Interned(Arc::clone(known));
        }
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
}
