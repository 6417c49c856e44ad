//! The live drill: the failover drill on the real providers of one route, for users who want
//! proof beyond the mocks. The route's first backend is made unreachable (a local stand-in that
//! refuses connections) and a handful of tiny requests (at most [`MAX_LIVE_REQUESTS`], each
//! asking for a one-word answer of at most 8 tokens) go through a shadow gateway to the route's
//! other, real, candidates with the user's keys (read from the keychain into the shadow's
//! memory only). It spends real tokens, so it runs only with the most it can cost confirmed
//! (`max_usd`, computed from the price table), and what it spent is added to the user's ledger
//! under the tool name "live drill".
//!
//! Invariants: one live drill at a time per data folder, across processes (the window and any
//! number of CLIs; [`super::live_lock`]); requests go one at a time, each only after its worst
//! case was reserved under the confirmed maximum ([`spend`], which states the
//! bound). The shadow inherits the user's approvals and never grants one: a key goes into it
//! only when it is approved for its backend's address now ([`approved_keys`]), so the drill
//! sends no key where the gateway would withhold it.
mod spend;

use super::load::{chat_body, served_by, shadow_client};
use super::shadow::{Setup, Shadow, StandIn};
use super::{route_backends, Drills, Plan};
use crate::{DrillError, LiveRefusal};
use serde::{Deserialize, Serialize};
use spend::{findings, price, Ran, SpendCap};
use std::collections::HashMap;
use std::time::Instant;
use switchyard_app::OffThread;
use switchyard_app::{AppError, NewKey};
use switchyard_pricing::{cost_in, PriceTable};
use switchyard_report::Report;
use switchyard_wire::Usage;

/// The most requests one live drill sends.
pub const MAX_LIVE_REQUESTS: u32 = 10;
/// Input tokens allowed per call in the estimate: the short prompt plus any chat template.
const INPUT_ALLOWANCE: u64 = 64;
/// The answer's cap (`max_tokens` of the drill's request body).
pub const LIVE_OUTPUT_TOKENS: u64 = 8;
/// How the drill's requests appear in the user's ledger.
pub const LIVE_TOOL: &str = "live drill";

/// A real candidate that may answer, and the most one call to it can cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "LiveDrillTaker")]
#[serde(rename_all = "camelCase")]
pub struct LiveTaker {
    pub backend: String,
    pub model: String,
    /// `None` when the model has no price.
    pub usd_per_call: Option<f64>,
}

/// What a live drill would do and the most it can spend; shown before the user confirms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "LiveDrillPlan")]
#[serde(rename_all = "camelCase")]
pub struct LivePlan {
    pub route: String,
    /// The first candidate's backend, made unreachable for the drill.
    pub dead: String,
    pub takers: Vec<LiveTaker>,
    pub requests: u32,
    /// Attempts one request may make on each real candidate (1 plus the retries setting).
    pub attempts_per_taker: u32,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub max_output_tokens: u64,
    /// The most the run can cost in USD: every request retried on every real candidate, each
    /// call with the whole input allowance and answer cap. `None` when a model has no price.
    pub max_usd: Option<f64>,
}

