//! Narrow handles on the store, one per table or concern: a service holds the handles of the
//! tables it reads and writes, not the whole store, so what it can touch is in its fields.
//! Each handle is a clone of the [`Store`] (one shared connection) restricted to its methods,
//! which live in the table's own module.

use crate::Store;

macro_rules! table {
    ($(#[$doc:meta])* $name:ident, $accessor:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name {
            pub(crate) db: Store,
        }

        impl Store {
            $(#[$doc])*
            pub fn $accessor(&self) -> $name {
                $name { db: self.clone() }
            }
        }
    };
}

table!(
    /// Backends: their settings, limits, monitoring and order.
    BackendsTable, backends
);
table!(
    /// Key metadata (label, masked hint, approved host); the keys are in the keychain.
    KeysTable, keys
);
table!(
    /// The latest key and backend checks.
    ChecksTable, checks
);
table!(
    /// Named routes.
    RoutesTable, routes
);
table!(
    /// Gateway tokens (hashed).
    TokensTable, tokens
);
table!(
    /// Settings, one JSON value per key.
    SettingsTable, settings
);
table!(
    /// Tool connections and key moves (what "Disconnect" and "Put back" restore).
    ConnectionsTable, connections
);
table!(
    /// Alerts, opened and resolved.
    AlertsTable, alerts
);
table!(
    /// Readiness runs (each one's scorecard).
    ReadinessTable, readiness
);
table!(
    /// Drill runs.
    DrillsTable, drills
);
table!(
    /// Probe samples and their hourly rollups.
    HealthTable, health
);
table!(
    /// Each backend's model catalogue.
    CatalogueTable, catalogue
);
table!(
    /// Provider balances.
    BalancesTable, balances
);
table!(
    /// Usage read from the tools' own records, their read cursors and plan windows.
    ToolUsageTable, tool_usage
);
table!(
    /// The request ledger and its rollups: writes, totals, series, exports, latency, repricing.
    LedgerTable, ledger
);

impl LedgerTable {
    /// The ledger on a connection of its own for long reads (exports): it never takes the
    /// shared connection's lock, so requests keep being recorded meanwhile.
    pub fn reader(&self) -> Result<LedgerTable, crate::StoreError> {
        Ok(self.db.connection(crate::Access::Read)?.ledger())
    }
}
table!(
    /// The providers' books (issue 75): admin keys' rows, the books last read, the user's key
    /// choices, and the ledger summed per day, key and model to set beside them.
    BooksTable, books
);
