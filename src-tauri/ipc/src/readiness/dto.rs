//! IPC shapes for readiness checks, notifications and per-backend monitor settings.

use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_app::{NotifyFailure, Progress};
use switchyard_core::readiness::{
    CheckResult, Component, ComponentKind, ComponentStatus, Importance,
};
use switchyard_readiness::{PreviousRun, ReadinessRun};

/// A report's rendering: one self-contained HTML page, JSON (`docs/report-schema.json`) or JUnit
/// XML for CI.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ReportFormat {
    Html,
    Json,
    Junit,
}

mirror_enum!(ReportFormat => switchyard_report::Format { Html, Json, Junit });

#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ComponentState {
    Operational,
    Degraded,
    Down,
}

mirror_enum!(ComponentStatus => ComponentState { Operational, Degraded, Down });

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReadinessCheck {
    pub id: String,
    pub label: String,
    pub passed: bool,
    /// `critical` (failing → down), `normal` (failing → degraded) or `info` (not counted).
    pub importance: String,
    pub detail: String,
    pub fix: Option<String>,
}

impl From<CheckResult> for ReadinessCheck {
    fn from(c: CheckResult) -> Self {
        ReadinessCheck {
            importance: match c.importance {
                Importance::Critical => "critical",
                Importance::Normal => "normal",
                Importance::Info => "info",
            }
            .into(),
            id: c.id,
            label: c.label,
            passed: c.passed,
            detail: c.detail,
            fix: c.fix,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReadinessComponent {
    pub id: String,
    pub name: String,
    /// `keychain`, `database`, `backend`, `gateway`, `notifications` or `configuration`.
    pub kind: String,
    pub required: bool,
    pub status: ComponentState,
    /// 0–10.
    pub score: f64,
    pub checks: Vec<ReadinessCheck>,
}

impl From<Component> for ReadinessComponent {
    fn from(c: Component) -> Self {
        ReadinessComponent {
            kind: match c.kind {
                ComponentKind::Keychain => "keychain",
                ComponentKind::Database => "database",
                ComponentKind::Backend => "backend",
                ComponentKind::Gateway => "gateway",
                ComponentKind::Notifications => "notifications",
                ComponentKind::Configuration => "configuration",
            }
            .into(),
            id: c.id,
            name: c.name,
            required: c.required,
            status: c.status.into(),
            score: c.score,
            checks: c.checks.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReadinessBlocker {
    pub component: String,
    pub message: String,
    pub fix: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PreviousReadiness {
    pub id: String,
    pub started_at: String,
    pub verdict: switchyard_core::readiness::Verdict,
    pub score: f64,
}

impl From<PreviousRun> for PreviousReadiness {
    fn from(p: PreviousRun) -> Self {
        PreviousReadiness {
            id: p.id,
            started_at: p.started_at,
            verdict: p.verdict,
            score: p.score,
        }
    }
}

/// A finished readiness run: the scorecard.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Readiness {
    pub id: String,
    pub started_at: String,
    pub duration_ms: u32,
    pub verdict: switchyard_core::readiness::Verdict,
    /// 0–10, one decimal.
    pub score: f64,
    pub components: Vec<ReadinessComponent>,
    pub blockers: Vec<ReadinessBlocker>,
    pub previous: Option<PreviousReadiness>,
}

impl From<ReadinessRun> for Readiness {
    fn from(r: ReadinessRun) -> Self {
        Readiness {
            id: r.id,
            started_at: r.started_at,
            duration_ms: r.duration_ms,
            verdict: r.card.verdict,
            score: r.card.score,
            components: r.card.components.into_iter().map(Into::into).collect(),
            blockers: r
                .card
                .blockers
                .into_iter()
                .map(|b| ReadinessBlocker {
                    component: b.component,
                    message: b.message,
                    fix: b.fix,
                })
                .collect(),
            previous: r.previous.map(Into::into),
        }
    }
}

/// Live progress of a run (event payload).
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProgressStep {
    pub run_id: String,
    pub done: u32,
    pub total: u32,
    /// The component that just finished.
    pub component: Option<String>,
    pub status: Option<String>,
}

impl From<Progress> for ProgressStep {
    fn from(p: Progress) -> Self {
        let (component, status) = match p.component {
            Some((name, s)) => (
                Some(name),
                Some(
                    match s {
                        ComponentStatus::Operational => "operational",
                        ComponentStatus::Degraded => "degraded",
                        ComponentStatus::Down => "down",
                    }
                    .to_string(),
                ),
            ),
            None => (None, None),
        };
        ProgressStep {
            run_id: p.run_id,
            done: u32::try_from(p.done).unwrap_or(u32::MAX),
            total: u32::try_from(p.total).unwrap_or(u32::MAX),
            component,
            status,
        }
    }
}

/// Whether notifications can be delivered, and the last failure.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct NotificationStatus {
    /// e.g. "dunst 1.9.0" when a notification service answers.
    pub server: Option<String>,
    /// Why not, when it does not.
    pub problem: Option<NotificationProblem>,
    /// The last delivery failure since the last success.
    pub last_failure: Option<NotificationProblem>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct NotificationProblem {
    pub at: String,
    pub message: String,
    pub hint: String,
}

impl From<NotifyFailure> for NotificationProblem {
    fn from(f: NotifyFailure) -> Self {
        NotificationProblem {
            at: f.at,
            message: f.message,
            hint: f.hint,
        }
    }
}
