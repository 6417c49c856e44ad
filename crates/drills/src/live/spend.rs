//! The live drill's money: the spend cap held while it runs ([`SpendCap`]), pricing what the
//! shadow recorded with the user's price table ([`price`]), and the run's criteria and numbers
//! ([`findings`]).
//!
//! The cap is reserve-then-settle. Before each request the most it can cost (every attempt on
//! every real candidate, each with the whole input allowance and answer cap) is reserved
//! against the confirmed maximum, and the request is sent only if what is already committed
//! plus that reservation fits; after the answer the reservation is settled with what the
//! shadow's ledger says the requests cost (a request not in the ledger yet keeps its whole
//! reservation). Requests are sent one at a time, so:
//!
//! **Bound.** The run's spend is at most the confirmed maximum when every provider bills within
//! the request's `max_tokens` and the input allowance. A provider that bills more can push it
//! over by at most the excess of the one request in flight: the next reservation no longer
//! fits and the run stops there (the report says so). Runs on one data folder never overlap
//! (see `live_lock`), so this bound holds for everything the user confirmed, not per process.

use super::Plan;
use super::{usd, LivePlan, LIVE_TOOL};
use crate::criteria::{critical, measurement as m, Findings};
use crate::load::percentile;
use switchyard_domain::RequestRecord;
use switchyard_pricing::{cost_in, recorded_usage, PriceTable};

/// Rounding slack when comparing dollar amounts.
const EPSILON_USD: f64 = 1e-12;

/// The cap while a live drill runs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SpendCap {
    /// The confirmed maximum; `None` when a model has no price (then the request count and
    /// the answer cap are the only bounds, as the confirmation said).
    cap: Option<f64>,
    /// The most one request can cost; `None` when a model has no price.
    per_request: Option<f64>,
    /// Requests sent (each reserved first).
    sent: u32,
    /// What the sent requests cost by the ledger, plus a whole reservation for each request the
    /// ledger does not hold yet.
    committed: f64,
}

impl SpendCap {
    pub fn new(live: &LivePlan) -> SpendCap {
        let per_call: Option<f64> = live.takers.iter().map(|t| t.usd_per_call).sum();
        SpendCap {
            cap: live.max_usd,
            per_request: per_call.map(|usd| usd * f64::from(live.attempts_per_taker)),
            sent: 0,
            committed: 0.0,
        }
    }

    /// Reserves one more request's worst case; `false` (nothing reserved, send nothing) when it
    /// might take the run past the cap.
    pub fn reserve(&mut self) -> bool {
        if let (Some(cap), Some(one)) = (self.cap, self.per_request) {
            if self.committed + one > cap + EPSILON_USD {
                return false;
            }
            self.committed += one;
        }
        self.sent += 1;
        true
    }

    /// Settles the reservations with `costs`: the priced ledger rows of the requests sent so
    /// far (`None`: no price, so the reservation stands).
    pub fn settle(&mut self, costs: &[Option<f64>]) {
        let Some(one) = self.per_request else {
            return;
        };
        let known: f64 = costs.iter().map(|c| c.unwrap_or(one)).sum();
        let recorded = u32::try_from(costs.len()).unwrap_or(u32::MAX);
        let pending = self.sent.saturating_sub(recorded);
        self.committed = known + one * f64::from(pending);
    }

    pub fn sent(&self) -> u32 {
        self.sent
    }
}

/// Prices `records` (the shadow's) with the user's `table` as the "live drill" tool; answers
/// (input tokens, output tokens, cost) of them all.
pub(crate) fn price(
    records: &mut [RequestRecord],
    plan: &Plan,
    table: &PriceTable,
) -> (u64, u64, Option<f64>) {
    let kind_of = |name: &str| {
        plan.backends
            .iter()
            .find(|b| b.row.name == name)
            .map(|b| b.row.kind)
    };
    let mut total = (0, 0, Some(0.0));
    for r in records.iter_mut() {
        r.token_name = Some(LIVE_TOOL.into());
        let kind = r.backend.as_deref().and_then(kind_of);
        // The shadow gateway's rows are fresh: always exact.
        r.cost_usd = cost_in(table, kind, r.model.as_deref(), &recorded_usage(r).0);
        total.0 += r.input_tokens;
        total.1 += r.output_tokens;
        total.2 = total.2.zip(r.cost_usd).map(|(a, b)| a + b);
    }
    total
}

