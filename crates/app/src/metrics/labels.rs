//! Label values with bounded cardinality: the first `max` distinct values of a label are kept as
//! they are, every later one becomes `other`, so a client that sends a thousand model names
//! cannot grow the scrape without bound.

use std::collections::HashSet;
use std::sync::{PoisonError, RwLock};

/// The value every label beyond the bound becomes.
pub const OTHER: &str = "other";

pub struct Bounded {
    max: usize,
    seen: RwLock<HashSet<String>>,
}

impl Bounded {
    pub fn new(max: usize) -> Bounded {
        Bounded {
            max,
            seen: RwLock::new(HashSet::new()),
        }
    }

    /// `value` itself while fewer than `max` distinct values were seen (or it is one of them),
    /// else [`OTHER`].
    pub fn label(&self, value: &str) -> String {
        if self
            .seen
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(value)
        {
            return value.to_string();
        }
        let mut seen = self.seen.write().unwrap_or_else(PoisonError::into_inner);
        if seen.contains(value) || seen.len() < self.max {
            seen.insert(value.to_string());
            value.to_string()
        } else {
            OTHER.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_beyond_the_bound_become_other_and_known_ones_stay() {
        let b = Bounded::new(2);
        assert_eq!(b.label("a"), "a");
        assert_eq!(b.label("b"), "b");
        assert_eq!(b.label("c"), OTHER);
        assert_eq!(b.label("a"), "a", "a value seen before keeps its name");
    }
}
