//! SQLite storage for backends, key metadata, checks, settings, gateway tokens (hashed), routes
//! and the request ledger. Never stores a key: the
//! `backend_keys` table holds a masked hint, the key itself lives in the OS keychain.
//! All calls block; async callers go through `spawn_blocking`.

mod backends;
mod checks;
mod db;
mod error;
mod keys;
mod ledger;
mod routes;
mod settings;
mod tokens;

pub use backends::{BackendLimits, BackendRow};
pub use checks::CheckRow;
pub use db::Store;
pub use error::StoreError;
pub use keys::KeyRow;
pub use ledger::{AttemptRecord, RequestFilter, RequestRecord};
pub use routes::RouteRow;
pub use tokens::TokenRow;

/// The current time as RFC 3339 (UTC), the format every timestamp column uses.
pub fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_gateway;
