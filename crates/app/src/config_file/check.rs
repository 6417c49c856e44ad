//! Checking a configuration file before anything is written: every issue, by its path in the
//! file (`backend[2].kind`, `route[0].candidate[1].backend`), with the same rules the pages and
//! the CLI apply (backend drafts, limits, monitoring, route shapes, budgets, prices), so the apply
//! that follows cannot fail half-way.

use super::file::{BackendEntry, ConfigFile, VERSION};
use super::ConfigFiles;
use crate::backends::BackendView;
use crate::costs::budgets::{Budget, BudgetScope, MAX_BUDGETS};
use crate::routes::{RouteDraft, RouteView};
use crate::{AppError, RouteCandidate};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use switchyard_domain::{BackendDraft, BackendKind, Field, Severity};
use switchyard_store::{BackendLimits, MonitorSettings};

/// Something wrong (or worth knowing) at a place in the file, e.g. `backend[2].kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "ConfigIssue")]
pub struct Issue {
    pub path: String,
    pub message: String,
}

pub(super) fn issue(path: String, message: impl Into<String>) -> Issue {
    Issue {
        path,
        message: message.into(),
    }
}

pub(super) fn limits(b: &BackendEntry) -> BackendLimits {
    BackendLimits {
        max_in_flight: b.max_in_flight,
        rpm: b.requests_per_minute,
        tpm: b.tokens_per_minute,
    }
}

pub(super) fn monitor(b: &BackendEntry) -> MonitorSettings {
    MonitorSettings {
        probe_interval_s: b.probe_every_secs,
        sla_target_bp: (b.uptime_target_pct * 100.0).round().clamp(0.0, 1e6) as u32,
        required: b.required,
        deep_probe: b.deep_probe,
    }
}

pub(super) async fn check(
    files: &ConfigFiles,
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
        out.push(issue("gateway".into(), AppError::Validation(e).to_string()));
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
        let Some(kind) = BackendKind::from_name(&b.kind) else {
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
        match files.backends().validate(draft, editing, None).await {
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
            // The entry's own name for the field at fault.
            let field = match &e {
                AppError::Validation(v) => v.issues.first().map(|i| i.field),
                _ => None,
            };
            let name = match field {
                Some(Field::Rpm) => "requestsPerMinute",
                Some(Field::Tpm) => "tokensPerMinute",
                _ => "maxInFlight",
            };
            out.push(issue(at(name), e.to_string()));
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
    if let Some(team) = &file.team {
        out.extend(
            super::team::problems(team)
                .into_iter()
                .map(|(path, message)| issue(path.into(), message)),
        );
    }
    out
}
