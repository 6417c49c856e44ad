//! The budgets as this replica counts them alone: what it has to go by when neither Redis nor
//! PostgreSQL answers. Each budget's figure is the team ledger's at the last refresh plus what
//! this replica settled since (every settlement is counted here, whichever store reserved it),
//! plus what its own requests in flight hold while counted here.

use super::{micro, TeamBudget};
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

#[derive(Default, Clone, Copy)]
struct Count {
    /// Settled on this replica since the budget's figure was last refreshed (micro-USD).
    since: i64,
    /// Held by this replica's requests reserved here.
    held: i64,
}

/// This replica's counts, by budget key.
#[derive(Default)]
pub(super) struct LocalCounts(Mutex<HashMap<String, Count>>);

impl LocalCounts {
    fn with<T>(&self, f: impl FnOnce(&mut HashMap<String, Count>) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// A new figure for `budgets` from the team ledger: what was settled here before it is in
    /// it (or, for a replica's own budget, in this replica's ledger, which it also counts).
    pub(super) fn refreshed(&self, budgets: &[TeamBudget]) {
        self.with(|counts| {
            for b in budgets {
                counts.entry(b.key()).or_default().since = 0;
            }
        });
    }

    /// Holds `cost` in every budget of `covering` if each has room for it by this replica's
    /// count; else the index of the first without.
    pub(super) fn reserve(&self, covering: &[TeamBudget], cost: i64) -> Result<(), usize> {
        self.with(|counts| {
            for (i, b) in covering.iter().enumerate() {
                let c = counts.get(&b.key()).copied().unwrap_or_default();
                let total = micro(b.spent_usd).max(0) + c.since + c.held.max(0);
                if total.saturating_add(cost) > micro(b.limit_usd) {
                    return Err(i);
                }
            }
            for b in covering {
                counts.entry(b.key()).or_default().held += cost;
            }
            Ok(())
        })
    }

    /// A request covered by `budgets` ended having cost `cost`; `held` is what it held here.
    pub(super) fn settle(&self, budgets: &[TeamBudget], held: i64, cost: i64) {
        self.with(|counts| {
            for b in budgets {
                let c = counts.entry(b.key()).or_default();
                c.held -= held;
                c.since += cost;
            }
        });
    }
}
