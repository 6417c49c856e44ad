//! What a configuration file (or a synced record, taken as one) does to where keys go, who may
//! call the gateway and where routes send requests: the file's side of the change path's check
//! ([`crate::changes`]).

use super::file::{ConfigFile, RouteEntry};
use super::team::TeamServers;
use crate::backends::BackendView;
use crate::changes::{ExposureChange, HostChange, RouteMove};
use crate::routes::RouteView;
use switchyard_domain::unapproved_move;

/// Every keyed backend `file` moves to a new origin, in the file's order.
pub(crate) fn host_changes(file: &ConfigFile, backends: &[BackendView]) -> Vec<HostChange> {
    file.backends
        .iter()
        .filter_map(|entry| {
            let current = backends.iter().find(|b| b.row.name == entry.name)?;
            let keys: Vec<Vec<String>> = current.keys.iter().map(|k| k.row.hosts.clone()).collect();
            let moved = unapproved_move(&keys, &current.row.base_url, &entry.base_url)?;
            Some(HostChange {
                backend: entry.name.clone(),
                from: moved.from,
                to: moved.to,
                keys: u32::try_from(keys.len()).unwrap_or(u32::MAX),
            })
        })
        .collect()
}

/// What importing `next` changes of the team servers saved now (`saved`), as changes the user
/// must approve: a replica sends the team database's password (from `SWITCHYARD_TEAM_DATABASE_PASSWORD`) to
/// `database`, takes that database's tokens, backends and routes, and writes its ledger there,
/// so a file that names another server is as much a change of trust as one that opens the
/// gateway. A file without the section, or with the one saved, asks nothing.
pub(crate) fn team_changes(
    saved: Option<&TeamServers>,
    next: Option<&TeamServers>,
) -> Vec<ExposureChange> {
    let Some(next) = next else {
        return Vec::new();
    };
    let shown = |s: Option<&str>| s.map_or_else(|| "none".to_string(), |s| s.trim().to_string());
    let mut out = Vec::new();
    let was_db = saved.map(|s| s.database.trim());
    if was_db != Some(next.database.trim()) {
        out.push(ExposureChange {
            setting: "team.database".into(),
            from: shown(was_db),
            to: shown(Some(&next.database)),
        });
    }
    let was_redis = saved.and_then(|s| s.redis.as_deref()).map(str::trim);
    let next_redis = next.redis.as_deref().map(str::trim);
    if next_redis.is_some() && was_redis != next_redis {
        out.push(ExposureChange {
            setting: "team.redis".into(),
            from: shown(was_redis),
            to: shown(next_redis),
        });
    }
    out
}

/// Every existing route that `entries` point at a backend it does not use now. A new route is
/// not a move: it is listed as an addition.
pub(crate) fn route_moves(entries: &[RouteEntry], routes: &[RouteView]) -> Vec<RouteMove> {
    entries
        .iter()
        .filter_map(|entry| {
            let now = routes.iter().find(|r| r.name == entry.name)?;
            let used: Vec<&str> = now
                .candidates
                .iter()
                .filter_map(|c| c.backend_name.as_deref())
                .collect();
            let next = entry.candidates.iter().map(|c| c.backend.as_str());
            RouteMove::between(&entry.name, &used, next)
        })
        .collect()
}
