//! Drills on a shadow of a fixture configuration: a route with two backends survives its first
//! candidate refusing connections and answering 500 (100 % answered, the time to fail over
//! measured), a route with one backend is reported failing with the reason and the fix, and the
//! user's providers, ledger and keys are never touched.

use super::*;
use switchyard_app::{RouteCandidate, Strategy};
use switchyard_drills::{DrillName, DrillOptions};
use switchyard_mock::MockServer;

/// Runs one drill with the default options.
pub(super) async fn drill(h: &Harness, name: DrillName) -> switchyard_report::Report {
    h.drills()
        .run(&[name], &DrillOptions::default())
        .await
        .unwrap()
}

/// Keyless OpenAI-compatible backends at a dead address (the shadow replaces it); their ids.
pub(super) async fn keyless(h: &Harness, names: &[&str]) -> Vec<String> {
    let mut ids = Vec::new();
    for name in names {
        let draft = draft(BackendKind::OpenAiCompatible, name, "http://127.0.0.1:9/v1");
        ids.push(h.add(draft, None).await.row.id);
    }
    ids
}

/// Milliseconds from the breaker's opening to its half-opening on a breaker drill's timeline
/// named `name`. When it opens depends on the retries' jittered backoff before it (the shadow's
/// clock moves by each wait), so tests check the time between the two, not when one began.
pub(super) fn open_for_ms(suite: &switchyard_report::Suite, name: &str) -> u64 {
    let line = suite.timelines.iter().find(|t| t.name == name).unwrap();
    let at = |state: &str| {
        line.events
            .iter()
            .find(|e| e.state == state)
            .unwrap_or_else(|| panic!("no {state} on {line:?}"))
            .at_ms
    };
    at("half-open") - at("open")
}