/// The live plan for route `route` (its name) with `requests` requests at `table`'s prices.
pub(crate) fn plan_live(
    plan: &Plan,
    route: &str,
    requests: u32,
    table: &PriceTable,
) -> Result<LivePlan, DrillError> {
    if !(1..=MAX_LIVE_REQUESTS).contains(&requests) {
        return Err(LiveRefusal::Requests {
            requests,
            max: MAX_LIVE_REQUESTS,
        }
        .into());
    }
    let r = plan
        .routes
        .iter()
        .find(|r| r.name == route)
        .ok_or(AppError::NotFound("That route"))?;
    let members = route_backends(r, &plan.backends);
    let Some(dead) = members.first() else {
        return Err(LiveRefusal::NoBackend {
            route: route.into(),
        }
        .into());
    };
    if members.len() < 2 {
        return Err(LiveRefusal::OneBackend {
            route: route.into(),
        }
        .into());
    }
    for b in &members[1..] {
        if b.row.kind.spec().needs_key && b.keys.is_empty() {
            return Err(LiveRefusal::NoKey {
                backend: b.row.name.clone(),
            }
            .into());
        }
    }
    let usage = Usage {
        input_tokens: INPUT_ALLOWANCE,
        output_tokens: LIVE_OUTPUT_TOKENS,
        ..Usage::default()
    };
    let takers: Vec<LiveTaker> = r
        .candidates
        .iter()
        .filter(|c| c.backend_enabled && c.backend_id != dead.row.id)
        .filter_map(|c| {
            let b = members.iter().find(|b| b.row.id == c.backend_id)?;
            Some(LiveTaker {
                backend: b.row.name.clone(),
                model: c.model.clone(),
                usd_per_call: cost_in(table, Some(b.row.kind), Some(&c.model), &usage),
            })
        })
        .collect();
    let attempts_per_taker = 1 + plan.resilience.retries_per_candidate;
    let per_request: Option<f64> = takers.iter().map(|t| t.usd_per_call).sum();
    Ok(LivePlan {
        route: r.name.clone(),
        dead: dead.row.name.clone(),
        requests,
        attempts_per_taker,
        max_output_tokens: LIVE_OUTPUT_TOKENS,
        max_usd: per_request.map(|usd| usd * f64::from(requests * attempts_per_taker)),
        takers,
    })
}

/// Whether the user confirmed (at least) this plan's maximum.
fn confirmed(plan: &LivePlan, max_usd: Option<f64>) -> bool {
    match (plan.max_usd, max_usd) {
        (Some(need), Some(ok)) => need <= ok + 1e-12,
        (None, None) => true,
        _ => false,
    }
}

/// "$0.000123", "unknown"
pub fn usd(v: Option<f64>) -> String {
    v.map_or("unknown (a model has no price)".into(), |v| {
        format!("${v:.6}")
    })
}

impl Drills {
    /// What a live drill of `route` with `requests` requests would do and the most it can cost.
    pub async fn live_plan(&self, route: String, requests: u32) -> Result<LivePlan, DrillError> {
        let table = self.parts.costs.table().await?;
        plan_live(&self.plan().await?, &route, requests, &table)
    }

    /// Runs the live drill of `route`, spending real tokens: refused unless `max_usd` is the
    /// maximum [`Drills::live_plan`] shows (prices or settings may have changed since), and
    /// refused with a conflict naming the holder while another live drill runs on this data
    /// folder (in this process or another). Spends at most that maximum, within the bound
    /// [`spend`] states.
    pub async fn run_live(
        &self,
        route: String,
        requests: u32,
        max_usd: Option<f64>,
    ) -> Result<Report, DrillError> {
        let table = self.parts.costs.table().await?;
        let plan = self.plan().await?;
        let live = plan_live(&plan, &route, requests, &table)?;
        if !confirmed(&live, max_usd) {
            return Err(DrillError::App(AppError::Conflict(format!(
                "The most this live drill can spend is now {}; look at it again and confirm.",
                usd(live.max_usd)
            ))));
        }
        let dir = self.parts.data_dir.clone();
        let _lock = tokio::task::spawn_blocking(move || super::live_lock::acquire(&dir)).await??;
        self.guarded(|run_id| self.live_run(run_id, plan, live, table))
            .await
    }

