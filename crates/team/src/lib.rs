//! The team gateway's shared state (issue 44). Several `switchyard-serve` replicas share:
//!
//! - **PostgreSQL**, for what must be durable and shared: the schema is versioned and migrated
//!   once under an advisory lock ([`TeamDb::connect`]); team tokens live there as SHA-256 hashes
//!   with their owner ([`TeamDb::create_token`]); every request any replica answered goes into
//!   one ledger ([`TeamLedger`], written in batches off the request path, through a durable
//!   outbox in the replica's data folder).
//! - **Redis**, for what must be shared fast: change notices on one channel ([`Bus`]; a token
//!   revoked on one replica is refused by every replica within a second) and rate-limit windows
//!   counted atomically for the whole team ([`SharedWindow`]).
//!
//! Redis is optional and may go away at any time: replicas then keep serving on what they hold
//! (tokens reloaded from PostgreSQL on a timer, limits counted per replica) and say they are
//! degraded; sharing resumes by itself when Redis is back.
//!
//! Nothing secret is stored in either: a token's value exists only in the answer that created
//! it; PostgreSQL keeps its hash, Redis keeps counters and notices.
//!
//! The servers' own passwords never come from a command line, which every account on the
//! machine reads: [`credentials`] refuses one in an argument and takes each from a file, the
//! environment or the keychain (`switchyard team login`), in a stated order.

mod address;
mod books;
mod breakers;
mod budgets;
mod bus;
mod cache;
pub mod credentials;
mod db;
mod error;
mod index;
mod ledger;
mod limits;
mod link;
mod migrate;
mod outbox;
pub mod overview;
pub mod synced;
mod team_budgets;
#[cfg(all(feature = "testing", unix))]
pub mod testing;
mod tls;
mod tokens;
mod usage;

pub use address::{Given, PasswordFrom, ServerAddress};
pub use books::TeamBookDay;
pub use breakers::TeamBreakers;
pub use budgets::{BudgetScope, TeamBudget, TeamBudgets};
pub use bus::{Bus, Change, Reloads};
pub use cache::{TeamCache, DEFAULT_CAP_BYTES as CACHE_CAP_BYTES, MAX_ENTRY_BYTES};
pub use db::TeamDb;
pub use error::TeamError;
pub use index::TeamTokens;
pub use ledger::{LedgerPump, TeamLedger, QUEUE as LEDGER_QUEUE};
pub use limits::{SharedWindow, Verdict};
pub use link::Link;
pub use migrate::SCHEMA_VERSION;
pub use outbox::{OUTBOX_FILE, OUTBOX_MAX};
pub use synced::{IndexedPut, IndexedWrite, Put, SyncedRecord, SyncedWrite, MAX_SPACE_RECORDS};
pub use team_budgets::{period_bounds, TeamBudgetRow};
pub use tls::DATABASE_CA_ENV;
pub use tokens::{NewTeamToken, TeamToken};
pub use usage::{TeamRequest, UsageBy, UsageRow};
