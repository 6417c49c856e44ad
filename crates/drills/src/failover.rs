//! The failover drill: for every route, under load, its first candidate dies — refusing
//! connections, answering 5xx, then hanging before its first byte (with the first-byte timeout
//! cut to [`HANG_TIMEOUT_SECS`] for the drill, the user's own stated) — and the drill measures the success rate (target 100 % when a
//! second candidate exists), the time from the failure to the first answer served by another
//! candidate, and the latency while it happens.

use super::criteria::{case, measurement as m, Findings};
use super::load::{percentile, Sample};
use super::shadow::Shadow;
use super::DrillOptions;
use super::Plan;
use std::time::Duration;
use switchyard_app::AppError;
use switchyard_app::RouteView;
use switchyard_mock::{Fault, MockConfig};

/// The first-byte timeout the hang phase runs with (the user's, when shorter), so the drill
/// takes seconds whatever the user's timeout is.
const HANG_TIMEOUT_SECS: u32 = 1;

/// How the first candidate fails in one phase.
#[derive(Clone, Copy)]
enum Death {
    Refused,
    ServerError,
    Hang,
}

impl Death {
    fn label(self) -> &'static str {
        match self {
            Death::Refused => "connection refused",
            Death::ServerError => "HTTP 500",
            Death::Hang => "a hang before the first byte",
        }
    }
}

/// What one phase measured.
struct Phase {
    total: usize,
    ok: usize,
    failover_ms: Option<f64>,
    after: Vec<f64>,
    /// The first candidate's name, the one that took over, when the failure hit and when the
    /// load ended (ms from the load's start).
    first: String,
    next: Option<String>,
    hit_ms: u64,
    end_ms: u64,
}

impl Phase {
    /// "Alpha serving" → "Alpha down" → "Beta serving", on the load's clock.
    fn timeline(&self, name: &str) -> switchyard_report::Timeline {
        let first = format!("{} serving", self.first);
        let down = format!("{} down", self.first);
        let mut events = vec![
            (0, first.as_str(), "ok"),
            (self.hit_ms, down.as_str(), "bad"),
        ];
        let next = self.next.as_ref().map(|n| format!("{n} serving"));
        if let (Some(ms), Some(next)) = (self.failover_ms, next.as_deref()) {
            events.push((self.hit_ms + ms.round() as u64, next, "ok"));
        }
        super::criteria::timeline(name, self.end_ms, &events)
    }
}

