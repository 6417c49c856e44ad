//! IPC shapes of the Team page and Settings → Team gateway. Counts are `f64` (specta exports no
//! 64-bit integers); they are exact below 2^53.

use crate::monitor::dto::HealthStatus;
use crate::readiness::dto::Verdict;
use crate::routes::dto::Breaker;
use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_app::team::overview as core;

/// Which team gateway this desktop is attached to (`url` null: none).
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamLinkState {
    pub url: Option<String>,
}

/// The team as its replica sees it.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamOverview {
    /// The replica that answered.
    pub replica: String,
    /// Null: the team has no Redis; false: the degraded state (each replica on its own).
    pub redis_up: Option<bool>,
    pub ledger_queued: f64,
    pub ledger_lost: f64,
    /// Requests the team database refused for their data, set aside in the replica's outbox.
    pub ledger_set_aside: f64,
    pub backends: Vec<TeamBackend>,
    /// This UTC month's spend by person, the costliest first.
    pub people: Vec<TeamSpend>,
    /// Spend by UTC day over the last 30 days, oldest first (`person` holds the day).
    pub days: Vec<TeamSpend>,
    pub budgets: Vec<TeamBudgetState>,
    pub readiness: Option<TeamReadiness>,
    /// The replica's open alerts, newest first (`teamRedisDown` while Redis is away).
    pub alerts: Vec<TeamAlert>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamAlert {
    pub rule: String,
    pub summary: String,
    pub opened_at: String,
}

impl From<core::TeamAlert> for TeamAlert {
    fn from(a: core::TeamAlert) -> Self {
        TeamAlert {
            rule: a.rule,
            summary: a.summary,
            opened_at: a.opened_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamBackend {
    pub name: String,
    pub status: HealthStatus,
    pub reasons: Vec<String>,
    pub uptime24h: Option<f64>,
    pub p95_ms: Option<f64>,
    pub requests_today: f64,
    pub breaker: Breaker,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamSpend {
    pub person: String,
    pub requests: f64,
    pub cost_usd: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamBudgetState {
    pub name: String,
    pub person: Option<String>,
    /// `day` or `month` (UTC).
    pub period: String,
    pub limit_usd: f64,
    pub spent_usd: f64,
    pub hard_stop: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamReadiness {
    pub started_at: String,
    pub verdict: Verdict,
    pub score: f64,
    pub blockers: Vec<String>,
}

impl From<core::TeamOverview> for TeamOverview {
    fn from(o: core::TeamOverview) -> Self {
        TeamOverview {
            replica: o.replica,
            redis_up: o.redis_up,
            ledger_queued: o.ledger_queued as f64,
            ledger_lost: o.ledger_lost as f64,
            ledger_set_aside: o.ledger_set_aside as f64,
            backends: crate::dtos(o.backends),
            people: crate::dtos(o.people),
            days: crate::dtos(o.days),
            budgets: crate::dtos(o.budgets),
            readiness: o.readiness.map(Into::into),
            alerts: crate::dtos(o.alerts),
        }
    }
}

impl From<core::TeamBackend> for TeamBackend {
    fn from(b: core::TeamBackend) -> Self {
        TeamBackend {
            name: b.name,
            status: b.status.into(),
            reasons: b.reasons,
            uptime24h: b.uptime_24h,
            p95_ms: b.p95_ms.map(|v| v as f64),
            requests_today: b.requests_today as f64,
            breaker: b.breaker.into(),
        }
    }
}

impl From<core::TeamSpend> for TeamSpend {
    fn from(s: core::TeamSpend) -> Self {
        TeamSpend {
            person: s.person,
            requests: s.requests as f64,
            cost_usd: s.cost_usd,
        }
    }
}

impl From<core::TeamBudgetState> for TeamBudgetState {
    fn from(b: core::TeamBudgetState) -> Self {
        TeamBudgetState {
            name: b.name,
            person: b.person,
            period: b.period,
            limit_usd: b.limit_usd,
            spent_usd: b.spent_usd,
            hard_stop: b.hard_stop,
        }
    }
}

impl From<core::TeamReadiness> for TeamReadiness {
    fn from(r: core::TeamReadiness) -> Self {
        TeamReadiness {
            started_at: r.started_at,
            verdict: r.verdict.into(),
            score: r.score,
            blockers: r.blockers,
        }
    }
}
