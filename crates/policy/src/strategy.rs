//! Routing strategies: given per-candidate stats, the full order in which to try backends
//! (first = chosen, the rest = failover order), each with a short human reason for the UI and
//! the response header.
//!
//! Invariants:
//! - Every candidate appears exactly once. Unavailable candidates (breaker open, cooling down)
//!   are listed last, in list order, with `available: false`, so a 503 can name them; callers
//!   must not send to them.
//! - Ties break by list order, so results are stable.
//! - Randomness comes only from the caller's `rand` (draws in `[0, 1)`): `Weighted` draws once
//!   per pick while two or more remain, `LowestLatency` draws twice when two or more are
//!   available, the others never draw.
//! - Unknown latency is optimistic (sorts first, scores best) so new backends get tried;
//!   unknown cost is pessimistic (sorts last, scores worst) so spend is never a surprise.
//! - Weight-0 candidates are never the weighted pick; they follow as failover, in list order.

use serde::{Deserialize, Serialize};

mod composite;
use composite::composite;

const UNAVAILABLE: &str = "unavailable (circuit open or cooling down)";

/// How to order candidates. Serialised as `{"type": "priority"}`, …,
/// `{"type": "composite", "cost": 0.4, "latency": 0.4, "availability": 0.2}`.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "RouteStrategy")]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Strategy {
    /// List order.
    #[default]
    Priority,
    /// Weighted random without replacement.
    Weighted,
    /// Power of two choices on EWMA latency, then the rest by latency.
    LowestLatency,
    /// Ascending blended cost; unknown cost last.
    LowestCost,
    /// Weighted score of normalised cost, latency and availability; best first.
    Composite(CompositeWeights),
    /// List order, draining each before the next: a candidate whose provider said it has no
    /// room left (see [`CandidateStats::room`]) goes after those with room, until its reset.
    Headroom,
}

/// Weights of the composite score. Negative or non-finite weights count as 0; the score is
/// divided by the weights' sum, so it always lies in `[0, 1]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct CompositeWeights {
    /// Weight of cheapness. Default 0.4.
    pub cost: f64,
    /// Weight of speed. Default 0.4.
    pub latency: f64,
    /// Weight of the success ratio. Default 0.2.
    pub availability: f64,
}

impl Default for CompositeWeights {
    fn default() -> Self {
        Self {
            cost: 0.4,
            latency: 0.4,
            availability: 0.2,
        }
    }
}

impl Strategy {
    /// The name the configuration file, the CLI's `--json` and MCP use (its serde `type`):
    /// `priority`, `weighted`, `lowestLatency`, `lowestCost`, `composite`, `headroom`.
    pub fn name(&self) -> &'static str {
        match self {
            Strategy::Priority => "priority",
            Strategy::Weighted => "weighted",
            Strategy::LowestLatency => "lowestLatency",
            Strategy::LowestCost => "lowestCost",
            Strategy::Composite(_) => "composite",
            Strategy::Headroom => "headroom",
        }
    }

    /// A strategy as a person types it: its [`Strategy::name`] or the command line's
    /// `lowest-latency` (case, `-` and `_` do not matter; `latency` and `cost` for short). The
    /// composite strategy takes weights, so only the configuration file and the UI set it.
    pub fn from_name(s: &str) -> Option<Strategy> {
        let t: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, '-' | '_'))
            .flat_map(char::to_lowercase)
            .collect();
        Some(match t.as_str() {
            "priority" => Strategy::Priority,
            "weighted" => Strategy::Weighted,
            "lowestlatency" | "latency" => Strategy::LowestLatency,
            "lowestcost" | "cost" => Strategy::LowestCost,
            "headroom" => Strategy::Headroom,
            _ => return None,
        })
    }
}

/// What the router knows about one candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateStats {
    /// The breaker admits requests and the candidate is not cooling down.
    pub available: bool,
    /// Relative weight for [`Strategy::Weighted`].
    pub weight: u32,
    /// Smoothed latency; `None` = not measured yet.
    pub latency_ewma_ms: Option<f64>,
    /// Blended USD per million tokens; `None` = unknown.
    pub cost_per_mtok: Option<f64>,
    /// Success ratio in `0..=1` (clamped).
    pub availability: f64,
    /// Share of its rate limits (or plan window) left, `0..=1`, as the provider last said;
    /// `None` = not said.
    pub room: Option<f64>,
}

impl Default for CandidateStats {
    fn default() -> Self {
        Self {
            available: true,
            weight: 1,
            latency_ewma_ms: None,
            cost_per_mtok: None,
            availability: 1.0,
            room: None,
        }
    }
}

/// One entry of the attempt order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Choice {
    /// Index into the candidate slice.
    pub index: usize,
    /// Why it sits here, e.g. `"cheapest ($0.15/Mtok)"`.
    pub reason: String,
    /// `false` for candidates listed only so errors can name them.
    pub available: bool,
}

/// The attempt order for `candidates` under `strategy`; see the module invariants.
pub fn order(
    strategy: &Strategy,
    candidates: &[CandidateStats],
    rand: &mut dyn FnMut() -> f64,
) -> Vec<Choice> {
    let c = candidates;
    let live: Vec<usize> = (0..c.len()).filter(|&i| c[i].available).collect();
    let mut out = match strategy {
        Strategy::Priority => live
            .iter()
            .map(|&i| pick(i, format!("priority {} of {}", i + 1, c.len())))
            .collect(),
        Strategy::Weighted => weighted(c, live, rand),
        Strategy::LowestLatency => lowest_latency(c, live, rand),
        Strategy::LowestCost => lowest_cost(c, live),
        Strategy::Composite(weights) => composite(c, &live, weights),
        Strategy::Headroom => headroom(c, &live),
    };
    out.extend(
        (0..c.len())
            .filter(|&i| !c[i].available)
            .map(|index| Choice {
                index,
                reason: UNAVAILABLE.into(),
                available: false,
            }),
    );
    out
}

