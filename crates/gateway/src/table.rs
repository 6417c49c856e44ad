//! The routing snapshot: enabled backends in priority order with their key labels, and the user's
//! routes. The app publishes a new snapshot whenever backends or routes change; requests read
//! the current one without locking for long.

use std::sync::{Arc, RwLock};
use switchyard_core::BackendKind;
use switchyard_policy::Strategy;

#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub id: String,
    pub name: String,
    pub kind: BackendKind,
    /// Where requests go (the Demo server's address for Demo).
    pub base_url: String,
    pub default_model: String,
    pub keys: Vec<KeyRef>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRef {
    pub id: String,
    pub label: String,
}

/// A user-defined model name mapping to candidates and a strategy.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub name: String,
    pub strategy: Strategy,
    /// (backend id, model) in the user's order.
    pub candidates: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoutingTable {
    /// Enabled backends only, in priority order.
    pub targets: Vec<Target>,
    pub routes: Vec<Route>,
}

/// The current snapshot, shared between the app (writer) and the gateway (readers).
#[derive(Clone, Default)]
pub struct TableHandle(Arc<RwLock<Arc<RoutingTable>>>);

impl TableHandle {
    pub fn new(table: RoutingTable) -> Self {
        TableHandle(Arc::new(RwLock::new(Arc::new(table))))
    }

    pub fn get(&self) -> Arc<RoutingTable> {
        Arc::clone(
            &self
                .0
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    pub fn set(&self, table: RoutingTable) {
        *self
            .0
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(table);
    }
}
