//! "My machines" (issue 44): backends (without keys), routes, budgets and gateway tokens follow
//! between a user's machines through a PostgreSQL database they point each machine at — their
//! own, or the team's with a space of their own. Each record carries a version in the database;
//! a machine writes only over the version it last agreed with ([`plan`]), so two machines that
//! changed the same record both keep their copy and the record is listed as a conflict until
//! the user keeps one ([`MachineSync::resolve`]). Nothing newer is ever overwritten silently.
//!
//! A team's replicas follow the space `team` one way ([`MachineSync::follow_team`]);
//! `switchyard backend`, `route` and `budget` with the team's variables write to it.
//!
//! Every record of a person's space is sealed ([`seal`]) with a key only their machines hold, so
//! someone else with the database's credentials cannot put a token, a backend or a route into
//! it that a machine takes; the team's space is not sealed (its admins write it: docs/TEAM.md).
//!
//! Issue 69: a space carries only its kinds, by type ([`kinds`]): the team's space backends,
//! routes and budgets, nothing with authority (no token); a person's space those and their
//! tools' tokens, never a panel, admin or scrape token. Every row is read as hostile input
//! ([`read`]). And revocation is permanent: a sealed space has an index ([`index`]) naming each
//! record's newest version, written with every record ([`write`]); a row older than it, or than
//! what a machine already saw, is never taken, so no replayed or re-inserted row revives a token
//! on any machine, joined before or after.
//!
//! The database's address may hold a password: it lives in the keychain, never in the settings;
//! so does the space's key.

mod index;
mod kinds;
mod local;
mod pass;
#[cfg(test)]
mod proptests;
mod read;
mod service;
mod space_key;
mod write;

pub use kinds::TeamKind;
pub use local::Key;
pub use plan::Direction;
// The records' merge plan and seals are the team crate's (pure, beside the rows they are about).
use switchyard_team::synced::{plan, seal};

use crate::backends::Backends;
use crate::config_file::ConfigFiles;
use crate::costs::Costs;
use crate::events::EventSink;
use crate::routes::Routes;
use crate::tokens::Tokens;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;
use switchyard_secrets::SecretStore;
use switchyard_store::SettingsTable;
use switchyard_team::TeamDb;

/// Settings key of [`SyncSettings`].
const SETTINGS: &str = "sync";
/// Settings key of the last pass's outcome.
const LAST: &str = "sync:last";
/// Keychain account of the database's address.
const ACCOUNT: &str = "sync:database-url";
/// The space a team's replicas follow.
pub const TEAM_SPACE: &str = "team";
/// How often a desktop syncs while it is on.
pub const EVERY: std::time::Duration = std::time::Duration::from_secs(15);

/// A kind of record that syncs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "SyncKind"))]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Backend,
    Route,
    Budget,
    Token,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Backend, Kind::Route, Kind::Budget, Kind::Token];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Backend => "backend",
            Kind::Route => "route",
            Kind::Budget => "budget",
            Kind::Token => "token",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Dependency order: a route names backends, a budget names either.
    fn rank(self) -> i8 {
        match self {
            Kind::Backend => 0,
            Kind::Route => 1,
            Kind::Budget => 2,
            Kind::Token => 3,
        }
    }
}

/// What syncs, and where (Settings → My machines).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct SyncSettings {
    pub enabled: bool,
    /// The space in the database this user's machines share (their name, say).
    pub space: String,
    pub backends: bool,
    pub routes: bool,
    pub budgets: bool,
    pub tokens: bool,
}

impl Default for SyncSettings {
    fn default() -> Self {
        SyncSettings {
            enabled: false,
            space: String::new(),
            backends: true,
            routes: true,
            budgets: true,
            tokens: true,
        }
    }
}

impl SyncSettings {
    /// The kinds chosen.
    pub fn kinds(&self) -> Vec<Kind> {
        let on = [self.backends, self.routes, self.budgets, self.tokens];
        Kind::ALL
            .into_iter()
            .zip(on)
            .filter(|(_, on)| *on)
            .map(|(k, _)| k)
            .collect()
    }
}

