//! The configuration a drill run was made on, for its report: backends (endpoint without user,
//! password or query; key counts, never keys), routes with their candidates, and the resilience
//! settings.

use super::Plan;
use switchyard_policy::Strategy;
use switchyard_report::{ConfigBackend, ConfigRoute, ConfigSetting, Configuration};

fn strategy(s: &Strategy) -> String {
    match s {
        Strategy::Priority => "priority".into(),
        Strategy::Weighted => "weighted".into(),
        Strategy::LowestLatency => "lowest latency".into(),
        Strategy::LowestCost => "lowest cost".into(),
        Strategy::Headroom => "headroom (drain each key before the next)".into(),
        Strategy::Composite(w) => format!(
            "composite (cost {}, latency {}, availability {})",
            w.cost, w.latency, w.availability
        ),
    }
}

pub(crate) fn configuration(plan: &Plan) -> Configuration {
    let backends = plan
        .backends
        .iter()
        .map(|b| ConfigBackend {
            name: b.row.name.clone(),
            kind: b.row.kind.spec().label.into(),
            endpoint: switchyard_domain::endpoint_shown(&b.effective_base_url),
            default_model: b.row.default_model.clone(),
            keys: u32::try_from(b.keys.len()).unwrap_or(u32::MAX),
            enabled: b.row.enabled,
        })
        .collect();
    let routes = plan
        .routes
        .iter()
        .map(|r| ConfigRoute {
            name: r.name.clone(),
            strategy: strategy(&r.strategy),
            candidates: r
                .candidates
                .iter()
                .map(|c| {
                    let name = plan
                        .backends
                        .iter()
                        .find(|b| b.row.id == c.backend_id)
                        .map_or("(deleted backend)", |b| b.row.name.as_str());
                    let off = if c.backend_enabled { "" } else { " (disabled)" };
                    match r.strategy {
                        Strategy::Weighted => format!("{name} / {} ×{}{off}", c.model, c.weight),
                        _ => format!("{name} / {}{off}", c.model),
                    }
                })
                .collect(),
        })
        .collect();
    let r = plan.resilience;
    let rate = match r.breaker_failure_rate_pct {
        0 => "off".to_string(),
        pct => format!("{pct} %"),
    };
    let settings = [
        ("Failures to open a breaker", r.breaker_failures.to_string()),
        ("Failure rate to open a breaker", rate),
        ("Open period", format!("{} s", r.breaker_open_secs)),
        ("Good trials to close", r.breaker_close_after.to_string()),
        ("Retries per candidate", r.retries_per_candidate.to_string()),
        (
            "First-byte timeout",
            format!("{} s", r.first_byte_timeout_secs),
        ),
    ]
    .into_iter()
    .map(|(name, value)| ConfigSetting {
        name: name.into(),
        value,
    })
    .collect();
    Configuration {
        backends,
        routes,
        settings,
    }
}
