//! A readiness run as a report (`switchyard_report`): one suite per component, one case per
//! check, the blockers, the previous run. Nothing secret is in a run, so nothing is in the report.

use super::{Readiness, ReadinessRun};
use std::path::PathBuf;
use switchyard_app::{AppError, OffThread};
use switchyard_domain::readiness::{ComponentKind, ComponentStatus, Importance};
use switchyard_report::{Blocker, Case, Machine, Previous, Report, ReportKind, Suite, SCHEMA};

fn status(s: ComponentStatus) -> &'static str {
    match s {
        ComponentStatus::Operational => "operational",
        ComponentStatus::Degraded => "degraded",
        ComponentStatus::Down => "down",
    }
}

fn importance(i: Importance) -> &'static str {
    match i {
        Importance::Critical => "critical",
        Importance::Normal => "normal",
        Importance::Info => "info",
    }
}

fn kind(k: ComponentKind) -> &'static str {
    match k {
        ComponentKind::Keychain => "keychain",
        ComponentKind::Database => "database",
        ComponentKind::Backend => "backend",
        ComponentKind::Gateway => "gateway",
        ComponentKind::Notifications => "notifications",
        ComponentKind::Configuration => "configuration",
    }
}

impl ReadinessRun {
    /// This run as a report of this machine and version.
    pub fn report(&self) -> Report {
        let card = &self.card;
        let suites = card
            .components
            .iter()
            .map(|c| Suite {
                id: c.id.clone(),
                name: c.name.clone(),
                kind: kind(c.kind).into(),
                required: c.required,
                status: status(c.status).into(),
                score: Some(c.score),
                duration_ms: None,
                cases: c
                    .checks
                    .iter()
                    .map(|k| Case {
                        id: k.id.clone(),
                        name: k.label.clone(),
                        passed: k.passed,
                        importance: importance(k.importance).into(),
                        detail: k.detail.clone(),
                        fix: k.fix.clone(),
                        duration_ms: None,
                    })
                    .collect(),
                measurements: Vec::new(),
                timelines: Vec::new(),
            })
            .collect();
        Report {
            schema: SCHEMA.into(),
            kind: ReportKind::Readiness,
            id: self.id.clone(),
            started_at: self.started_at.clone(),
            duration_ms: u64::from(self.duration_ms),
            verdict: card.verdict.as_str().into(),
            score: Some(card.score),
            exit_code: card.verdict.exit_code(),
            app_version: env!("CARGO_PKG_VERSION").into(),
            machine: Machine::current(),
            suites,
            blockers: card
                .blockers
                .iter()
                .map(|b| Blocker {
                    suite: b.component.clone(),
                    message: b.message.clone(),
                    fix: b.fix.clone(),
                })
                .collect(),
            previous: self.previous.as_ref().map(|p| Previous {
                id: p.id.clone(),
                started_at: p.started_at.clone(),
                verdict: p.verdict.as_str().into(),
                score: Some(p.score),
            }),
            configuration: None,
        }
    }
}

impl Readiness {
    /// One stored run, by id.
    pub async fn get(&self, id: String) -> Result<ReadinessRun, AppError> {
        let row = self.runs.blocking(move |runs| Ok(runs.get(&id)?)).await?;
        stored_report(row.map(|r| r.report), "That readiness run")
    }

    /// Writes stored run `id`'s report as `format` to `path` (replaced atomically, private to
    /// the user) and returns the path.
    pub async fn export_report(
        &self,
        id: String,
        format: switchyard_report::Format,
        path: PathBuf,
    ) -> Result<PathBuf, AppError> {
        write_report(&self.get(id).await?.report(), format, path).await
    }
}

/// A stored run's report, read back from its JSON; `None` is `that` ("That drill run") not found.
/// Readiness and drill runs share it.
pub fn stored_report<T: serde::de::DeserializeOwned>(
    json: Option<String>,
    that: &'static str,
) -> Result<T, AppError> {
    let json = json.ok_or(AppError::NotFound(that))?;
    let what = that.trim_start_matches("That ");
    serde_json::from_str(&json)
        .map_err(|e| AppError::Internal(format!("a stored {what} cannot be read: {e}")))
}

/// Writes `report` as `format` to `path` (replaced atomically, private to the user) and returns
/// the path. Readiness and drill exports share it.
pub async fn write_report(
    report: &Report,
    format: switchyard_report::Format,
    path: PathBuf,
) -> Result<PathBuf, AppError> {
    let text = format.render(report);
    let target = path.clone();
    tokio::task::spawn_blocking(move || {
        switchyard_runtime::atomic::write(&target, text.as_bytes())
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))??;
    Ok(path)
}
