//! The configuration import as the page sees it: what the file would change, what it cannot
//! (issues by path), and what needs the user's approval (keys to new hosts, the gateway opened
//! wider). The page sends back exactly the approvals it showed.

use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_app::config_file::{
    Approved, Change, ExposureChange, HostChange, ImportOutcome, Issue, RouteMove,
};

/// Something wrong at a place in the file, e.g. `backend[2].kind`.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConfigIssue {
    pub path: String,
    pub message: String,
}

/// One thing the import does (or would do): `add backend Main`, `set price of gpt-4o`.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConfigChange {
    /// `add`, `update` or `set`.
    pub action: String,
    pub what: String,
}

/// A backend with keys that the file moves to a host its keys were never sent to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct KeyHostChange {
    pub backend: String,
    /// The origin its keys go to now.
    pub from: String,
    /// The origin the file names.
    pub to: String,
    /// How many keys would be sent there.
    pub keys: u32,
}

/// A gateway setting the file changes so that more callers can reach the gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct GatewayExposureChange {
    /// `allowNonLoopback`, `metricsOpenOnLoopback`, `allowedOrigins` or `allowedNetworks`.
    pub setting: String,
    pub from: String,
    pub to: String,
}

/// A route the file points at backends it does not use now (listed, not asked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConfigRouteMove {
    pub route: String,
    /// The backends new to it.
    pub to: Vec<String>,
}

impl From<RouteMove> for ConfigRouteMove {
    fn from(r: RouteMove) -> Self {
        ConfigRouteMove {
            route: r.route,
            to: r.to,
        }
    }
}

/// The outcome of an import or its preview (`dryRun`).
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConfigImport {
    /// With any, nothing was (or would be) written.
    pub issues: Vec<ConfigIssue>,
    /// Need the user's approval; unless approved, nothing was written.
    pub host_changes: Vec<KeyHostChange>,
    pub exposure_changes: Vec<GatewayExposureChange>,
    /// Routes the file sends to backends they do not use now.
    pub route_moves: Vec<ConfigRouteMove>,
    /// Key labels the file names that this keychain does not hold.
    pub warnings: Vec<ConfigIssue>,
    pub changes: Vec<ConfigChange>,
    pub applied: bool,
}

/// What the user approved in the import dialog: the lists it showed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConfigApproval {
    pub host_changes: Vec<KeyHostChange>,
    pub exposure_changes: Vec<GatewayExposureChange>,
}

fn issue(i: Issue) -> ConfigIssue {
    ConfigIssue {
        path: i.path,
        message: i.message,
    }
}

fn change(c: Change) -> ConfigChange {
    ConfigChange {
        action: c.action,
        what: c.what,
    }
}

mirror_struct!(
    HostChange,
    KeyHostChange {
        backend,
        from,
        to,
        keys,
    }
);

mirror_struct!(ExposureChange, GatewayExposureChange { setting, from, to });

impl From<ImportOutcome> for ConfigImport {
    fn from(o: ImportOutcome) -> Self {
        ConfigImport {
            issues: o.issues.into_iter().map(issue).collect(),
            host_changes: o.host_changes.into_iter().map(Into::into).collect(),
            exposure_changes: o.exposure_changes.into_iter().map(Into::into).collect(),
            route_moves: o.route_moves.into_iter().map(Into::into).collect(),
            warnings: o.warnings.into_iter().map(issue).collect(),
            changes: o.changes.into_iter().map(change).collect(),
            applied: o.applied,
        }
    }
}

impl From<ConfigApproval> for Approved {
    fn from(a: ConfigApproval) -> Self {
        Approved::Listed {
            hosts: a.host_changes.into_iter().map(Into::into).collect(),
            exposure: a.exposure_changes.into_iter().map(Into::into).collect(),
        }
    }
}
