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

impl From<core::SyncStatus> for SyncStatus {
    fn from(s: core::SyncStatus) -> Self {
        let last = s.last.map(|l| {
            let r = l.report.unwrap_or(core::SyncReport {
                space: String::new(),
                at_ms: l.at_ms,
                pushed: Vec::new(),
                pulled: Vec::new(),
                conflicts: Vec::new(),
                problems: Vec::new(),
            });
            SyncPass {
                at_ms: l.at_ms as f64,
                error: l.error,
                pushed: r.pushed,
                pulled: r.pulled,
                conflicts: r
                    .conflicts
                    .into_iter()
                    .map(|c| SyncConflict {
                        kind: c.kind,
                        name: c.name,
                        mine: pretty(c.mine),
                        theirs: pretty(c.theirs),
                        their_machine: c.their_machine,
                    })
                    .collect(),
                problems: r.problems,
            }
        });
        SyncStatus {
            settings: s.settings,
            has_database: s.has_database,
            has_space_key: s.has_space_key,
            new_space_key: s.new_space_key,
            machine: s.machine,
            last,
        }
    }
}