/// Below this share left, a candidate counts as drained.
pub const DRAINED: f64 = 0.02;

fn headroom(c: &[CandidateStats], live: &[usize]) -> Vec<Choice> {
    let n = c.len();
    let (room, drained): (Vec<usize>, Vec<usize>) = live
        .iter()
        .partition(|&&i| known(c[i].room).is_none_or(|r| r >= DRAINED));
    let with_room = room.into_iter().map(|i| {
        let why = match known(c[i].room) {
            Some(r) => format!(
                "priority {} of {n}, {:.0}% of its limit left",
                i + 1,
                r * 100.0
            ),
            None => format!("priority {} of {n}, limit not reported", i + 1),
        };
        pick(i, why)
    });
    let without = drained.into_iter().map(|i| {
        pick(
            i,
            format!("priority {} of {n}, no room left until its reset", i + 1),
        )
    });
    with_room.chain(without).collect()
}

fn pick(index: usize, reason: String) -> Choice {
    Choice {
        index,
        reason,
        available: true,
    }
}

/// A uniform index below `n` (≥ 1) from one draw; out-of-range draws are clamped.
fn draw_index(rand: &mut dyn FnMut() -> f64, n: usize) -> usize {
    let r = rand();
    let r = if r >= 0.0 { r } else { 0.0 };
    ((r * n as f64) as usize).min(n - 1)
}

/// A finite, non-negative metric, or `None`.
fn known(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite() && *x >= 0.0)
}

fn weighted(c: &[CandidateStats], live: Vec<usize>, rand: &mut dyn FnMut() -> f64) -> Vec<Choice> {
    let (mut pool, zero): (Vec<usize>, Vec<usize>) =
        live.into_iter().partition(|&i| c[i].weight > 0);
    let mut out = Vec::with_capacity(pool.len() + zero.len());
    while !pool.is_empty() {
        let total: u64 = pool.iter().map(|&i| u64::from(c[i].weight)).sum();
        let pos = if pool.len() == 1 {
            0
        } else {
            let r = rand();
            let target = if r >= 0.0 { r * total as f64 } else { 0.0 };
            let mut acc = 0u64;
            pool.iter()
                .position(|&i| {
                    acc += u64::from(c[i].weight);
                    target < acc as f64
                })
                .unwrap_or(pool.len() - 1)
        };
        let i = pool.remove(pos);
        out.push(pick(
            i,
            format!("weighted pick (weight {} of {total})", c[i].weight),
        ));
    }
    out.extend(
        zero.into_iter()
            .map(|i| pick(i, "weight 0 (failover only)".into())),
    );
    out
}

fn fmt_latency(v: Option<f64>) -> String {
    known(v).map_or_else(|| "untried".into(), |ms| format!("{ms:.0} ms"))
}

fn lowest_latency(
    c: &[CandidateStats],
    mut live: Vec<usize>,
    rand: &mut dyn FnMut() -> f64,
) -> Vec<Choice> {
    // Unknown latency sorts before every measurement: optimistic, so new backends get traffic.
    let key = |i: usize| known(c[i].latency_ewma_ms).unwrap_or(f64::NEG_INFINITY);
    let better = |x: &usize, y: &usize| key(*x).total_cmp(&key(*y)).then(x.cmp(y));
    let mut out = Vec::with_capacity(live.len());
    if live.len() >= 2 {
        let a = draw_index(rand, live.len());
        let mut b = draw_index(rand, live.len() - 1);
        if b >= a {
            b += 1;
        }
        let (mut win, mut lose) = (live[a], live[b]);
        if better(&lose, &win).is_lt() {
            std::mem::swap(&mut win, &mut lose);
        }
        let (w, l) = (
            fmt_latency(c[win].latency_ewma_ms),
            fmt_latency(c[lose].latency_ewma_ms),
        );
        out.push(pick(
            win,
            format!("lower latency of two sampled ({w} vs {l})"),
        ));
        live.retain(|&i| i != win);
    }
    live.sort_by(better);
    let only = out.is_empty();
    out.extend(live.into_iter().map(|i| {
        let lat = fmt_latency(c[i].latency_ewma_ms);
        pick(
            i,
            if only {
                format!("only available candidate ({lat})")
            } else {
                format!("latency {lat}")
            },
        )
    }));
    out
}

fn fmt_usd(v: f64) -> String {
    let s = format!("{v:.3}");
    match s.strip_suffix('0') {
        Some(two) if v < 1.0 => format!("${two}/Mtok"),
        _ if v < 1.0 => format!("${s}/Mtok"),
        _ => format!("${v:.2}/Mtok"),
    }
}

fn lowest_cost(c: &[CandidateStats], mut live: Vec<usize>) -> Vec<Choice> {
    let key = |i: usize| known(c[i].cost_per_mtok).unwrap_or(f64::INFINITY);
    live.sort_by(|&x, &y| key(x).total_cmp(&key(y)).then(x.cmp(&y)));
    live.into_iter()
        .enumerate()
        .map(|(rank, i)| {
            let reason = match (known(c[i].cost_per_mtok), rank) {
                (None, _) => "cost unknown".to_string(),
                (Some(v), 0) => format!("cheapest ({})", fmt_usd(v)),
                (Some(v), _) => format!("next cheapest ({})", fmt_usd(v)),
            };
            pick(i, reason)
        })
        .collect()
}

#[cfg(test)]
#[path = "strategy_tests.rs"]
mod tests;
