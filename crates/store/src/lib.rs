//! SQLite storage for backends, key metadata, checks, settings, gateway tokens (hashed), routes,
//! the request ledger, health history, alerts and readiness runs. Never stores a key: the
//! `backend_keys` table holds a masked hint, the key itself lives in the OS keychain.
//! All calls block; async callers go through `spawn_blocking`.

mod alerts;
mod backends;
mod balances;
mod books;
mod books_schema;
mod cache_usage;
mod catalogue;
mod checks;
mod connections;
mod db;
mod drills;
mod error;
mod export;
mod gateway_spend;
mod health;
mod key_hosts;
mod keys;
mod latency;
mod ledger;
mod migrations;
mod plan_spend;
mod readiness;
mod reprice;
mod reprice_books;
mod rollup;
mod routes;
mod settings;
mod tables;
mod tokens;
mod tool_usage;
mod tool_usage_summary;
mod usage;

pub use alerts::AlertRow;
pub use backends::{BackendLimits, BackendRow, MonitorSettings};
pub use balances::BalanceRow;
pub use books::{AdminKeyRow, BooksRead, LedgerDay};
pub use cache_usage::CacheUsageRow;
pub use catalogue::CatalogueRow;
pub use checks::CheckRow;
pub use connections::{ConnectionRow, KeyMoveRow};
pub use db::{Access, Store};
pub use drills::DrillRow;
pub use error::StoreError;
pub use export::UsageRow;
pub use health::{HourRow, SampleRow};
pub use keys::KeyRow;
pub use latency::LatencyPoint;
pub use ledger::RequestFilter;
pub use plan_spend::PlanSpend;
pub use readiness::ReadinessRow;
pub use reprice::Repriced;
pub use reprice_books::{BooksFactor, RepricedFromBooks};
pub use routes::RouteRow;
pub use tables::{
    AlertsTable, BackendsTable, BalancesTable, BooksTable, CatalogueTable, ChecksTable,
    ConnectionsTable, DrillsTable, HealthTable, KeysTable, LedgerTable, ReadinessTable,
    RoutesTable, SettingsTable, TokensTable, ToolUsageTable,
};
pub use tokens::TokenRow;
pub use tool_usage::Priced;
pub use tool_usage_summary::{Spent, ToolUsageRow, UsageGroup};
pub use usage::{hour_of, Dimension, UsageTotals};
// Store modules name the ledger records as `crate::…`; they are the core's types.
pub(crate) use switchyard_domain::RequestRecord;

/// The current time as RFC 3339 (UTC), the format every timestamp column uses.
pub fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Unix milliseconds as RFC 3339 (UTC), as [`now`] writes them; empty when out of range.
pub fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

#[cfg(test)]
#[path = "books_tests.rs"]
mod books_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_gateway;
#[cfg(test)]
mod tests_health;
#[cfg(test)]
mod tests_key_hosts;
#[cfg(test)]
mod tests_migrations;
#[cfg(test)]
mod tests_tokens;
