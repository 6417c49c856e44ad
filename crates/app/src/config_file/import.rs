//! Checking and applying a configuration file: every issue first, by path; nothing is written
//! when there is one, on a dry run, or while a change that needs the user's approval (a key to
//! a new host, the gateway opened wider: [`crate::changes`]) is not approved; then the file is
//! applied by name. The decision is [`crate::changes::decide`]: an unattended writer (a My
//! machines pull) never approves.

use super::check::{check, issue, limits, monitor, Issue};
use super::effects::{host_changes, route_moves, team_changes};
use super::file::ConfigFile;
use super::ConfigFiles;
use crate::backends::BackendView;
use crate::blocking::OffThread;
use crate::changes::{
    decide, Approved, Decision, Effects, ExposureChange, HostChange, RouteMove, Writer,
};
use crate::costs::budgets::BudgetScope;
use crate::gateway_control::exposure_changes;
use crate::routes::{RouteDraft, RouteView};
use crate::{AppError, RouteCandidate};
use serde::{Deserialize, Serialize};
use switchyard_domain::{BackendDraft, BackendKind};

/// What applying the file does (or would do, on a dry run).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "ConfigChange")]
pub struct Change {
    /// `add`, `update` or `set`.
    pub action: String,
    pub what: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "ConfigImport")]
#[serde(rename_all = "camelCase")]
pub struct ImportOutcome {
    /// Refusals: with any, nothing was written.
    pub issues: Vec<Issue>,
    /// Keyed backends the file moves to hosts their keys are not approved for, and gateway
    /// settings it opens wider. Unless the user approved all of them, nothing was written.
    pub host_changes: Vec<HostChange>,
    pub exposure_changes: Vec<ExposureChange>,
    /// Routes the file points at backends they do not use now: listed, not asked.
    pub route_moves: Vec<RouteMove>,
    /// Why the write was refused although the file has no issue (an approval not given).
    pub refused: Option<String>,
    /// Keys the file names that this keychain does not hold.
    pub warnings: Vec<Issue>,
    pub changes: Vec<Change>,
    pub applied: bool,
}

fn plan(
    file: &ConfigFile,
    backends: &[BackendView],
    routes: &[RouteView],
    records_only: bool,
) -> (Vec<Change>, Vec<Issue>) {
    let mut changes = Vec::new();
    if !records_only {
        changes.push(Change {
            action: "set".into(),
            what: "gateway, cache and alert settings".into(),
        });
    }
    if !records_only && file.team.is_some() {
        changes.push(Change {
            action: "set".into(),
            what: "team servers (switchyard serve becomes a replica)".into(),
        });
    }
    let mut warnings = Vec::new();
    let verb = |exists: bool| if exists { "update" } else { "add" }.to_string();
    for (i, b) in file.backends.iter().enumerate() {
        let existing = backends.iter().find(|x| x.row.name == b.name);
        changes.push(Change {
            action: verb(existing.is_some()),
            what: format!("backend {}", b.name),
        });
        for label in &b.keys {
            if !existing.is_some_and(|x| x.keys.iter().any(|k| &k.row.label == label)) {
                warnings.push(issue(
                    format!("backend[{i}].keys"),
                    format!("no key “{label}” for {} in this keychain: add it with `switchyard key add \"{}\" --label \"{label}\"` (the key on stdin)", b.name, b.name),
                ));
            }
        }
    }
    for r in &file.routes {
        let exists = routes.iter().any(|x| x.name == r.name);
        changes.push(Change {
            action: verb(exists),
            what: format!("route {}", r.name),
        });
    }
    for b in &file.budgets {
        changes.push(Change {
            action: "set".into(),
            what: format!("budget {}", b.name),
        });
    }
    for p in &file.prices {
        changes.push(Change {
            action: "set".into(),
            what: format!("price of {}", p.model),
        });
    }
    (changes, warnings)
}

/// How an import runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Only check and list.
    pub dry_run: bool,
    /// What the user approved of the file's host and exposure changes.
    pub approved: Approved,
    /// Apply the backends, routes, budgets and prices only, leaving the gateway, cache and
    /// alert settings as they are (what another machine's records bring: the `sync` module).
    pub records_only: bool,
    /// Who writes: an unattended writer never approves.
    pub writer: Writer,
}

impl ImportOutcome {
    /// Whether the file has changes that need the user's approval.
    pub fn needs_approval(&self) -> bool {
        self.effects().needs_approval()
    }

    /// What the file does to where keys go and who may call the gateway.
    pub fn effects(&self) -> Effects {
        Effects {
            hosts: self.host_changes.clone(),
            exposure: self.exposure_changes.clone(),
            routes: self.route_moves.clone(),
            // A file holds no tokens.
            tokens: Vec::new(),
        }
    }
}

