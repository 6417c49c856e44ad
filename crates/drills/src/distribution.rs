//! The load-distribution drill: a weighted route under load must split its requests as its
//! weights say (a chi-square test at the 0.1 % level), and a lowest-latency route must send most
//! of its traffic away from a candidate made slower than the others, and a lowest-cost (or
//! cost-weighted composite) route away from a candidate whose model is made pricier.

use super::shadow::Shadow;
use super::DrillOptions;
use super::Plan;
use std::collections::HashMap;
use std::time::Duration;
use switchyard_app::AppError;
use switchyard_app::BackendView;
use switchyard_app::RouteView;
use switchyard_mock::{Fault, MockConfig};
use switchyard_policy::Strategy;
use switchyard_report::{Case, Measurement};

/// The chi-square value above which a split this uneven happens by chance less than once in a
/// thousand runs, for `df` degrees of freedom (Wilson–Hilferty; z = 3.09).
pub(crate) fn chi_square_critical(df: usize) -> f64 {
    let k = df.max(1) as f64;
    let a = 2.0 / (9.0 * k);
    k * (1.0 - a + 3.09 * a.sqrt()).powi(3)
}

/// Pearson's chi-square of `observed` counts against `expected` shares (summing to 1).
pub(crate) fn chi_square(observed: &[f64], expected: &[f64]) -> f64 {
    let n: f64 = observed.iter().sum();
    observed
        .iter()
        .zip(expected)
        .filter(|(_, e)| **e > 0.0)
        .map(|(o, e)| (o - n * e).powi(2) / (n * e))
        .sum::<f64>()
        + 0.0
}

/// A route's serving backends, in order, as (id, name, summed weight of its candidates).
fn backends_of(route: &RouteView, backends: &[BackendView]) -> Vec<(String, String, u32)> {
    super::route_backends(route, backends)
        .into_iter()
        .map(|b| {
            let weight = route
                .candidates
                .iter()
                .filter(|c| c.backend_id == b.row.id)
                .map(|c| c.weight)
                .sum();
            (b.row.id.clone(), b.row.name.clone(), weight)
        })
        .collect()
}

/// What the shadow changes before the load.
enum Tweak<'a> {
    None,
    /// This backend answers 60 ms later than the others.
    Slow(&'a str),
    /// This model costs $100 per million tokens, the others $0.10.
    Pricey {
        model: &'a str,
        others: Vec<String>,
    },
}

async fn split(
    plan: &Plan,
    route: &RouteView,
    tweak: Tweak<'_>,
    opts: &DrillOptions,
) -> Result<HashMap<String, usize>, AppError> {
    let shadow = Shadow::build(plan, MockConfig::instant(), None).await?;
    match tweak {
        Tweak::None => {}
        Tweak::Slow(id) => {
            if let Some(b) = shadow.backends.get(id) {
                b.mock
                    .set_steady_fault(Some(Fault::Latency(Duration::from_millis(60))));
            }
        }
        Tweak::Pricey { model, others } => {
            let price = |model: &str, usd: f64| switchyard_app::PriceOverride {
                model: model.to_string(),
                input_per_mtok: usd,
                output_per_mtok: usd,
                cache_read_per_mtok: None,
                cache_write_per_mtok: None,
            };
            let costs = shadow.app.costs();
            costs.set_price_override(price(model, 100.0)).await?;
            for other in others {
                costs.set_price_override(price(&other, 0.1)).await?;
            }
        }
    }
    let load = shadow.load(&route.name, opts.in_flight);
    let (samples, _) = load.run(opts.phase * 2, Duration::ZERO, || async {}).await;
    shadow.stop().await;
    let mut counts = HashMap::new();
    for s in samples.iter().filter(|s| s.ok()) {
        if let Some(b) = &s.backend {
            *counts.entry(b.clone()).or_insert(0) += 1;
        }
    }
    Ok(counts)
}

