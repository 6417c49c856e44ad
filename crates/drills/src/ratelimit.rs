//! The rate-limit drill: a 429 storm on one key — the first key of each route's first backend
//! answers every request 429 with `retry-after: 7` — must not stop the route: requests move to
//! the backend's other keys or, failing those, to the next backend, and the throttled key is not
//! tried again before its `retry-after` (at most once per client already in flight).

use super::criteria::{case, measurement as m};
use super::load::{percentile, Sample};
use super::shadow::{fake_key, shadow_kind, Shadow, StandIn};
use super::DrillOptions;
use super::Plan;
use std::time::Duration;
use switchyard_app::BackendView;
use switchyard_mock::MockConfig;

/// What the mock advertises in `retry-after` for a rate-limited key.
const RETRY_AFTER_S: u64 = 7;

pub(crate) async fn run(plan: &Plan, opts: &DrillOptions) -> super::Measured {
    let mut cases = Vec::new();
    let mut measurements = Vec::new();
    for route in &plan.routes {
        let members = super::route_backends(route, &plan.backends);
        let Some(first) = members.first().copied() else {
            continue;
        };
        let kind = shadow_kind(first.row.kind);
        let keys = first.keys.len();
        if keys == 0 {
            cases.push(case(
                &route.id,
                &format!("{}: survives a 429 storm", route.name),
                true,
                "info",
                format!(
                    "Not drilled: {} uses no key, so no key can be throttled.",
                    first.row.name
                ),
                None,
            ));
            continue;
        }
        let label = first.keys[0].row.label.clone();
        let throttled = fake_key(kind, 0).expose().to_string();
        let first_id = first.row.id.clone();
        let mock_for = move |b: &BackendView| {
            let mut config = MockConfig::instant();
            if b.row.id == first_id {
                config.rate_limited_keys = vec![throttled.clone()];
            }
            StandIn::Mock(Box::new(config))
        };
        let shadow = Shadow::build_with(plan, &mock_for, Default::default()).await?;
        let load = shadow.load(&route.name, opts.in_flight);
        let (samples, _) = load.run(opts.phase, Duration::ZERO, || async {}).await;
        let hits = shadow
            .backends
            .get(&first.row.id)
            .map_or(0, |b| b.mock.rate_limited());
        shadow.stop().await;
        let ok = samples.iter().filter(|s| s.ok()).count();
        let total = samples.len();
        let rate = if total == 0 {
            0.0
        } else {
            100.0 * ok as f64 / total as f64
        };
        let others = if keys > 1 {
            format!("{}'s other keys", first.row.name)
        } else {
            "the next backend".to_string()
        };
        let answered = total > 0 && ok == total;
        let fix = (!answered).then(|| {
            format!("Add a second key to {} (Backends) or a candidate on another backend to this route (Routes).", first.row.name)
        });
        cases.push(case(
            &format!("{}:storm", route.id),
            &format!(
                "{}: keeps answering while key “{label}” of {} is rate-limited",
                route.name, first.row.name
            ),
            answered,
            "critical",
            format!("{ok} of {total} requests answered ({rate:.1} %), by {others}."),
            fix,
        ));
        let patient = hits >= 1 && hits <= opts.in_flight as u64;
        cases.push(case(&format!("{}:patience", route.id),
            &format!("{}: waits out retry-after", route.name), patient, "critical",
            format!("The throttled key was tried {hits} times in {:.1} s (retry-after {RETRY_AFTER_S} s; at most once per client in flight, {}).", opts.phase.as_secs_f64(), opts.in_flight),
            (!patient).then(|| "Report it: a key was retried before its retry-after (the report has the numbers).".to_string())));
        let latencies: Vec<f64> = samples
            .iter()
            .filter(|s| s.ok())
            .map(Sample::latency_ms)
            .collect();
        measurements.push(m(
            &format!("{} success during the storm", route.name),
            rate,
            "%",
            Some("100 %"),
        ));
        measurements.push(m(
            &format!("{} 429s from the throttled key", route.name),
            hits as f64,
            "answers",
            Some(&format!("≤ {}", opts.in_flight)),
        ));
        measurements.push(m(
            &format!("{} latency p95", route.name),
            percentile(&latencies, 95.0).round(),
            "ms",
            None,
        ));
    }
    if cases.is_empty() {
        cases.push(case(
            "routes",
            "Routes to drill",
            true,
            "info",
            "No routes: every request names one backend.".into(),
            None,
        ));
    }
    Ok((cases, measurements))
}