    async fn live_run(
        &self,
        run_id: String,
        plan: Plan,
        live: LivePlan,
        table: std::sync::Arc<PriceTable>,
    ) -> Result<Report, DrillError> {
        let started_at = switchyard_store::now();
        let started = Instant::now();
        self.progress(&run_id, 0, 1, Some("Live failover"));
        let Some(route) = plan.routes.iter().find(|r| r.name == live.route) else {
            return Err(AppError::NotFound("That route").into());
        };
        let members = route_backends(route, &plan.backends);
        let dead_id = members
            .first()
            .map(|b| b.row.id.clone())
            .unwrap_or_default();
        let mut keys: HashMap<String, Vec<NewKey>> = HashMap::new();
        for b in members.iter().skip(1) {
            let mut held = Vec::new();
            for k in approved_keys(b)? {
                let value = self.parts.keys.reveal(k.row.id.clone()).await?;
                held.push(NewKey {
                    label: k.row.label.clone(),
                    value,
                });
            }
            keys.insert(b.row.id.clone(), held);
        }
        let only_route = Plan {
            backends: members.iter().map(|b| (*b).clone()).collect(),
            routes: vec![route.clone()],
            resilience: plan.resilience,
        };
        let stand_in = |b: &switchyard_app::BackendView| match keys.get(&b.row.id) {
            Some(k) if b.row.id != dead_id => StandIn::Real(k.clone()),
            _ => StandIn::Mock(Box::new(switchyard_mock::MockConfig::instant())),
        };
        let shadow = Shadow::build_with(&only_route, &stand_in, Setup::default()).await?;
        if let Some(dead) = shadow.backends.get(&dead_id) {
            dead.mock.stop();
        }
        let url = format!("http://{}/v1/chat/completions", shadow.addr);
        let client = shadow_client(None)
            .ok_or_else(|| AppError::Internal("no HTTP client for the drill".into()))?;
        let (mut ran, mut cap) = (Ran::default(), SpendCap::new(&live));
        for _ in 0..live.requests {
            if self.check_cancel().is_err() {
                break;
            }
            if !cap.reserve() {
                ran.capped = true;
                break;
            }
            let t = Instant::now();
            let answer = client
                .post(&url)
                .bearer_auth(&shadow.token)
                .json(&chat_body(&live.route))
                .send()
                .await;
            if let Ok(a) = answer {
                if a.status().is_success() {
                    ran.ok += 1;
                    ran.latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                    ran.by.extend(served_by(&a));
                }
                let _ = a.bytes().await;
            }
            // Unreadable now: every reservation stands (the next check is only stricter).
            if let Ok(mut so_far) = shadow.requests().await {
                price(&mut so_far, &plan, &table);
                cap.settle(&so_far.iter().map(|r| r.cost_usd).collect::<Vec<_>>());
            }
        }
        ran.sent = cap.sent();
        let records = shadow.requests().await;
        shadow.stop().await;
        let spent = self.record_spend(records?, &plan, &table).await?;
        self.check_cancel()?;
        let found = findings(&live, &ran, spent);
        self.progress(&run_id, 1, 1, None);
        let suites = vec![super::suite(
            "live-failover",
            "Live failover",
            found,
            started,
        )];
        Ok(self
            .report(run_id, started_at, started, suites, &plan)
            .await?)
    }

    /// Adds the shadow's requests to the user's ledger, priced with the user's table, as the
    /// "live drill" tool; answers (input tokens, output tokens, cost) of them all.
    async fn record_spend(
        &self,
        mut records: Vec<switchyard_domain::RequestRecord>,
        plan: &Plan,
        table: &PriceTable,
    ) -> Result<(u64, u64, Option<f64>), AppError> {
        let total = price(&mut records, plan, table);
        self.ledger
            .blocking(move |s| Ok(s.insert_requests(&records)?))
            .await?;
        Ok(total)
    }
}

/// The keys of `b` that the drill may carry into its shadow: those approved for the backend's
/// address now. A backend whose keys are all approved elsewhere (its address moved without the
/// user's approval) is refused, naming the way to approve it; no key of it is read.
fn approved_keys(
    b: &switchyard_app::BackendView,
) -> Result<Vec<&switchyard_app::KeyView>, AppError> {
    let approved: Vec<_> = b
        .keys
        .iter()
        .filter(|k| switchyard_domain::approved_for(&k.row.hosts, &b.row.base_url))
        .collect();
    if approved.is_empty() && !b.keys.is_empty() {
        let origin = switchyard_domain::origin_of(&b.row.base_url).unwrap_or_default();
        return Err(AppError::Conflict(format!(
            "{}'s keys are not approved for {origin}, where it points now, so the live drill \
             does not send them there. If you trust that address, edit the backend and save it \
             (that approves it), then run the drill again.",
            b.row.name
        )));
    }
    Ok(approved)
}