/// A record both sides changed since they last agreed. Neither copy was touched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncConflict {
    pub kind: Kind,
    pub name: String,
    /// This machine's copy (`None`: deleted here).
    pub mine: Option<Value>,
    /// The database's copy (`None`: deleted there).
    pub theirs: Option<Value>,
    pub their_version: i64,
    /// The machine that wrote the database's copy.
    pub their_machine: String,
}

/// What one pass did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncReport {
    pub space: String,
    pub at_ms: i64,
    /// Records this machine wrote (`backend “openai”`).
    pub pushed: Vec<String>,
    /// Records taken from the others.
    pub pulled: Vec<String>,
    pub conflicts: Vec<SyncConflict>,
    /// Records that could not be taken here, and why.
    pub problems: Vec<String>,
}

impl SyncReport {
    fn new(space: &str) -> SyncReport {
        SyncReport {
            space: space.to_string(),
            at_ms: crate::clock::now_ms(),
            pushed: Vec::new(),
            pulled: Vec::new(),
            conflicts: Vec::new(),
            problems: Vec::new(),
        }
    }
}

/// The last pass: its report, or why it could not run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LastSync {
    pub at_ms: i64,
    pub report: Option<SyncReport>,
    pub error: Option<String>,
}

/// Settings → My machines as it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    pub settings: SyncSettings,
    /// A database address is in the keychain.
    pub has_database: bool,
    /// The space's key is in the keychain (records are sealed with it).
    pub has_space_key: bool,
    /// The space's key drawn by the save that returned this status, shown once for the user's
    /// other machines (`switchyard sync key` shows it again); `None` otherwise.
    pub new_space_key: Option<String>,
    /// This machine's name in the database.
    pub machine: String,
    pub last: Option<LastSync>,
}

/// Which copy a conflict keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "SyncKeep"))]
#[serde(rename_all = "lowercase")]
pub enum Keep {
    Mine,
    Theirs,
}

/// This machine's name in the database and the team's ledger: `HOSTNAME` when set (a
/// container's), else the host's.
pub fn machine_name() -> String {
    let name = std::env::var("HOSTNAME")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(switchyard_gateway::settings::host_name);
    let name: String = name.chars().filter(|c| !c.is_control()).take(100).collect();
    if name.is_empty() {
        "this machine".into()
    } else {
        name
    }
}

/// Settings → My machines, `switchyard sync`, and the team's records for a replica and the
/// team's command line. Takes records in through the configuration file's checked path
/// ([`ConfigFiles`]) and tokens through [`Tokens`]. Cheap to clone.
#[derive(Clone)]
pub struct MachineSync {
    files: ConfigFiles,
    backends: Backends,
    routes: Routes,
    costs: Costs,
    tokens: Tokens,
    /// The database's address and each space's key.
    secrets: Arc<dyn SecretStore>,
    /// What syncs, the last pass, and what this machine agreed with each database.
    table: SettingsTable,
    events: EventSink,
    /// One pass at a time, and the database it last connected to.
    running: Arc<tokio::sync::Mutex<Option<(String, TeamDb)>>>,
}

impl MachineSync {
    /// Needs the configuration file's service (records go in through its checks), the services
    /// whose records it lists and deletes, the tokens, the keychain, the settings table and the
    /// event sink (`SyncChanged`, `TokensChanged`).
    pub(crate) fn new(
        files: ConfigFiles,
        (backends, routes, costs): (Backends, Routes, Costs),
        tokens: Tokens,
        secrets: Arc<dyn SecretStore>,
        table: SettingsTable,
        events: EventSink,
    ) -> MachineSync {
        MachineSync {
            files,
            backends,
            routes,
            costs,
            tokens,
            secrets,
            table,
            events,
            running: Arc::default(),
        }
    }
}
