//! A run report as the page sees it: `switchyard_report::Report`, field for field (the JSON of
//! `docs/report-schema.json`), and the drills' progress.

use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_app::DrillProgress;

/// A drill (or readiness) run: verdict, one suite per drill with its cases and numbers.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RunReport {
    pub id: String,
    /// `readiness` or `drill`.
    pub kind: String,
    pub started_at: String,
    pub duration_ms: f64,
    /// `passed`/`failed` (drills), `ready`/`degraded`/`blocked` (readiness).
    pub verdict: String,
    pub score: Option<f64>,
    pub suites: Vec<ReportSuite>,
}

/// A sequence of states over time: each event starts a state lasting until the next one, the
/// last until `endMs`.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReportTimeline {
    pub name: String,
    pub end_ms: f64,
    pub events: Vec<ReportTimelineEvent>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReportTimelineEvent {
    pub at_ms: f64,
    pub state: String,
    /// `ok`, `warn`, `bad` or `info`.
    pub tone: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReportSuite {
    pub id: String,
    pub name: String,
    /// `passed` or `failed` (drills); `operational`, `degraded`, `down` (readiness).
    pub status: String,
    pub duration_ms: Option<f64>,
    pub cases: Vec<ReportCase>,
    pub measurements: Vec<ReportMeasurement>,
    pub timelines: Vec<ReportTimeline>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReportCase {
    pub id: String,
    pub name: String,
    pub passed: bool,
    /// `critical`, `normal` or `info` (shown, never counted).
    pub importance: String,
    pub detail: String,
    pub fix: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReportMeasurement {
    pub name: String,
    pub value: f64,
    pub unit: String,
    pub target: Option<String>,
}

fn ms(v: u64) -> f64 {
    v as f64
}

impl From<switchyard_report::Report> for RunReport {
    fn from(r: switchyard_report::Report) -> Self {
        RunReport {
            id: r.id,
            kind: r.kind.as_str().into(),
            started_at: r.started_at,
            duration_ms: ms(r.duration_ms),
            verdict: r.verdict,
            score: r.score,
            suites: r
                .suites
                .into_iter()
                .map(|s| ReportSuite {
                    id: s.id,
                    name: s.name,
                    status: s.status,
                    duration_ms: s.duration_ms.map(ms),
                    cases: s
                        .cases
                        .into_iter()
                        .map(|c| ReportCase {
                            id: c.id,
                            name: c.name,
                            passed: c.passed,
                            importance: c.importance,
                            detail: c.detail,
                            fix: c.fix,
                        })
                        .collect(),
                    measurements: s
                        .measurements
                        .into_iter()
                        .map(|m| ReportMeasurement {
                            name: m.name,
                            value: m.value,
                            unit: m.unit,
                            target: m.target,
                        })
                        .collect(),
                    timelines: s
                        .timelines
                        .into_iter()
                        .map(|t| ReportTimeline {
                            name: t.name,
                            end_ms: ms(t.end_ms),
                            events: t
                                .events
                                .into_iter()
                                .map(|e| ReportTimelineEvent {
                                    at_ms: ms(e.at_ms),
                                    state: e.state,
                                    tone: e.tone,
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// A drill the page can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum Drill {
    Failover,
    Breaker,
    RateLimit,
    Recovery,
    Distribution,
    Stampede,
    Configuration,
}

impl From<Drill> for switchyard_drills::DrillName {
    fn from(d: Drill) -> Self {
        use switchyard_drills::DrillName as N;
        match d {
            Drill::Failover => N::Failover,
            Drill::Breaker => N::Breaker,
            Drill::RateLimit => N::RateLimit,
            Drill::Recovery => N::Recovery,
            Drill::Distribution => N::Distribution,
            Drill::Stampede => N::Stampede,
            Drill::Configuration => N::Configuration,
        }
    }
}

/// `done` of `total` drills finished; `current` is running.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DrillStep {
    pub run_id: String,
    pub done: u32,
    pub total: u32,
    pub current: Option<String>,
}

impl From<DrillProgress> for DrillStep {
    fn from(p: DrillProgress) -> Self {
        DrillStep {
            run_id: p.run_id,
            done: u32::try_from(p.done).unwrap_or(u32::MAX),
            total: u32::try_from(p.total).unwrap_or(u32::MAX),
            current: p.current,
        }
    }
}

/// A real candidate of a live drill and the most one call to it can cost.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LiveDrillTaker {
    pub backend: String,
    pub model: String,
    /// `null` when the model has no price.
    pub usd_per_call: Option<f64>,
}

/// What a live drill would do and the most it can spend, shown before the user confirms.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LiveDrillPlan {
    pub route: String,
    /// The first candidate's backend, made unreachable for the drill.
    pub dead: String,
    pub takers: Vec<LiveDrillTaker>,
    pub requests: u32,
    /// Attempts a request may make on each real candidate (1 plus the retries setting).
    pub attempts_per_taker: u32,
    pub max_output_tokens: u32,
    /// The most it can spend in USD; `null` when a model has no price.
    pub max_usd: Option<f64>,
}

impl From<switchyard_drills::LivePlan> for LiveDrillPlan {
    fn from(p: switchyard_drills::LivePlan) -> Self {
        LiveDrillPlan {
            route: p.route,
            dead: p.dead,
            takers: p
                .takers
                .into_iter()
                .map(|t| LiveDrillTaker {
                    backend: t.backend,
                    model: t.model,
                    usd_per_call: t.usd_per_call,
                })
                .collect(),
            requests: p.requests,
            attempts_per_taker: p.attempts_per_taker,
            max_output_tokens: u32::try_from(p.max_output_tokens).unwrap_or(u32::MAX),
            max_usd: p.max_usd,
        }
    }
}
