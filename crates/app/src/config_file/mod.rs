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
pub mod team;

pub use crate::changes::{Approved, ExposureChange, HostChange, RouteMove, Writer};
pub use check::Issue;
pub use file::ConfigFile;
pub use import::{Change, ImportOptions, ImportOutcome};

use crate::blocking::OffThread;
use crate::costs::budgets::BudgetScope;
use crate::{AppError, Switchyard};
use file::{BackendEntry, BudgetEntry, CandidateEntry, RouteEntry};
use std::path::{Path, PathBuf};

/// The configuration as it is now.
pub async fn export(app: &Switchyard) -> Result<ConfigFile, AppError> {
    let backends = app.backends().list().await?;
    let routes = app.routes().list().await?;
    let name_of = |id: &str| {
        backends
            .iter()
            .find(|b| b.row.id == id)
            .map(|b| b.row.name.clone())
    };
    let route_name = |id: &str| routes.iter().find(|r| r.id == id).map(|r| r.name.clone());
    let budgets = app
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
        gateway: app.gateway_control().settings().await?,
        cache: app.cache().settings().await?,
        alerts: Some(app.health().alert_config().await?),
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
        prices: app.costs().prices().await?.overrides,
        team: app
            .inner
            .store
            .settings()
            .blocking(|s| Ok(s.get_setting(team::KEY)?))
            .await?
            .and_then(|v| serde_json::from_value(v).ok()),
    })
}

/// Checks `file` and applies it unless it is a dry run, it has issues, or it has a change the
/// user did not approve (`options.approved`: a key to a new host, the gateway opened wider).
pub async fn import(
    app: &Switchyard,
    file: &ConfigFile,
    options: &ImportOptions,
) -> Result<ImportOutcome, AppError> {
    import::run(app, file, options).await
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

/// Writes the configuration as it is now to `path` (replaced atomically, a new file private
/// to the user). Blocking work on the blocking pool.
pub async fn export_to(app: &Switchyard, path: PathBuf) -> Result<(), AppError> {
    let text = file::to_toml(&export(app).await?).map_err(AppError::Internal)?;
    tokio::task::spawn_blocking(move || crate::atomic::write(&path, text.as_bytes())).await?
}
