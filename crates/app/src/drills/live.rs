//! The live drill: the failover drill on the real providers of one route, for users who want
//! proof beyond the mocks. The route's first backend is made unreachable (a local stand-in that
//! refuses connections) and a handful of tiny requests (at most [`MAX_LIVE_REQUESTS`], each
//! asking for a one-word answer of at most 8 tokens) go through a shadow gateway to the route's
//! other, real, candidates with the user's keys (read from the keychain into the shadow's
//! memory only). It spends real tokens, so it runs only with the most it can cost confirmed
//! (`max_usd`, computed from the price table), and what it spent is added to the user's ledger
//! under the tool name "live drill".

use super::criteria::{critical, measurement as m, Findings};
use super::load::{chat_body, percentile, served_by};
use super::shadow::{Setup, Shadow, StandIn};
use super::{route_backends, Drills, Plan};
use crate::{AppError, NewKey};
use serde::Serialize;
use std::collections::HashMap;
use std::time::Instant;
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
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveTaker {
    pub backend: String,
    pub model: String,
    /// `None` when the model has no price.
    pub usd_per_call: Option<f64>,
}

/// What a live drill would do and the most it can spend; shown before the user confirms.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LivePlan {
    pub route: String,
    /// The first candidate's backend, made unreachable for the drill.
    pub dead: String,
    pub takers: Vec<LiveTaker>,
    pub requests: u32,
    /// Attempts one request may make on each real candidate (1 plus the retries setting).
    pub attempts_per_taker: u32,
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
) -> Result<LivePlan, AppError> {
    if !(1..=MAX_LIVE_REQUESTS).contains(&requests) {
        return Err(AppError::Invalid(format!(
            "A live drill sends 1 to {MAX_LIVE_REQUESTS} requests (it was {requests})."
        )));
    }
    let r = plan
        .routes
        .iter()
        .find(|r| r.name == route)
        .ok_or(AppError::NotFound("That route"))?;
    let members = route_backends(r, &plan.backends);
    let Some(dead) = members.first() else {
        return Err(AppError::Invalid(format!(
            "Route “{route}” has no enabled backend."
        )));
    };
    if members.len() < 2 {
        return Err(AppError::Invalid(format!(
            "Route “{route}” has one backend, so there is nothing to fail over to: add a candidate on another backend first."
        )));
    }
    for b in &members[1..] {
        if b.row.kind.spec().needs_key && b.keys.is_empty() {
            return Err(AppError::Invalid(format!(
                "{} has no key, so it cannot answer; add one in Backends first.",
                b.row.name
            )));
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
    pub async fn live_plan(&self, route: String, requests: u32) -> Result<LivePlan, AppError> {
        let table = self.parts.costs.table().await?;
        plan_live(&self.plan().await?, &route, requests, &table)
    }

    /// Runs the live drill of `route`, spending real tokens: refused unless `max_usd` is the
    /// maximum [`Drills::live_plan`] shows (prices or settings may have changed since).
    pub async fn run_live(
        &self,
        route: String,
        requests: u32,
        max_usd: Option<f64>,
    ) -> Result<Report, AppError> {
        let table = self.parts.costs.table().await?;
        let plan = self.plan().await?;
        let live = plan_live(&plan, &route, requests, &table)?;
        if !confirmed(&live, max_usd) {
            return Err(AppError::Conflict(format!(
                "The most this live drill can spend is now {}; look at it again and confirm.",
                usd(live.max_usd)
            )));
        }
        self.guarded(|run_id| self.live_run(run_id, plan, live, table))
            .await
    }

    async fn live_run(
        &self,
        run_id: String,
        plan: Plan,
        live: LivePlan,
        table: std::sync::Arc<PriceTable>,
    ) -> Result<Report, AppError> {
        let started_at = switchyard_store::now();
        let started = Instant::now();
        self.progress(&run_id, 0, 1, Some("Live failover"));
        let Some(route) = plan.routes.iter().find(|r| r.name == live.route) else {
            return Err(AppError::NotFound("That route"));
        };
        let members = route_backends(route, &plan.backends);
        let dead_id = members
            .first()
            .map(|b| b.row.id.clone())
            .unwrap_or_default();
        let mut keys: HashMap<String, Vec<NewKey>> = HashMap::new();
        for b in members.iter().skip(1) {
            let mut held = Vec::new();
            for k in &b.keys {
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
        let stand_in = |b: &crate::backends::BackendView| match keys.get(&b.row.id) {
            Some(k) if b.row.id != dead_id => StandIn::Real(k.clone()),
            _ => StandIn::Mock(switchyard_mock::MockConfig::instant()),
        };
        let shadow = Shadow::build_with(&only_route, &stand_in, Setup::default()).await?;
        if let Some(dead) = shadow.backends.get(&dead_id) {
            dead.mock.stop();
        }
        let url = format!("http://{}/v1/chat/completions", shadow.addr);
        let client = reqwest::Client::new();
        let (mut ok, mut latencies, mut by) = (0u32, Vec::new(), Vec::new());
        for _ in 0..live.requests {
            if self.check_cancel().is_err() {
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
                    ok += 1;
                    latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                    by.extend(served_by(&a));
                }
                let _ = a.bytes().await;
            }
        }
        let records = shadow.requests().await;
        shadow.stop().await;
        let spent = self.record_spend(records?, &plan, &table).await?;
        self.check_cancel()?;
        let found = findings(&live, ok, &latencies, &by, spent);
        self.progress(&run_id, 1, 1, None);
        let suites = vec![super::suite(
            "live-failover",
            "Live failover",
            found,
            started,
        )];
        self.report(run_id, started_at, started, suites, &plan)
            .await
    }

    /// Adds the shadow's requests to the user's ledger, priced with the user's table, as the
    /// "live drill" tool; answers (input tokens, output tokens, cost) of them all.
    async fn record_spend(
        &self,
        mut records: Vec<switchyard_core::RequestRecord>,
        plan: &Plan,
        table: &PriceTable,
    ) -> Result<(u64, u64, Option<f64>), AppError> {
        let kind_of = |name: &str| {
            plan.backends
                .iter()
                .find(|b| b.row.name == name)
                .map(|b| b.row.kind)
        };
        let mut total = (0, 0, Some(0.0));
        for r in &mut records {
            r.token_name = Some(LIVE_TOOL.into());
            let usage = Usage {
                input_tokens: r.input_tokens,
                output_tokens: r.output_tokens,
                cache_read_tokens: r.cache_read_tokens,
                cache_write_tokens: r.cache_write_tokens,
                ..Usage::default()
            };
            let kind = r.backend.as_deref().and_then(kind_of);
            r.cost_usd = cost_in(table, kind, r.model.as_deref(), &usage);
            total.0 += r.input_tokens;
            total.1 += r.output_tokens;
            total.2 = total.2.zip(r.cost_usd).map(|(a, b)| a + b);
        }
        crate::blocking::on_store(&self.store, move |s| Ok(s.insert_requests(&records)?)).await?;
        Ok(total)
    }
}

/// The live drill's criteria and numbers.
fn findings(
    live: &LivePlan,
    ok: u32,
    latencies: &[f64],
    by: &[String],
    (input, output, cost): (u64, u64, Option<f64>),
) -> Findings {
    let mut found = Findings::default();
    let mut servers: Vec<&str> = by.iter().map(String::as_str).collect();
    servers.sort_unstable();
    servers.dedup();
    let rate = 100.0 * f64::from(ok) / f64::from(live.requests.max(1));
    let passed = ok == live.requests;
    found.cases.push(critical(
        "live:failover",
        &format!("{}: fails over on the real providers", live.route),
        passed,
        format!(
            "With {} unreachable, {ok} of {} requests were answered ({rate:.0} %) by {}.",
            live.dead,
            live.requests,
            if servers.is_empty() {
                "no one".into()
            } else {
                servers.join(", ")
            },
        ),
        "Check the route's other candidates in Readiness: their keys, models and limits.",
    ));
    let within = match (cost, live.max_usd) {
        (Some(c), Some(max)) => c <= max + 1e-12,
        _ => true,
    };
    found.cases.push(critical(
        "live:spend",
        &format!("{}: spent within the confirmed maximum", live.route),
        within,
        format!(
            "{input} input and {output} output tokens, {} (at most {}); added to Costs as “{LIVE_TOOL}”.",
            usd(cost),
            usd(live.max_usd)
        ),
        "Report it: the drill spent more than its estimate.",
    ));
    found
        .measurements
        .push(m("Success", rate.round(), "%", Some("100 %")));
    if !latencies.is_empty() {
        for (q, name) in [(50.0, "Latency p50"), (100.0, "Latency max")] {
            let v = percentile(latencies, q).round();
            found.measurements.push(m(name, v, "ms", None));
        }
    }
    found
        .measurements
        .push(m("Input tokens", input as f64, "tokens", None));
    found
        .measurements
        .push(m("Output tokens", output as f64, "tokens", None));
    if let Some(c) = cost {
        let target = live.max_usd.map(|max| format!("≤ ${max:.6}"));
        found
            .measurements
            .push(m("Cost", (c * 1e6).round() / 1e6, "USD", target.as_deref()));
    }
    found
}
