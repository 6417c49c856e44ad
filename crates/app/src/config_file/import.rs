//! Checking and applying a configuration file: every issue first, by path; nothing is written
//! when there is one, on a dry run, or while a change that needs the user's approval (a key to
//! a new host, the gateway opened wider: [`super::hosts`]) is not approved; then the file is
//! applied by name.

use super::file::{BackendEntry, ConfigFile, VERSION};
use super::hosts::{exposure_changes, host_changes, Approved, ExposureChange, HostChange};
use crate::backends::BackendView;
use crate::backends::HostApproval;
use crate::cli_backend::parse_kind;
use crate::costs::budgets::{Budget, BudgetScope, MAX_BUDGETS};
use crate::routes::{RouteDraft, RouteView};
use crate::{AppError, RouteCandidate, Switchyard};
use serde::Serialize;
use std::collections::HashSet;
use switchyard_core::{BackendDraft, Severity};
use switchyard_store::{BackendLimits, MonitorSettings};

/// Something wrong (or worth knowing) at a place in the file, e.g. `backend[2].kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub path: String,
    pub message: String,
}

/// What applying the file does (or would do, on a dry run).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// `add`, `update` or `set`.
    pub action: String,
    pub what: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportOutcome {
    /// Refusals: with any, nothing was written.
    pub issues: Vec<Issue>,
    /// Keyed backends the file moves to hosts their keys are not approved for, and gateway
    /// settings it opens wider. Unless the user approved all of them, nothing was written.
    pub host_changes: Vec<HostChange>,
    pub exposure_changes: Vec<ExposureChange>,
    /// Keys the file names that this keychain does not hold.
    pub warnings: Vec<Issue>,
    pub changes: Vec<Change>,
    pub applied: bool,
}

fn issue(path: String, message: impl Into<String>) -> Issue {
    Issue {
        path,
        message: message.into(),
    }
}

fn limits(b: &BackendEntry) -> BackendLimits {
    BackendLimits {
        max_in_flight: b.max_in_flight,
        rpm: b.requests_per_minute,
        tpm: b.tokens_per_minute,
    }
}

fn monitor(b: &BackendEntry) -> MonitorSettings {
    MonitorSettings {
        probe_interval_s: b.probe_every_secs,
        sla_target_bp: (b.uptime_target_pct * 100.0).round().clamp(0.0, 1e6) as u32,
        required: b.required,
        deep_probe: b.deep_probe,
    }
}

async fn check(
    app: &Switchyard,
    file: &ConfigFile,
    backends: &[BackendView],
    routes: &[RouteView],
    budgets: &[Budget],
) -> Vec<Issue> {
    let mut out = Vec::new();
    if file.version != VERSION {
        out.push(issue(
            "version".into(),
            format!("this Switchyard reads version {VERSION}"),
        ));
    }
    if let Err(e) = file.gateway.clone().validated() {
        out.push(issue("gateway".into(), e.to_string()));
    }
    if let Err(e) = file.cache.validate() {
        out.push(issue("cache".into(), e.to_string()));
    }
    if let Some(Err(e)) = file.alerts.as_ref().map(|a| a.validate()) {
        out.push(issue("alerts".into(), e.to_string()));
    }
    let mut names = HashSet::new();
    for (i, b) in file.backends.iter().enumerate() {
        let at = |f: &str| format!("backend[{i}].{f}");
        if !names.insert(b.name.trim().to_lowercase()) {
            out.push(issue(
                at("name"),
                format!("“{}” is in the file twice", b.name),
            ));
        }
        let Some(kind) = parse_kind(&b.kind) else {
            out.push(issue(at("kind"), format!("unknown kind “{}”: openai, anthropic, gemini, mistral, groq, openrouter, ollama, openai-compatible or demo", b.kind)));
            continue;
        };
        let draft = BackendDraft {
            name: b.name.clone(),
            kind,
            base_url: b.base_url.clone(),
            default_model: b.default_model.clone(),
        };
        let editing = backends
            .iter()
            .find(|x| x.row.name == b.name)
            .map(|x| x.row.id.clone());
        match app.backends().validate(draft, editing, None).await {
            Ok(v) => out.extend(
                v.issues
                    .iter()
                    .filter(|x| x.severity == Severity::Error)
                    .map(|x| {
                        issue(
                            at(&format!("{:?}", x.field).to_lowercase()),
                            x.message.clone(),
                        )
                    }),
            ),
            Err(e) => out.push(issue(at("name"), e.to_string())),
        }
        if let Err(e) = crate::backends::check_limits(&limits(b)) {
            out.push(issue(at("maxInFlight"), e.to_string()));
        }
        if let Err(e) = crate::backends::check_monitor(&monitor(b)) {
            out.push(issue(at("probeEverySecs"), e.to_string()));
        }
    }
    let known_backend = |name: &str| {
        file.backends.iter().any(|b| b.name == name) || backends.iter().any(|b| b.row.name == name)
    };
    let mut route_names = HashSet::new();
    for (i, r) in file.routes.iter().enumerate() {
        if r.name.trim().is_empty() || !route_names.insert(r.name.clone()) {
            out.push(issue(
                format!("route[{i}].name"),
                "give each route a name of its own",
            ));
        }
        if r.candidates.is_empty() {
            out.push(issue(
                format!("route[{i}].candidate"),
                "a route needs at least one candidate",
            ));
        }
        if !r.name.trim().is_empty() && !r.candidates.is_empty() {
            // Names, models, weights, cache and strategy as the Routes page checks them, so
            // no route can fail half-way through the apply.
            let mut draft = RouteDraft {
                name: r.name.clone(),
                strategy: r.strategy,
                candidates: r
                    .candidates
                    .iter()
                    .map(|c| RouteCandidate {
                        backend_id: String::new(),
                        model: c.model.clone(),
                        weight: c.weight,
                    })
                    .collect(),
                cache: r.cache,
            };
            if let Err(e) = crate::routes::check_shape(&mut draft) {
                out.push(issue(format!("route[{i}]"), e.to_string()));
            }
        }
        for (j, c) in r.candidates.iter().enumerate() {
            if !known_backend(&c.backend) {
                out.push(issue(
                    format!("route[{i}].candidate[{j}].backend"),
                    format!("there is no backend “{}”", c.backend),
                ));
            }
            if c.model.trim().is_empty() {
                out.push(issue(
                    format!("route[{i}].candidate[{j}].model"),
                    "name the model",
                ));
            }
        }
    }
    let known_route = |name: &str| {
        file.routes.iter().any(|r| r.name == name) || routes.iter().any(|r| r.name == name)
    };
    for (i, b) in file.budgets.iter().enumerate() {
        let budget = b.to_budget(String::new(), BudgetScope::All);
        if let Err(e) = budget.validate() {
            out.push(issue(format!("budget[{i}]"), e.to_string()));
        }
        match (&b.backend, &b.route) {
            (Some(_), Some(_)) => out.push(issue(
                format!("budget[{i}]"),
                "give a backend or a route, not both",
            )),
            (Some(n), None) if !known_backend(n) => out.push(issue(
                format!("budget[{i}].backend"),
                format!("there is no backend “{n}”"),
            )),
            (None, Some(n)) if !known_route(n) => out.push(issue(
                format!("budget[{i}].route"),
                format!("there is no route “{n}”"),
            )),
            _ => {}
        }
    }
    let added = file
        .budgets
        .iter()
        .filter(|b| !budgets.iter().any(|x| x.name == b.name))
        .count();
    if budgets.len() + added > MAX_BUDGETS {
        out.push(issue(
            "budget".into(),
            format!("with this file there would be more than {MAX_BUDGETS} budgets"),
        ));
    }
    for (i, p) in file.prices.iter().enumerate() {
        if let Err(e) = p.validate() {
            out.push(issue(format!("price[{i}]"), e.to_string()));
        }
    }
    out
}

