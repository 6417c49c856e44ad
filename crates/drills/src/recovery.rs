//! The recovery drill: a route's first backend dies until its breaker opens and the monitor
//! marks it down, then comes back on the same address. The monitor must see it answering within
//! one probe interval, the breaker (stepped over its open period on a manual clock) must close
//! after its trials, traffic must return to it, and the monitor must call it healthy. The
//! shadow probes every `PROBE_EVERY`; times are also given in probe intervals, which scale to the
//! backend's own interval.

use super::criteria::measurement;
use super::shadow::{Setup, Shadow, StandIn};
use super::Plan;
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchyard_app::BackendView;
use switchyard_app::RouteView;
use switchyard_app::{AppError, HealthStatus};
use switchyard_domain::Circuit;
use switchyard_gateway::{Clock, ManualClock};
use switchyard_mock::{MockConfig, MockServer};
use switchyard_report::Case;

/// The shadow's probe interval.
const PROBE_EVERY: Duration = Duration::from_millis(400);
/// How long a step may take before the drill gives up on it.
const PATIENCE: Duration = Duration::from_secs(8);

/// Waits (polling) until `ready` or `PATIENCE` passes; answers how long it took.
async fn until<F, Fut>(mut ready: F) -> Option<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while start.elapsed() < PATIENCE {
        if ready().await {
            return Some(start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    None
}

struct Observed {
    down_seen: bool,
    answering_after: Option<Duration>,
    trials: Option<u32>,
    healthy_after: Option<Duration>,
}

async fn observe(
    plan: &Plan,
    route: &RouteView,
    first: &BackendView,
) -> Result<Observed, AppError> {
    let clock = Arc::new(ManualClock::default());
    let shared: Arc<dyn Clock> = clock.clone();
    let setup = Setup {
        clock: Some(shared),
        monitor_every: Some(PROBE_EVERY),
    };
    let shadow = Shadow::build_with(
        plan,
        &|_| StandIn::Mock(Box::new(MockConfig::instant())),
        setup,
    )
    .await?;
    let Some(target) = shadow.backends.get(&first.row.id) else {
        shadow.stop().await;
        return Err(AppError::Internal("the shadow lost a backend".into()));
    };
    let ask = || shadow.ask(&route.name);
    let breaker = || shadow.breaker(&target.id);
    let status = || async {
        shadow
            .app
            .health()
            .overview()
            .await
            .ok()
            .and_then(|all| all.into_iter().find(|b| b.backend_id == target.id))
            .map(|b| (b.status, b.reasons))
    };

    target.mock.stop();
    for _ in 0..20 {
        ask().await;
        if breaker() == Circuit::Open {
            break;
        }
    }
    // Down by its own probes, not only by the breaker the requests opened.
    let down_seen = until(|| async {
        status().await.is_some_and(|(s, reasons)| {
            s == HealthStatus::Down && reasons.iter().any(|r| r.contains("probe"))
        })
    })
    .await
    .is_some();
    let revived = MockServer::start_on(target.port, MockConfig::instant())
        .await
        .map_err(|e| AppError::Internal(format!("cannot bring the mock back: {e}")))?;
    let answering_after = until(|| async {
        status()
            .await
            .is_some_and(|(_, reasons)| !reasons.iter().any(|r| r.contains("probe")))
    })
    .await;
    clock.advance(
        switchyard_gateway::GatewayConfig::default()
            .breaker
            .open_for,
    );
    let mut trials = None;
    for n in 1..=20 {
        let by = ask().await;
        if by.as_deref() == Some(target.name.as_str()) && breaker() == Circuit::Closed {
            trials = Some(n);
            break;
        }
    }
    let healthy_after =
        until(|| async { matches!(status().await, Some((HealthStatus::Healthy, _))) }).await;
    shadow.stop().await;
    revived.shutdown().await;
    Ok(Observed {
        down_seen,
        answering_after,
        trials,
        healthy_after,
    })
}

pub(crate) async fn run(plan: &Plan) -> super::Measured {
    let mut cases = Vec::new();
    let mut measurements = Vec::new();
    let intervals = |d: Duration| d.as_secs_f64() / PROBE_EVERY.as_secs_f64();
    for route in &plan.routes {
        let members = super::route_backends(route, &plan.backends);
        if members.len() < 2 {
            continue;
        }
        let first = members[0];
        let seen = observe(plan, route, first).await?;
        let name = &first.row.name;
        let their = first.row.monitor.probe_interval_s;
        let answering = seen.answering_after.map(intervals);
        cases.push(case(&format!("{}:seen", route.id), &format!("{}: the monitor sees {name} answer again within one probe interval", route.name),
            seen.down_seen && answering.is_some_and(|n| n <= 1.5),
            match answering {
                Some(n) => format!("Marked down while it was dead; answering again after {n:.1} probe intervals (about {:.0} s at {name}'s interval of {their} s).", n * f64::from(their)),
                None if !seen.down_seen => "The monitor never marked it down while it was dead.".into(),
                None => "The monitor did not see it answer again.".into(),
            }));
        cases.push(case(&format!("{}:traffic", route.id), &format!("{}: traffic returns to {name}", route.name), seen.trials.is_some(),
            match seen.trials {
                Some(n) => format!("After the breaker's open period, request {n} was served by {name} again and its breaker closed."),
                None => format!("{name} served nothing after it came back and its breaker's open period ended."),
            }));
        cases.push(case(
            &format!("{}:healthy", route.id),
            &format!("{}: {name} healthy again", route.name),
            seen.healthy_after.is_some(),
            match seen.healthy_after {
                Some(d) => format!(
                    "Healthy {:.1} probe intervals after traffic returned.",
                    intervals(d)
                ),
                None => "Still not healthy after 8 s.".into(),
            },
        ));
        if let Some(n) = answering {
            measurements.push(measurement(
                &format!("{} time to seen answering", route.name),
                (n * 10.0).round() / 10.0,
                "probe intervals",
                Some("≤ 1"),
            ));
        }
        if let Some(n) = seen.trials {
            measurements.push(measurement(
                &format!("{} requests until traffic returned", route.name),
                f64::from(n),
                "requests",
                None,
            ));
        }
    }
    if cases.is_empty() {
        cases.push(super::criteria::info(
            "routes",
            "Routes to drill",
            "No route with two or more backends: nothing to recover to.",
        ));
    }
    Ok((cases, measurements))
}

const FIX: &str =
    "Report it with this report: recovery did not follow the monitor and breaker settings.";

fn case(id: &str, name: &str, passed: bool, detail: String) -> Case {
    super::criteria::critical(id, name, passed, detail, FIX)
}
