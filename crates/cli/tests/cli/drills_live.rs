//! The live drill: on a route whose "real providers" are HTTP servers on 127.0.0.1 that accept
//! only the user's keys, it shows the most it can spend before running, refuses a confirmation
//! below that, makes the first backend unreachable, sends its capped requests to the second
//! with the user's real key, and adds what it spent to the user's ledger as "live drill" — and
//! the CLI asks for the confirmation (`--yes`, `--max-usd`) before spending anything.

use super::cli::run;
use super::*;
use switchyard_app::{AppError, PriceOverride, RouteCandidate, Strategy};
use switchyard_app_testing::catalogue::save_route;
use switchyard_drills::{DrillError, LiveRefusal, LIVE_TOOL};
use switchyard_mock::MockServer;

const ALPHA_KEY: &str = "sk-live-alpha-0000000000000000000001";
const BETA_KEY: &str = "sk-live-beta-00000000000000000000002";

struct Providers {
    alpha: MockServer,
    beta: MockServer,
}

/// Alpha and Beta (OpenAI-compatible, one key each, accepted only with that key) and the
/// priority route "ha" over them; Beta's model is priced at $1/$2 per million tokens.
async fn setup(h: &Harness) -> Providers {
    let only = |k: &str| MockConfig {
        accepted_keys: Some(vec![k.to_string()]),
        ..MockConfig::instant()
    };
    let alpha = MockServer::start(only(ALPHA_KEY)).await.unwrap();
    let beta = MockServer::start(only(BETA_KEY)).await.unwrap();
    let mut ids = Vec::new();
    for (name, mock, k) in [("Alpha", &alpha, ALPHA_KEY), ("Beta", &beta, BETA_KEY)] {
        let base = format!("{}/v1", mock.base_url());
        let b = h
            .add(
                draft(BackendKind::OpenAiCompatible, name, &base),
                Some(key("main", k)),
            )
            .await;
        ids.push(b.row.id);
    }
    let cand = |id: &String, model: &str| RouteCandidate {
        backend_id: id.clone(),
        model: model.into(),
        weight: 1,
    };
    let candidates = vec![cand(&ids[0], "m-alpha"), cand(&ids[1], "m-beta")];
    save_route(h, "ha", Strategy::Priority, candidates).await;
    let price = PriceOverride {
        model: "m-beta".into(),
        input_per_mtok: 1.0,
        output_per_mtok: 2.0,
        cache_read_per_mtok: None,
        cache_write_per_mtok: None,
    };
    h.app.costs().set_price_override(price).await.unwrap();
    Providers { alpha, beta }
}

/// 3 requests × 2 attempts (1 + the default retry) × (64 input × $1 + 8 output × $2) / 1e6.
const MAX_USD: f64 = 6.0 * 80.0 / 1e6;

