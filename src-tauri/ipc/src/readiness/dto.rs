//! IPC shapes for readiness checks, notifications and per-backend monitor settings.

use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_app::{NotifyFailure, Progress};
use switchyard_domain::readiness::{Blocker, Component, ComponentStatus, Scorecard};
use switchyard_readiness::{PreviousRun, ReadinessRun};

/// A finished readiness run: the scorecard.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Readiness {
    pub id: String,
    pub started_at: String,
    pub duration_ms: u32,
    pub verdict: switchyard_domain::readiness::Verdict,
    /// 0–10, one decimal.
    pub score: f64,
    pub components: Vec<Component>,
    pub blockers: Vec<Blocker>,
    pub previous: Option<PreviousRun>,
}

impl From<ReadinessRun> for Readiness {
    fn from(r: ReadinessRun) -> Self {
        let ReadinessRun {
            id,
            started_at,
            duration_ms,
            card,
            previous,
        } = r;
        let Scorecard {
            components,
            score,
            verdict,
            blockers,
        } = card;
        Readiness {
            id,
            started_at,
            duration_ms,
            verdict,
            score,
            components,
            blockers,
            previous,
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
    pub problem: Option<NotifyFailure>,
    /// The last delivery failure since the last success.
    pub last_failure: Option<NotifyFailure>,
}
