//! `switchyard config export|import`: the whole configuration — gateway settings (with
//! resilience), cache and alert settings, backends (with limits, monitoring and key labels),
//! routes, budgets and price overrides — as one TOML file with no secrets ([`file`]).
//!
//! Import checks the whole file first and lists every issue by its path
//! (`backend[2].kind: …`); with any issue nothing is written. Then it applies the file by name:
//! backends, routes, budgets and price overrides in the file are added or updated, the settings
//! replaced; nothing absent from the file is removed. Keys are never in the file: a label with no
//! key in this keychain is a warning naming the `switchyard key add` command. A file that moves a
//! keyed backend to a host its keys are not approved for, or opens the gateway to more callers,
//! is refused whole unless the user approves those changes ([`crate::changes`]). A file over 1 MiB is
//! refused unread.

mod check;
mod effects;
pub mod file;
mod import;
#[cfg(test)]
mod proptests;
mod service;
pub mod team;

pub use crate::changes::{Approved, ExposureChange, HostChange, RouteMove, Writer};
pub use check::Issue;
pub use file::ConfigFile;
pub use import::{Change, ImportOptions, ImportOutcome};

use crate::backends::Backends;
use crate::blocking::OffThread;
use crate::cache::Cache;
use crate::costs::budgets::BudgetScope;
use crate::costs::Costs;
use crate::gateway_control::GatewayControl;
use crate::monitor::Health;
use crate::routes::Routes;
use crate::AppError;
use file::{BackendEntry, BudgetEntry, CandidateEntry, RouteEntry};
use std::path::{Path, PathBuf};
use switchyard_store::SettingsTable;

/// The configuration as it is now (through [`ConfigFiles::export`]).
async fn export(files: &ConfigFiles) -> Result<ConfigFile, AppError> {
    let backends = files.backends().list().await?;
    let routes = files.routes().list().await?;
    let name_of = |id: &str| {
        backends
            .iter()
            .find(|b| b.row.id == id)
            .map(|b| b.row.name.clone())
    };
    let route_name = |id: &str| routes.iter().find(|r| r.id == id).map(|r| r.name.clone());
    let budgets = files
        .costs()
        .budgets()
        .await?
        .into_iter()
        .map(|b| {
            let (backend, route) = match &b.scope {
                BudgetScope::All => (None, None),
                BudgetScope::Backend(id) => (name_of(id), None),
                BudgetScope::Route(id) => (None, route_name(id)),
            };
            BudgetEntry {
                name: b.name,
                period: b.period,
                limit_usd: b.limit_usd,
                backend,
                route,
                hard_stop: b.hard_stop,
            }
        })
        .collect();
    Ok(ConfigFile {
        version: file::VERSION,
        gateway: files.gateway_control().settings().await?,
        cache: files.cache().settings().await?,
        alerts: Some(files.health().alert_config().await?),
        backends: backends
            .iter()
            .map(|b| BackendEntry {
                name: b.row.name.clone(),
                kind: b.row.kind.cli_name().into(),
                base_url: b.row.base_url.clone(),
                default_model: b.row.default_model.clone(),
                enabled: b.row.enabled,
                keys: b.keys.iter().map(|k| k.row.label.clone()).collect(),
                max_in_flight: b.row.limits.max_in_flight,
                requests_per_minute: b.row.limits.rpm,
                tokens_per_minute: b.row.limits.tpm,
                probe_every_secs: b.row.monitor.probe_interval_s,
                uptime_target_pct: f64::from(b.row.monitor.sla_target_bp) / 100.0,
                required: b.row.monitor.required,
                deep_probe: b.row.monitor.deep_probe,
            })
            .collect(),
        routes: routes
            .iter()
            .map(|r| RouteEntry {
                name: r.name.clone(),
                strategy: r.strategy,
                cache: r.cache,
                candidates: r
                    .candidates
                    .iter()
                    .map(|c| CandidateEntry {
                        backend: c
                            .backend_name
                            .clone()
                            .unwrap_or_else(|| c.backend_id.clone()),
                        model: c.model.clone(),
                        weight: c.weight,
                    })
                    .collect(),
            })
            .collect(),
        budgets,
        prices: files.costs().prices().await?.overrides,
        team: files
            .settings()
            .blocking(|s| Ok(s.get_setting(team::KEY)?))
            .await?
            .and_then(|v| serde_json::from_value(v).ok()),
    })
}

/// The largest configuration file read (a real one is a few KiB).
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// Reads and parses the configuration file at `path`. A file over [`MAX_FILE_BYTES`] is
/// refused (checked while reading, so a device or a growing file cannot make it read more),
/// as is one that is not UTF-8 or not a configuration (the parser's message, bounded).
pub async fn read(path: PathBuf) -> Result<ConfigFile, AppError> {
    tokio::task::spawn_blocking(move || read_blocking(&path)).await?
}

fn read_blocking(path: &Path) -> Result<ConfigFile, AppError> {
    use std::io::Read;
    let shown = path.display();
    let cannot = |e: std::io::Error| AppError::File(format!("Cannot read {shown}: {e}."));
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(cannot)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(AppError::File(format!(
            "{shown} is over 1 MiB: not a Switchyard configuration (nothing was read into it)."
        )));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| AppError::File(format!("{shown} is not UTF-8 text.")))?;
    file::from_toml(&text)
        .map_err(|e| AppError::File(format!("{shown} is not a Switchyard configuration: {e}")))
}

/// `switchyard config export|import`, the window's Export and Import. Cheap to clone.
#[derive(Clone)]
pub struct ConfigFiles {
    backends: Backends,
    routes: Routes,
    costs: Costs,
    gateway: GatewayControl,
    cache: Cache,
    health: Health,
    /// The `[team]` section as saved.
    settings: SettingsTable,
}

impl ConfigFiles {
    /// Needs every service whose records or settings the file holds, and the settings table
    /// (the file's `[team]` section).
    pub(crate) fn new(
        (backends, routes, costs): (Backends, Routes, Costs),
        (gateway, cache, health): (GatewayControl, Cache, Health),
        settings: SettingsTable,
    ) -> ConfigFiles {
        ConfigFiles {
            backends,
            routes,
            costs,
            gateway,
            cache,
            health,
            settings,
        }
    }

    fn backends(&self) -> &Backends {
        &self.backends
    }

    fn routes(&self) -> &Routes {
        &self.routes
    }

    fn costs(&self) -> &Costs {
        &self.costs
    }

    fn gateway_control(&self) -> &GatewayControl {
        &self.gateway
    }

    fn cache(&self) -> &Cache {
        &self.cache
    }

    fn health(&self) -> &Health {
        &self.health
    }

    fn settings(&self) -> &SettingsTable {
        &self.settings
    }
}