#[tokio::test]
async fn the_live_drill_fails_over_on_the_real_providers_within_the_confirmed_spend() {
    let h = start().await;
    let p = setup(&h).await;
    let drills = h.drills();
    let plan = drills.live_plan("ha".into(), 3).await.unwrap();
    assert_eq!(plan.dead, "Alpha");
    assert_eq!(plan.takers.len(), 1);
    assert_eq!(
        (
            plan.takers[0].backend.as_str(),
            plan.takers[0].model.as_str()
        ),
        ("Beta", "m-beta")
    );
    assert_eq!(plan.attempts_per_taker, 2);
    assert!((plan.max_usd.unwrap() - MAX_USD).abs() < 1e-12, "{plan:?}");

    // A confirmation below the maximum spends nothing.
    let low = drills.run_live("ha".into(), 3, Some(MAX_USD / 2.0)).await;
    match low {
        Err(DrillError::App(AppError::Conflict(m))) => assert!(m.contains("$0.000480"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(p.beta.total_calls(), 0);

    let report = drills.run_live("ha".into(), 3, plan.max_usd).await.unwrap();
    assert_eq!(report.verdict, "passed", "{report:#?}");
    let suite = &report.suites[0];
    assert_eq!(suite.name, "Live failover");
    assert!(
        suite.cases[0]
            .detail
            .contains("3 of 3 requests were answered (100 %) by Beta"),
        "{:?}",
        suite.cases[0]
    );
    assert_eq!(
        p.alpha.total_calls(),
        0,
        "the first backend was made unreachable"
    );
    assert_eq!(
        p.beta.calls("chat"),
        3,
        "the cap: three requests, with the user's key"
    );

    // The spend is in the user's ledger, priced with the user's prices.
    let ledger = h
        .app
        .gateway_control()
        .recent_requests(switchyard_store::RequestFilter {
            token_name: Some(LIVE_TOOL.into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(ledger.len(), 3);
    let cost: f64 = ledger.iter().map(|r| r.cost_usd.unwrap()).sum();
    assert!(cost > 0.0 && cost <= MAX_USD, "{cost}");
    assert!(ledger
        .iter()
        .all(|r| r.backend.as_deref() == Some("Beta") && r.status == 200));
    let stored = drills.history(1).await.unwrap();
    assert_eq!(stored[0].id, report.id, "kept with the other drill runs");
}

#[tokio::test]
async fn a_route_with_one_backend_or_too_many_requests_is_refused_with_the_reason() {
    let h = start().await;
    let _p = setup(&h).await;
    let demo = h.app.backends().list().await.unwrap()[0].row.id.clone();
    let solo = vec![RouteCandidate {
        backend_id: demo,
        model: "demo-chat".into(),
        weight: 1,
    }];
    save_route(&h, "solo", Strategy::Priority, solo).await;
    let drills = h.drills();
    let one = LiveRefusal::OneBackend {
        route: "solo".into(),
    };
    let count = |requests| LiveRefusal::Requests { requests, max: 10 };
    for (route, n, expect, words) in [
        ("solo", 3, one, "nothing to fail over to"),
        ("ha", 11, count(11), "1 to 10 requests"),
        ("ha", 0, count(0), "1 to 10 requests"),
    ] {
        let err = drills.live_plan(route.into(), n).await.unwrap_err();
        assert!(
            matches!(&err, DrillError::Refused(r) if *r == expect)
                && err.to_string().contains(words),
            "a refused plan is the drill's typed refusal, in words saying why: {err}"
        );
    }
    assert!(matches!(
        drills.live_plan("nope".into(), 3).await,
        Err(DrillError::App(AppError::NotFound(_)))
    ));
}

#[tokio::test]
async fn the_cli_shows_the_maximum_and_runs_only_when_confirmed() {
    let h = start().await;
    let p = setup(&h).await;
    let asked = run(&h.app, &["drill", "live", "ha"], "y\n").await;
    assert_eq!(asked.code, 3, "no terminal to ask in: {}", asked.err);
    assert!(
        asked.out.contains("The most it can spend: $0.000480"),
        "{}",
        asked.out
    );
    assert!(
        asked.err.contains("confirm with --yes or --max-usd"),
        "{}",
        asked.err
    );
    let low = run(&h.app, &["drill", "live", "ha", "--max-usd", "0.0001"], "").await;
    assert_eq!(low.code, 3);
    assert!(
        low.err.contains("more than --max-usd 0.0001"),
        "{}",
        low.err
    );
    assert_eq!(p.beta.total_calls(), 0, "nothing spent");

    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("live.xml");
    let junit_arg = junit.to_str().unwrap();
    let ran = run(
        &h.app,
        &[
            "drill",
            "live",
            "ha",
            "--requests",
            "2",
            "--yes",
            "--junit",
            junit_arg,
        ],
        "",
    )
    .await;
    assert_eq!(ran.code, 0, "{}\n{}", ran.out, ran.err);
    assert!(
        ran.out
            .contains("live: on the real providers, tokens spent"),
        "{}",
        ran.out
    );
    assert_eq!(p.beta.calls("chat"), 2);
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("<testsuite name=\"Live failover\""), "{xml}");
}
