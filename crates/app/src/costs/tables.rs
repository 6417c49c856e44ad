//! The tables the Costs feature works on, as one cloneable handle: what its service, its budget
//! rules and its repricing read, and what the status line opens without the service.

use switchyard_store::{BackendsTable, LedgerTable, RoutesTable, SettingsTable, Store};

/// The tables the Costs feature reads and writes: its settings (currency, prices, budgets), the
/// ledger and its rollups, and the backend and route names budgets are scoped by.
#[derive(Clone)]
pub(crate) struct CostTables {
    pub(crate) settings: SettingsTable,
    pub(crate) ledger: LedgerTable,
    pub(crate) backends: BackendsTable,
    pub(crate) routes: RoutesTable,
}

impl CostTables {
    pub(crate) fn of(store: &Store) -> CostTables {
        CostTables {
            settings: store.settings(),
            ledger: store.ledger(),
            backends: store.backends(),
            routes: store.routes(),
        }
    }
}

impl crate::blocking::OffThread for CostTables {}
