//! `switchyard config export|import`: the whole configuration — gateway settings (with
//! resilience), cache and alert settings, backends (with limits, monitoring and key labels),
//! routes, budgets and price overrides — as one TOML file with no secrets ([`file`]).
//!
//! Import checks the whole file first and lists every issue by its path
//! (`backend[2].kind: …`); with any issue nothing is written. Then it applies the file by name:
//! backends, routes, budgets and price overrides in the file are added or updated, the settings
//! replaced; nothing absent from the file is removed. Keys are never in the file: a label with no
//! key in this keychain is a warning naming the `switchyard key add` command.

pub mod file;
mod import;

pub use file::ConfigFile;
pub use import::{Change, ImportOutcome, Issue};

use crate::costs::budgets::BudgetScope;
use crate::{AppError, Switchyard};
use file::{BackendEntry, BudgetEntry, CandidateEntry, RouteEntry};

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
                kind: file::kind_name(b.row.kind).into(),
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
    })
}

/// Checks `file` and, unless `dry_run` or it has issues, applies it.
pub async fn import(
    app: &Switchyard,
    file: &ConfigFile,
    dry_run: bool,
) -> Result<ImportOutcome, AppError> {
    import::run(app, file, dry_run).await
}