pub(crate) async fn run(plan: &Plan, opts: &DrillOptions) -> super::Measured {
    let mut cases = Vec::new();
    let mut measurements = Vec::new();
    for route in &plan.routes {
        let members = backends_of(route, &plan.backends);
        if members.len() < 2 {
            continue;
        }
        match route.strategy {
            Strategy::Weighted => {
                let total: u32 = members.iter().map(|m| m.2).sum();
                let counts = split(plan, route, Tweak::None, opts).await?;
                let observed: Vec<f64> = members
                    .iter()
                    .map(|m| *counts.get(&m.1).unwrap_or(&0) as f64)
                    .collect();
                let expected: Vec<f64> = members
                    .iter()
                    .map(|m| f64::from(m.2) / f64::from(total.max(1)))
                    .collect();
                let n: f64 = observed.iter().sum();
                let chi = chi_square(&observed, &expected);
                let critical = chi_square_critical(members.len() - 1);
                let shares: Vec<String> = members
                    .iter()
                    .zip(&observed)
                    .zip(&expected)
                    .map(|((m, o), e)| {
                        format!(
                            "{} {:.1} % (weight {:.1} %)",
                            m.1,
                            100.0 * o / n.max(1.0),
                            100.0 * e
                        )
                    })
                    .collect();
                let passed = n >= 20.0 && chi <= critical;
                cases.push(Case {
                    id: format!("{}:weights", route.id),
                    name: format!("{}: splits by its weights", route.name),
                    passed,
                    importance: "critical".into(),
                    detail: format!("{n} requests: {}; chi-square {chi:.2} (at most {critical:.2} at the 0.1 % level).", shares.join(", ")),
                    fix: (!passed).then(|| "Check the route's weights in Routes; a candidate that fails or is cooling down gets less than its share.".into()),
                    duration_ms: None,
                });
                for ((m, o), e) in members.iter().zip(&observed).zip(&expected) {
                    measurements.push(Measurement {
                        name: format!("{} share on {}", route.name, m.1),
                        value: (1000.0 * o / n.max(1.0)).round() / 10.0,
                        unit: "%".into(),
                        target: Some(format!("{:.1} %", 100.0 * e)),
                    });
                }
            }
            Strategy::LowestLatency => {
                let (slow_id, slow_name) = (members[0].0.clone(), members[0].1.clone());
                let counts = split(plan, route, Tweak::Slow(&slow_id), opts).await?;
                let (n, to_slow, share) = share_of(&counts, &slow_name);
                let passed = n >= 20 && share < 50.0;
                cases.push(Case {
                    id: format!("{}:latency", route.id),
                    name: format!("{}: avoids a slow candidate", route.name),
                    passed,
                    importance: "critical".into(),
                    detail: format!("With {slow_name} 60 ms slower than the others, it served {to_slow} of {n} requests ({share:.1} %)."),
                    fix: (!passed).then(|| "The lowest-latency strategy should prefer the faster candidates; report it with this report.".into()),
                    duration_ms: None,
                });
                measurements.push(Measurement {
                    name: format!("{} share on the slow {slow_name}", route.name),
                    value: (share * 10.0).round() / 10.0,
                    unit: "%".into(),
                    target: Some("< 50 %".into()),
                });
            }
            Strategy::LowestCost | Strategy::Composite(_) => {
                if let Some(case) = cost_case(plan, route, opts, &mut measurements).await? {
                    cases.push(case);
                }
            }
            Strategy::Priority | Strategy::Headroom => {}
        }
    }
    if cases.is_empty() {
        cases.push(super::criteria::info(
            "routes",
            "Routes to drill",
            "No weighted, lowest-latency or cost-aware route with two or more backends.",
        ));
    }
    Ok((cases, measurements))
}

/// A lowest-cost route must never pick its first candidate once that one's model is made the
/// priciest (while the others are healthy); a composite one that weighs cost must pick it for
/// less than half of the requests. `None` when the route's candidates share one model (their
/// prices cannot differ) or the composite gives cost no weight.
async fn cost_case(
    plan: &Plan,
    route: &RouteView,
    opts: &DrillOptions,
    measurements: &mut Vec<Measurement>,
) -> Result<Option<Case>, AppError> {
    let usable: Vec<_> = route
        .candidates
        .iter()
        .filter(|c| c.backend_enabled)
        .collect();
    let Some(first) = usable.first() else {
        return Ok(None);
    };
    let others: Vec<String> = usable
        .iter()
        .map(|c| c.model.clone())
        .filter(|m| *m != first.model)
        .collect();
    let limit = match route.strategy {
        Strategy::LowestCost => 0.0,
        Strategy::Composite(w) if w.cost > 0.0 => 50.0,
        _ => return Ok(None),
    };
    if others.is_empty() {
        return Ok(None);
    }
    let pricey = plan
        .backends
        .iter()
        .find(|b| b.row.id == first.backend_id)
        .map_or_else(|| first.backend_id.clone(), |b| b.row.name.clone());
    let tweak = Tweak::Pricey {
        model: &first.model,
        others,
    };
    let counts = split(plan, route, tweak, opts).await?;
    let (n, to_pricey, share) = share_of(&counts, &pricey);
    let passed = n >= 20 && (share <= limit && (limit > 0.0 || to_pricey == 0));
    let target = if limit == 0.0 {
        "0 %".to_string()
    } else {
        format!("< {limit:.0} %")
    };
    measurements.push(Measurement {
        name: format!("{} share on the pricey {pricey}", route.name),
        value: (share * 10.0).round() / 10.0,
        unit: "%".into(),
        target: Some(target.clone()),
    });
    Ok(Some(Case {
        id: format!("{}:cost", route.id),
        name: format!("{}: avoids a pricier candidate", route.name),
        passed,
        importance: "critical".into(),
        detail: format!(
            "With {} priced at $100 per million tokens and the other models at $0.10, {pricey} served {to_pricey} of {n} requests ({share:.1} %; target {target}).",
            first.model
        ),
        fix: (!passed).then(|| {
            "The cost-aware strategy should prefer the cheaper candidates; check Costs → Prices for these models, or report it with this report.".into()
        }),
        duration_ms: None,
    }))
}

/// Of the requests `counts` saw (by member name): how many, how many went to `name`, and that
/// share in percent (100 when none went anywhere, so a check on it fails).
fn share_of(counts: &HashMap<String, usize>, name: &str) -> (usize, usize, f64) {
    let n: usize = counts.values().sum();
    let to = counts.get(name).copied().unwrap_or(0);
    let share = if n == 0 {
        100.0
    } else {
        100.0 * to as f64 / n as f64
    };
    (n, to, share)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chi_square_matches_known_values() {
        // A fair split is far below the line; a 70/30 split of 200 against 50/50 is far above.
        assert!(chi_square(&[101.0, 99.0], &[0.5, 0.5]) < 0.1);
        assert!(chi_square(&[140.0, 60.0], &[0.5, 0.5]) > chi_square_critical(1));
        // Tabulated 99.9 % points: df 1 → 10.83, df 2 → 13.82, df 5 → 20.52.
        for (df, table) in [(1, 10.83), (2, 13.82), (5, 20.52)] {
            let got = chi_square_critical(df);
            assert!(
                (got - table).abs() / table < 0.06,
                "df {df}: {got} vs {table}"
            );
        }
    }
}
