//! Label values with bounded cardinality: the first `max` distinct values of a label are kept as
//! they are, every later one becomes `other`, so a client that sends a thousand model names
//! cannot grow the scrape without bound.

use std::collections::HashSet;
use std::sync::{Arc, PoisonError, RwLock};

/// The value every label beyond the bound becomes.
pub const OTHER: &str = "other";

pub struct Bounded {
    max: usize,
    seen: RwLock<HashSet<Arc<str>>>,
    other: Arc<str>,
}

impl Bounded {
    pub fn new(max: usize) -> Bounded {
        Bounded {
            max,
            seen: RwLock::new(HashSet::new()),
            other: Arc::from(OTHER),
        }
    }

    /// `value` itself while fewer than `max` distinct values were seen (or it is one of them),
    /// else [`OTHER`]. Shared: a value seen before is not copied again.
    pub fn label(&self, value: &str) -> Arc<str> {
        if let Some(known) = self
            .seen
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(value)
        {
            return Arc::clone(known);
        }
        let mut seen = self.seen.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(known) = seen.get(value) {
            return Arc::clone(known);
        }
        if seen.len() < self.max {
            let label: Arc<str> = Arc::from(value);
            seen.insert(Arc::clone(&label));
            label
        } else {
            Arc::clone(&self.other)
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
            Arc::ptr_eq(&b.label("a"), &b.label("a")),
            "and is shared, not copied"
        );
    }
}
