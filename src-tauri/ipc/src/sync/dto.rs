//! IPC shapes of Settings → My machines. Times are `f64` milliseconds (specta exports no 64-bit
//! integers); a conflict's two copies are pretty JSON, shown side by side.

use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_app::sync::{self as core, Kind, SyncSettings};

/// A record both sides changed since they last agreed; neither copy was touched.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncConflict {
    pub kind: Kind,
    pub name: String,
    /// This machine's copy as pretty JSON; null: deleted here.
    pub mine: Option<String>,
    /// The database's copy; null: deleted there.
    pub theirs: Option<String>,
    pub their_machine: String,
}

fn pretty(v: Option<serde_json::Value>) -> Option<String> {
    v.map(|v| serde_json::to_string_pretty(&v).unwrap_or_default())
}

/// What the last pass did, or why it could not run.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncPass {
    pub at_ms: f64,
    pub error: Option<String>,
    pub pushed: Vec<String>,
    pub pulled: Vec<String>,
    pub conflicts: Vec<SyncConflict>,
    pub problems: Vec<String>,
}

/// Settings → My machines as it stands.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    pub settings: SyncSettings,
    /// A database address is in the keychain (the address itself never leaves it).
    pub has_database: bool,
    /// The space's key is in the keychain (records are sealed with it).
    pub has_space_key: bool,
    /// The key drawn by the save that returned this, shown once for the user's other machines.
    pub new_space_key: Option<String>,
    /// This machine's name in the database.
    pub machine: String,
    pub last: Option<SyncPass>,
}

impl From<core::SyncConflict> for SyncConflict {
    fn from(c: core::SyncConflict) -> Self {
        let core::SyncConflict {
            kind,
            name,
            mine,
            theirs,
            their_version: _,
            their_machine,
        } = c;
        SyncConflict {
            kind,
            name,
            mine: pretty(mine),
            theirs: pretty(theirs),
            their_machine,
        }
    }
}

impl From<core::LastSync> for SyncPass {
    fn from(l: core::LastSync) -> Self {
        let core::LastSync {
            at_ms,
            report,
            error,
        } = l;
        // A pass that could not run reported nothing.
        let (pushed, pulled, conflicts, problems) = match report {
            Some(core::SyncReport {
                space: _,
                at_ms: _,
                pushed,
                pulled,
                conflicts,
                problems,
            }) => (pushed, pulled, conflicts, problems),
            None => Default::default(),
        };
        SyncPass {
            at_ms: at_ms as f64,
            error,
            pushed,
            pulled,
            conflicts: conflicts.into_iter().map(SyncConflict::from).collect(),
            problems,
        }
    }
}

impl From<core::SyncStatus> for SyncStatus {
    fn from(s: core::SyncStatus) -> Self {
        let core::SyncStatus {
            settings,
            has_database,
            has_space_key,
            new_space_key,
            machine,
            last,
        } = s;
        SyncStatus {
            settings,
            has_database,
            has_space_key,
            new_space_key,
            machine,
            last: last.map(SyncPass::from),
        }
    }
}