fn ms_of(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn measure(samples: &[Sample], hit: Duration, first: &str) -> Phase {
    let ok = samples.iter().filter(|s| s.ok()).count();
    let takeover = samples
        .iter()
        .filter(|s| s.ok() && s.ended >= hit && s.backend.as_deref() != Some(first))
        .min_by_key(|s| s.ended);
    let failover_ms = takeover.map(|s| (s.ended - hit).as_secs_f64() * 1000.0);
    let after = samples
        .iter()
        .filter(|s| s.ok() && s.started >= hit)
        .map(Sample::latency_ms)
        .collect();
    Phase {
        total: samples.len(),
        ok,
        failover_ms,
        after,
        first: first.to_string(),
        next: takeover.and_then(|s| s.backend.clone()),
        hit_ms: ms_of(hit),
        end_ms: samples
            .iter()
            .map(|s| ms_of(s.ended))
            .max()
            .unwrap_or(0)
            .max(ms_of(hit)),
    }
}

async fn phase(
    plan: &Plan,
    route: &RouteView,
    first_id: &str,
    death: Death,
    opts: &DrillOptions,
) -> Result<Phase, AppError> {
    let hang_plan;
    let plan = if matches!(death, Death::Hang) {
        let mut resilience = plan.resilience;
        resilience.first_byte_timeout_secs =
            resilience.first_byte_timeout_secs.min(HANG_TIMEOUT_SECS);
        hang_plan = Plan {
            resilience,
            ..plan.clone()
        };
        &hang_plan
    } else {
        plan
    };
    let shadow = Shadow::build(plan, MockConfig::instant(), None).await?;
    let first = shadow
        .backends
        .get(first_id)
        .map(|b| b.name.clone())
        .unwrap_or_default();
    let load = shadow.load(&route.name, opts.in_flight);
    let mock = shadow.backends.get(first_id).map(|b| &b.mock);
    let (samples, hit) = load
        .run(opts.phase, opts.phase / 3, || async {
            match (death, mock) {
                (Death::Refused, Some(m)) => m.stop(),
                (Death::ServerError, Some(m)) => m.set_steady_fault(Some(Fault::Status(500))),
                (Death::Hang, Some(m)) => {
                    m.set_steady_fault(Some(Fault::HangBeforeFirstByte(Duration::from_secs(60))))
                }
                _ => {}
            }
        })
        .await;
    shadow.stop().await;
    Ok(measure(&samples, hit, &first))
}

/// The drill's cases and measurements for every route.
pub(crate) async fn run(plan: &Plan, opts: &DrillOptions) -> Result<Findings, AppError> {
    let mut found = Findings::default();
    let (cases, measurements) = (&mut found.cases, &mut found.measurements);
    if plan.routes.is_empty() {
        cases.push(case(
            "routes",
            "Routes to drill",
            true,
            "info",
            "No routes: every request names one backend, so there is nothing to fail over to."
                .into(),
            None,
        ));
    }
    for route in &plan.routes {
        let members = super::route_backends(route, &plan.backends);
        let Some(first) = members.first().map(|b| b.row.id.as_str()) else {
            cases.push(case(
                &route.id,
                &format!("{}: a usable candidate", route.name),
                false,
                "critical",
                "Every candidate's backend is disabled or deleted.".into(),
                Some("Enable a backend of this route, or add a candidate in Routes.".into()),
            ));
            continue;
        };
        if members.len() < 2 {
            cases.push(case(
                &route.id,
                &format!("{}: fails over", route.name),
                false,
                "critical",
                "It has one backend: when that backend fails, its requests fail.".into(),
                Some("Add a candidate on another backend to this route in Routes.".into()),
            ));
            continue;
        }
        for death in [Death::Refused, Death::ServerError, Death::Hang] {
            let p = phase(plan, route, first, death, opts).await?;
            let rate = if p.total == 0 {
                0.0
            } else {
                100.0 * p.ok as f64 / p.total as f64
            };
            let passed = p.total > 0 && p.ok == p.total;
            let mut detail = format!(
                "{} of {} requests answered ({rate:.1} %) while the first candidate failed with {}; first answer from another candidate {} after the failure.",
                p.ok, p.total, death.label(),
                p.failover_ms.map_or("never".to_string(), |ms| format!("{ms:.0} ms")),
            );
            if matches!(death, Death::Hang) {
                let r = plan.resilience;
                detail.push_str(&format!(
                    " Drilled with a first-byte timeout of {} s; with yours ({} s, {} attempts per candidate) a hung provider holds a request up to {} s before the next candidate answers.",
                    r.first_byte_timeout_secs.min(HANG_TIMEOUT_SECS),
                    r.first_byte_timeout_secs,
                    1 + r.retries_per_candidate,
                    r.first_byte_timeout_secs * (1 + r.retries_per_candidate),
                ));
            }
            let fix = (!passed).then(|| {
                "Check the route's other candidates in Readiness; a candidate whose key or model is wrong cannot take over.".to_string()
            });
            cases.push(case(
                &format!("{}:{}", route.id, death.label()),
                &format!("{}: survives {}", route.name, death.label()),
                passed,
                "critical",
                detail,
                fix,
            ));
            let tag = format!("{} ({})", route.name, death.label());
            found.timelines.push(p.timeline(&tag));
            measurements.push(m(&format!("{tag} success"), rate, "%", Some("100 %")));
            if let Some(ms) = p.failover_ms {
                measurements.push(m(
                    &format!("{tag} time to failover"),
                    ms.round(),
                    "ms",
                    None,
                ));
            }
            for (q, name) in [(50.0, "p50"), (95.0, "p95"), (99.0, "p99")] {
                measurements.push(m(
                    &format!("{tag} latency {name}"),
                    percentile(&p.after, q).round(),
                    "ms",
                    None,
                ));
            }
        }
    }
    Ok(found)
}
