//! The composite strategy: each metric is min–max normalised across the available candidates
//! into a "higher is better" mark, then combined as
//! `score = (w_cost·cost_mark + w_latency·latency_mark + w_avail·availability) / Σw`.
//!
//! Invariants: marks and scores lie in `[0, 1]`; when every candidate shares a value the
//! metric gives everyone full marks (it cannot discriminate); unknown cost marks 0 (worst),
//! unknown latency marks 1 (optimistic); equal scores keep list order.

use super::{known, pick, CandidateStats, Choice, CompositeWeights};

/// `(min, max)` of the known values.
fn span(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// `v` scaled to `[0, 1]` across the span; 0 when every value is equal.
fn normalise(v: f64, span: Option<(f64, f64)>) -> f64 {
    match span {
        Some((lo, hi)) if hi > lo => (v - lo) / (hi - lo),
        _ => 0.0,
    }
}

pub(super) fn composite(c: &[CandidateStats], live: &[usize], w: &CompositeWeights) -> Vec<Choice> {
    let clean = |x: f64| if x.is_finite() && x > 0.0 { x } else { 0.0 };
    let (wc, wl, wa) = (clean(w.cost), clean(w.latency), clean(w.availability));
    let sum = wc + wl + wa;
    let cost_span = span(live.iter().filter_map(|&i| known(c[i].cost_per_mtok)));
    let lat_span = span(live.iter().filter_map(|&i| known(c[i].latency_ewma_ms)));
    let mut scored: Vec<(usize, f64, [f64; 3])> = live
        .iter()
        .map(|&i| {
            // Marks are "higher is better": unknown cost scores worst, unknown latency best.
            let cost = known(c[i].cost_per_mtok).map_or(0.0, |v| 1.0 - normalise(v, cost_span));
            let lat = known(c[i].latency_ewma_ms).map_or(1.0, |v| 1.0 - normalise(v, lat_span));
            let avail = if c[i].availability > 0.0 {
                c[i].availability.min(1.0)
            } else {
                0.0
            };
            let score = if sum > 0.0 {
                (wc * cost + wl * lat + wa * avail) / sum
            } else {
                0.0
            };
            (i, score, [cost, lat, avail])
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    scored
        .into_iter()
        .enumerate()
        .map(|(rank, (i, score, [cost, lat, avail]))| {
            let label = if rank == 0 { "best score" } else { "score" };
            let parts = format!("cost {cost:.1}, latency {lat:.1}, availability {avail:.1}");
            pick(i, format!("{label} {score:.2} ({parts})"))
        })
        .collect()
}

#[cfg(test)]
#[path = "composite_tests.rs"]
mod tests;
