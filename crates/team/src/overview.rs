//! What a team replica tells an attached desktop (`GET /switchyard/team/v1/overview`, an admin
//! token): its sharing (Redis, the ledger's queue), the backends it serves with their health and
//! breakers, this month's spend by person, the team's budgets and its last readiness run. One
//! type, serialized by the replica and read by the desktop, so the two cannot drift apart.

use serde::{Deserialize, Serialize};
use switchyard_domain::readiness::Verdict;
use switchyard_domain::Circuit;
use switchyard_monitor::Status;

/// The path of the overview, under [`switchyard_domain::token_scope::TEAM_API_PREFIX`].
pub const OVERVIEW_PATH: &str = "/switchyard/team/v1/overview";
/// `POST`: runs the readiness checks on the replica; answers with the new overview.
pub const READINESS_PATH: &str = "/switchyard/team/v1/readiness";
/// `POST {"name": TOOL}`: a tool's token for the admin token's owner ([`IssuedToken`]);
/// `DELETE …/tokens/{id}` revokes one on every replica.
pub const TOKENS_PATH: &str = "/switchyard/team/v1/tokens";

/// A team token made through the API for one of its owner's tools: its value only here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuedToken {
    pub id: String,
    pub name: String,
    pub owner: String,
    pub token: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TeamOverview {
    /// The replica that answered.
    pub replica: String,
    /// Whether it shares limits, breakers, budgets and the cache through Redis: `None` without
    /// a Redis, `Some(false)` in the degraded state (each replica on its own until it is back).
    pub redis_up: Option<bool>,
    /// Finished requests waiting for the team's ledger, and those it could not hold.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub ledger_queued: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub ledger_lost: u64,
    /// Requests the team database refused for their data, set aside in the replica's outbox
    /// (absent from a replica older than issue 69: none).
    #[serde(default)]
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub ledger_set_aside: u64,
    pub backends: Vec<TeamBackend>,
    /// Spend this UTC month by person (a token's owner), the costliest first.
    pub people: Vec<TeamSpend>,
    /// Spend by UTC day over the last 30 days (days without requests left out), oldest first;
    /// `person` is the day (`2026-11-26`).
    pub days: Vec<TeamSpend>,
    pub budgets: Vec<TeamBudgetState>,
    /// The replica's last readiness run, if it ran one.
    pub readiness: Option<TeamReadiness>,
    /// The replica's open alerts (Redis away among them: `teamRedisDown`), newest first.
    pub alerts: Vec<TeamAlert>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TeamAlert {
    /// The rule that opened it (`teamRedisDown`, `backendDown`, …).
    pub rule: String,
    pub summary: String,
    pub opened_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TeamBackend {
    pub name: String,
    pub status: Status,
    /// Why it is not healthy, when it is not.
    pub reasons: Vec<String>,
    pub uptime_24h: Option<f64>,
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub p95_ms: Option<u64>,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub requests_today: u64,
    /// The replica's breaker (the team's, with Redis: one opened anywhere is open here).
    pub breaker: Circuit,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TeamSpend {
    pub person: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub requests: u64,
    /// Known costs only.
    pub cost_usd: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TeamBudgetState {
    pub name: String,
    /// Whose requests it covers; `None`: everyone's.
    pub person: Option<String>,
    /// `day` or `month` (UTC).
    pub period: String,
    pub limit_usd: f64,
    pub spent_usd: f64,
    pub hard_stop: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TeamReadiness {
    pub started_at: String,
    pub verdict: Verdict,
    /// 0–10.
    pub score: f64,
    /// What blocks it, one sentence each.
    pub blockers: Vec<String>,
}
