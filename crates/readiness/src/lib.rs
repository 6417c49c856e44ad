//! One-click readiness checks: keychain, database, gateway, configuration, notifications and
//! every enabled backend, checked concurrently with live progress, scored by
//! `switchyard_domain::readiness`, stored, and compared with the previous run. The same runner
//! serves the window, `switchyard check`, the MCP `readiness` tool and a team replica's API.
//! Above the core: it reads every feature through the core's public services.

mod backend;
mod port;
mod report;
pub use report::{stored_report, write_report};
mod system;

use serde::{Deserialize, Serialize};
use std::time::Instant;
use switchyard_app::{AppError, DomainEvent, OffThread, Progress, Switchyard};
use switchyard_domain::readiness::{scorecard, Component, ComponentStatus, Scorecard, Verdict};
use switchyard_notify::{Kind, Notification, Urgency};
use switchyard_store::{ReadinessRow, ReadinessTable};

/// A finished run as stored and shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadinessRun {
    pub id: String,
    pub started_at: String,
    pub duration_ms: u32,
    pub card: Scorecard,
    /// The run before this one, for comparison.
    pub previous: Option<PreviousRun>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "PreviousReadiness")]
#[serde(rename_all = "camelCase")]
pub struct PreviousRun {
    pub id: String,
    pub started_at: String,
    pub verdict: Verdict,
    pub score: f64,
}

/// "Readiness: DEGRADED (8.4/10)" with the first blockers or problems.
fn verdict_notification(run: &ReadinessRun) -> Notification {
    let card = &run.card;
    let urgency = match card.verdict {
        Verdict::Ready => Urgency::Low,
        Verdict::Degraded => Urgency::Normal,
        Verdict::Blocked => Urgency::Critical,
    };
    let body = if card.blockers.is_empty() {
        let weak: Vec<&str> = card
            .components
            .iter()
            .filter(|c| c.status != ComponentStatus::Operational)
            .map(|c| c.name.as_str())
            .collect();
        if weak.is_empty() {
            "Every check passed.".to_string()
        } else {
            format!("Not fully operational: {}.", weak.join(", "))
        }
    } else {
        let first: Vec<String> = card
            .blockers
            .iter()
            .take(3)
            .map(|b| format!("{}: {}", b.component, b.message))
            .collect();
        format!("Blocked by {}", first.join("; "))
    };
    Notification::new(
        Kind::Verdict,
        urgency,
        format!(
            "Readiness: {} ({:.1}/10)",
            card.verdict.as_str().to_uppercase(),
            card.score
        ),
        body,
    )
}

/// Latency above this counts against a backend (normal importance).
pub const LATENCY_THRESHOLD_MS: u32 = 2_000;

/// The Readiness feature. It reads the other features through the core's public services: the
/// database's state and the stored runs, the keychain (a write/read/delete round trip through
/// Keys), the data folder (free space), the gateway's controls (the Host guard is tried for
/// real), Backends, Keys (each key is tested), Routes (live breaker state, routes that can
/// serve), Notifications (delivery, the verdict), the team on a replica, and the event sink
/// (`ReadinessProgress`, `ReadinessFinished`). Cheap to clone.
#[derive(Clone)]
pub struct Readiness {
    core: Switchyard,
    runs: ReadinessTable,
}

impl Readiness {
    /// The checks of the running core `core`.
    pub fn new(core: &Switchyard) -> Readiness {
        Readiness {
            runs: core.readiness_runs(),
            core: core.clone(),
        }
    }

    fn emit(&self, event: DomainEvent) {
        self.core.event_sink().emit(event);
    }

    /// Runs every check, stores the run and returns it. Emits `ReadinessProgress` events.
    pub async fn run(&self) -> Result<ReadinessRun, AppError> {
        let started = Instant::now();
        let started_at = switchyard_store::now();
        let run_id = uuid::Uuid::new_v4().simple().to_string();
        let backends: Vec<_> = self
            .core
            .backends()
            .list()
            .await?
            .into_iter()
            .filter(|b| b.row.enabled)
            .collect();
        let total = 5 + usize::from(self.core.team().is_some()) + backends.len();
        let progress = |done: usize, component: Option<&Component>| {
            self.emit(DomainEvent::ReadinessProgress(Progress {
                run_id: run_id.clone(),
                done,
                total,
                component: component.map(|c| (c.name.clone(), c.status)),
            }));
        };
        progress(0, None);
        let mut components: Vec<Component> = Vec::with_capacity(total);
        for step in 0..5 {
            let c = match step {
                0 => system::keychain(self).await,
                1 => system::database(self).await,
                2 => system::gateway(self).await,
                3 => system::configuration(self).await,
                _ => system::notifications(self).await,
            };
            components.push(c);
            progress(components.len(), components.last());
        }
        if let Some(team) = self.core.team() {
            components.push(team.readiness().await);
            progress(components.len(), components.last());
        }
        let live = self.core.routes().live_health();
        let checks = backends.iter().map(|b| backend::check(self, b, &live));
        for c in futures_util::future::join_all(checks).await {
            components.push(c);
            progress(components.len(), components.last());
        }
        let card = scorecard(components);
        let previous = self.latest().await?.map(|p| PreviousRun {
            id: p.id,
            started_at: p.started_at,
            verdict: p.card.verdict,
            score: p.card.score,
        });
        let run = ReadinessRun {
            id: run_id,
            started_at,
            duration_ms: u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX),
            card,
            previous,
        };
        let row = ReadinessRow {
            id: run.id.clone(),
            started_at: run.started_at.clone(),
            verdict: run.card.verdict.as_str().into(),
            score: run.card.score,
            report: serde_json::to_string(&run).map_err(|e| AppError::Internal(e.to_string()))?,
        };
        self.runs
            .blocking(move |runs| Ok(runs.insert(&row)?))
            .await?;
        tracing::info!(
            verdict = run.card.verdict.as_str(),
            score = run.card.score,
            ms = run.duration_ms,
            "readiness checks finished"
        );
        self.core
            .notifications()
            .send(verdict_notification(&run))
            .await;
        self.emit(DomainEvent::ReadinessFinished {
            run_id: run.id.clone(),
        });
        Ok(run)
    }

    /// The configuration check alone (the configuration drill reports it).
    pub async fn configuration_component(&self) -> Component {
        system::configuration(self).await
    }

    /// The newest stored run.
    pub async fn latest(&self) -> Result<Option<ReadinessRun>, AppError> {
        Ok(self.history(1).await?.into_iter().next())
    }

    /// Stored runs, newest first (a damaged report is skipped).
    pub async fn history(&self, limit: u32) -> Result<Vec<ReadinessRun>, AppError> {
        let rows = self
            .runs
            .blocking(move |runs| Ok(runs.newest(limit)?))
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| serde_json::from_str(&r.report).ok())
            .collect())
    }
}