pub(super) async fn run(
    files: &ConfigFiles,
    file: &ConfigFile,
    options: &ImportOptions,
) -> Result<ImportOutcome, AppError> {
    let backends = files.backends().list().await?;
    let routes = files.routes().list().await?;
    let budgets = files.costs().budgets().await?;
    let issues = check(files, file, &backends, &routes, &budgets).await;
    let (changes, warnings) = plan(file, &backends, &routes, options.records_only);
    let now = files.gateway_control().settings().await?;
    let next = file
        .gateway
        .clone()
        .validated()
        .unwrap_or(file.gateway.clone());
    let exposure = if options.records_only {
        Vec::new()
    } else {
        let saved = files
            .settings()
            .blocking(|s| Ok(super::team::read_saved(s)))
            .await?;
        let mut e = exposure_changes(&now, &next);
        e.extend(team_changes(saved.as_ref(), file.team.as_ref()));
        e
    };
    let mut outcome = ImportOutcome {
        issues,
        host_changes: host_changes(file, &backends),
        exposure_changes: exposure,
        route_moves: route_moves(&file.routes, &routes),
        refused: None,
        warnings,
        changes,
        applied: false,
    };
    if let Decision::Refuse(why) = decide(&options.writer, &outcome.effects(), &options.approved) {
        outcome.refused = Some(why);
    }
    if !outcome.issues.is_empty() || options.dry_run || outcome.refused.is_some() {
        return Ok(outcome);
    }
    // Approved (or nothing to approve): the moves the user saw become their keys' hosts (each
    // save asks the same decision again, with the same approval).
    apply(
        files,
        file,
        &backends,
        &options.approved,
        options.records_only,
    )
    .await?;
    outcome.applied = true;
    Ok(outcome)
}

async fn apply(
    files: &ConfigFiles,
    file: &ConfigFile,
    before: &[BackendView],
    approved: &Approved,
    records_only: bool,
) -> Result<(), AppError> {
    if !records_only {
        if let Some(team) = &file.team {
            let value =
                serde_json::to_value(team).map_err(|e| AppError::Internal(e.to_string()))?;
            files
                .settings()
                .blocking(move |s| Ok(s.set_setting(super::team::KEY, &value)?))
                .await?;
        }
        // The same decision again, with the same approval (a setting changed since is refused).
        files
            .gateway_control()
            .update_settings(file.gateway.clone(), approved)
            .await?;
        files.cache().set_settings(file.cache.clone()).await?;
        if let Some(alerts) = &file.alerts {
            files.health().set_alert_config(alerts.clone()).await?;
        }
    }
    for b in &file.backends {
        let kind = BackendKind::from_name(&b.kind).ok_or_else(|| {
            AppError::field(
                switchyard_domain::Field::Kind,
                switchyard_domain::IssueCode::Other,
                format!("unknown kind “{}”", b.kind),
            )
        })?;
        let draft = BackendDraft {
            name: b.name.clone(),
            kind,
            base_url: b.base_url.clone(),
            default_model: b.default_model.clone(),
        };
        let id = match before.iter().find(|x| x.row.name == b.name) {
            Some(x) => {
                files
                    .backends()
                    .update(x.row.id.clone(), draft, approved.clone())
                    .await?
                    .row
                    .id
            }
            None => files.backends().create(draft, None).await?.row.id,
        };
        files.backends().set_enabled(id.clone(), b.enabled).await?;
        files.backends().set_limits(id.clone(), limits(b)).await?;
        files.backends().set_monitor(id, monitor(b)).await?;
    }
    let backends = files.backends().list().await?;
    let id_of = |name: &str| {
        backends
            .iter()
            .find(|b| b.row.name == name)
            .map(|b| b.row.id.clone())
    };
    for r in &file.routes {
        let candidates = r
            .candidates
            .iter()
            .map(|c| RouteCandidate {
                backend_id: id_of(&c.backend).unwrap_or_default(),
                model: c.model.clone(),
                weight: c.weight,
            })
            .collect();
        let existing = files
            .routes()
            .list()
            .await?
            .into_iter()
            .find(|x| x.name == r.name)
            .map(|x| x.id);
        let draft = RouteDraft {
            name: r.name.clone(),
            strategy: r.strategy,
            candidates,
            cache: r.cache,
        };
        files.routes().save(existing, draft).await?;
    }
    let routes = files.routes().list().await?;
    let mut budgets = files.costs().budgets().await?;
    for b in &file.budgets {
        let scope = match (&b.backend, &b.route) {
            (Some(n), _) => BudgetScope::Backend(id_of(n).unwrap_or_default()),
            (_, Some(n)) => BudgetScope::Route(
                routes
                    .iter()
                    .find(|r| &r.name == n)
                    .map(|r| r.id.clone())
                    .unwrap_or_default(),
            ),
            _ => BudgetScope::All,
        };
        let id = budgets
            .iter()
            .find(|x| x.name == b.name)
            .map(|x| x.id.clone())
            .unwrap_or_default();
        budgets.retain(|x| x.name != b.name);
        budgets.push(b.to_budget(id, scope));
    }
    files.costs().set_budgets(budgets).await?;
    for p in &file.prices {
        files.costs().set_price_override(p.clone()).await?;
    }
    Ok(())
}