fn plan(
    file: &ConfigFile,
    backends: &[BackendView],
    routes: &[RouteView],
) -> (Vec<Change>, Vec<Issue>) {
    let mut changes = vec![Change {
        action: "set".into(),
        what: "gateway, cache and alert settings".into(),
    }];
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
}

impl ImportOutcome {
    /// Whether the file has changes that need the user's approval.
    pub fn needs_approval(&self) -> bool {
        !self.host_changes.is_empty() || !self.exposure_changes.is_empty()
    }
}

pub(super) async fn run(
    app: &Switchyard,
    file: &ConfigFile,
    options: &ImportOptions,
) -> Result<ImportOutcome, AppError> {
    let backends = app.backends().list().await?;
    let routes = app.routes().list().await?;
    let budgets = app.costs().budgets().await?;
    let issues = check(app, file, &backends, &routes, &budgets).await;
    let (changes, warnings) = plan(file, &backends, &routes);
    let now = app.gateway_control().settings().await?;
    let next = file
        .gateway
        .clone()
        .validated()
        .unwrap_or(file.gateway.clone());
    let mut outcome = ImportOutcome {
        issues,
        host_changes: host_changes(file, &backends),
        exposure_changes: exposure_changes(&now, &next),
        warnings,
        changes,
        applied: false,
    };
    let approved = options
        .approved
        .covers(&outcome.host_changes, &outcome.exposure_changes);
    if !outcome.issues.is_empty() || options.dry_run || !approved {
        return Ok(outcome);
    }
    // Approved (or nothing to approve): the moves the user saw become their keys' hosts.
    let approval = if outcome.host_changes.is_empty() {
        HostApproval::Withhold
    } else {
        HostApproval::Approve
    };
    apply(app, file, &backends, approval).await?;
    outcome.applied = true;
    Ok(outcome)
}

async fn apply(
    app: &Switchyard,
    file: &ConfigFile,
    before: &[BackendView],
    approval: HostApproval,
) -> Result<(), AppError> {
    app.gateway_control()
        .update_settings(file.gateway.clone())
        .await?;
    app.cache().set_settings(file.cache.clone()).await?;
    if let Some(alerts) = &file.alerts {
        app.health().set_alert_config(alerts.clone()).await?;
    }
    for b in &file.backends {
        let kind = parse_kind(&b.kind)
            .ok_or_else(|| AppError::Invalid(format!("unknown kind “{}”", b.kind)))?;
        let draft = BackendDraft {
            name: b.name.clone(),
            kind,
            base_url: b.base_url.clone(),
            default_model: b.default_model.clone(),
        };
        let id = match before.iter().find(|x| x.row.name == b.name) {
            Some(x) => {
                app.backends()
                    .update(x.row.id.clone(), draft, approval)
                    .await?
                    .row
                    .id
            }
            None => app.backends().create(draft, None).await?.row.id,
        };
        app.backends().set_enabled(id.clone(), b.enabled).await?;
        app.backends().set_limits(id.clone(), limits(b)).await?;
        app.backends().set_monitor(id, monitor(b)).await?;
    }
    let backends = app.backends().list().await?;
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
        let existing = app
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
        app.routes().save(existing, draft).await?;
    }
    let routes = app.routes().list().await?;
    let mut budgets = app.costs().budgets().await?;
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
    app.costs().set_budgets(budgets).await?;
    for p in &file.prices {
        app.costs().set_price_override(p.clone()).await?;
    }
    Ok(())
}