#[tokio::test]
async fn failover_passes_with_two_backends_and_fails_with_one_with_the_reason() {
    let h = start().await;
    // The user's "providers": the drill must never call them.
    let real_a = MockServer::start(MockConfig::instant()).await.unwrap();
    let real_b = MockServer::start(MockConfig::instant()).await.unwrap();
    let mut ids = Vec::new();
    for (name, mock) in [("Alpha", &real_a), ("Beta", &real_b)] {
        let base = format!("{}/v1", mock.base_url());
        let b = h
            .add(
                draft(BackendKind::OpenAiCompatible, name, &base),
                Some(key("main", "sk-the-users-real-key-000000001")),
            )
            .await;
        ids.push(b.row.id);
    }
    for (name, candidates) in [
        ("ha", vec![cand(&ids[0], "m-a"), cand(&ids[1], "m-b")]),
        ("solo", vec![cand(&ids[0], "m-a")]),
    ] {
        save_route(&h, name, Strategy::Priority, candidates).await;
    }
    let opts = DrillOptions {
        in_flight: 3,
        phase: Duration::from_millis(900),
    };
    let report = h
        .drills()
        .run(&[DrillName::Failover, DrillName::Configuration], &opts)
        .await
        .unwrap();

    assert_eq!(report.verdict, "failed", "the one-backend route fails");
    assert_eq!(report.exit_code, 2);
    let failover = &report.suites[0];
    assert_eq!(failover.status, "failed");
    let case = |name: &str| {
        failover
            .cases
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no case {name}: {:#?}", failover.cases))
    };
    for death in [
        "connection refused",
        "HTTP 500",
        "a hang before the first byte",
    ] {
        let c = case(&format!("ha: survives {death}"));
        assert!(c.passed, "{c:?}");
        assert!(c.detail.contains("(100.0 %)"), "{}", c.detail);
        let success = failover
            .measurements
            .iter()
            .find(|m| m.name == format!("ha ({death}) success"))
            .unwrap();
        assert_eq!(success.value, 100.0);
        let took = failover
            .measurements
            .iter()
            .find(|m| m.name == format!("ha ({death}) time to failover"))
            .unwrap_or_else(|| panic!("no failover time: {:#?}", failover.measurements));
        if death.starts_with("a hang") {
            // Given up on after the drill's 1 s first-byte timeout (twice: one retry).
            assert!((1000.0..4000.0).contains(&took.value), "{took:?}");
            assert!(
                c.detail
                    .contains("with yours (60 s, 2 attempts per candidate)"),
                "{}",
                c.detail
            );
        } else {
            assert!(took.value < 900.0, "{took:?}");
        }
        let line = failover
            .timelines
            .iter()
            .find(|t| t.name == format!("ha ({death})"))
            .unwrap_or_else(|| panic!("no timeline: {:#?}", failover.timelines));
        let states: Vec<&str> = line.events.iter().map(|e| e.state.as_str()).collect();
        assert_eq!(states, ["Alpha serving", "Alpha down", "Beta serving"]);
        assert!(line.events[1].at_ms > 0 && line.events[2].at_ms >= line.events[1].at_ms);
        assert!(line.end_ms >= line.events[2].at_ms);
    }
    let solo = case("solo: fails over");
    assert!(!solo.passed);
    assert!(solo.detail.contains("one backend"), "{}", solo.detail);
    assert!(solo.fix.as_deref().unwrap().contains("Add a candidate"));
    assert_eq!(report.suites[1].name, "Configuration");

    assert_eq!(
        real_a.total_calls() + real_b.total_calls(),
        0,
        "the user's providers were never called"
    );
    assert!(
        h.app
            .gateway_control()
            .recent_requests(Default::default())
            .await
            .unwrap()
            .is_empty(),
        "the user's ledger is untouched"
    );
    let junit = switchyard_report::junit(&report);
    assert!(junit.contains("<testsuite name=\"Failover\""));
}

#[tokio::test]
async fn the_demo_configuration_passes() {
    let h = start().await;
    let report = h.drills().run(&[], &DrillOptions::default()).await.unwrap();
    assert_eq!(report.verdict, "passed", "{report:#?}");
    assert_eq!(report.suites.len(), DrillName::ALL.len());
}

#[tokio::test]
async fn the_breaker_drill_sees_open_skip_half_open_and_close_as_configured() {
    let h = start().await;
    let real = MockServer::start(MockConfig::instant()).await.unwrap();
    let base = format!("{}/v1", real.base_url());
    h.add(
        draft(BackendKind::OpenAiCompatible, "Gamma", &base),
        Some(key("main", "sk-the-users-real-key-000000002")),
    )
    .await;
    let report = drill(&h, DrillName::Breaker).await;
    let suite = &report.suites[0];
    assert_eq!(suite.name, "Circuit breaker");
    let gamma: Vec<_> = suite
        .cases
        .iter()
        .filter(|c| c.name.starts_with("Gamma:"))
        .collect();
    assert_eq!(gamma.len(), 3, "{:#?}", suite.cases);
    for c in &gamma {
        assert!(c.passed, "{c:#?}");
    }
    let line = suite
        .timelines
        .iter()
        .find(|t| t.name == "Gamma: breaker")
        .unwrap();
    let states: Vec<(&str, &str)> = line
        .events
        .iter()
        .map(|e| (e.state.as_str(), e.tone.as_str()))
        .collect();
    assert_eq!(
        states,
        [
            ("closed", "ok"),
            ("open", "bad"),
            ("half-open", "warn"),
            ("closed", "ok")
        ]
    );
    assert!(line.events[2].at_ms >= 60_000, "{line:?}");
    let open_for = open_for_ms(suite, "Gamma: breaker");
    assert!(
        (59_850..=60_150).contains(&open_for),
        "{open_for} ms: {line:?}"
    );
    let html = switchyard_report::html(&report);
    assert!(
        html.contains("aria-label=\"Gamma: breaker\""),
        "the HTML draws it"
    );
    let timeline = &gamma[2].detail;
    assert!(
        timeline.contains("closed at 0.0 s, open at")
            && timeline.contains(", half-open at ")
            && timeline.ends_with("expected closed → open → half-open → closed."),
        "{timeline}"
    );
    let failures = suite
        .measurements
        .iter()
        .find(|m| m.name == "Gamma failures to open")
        .unwrap();
    assert_eq!(failures.value, 3.0);
    assert_eq!(
        real.total_calls(),
        0,
        "the user's provider was never called"
    );
    assert_eq!(report.verdict, "passed", "the Demo backend passes too");
}

#[tokio::test]
async fn the_distribution_drill_checks_weights_and_the_latency_and_cost_strategies() {
    let h = start().await;
    let ids = keyless(&h, &["West", "East"]).await;
    for (name, strategy, weights) in [
        ("split", Strategy::Weighted, [3, 1]),
        ("quick", Strategy::LowestLatency, [1, 1]),
    ] {
        let candidates = ids
            .iter()
            .zip(weights)
            .map(|(id, w)| RouteCandidate {
                weight: w,
                ..cand(id, "m")
            })
            .collect();
        save_route(&h, name, strategy, candidates).await;
    }
    // A lowest-cost route whose first candidate's model is made the priciest.
    let models = [cand(&ids[0], "big-model"), cand(&ids[1], "small-model")];
    save_route(&h, "thrifty", Strategy::LowestCost, models.to_vec()).await;
    let report = drill(&h, DrillName::Distribution).await;
    let suite = &report.suites[0];
    for c in &suite.cases {
        assert!(c.passed, "{c:#?}");
    }
    assert_eq!(suite.cases.len(), 3, "{:#?}", suite.cases);
    let cost = suite
        .cases
        .iter()
        .find(|c| c.name == "thrifty: avoids a pricier candidate")
        .unwrap();
    assert!(
        cost.detail.contains("West served 0 of")
            && cost.detail.contains("big-model priced at $100"),
        "{}",
        cost.detail
    );
    assert!(
        h.app.costs().prices().await.unwrap().overrides.is_empty(),
        "the user's prices are untouched"
    );
    let west = suite
        .measurements
        .iter()
        .find(|m| m.name == "split share on West")
        .unwrap();
    assert!((60.0..=90.0).contains(&west.value), "{west:?}");
    assert_eq!(west.target.as_deref(), Some("75.0 %"));
}

#[tokio::test]
async fn a_cache_stampede_makes_one_provider_call_and_a_cache_that_is_off_says_so() {
    let h = start().await;
    let report = drill(&h, DrillName::Stampede).await;
    let suite = &report.suites[0];
    assert_eq!(suite.cases.len(), 1);
    let c = &suite.cases[0];
    assert!(c.passed, "{c:#?}");
    assert_eq!(
        c.detail,
        "100 of 100 answered; the provider was called 1 time."
    );

    let mut off = h.app.cache().settings().await.unwrap();
    off.enabled = false;
    h.app.cache().set_settings(off).await.unwrap();
    let report = drill(&h, DrillName::Stampede).await;
    let c = &report.suites[0].cases[0];
    assert_eq!(c.importance, "info");
    assert!(c.detail.contains("cache is off"), "{}", c.detail);
}
