//! Where a table's lookups ended, per provider and model name as asked: the gateway prices
//! every request (its capabilities before sending, its cost after), and a name is normalised,
//! expanded into alias steps and searched once per table instead of each time. A copy of a
//! table starts with nothing remembered (its overrides may differ). Bounded: emptied when full.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::Provider;

/// Names remembered per table and kind of lookup before the memo is emptied.
const MAX_NAMES: usize = 4096;

/// Which index an entry was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Overrides,
    Models,
}

/// The index key (lower case) a lookup ended at, or `None`: not priced.
pub(crate) type Hit = Option<(Side, Arc<str>)>;

#[derive(Debug, Default)]
pub(crate) struct Found {
    names: Mutex<HashMap<Provider, HashMap<Box<str>, Hit>>>,
    /// Searches run (tests only: a name asked again searches nothing).
    #[cfg(test)]
    searched: std::sync::atomic::AtomicUsize,
}

impl Clone for Found {
    fn clone(&self) -> Self {
        Found::default()
    }
}

impl Found {
    /// The remembered end of `(provider, model)`, or `search`'s, remembered.
    pub(crate) fn get_or(
        &self,
        provider: Provider,
        model: &str,
        search: impl FnOnce() -> Hit,
    ) -> Hit {
        let mut names = self.names.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(hit) = names.get(&provider).and_then(|m| m.get(model)) {
            return hit.clone();
        }
        let hit = search();
        let total: usize = names.values().map(HashMap::len).sum();
        if total >= MAX_NAMES {
            names.clear();
        }
        names
            .entry(provider)
            .or_default()
            .insert(model.into(), hit.clone());
        #[cfg(test)]
        self.searched
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        hit
    }

    /// How many searches ran.
    #[cfg(test)]
    pub(crate) fn searches(&self) -> usize {
        self.searched.load(std::sync::atomic::Ordering::Relaxed)
    }
}