/// What the run's loop saw.
#[derive(Debug, Default)]
pub(crate) struct Ran {
    /// Requests sent.
    pub sent: u32,
    /// Answered with a success.
    pub ok: u32,
    /// The run stopped early because the next request's worst case did not fit under the cap.
    pub capped: bool,
    pub latencies: Vec<f64>,
    /// The backends that answered.
    pub by: Vec<String>,
}

/// The live drill's criteria and numbers.
pub(crate) fn findings(
    live: &LivePlan,
    ran: &Ran,
    (input, output, cost): (u64, u64, Option<f64>),
) -> Findings {
    let mut found = Findings::default();
    let mut servers: Vec<&str> = ran.by.iter().map(String::as_str).collect();
    servers.sort_unstable();
    servers.dedup();
    let ok = ran.ok;
    let rate = 100.0 * f64::from(ok) / f64::from(live.requests.max(1));
    let mut detail = format!(
        "With {} unreachable, {ok} of {} requests were answered ({rate:.0} %) by {}.",
        live.dead,
        live.requests,
        if servers.is_empty() {
            "no one".into()
        } else {
            servers.join(", ")
        },
    );
    if ran.capped {
        detail.push_str(&format!(
            " The drill stopped after {} of {} requests: the providers billed more than estimated, so another request could have gone past the confirmed {}.",
            ran.sent,
            live.requests,
            usd(live.max_usd)
        ));
    }
    found.cases.push(critical(
        "live:failover",
        &format!("{}: fails over on the real providers", live.route),
        ok == live.requests,
        detail,
        "Check the route's other candidates in Readiness: their keys, models and limits.",
    ));
    let within = match (cost, live.max_usd) {
        (Some(c), Some(max)) => c <= max + EPSILON_USD,
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
        "A provider billed more tokens than the request allowed (its answer cap or the input allowance): check its prices and models in Costs, and report it.",
    ));
    found
        .measurements
        .push(m("Success", rate.round(), "%", Some("100 %")));
    if !ran.latencies.is_empty() {
        for (q, name) in [(50.0, "Latency p50"), (100.0, "Latency max")] {
            let v = percentile(&ran.latencies, q).round();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::LiveTaker;

    fn plan(requests: u32, per_call: Option<f64>) -> LivePlan {
        LivePlan {
            route: "r".into(),
            dead: "A".into(),
            takers: vec![LiveTaker {
                backend: "B".into(),
                model: "m".into(),
                usd_per_call: per_call,
            }],
            requests,
            attempts_per_taker: 2,
            max_output_tokens: 8,
            max_usd: per_call.map(|c| c * 2.0 * f64::from(requests)),
        }
    }

    #[test]
    fn requests_billed_at_their_worst_case_all_fit_under_the_cap_and_no_more() {
        // $1 a call, 2 attempts: $2 reserved a request, a cap of $6 for 3 requests.
        let mut b = SpendCap::new(&plan(3, Some(1.0)));
        for n in 1..=3 {
            assert!(
                b.reserve(),
                "request {n} fits: each costs at most its reservation"
            );
            b.settle(&vec![Some(2.0); n]);
        }
        assert!(!b.reserve(), "a fourth request would pass the cap");
        assert_eq!(b.sent(), 3);
    }

    #[test]
    fn a_request_billed_above_its_estimate_stops_the_run_at_the_next_reservation() {
        let mut b = SpendCap::new(&plan(3, Some(1.0)));
        assert!(b.reserve());
        b.settle(&[Some(5.0)]);
        assert!(
            !b.reserve(),
            "5 spent + 2 reserved > the cap of 6: nothing more is sent"
        );
        assert_eq!(b.sent(), 1, "only the request in flight overshot");
    }

    #[test]
    fn a_request_not_in_the_ledger_yet_keeps_its_whole_reservation() {
        let mut b = SpendCap::new(&plan(2, Some(1.0)));
        assert!(b.reserve());
        b.settle(&[]);
        assert!(b.reserve(), "2 reserved + 2 reserved = the cap of 4");
        assert!(!b.reserve(), "the pending one still counts in full");
    }

    #[test]
    fn without_a_price_only_the_request_count_bounds_the_run() {
        let mut b = SpendCap::new(&plan(2, None));
        assert!(b.reserve() && b.reserve() && b.reserve());
        b.settle(&[None, None]);
        assert_eq!(b.sent(), 3, "the loop's count is the bound then");
    }
}
