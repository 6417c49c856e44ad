//! Money on the request path: the price table the ledger's costs come from, and the budget hard
//! stops. Both are swapped by the app at run time (a newer price file, a price override, a budget
//! crossing) without restarting the gateway.
//!
//! A hard stop is a [`SpendLimit`]: a scope (everything, one backend, one route) with the USD
//! still allowed in the current period. The app sets it from the ledger; between two updates
//! the gateway subtracts every finished request's cost itself, so a burst cannot run far past
//! the limit. Once a limit has nothing left, paid candidates in its scope are skipped; free ones
//! (the Demo backend, a model priced at $0) and response-cache hits still serve.
//!
//! Invariants: locks are never held across an `.await`; a poisoned lock is recovered (the data
//! is plain values, always consistent).

use std::sync::{Arc, PoisonError, RwLock};
use switchyard_pricing::PriceTable;

/// What a budget's hard stop covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpendScope {
    /// Every paid request.
    All,
    /// Requests sent to this backend (by id).
    Backend(String),
    /// Requests for this route (by name, as the ledger records it).
    Route(String),
}

/// A budget with a hard stop, as the gateway enforces it.
#[derive(Debug, Clone, PartialEq)]
pub struct SpendLimit {
    /// The budget's id (for logs).
    pub id: String,
    pub scope: SpendScope,
    /// USD still allowed this period; at or below 0 the scope is stopped.
    pub remaining_usd: f64,
    /// The refusal's message, naming the budget and how to lift the stop.
    pub message: String,
}

impl SpendLimit {
    fn covers(&self, backend_id: &str, route: Option<&str>) -> bool {
        match &self.scope {
            SpendScope::All => true,
            SpendScope::Backend(id) => id == backend_id,
            SpendScope::Route(name) => route.is_some_and(|r| r.eq_ignore_ascii_case(name)),
        }
    }
}

/// The live price table and hard stops.
pub struct Spend {
    prices: RwLock<Arc<PriceTable>>,
    limits: RwLock<Vec<SpendLimit>>,
}

impl Default for Spend {
    fn default() -> Self {
        Spend {
            prices: RwLock::new(Arc::new(PriceTable::bundled().clone())),
            limits: RwLock::new(Vec::new()),
        }
    }
}

impl Spend {
    /// The price table in force.
    pub fn prices(&self) -> Arc<PriceTable> {
        Arc::clone(&self.prices.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Replaces the price table; requests finishing from now on are priced with it.
    pub fn set_prices(&self, table: Arc<PriceTable>) {
        *self.prices.write().unwrap_or_else(PoisonError::into_inner) = table;
    }

    /// Replaces every hard stop.
    pub fn set_limits(&self, limits: Vec<SpendLimit>) {
        *self.limits.write().unwrap_or_else(PoisonError::into_inner) = limits;
    }

    /// The hard stops with what the gateway believes is left.
    pub fn limits(&self) -> Vec<SpendLimit> {
        self.limits
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The message of the first exhausted limit covering a request to `backend_id` for
    /// `route`, or `None` when it may go ahead.
    pub fn stopped(&self, backend_id: &str, route: Option<&str>) -> Option<String> {
        let limits = self.limits.read().unwrap_or_else(PoisonError::into_inner);
        limits
            .iter()
            .find(|l| l.remaining_usd <= 0.0 && l.covers(backend_id, route))
            .map(|l| l.message.clone())
    }

    /// Takes a finished request's cost off every limit covering it.
    pub fn charge(&self, backend_id: &str, route: Option<&str>, usd: f64) {
        if !(usd.is_finite() && usd > 0.0) {
            return;
        }
        let mut limits = self.limits.write().unwrap_or_else(PoisonError::into_inner);
        for l in limits.iter_mut().filter(|l| l.covers(backend_id, route)) {
            l.remaining_usd -= usd;
            if l.remaining_usd <= 0.0 && l.remaining_usd + usd > 0.0 {
                tracing::info!(budget = %l.id, "budget used up: hard stop engaged");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(scope: SpendScope, remaining_usd: f64) -> SpendLimit {
        SpendLimit {
            id: "b".into(),
            scope,
            remaining_usd,
            message: "stop".into(),
        }
    }

    #[test]
    fn charges_reach_only_the_limits_covering_the_request() {
        let s = Spend::default();
        s.set_limits(vec![
            limit(SpendScope::Backend("a".into()), 1.0),
            limit(SpendScope::Route("fast".into()), 1.0),
        ]);
        s.charge("a", None, 0.6);
        assert_eq!(s.stopped("a", None), None);
        s.charge("a", Some("FAST"), 0.6);
        assert_eq!(s.stopped("a", None).as_deref(), Some("stop"));
        assert_eq!(s.stopped("b", None), None, "another backend is not stopped");
        assert_eq!(s.stopped("b", Some("fast")), None, "the route has 0.4 left");
        s.charge("b", Some("fast"), f64::NAN);
        s.charge("b", Some("fast"), 0.4);
        assert!(s.stopped("b", Some("fast")).is_some());
    }

    #[test]
    fn the_overall_scope_covers_everything_and_new_limits_replace_old_ones() {
        let s = Spend::default();
        s.set_limits(vec![limit(SpendScope::All, 0.0)]);
        assert!(s.stopped("x", Some("r")).is_some());
        s.set_limits(vec![limit(SpendScope::All, 5.0)]);
        assert!(s.stopped("x", Some("r")).is_none());
    }
}
