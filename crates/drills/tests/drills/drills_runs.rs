//! Drill runs (one at a time, cancel, storage, export) and the drills that make a provider fail
//! and come back: a 429 storm on one key, a dead backend that recovers, and the breaker drill on
//! the saved resilience settings (a threshold of 1000 fails with the reason).

use super::drills::{drill, keyless, open_for_ms};
use super::*;
use switchyard_app::{AppError, GatewaySettings, Resilience, Strategy};
use switchyard_drills::{DrillName, DrillOptions};

#[tokio::test]
async fn a_cancelled_run_stores_nothing_and_a_finished_one_is_kept_and_exported() {
    let h = start().await;
    let b = h
        .add(
            draft(
                BackendKind::OpenAiCompatible,
                "Delta",
                "http://127.0.0.1:9/v1",
            ),
            None,
        )
        .await;
    let demo = h.app.backends().list().await.unwrap()[0].row.id.clone();
    save_route(
        &h,
        "pair",
        Strategy::Priority,
        vec![cand(&b.row.id, "m"), cand(&demo, "demo-chat")],
    )
    .await;
    let drills = h.drills().clone();
    let running = tokio::spawn(async move {
        drills
            .run(
                &[DrillName::Failover, DrillName::Configuration],
                &DrillOptions::default(),
            )
            .await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let second = h.drills().run(&[], &DrillOptions::default()).await;
    assert!(
        matches!(
            second,
            Err(switchyard_drills::DrillError::App(AppError::Conflict(_)))
        ),
        "one run at a time"
    );
    h.drills().cancel();
    let cancelled = running.await.unwrap();
    assert!(
        matches!(cancelled, Err(switchyard_drills::DrillError::Cancelled)),
        "a cancelled run is the drills' own typed error: {cancelled:?}"
    );
    assert!(
        h.drills().history(10).await.unwrap().is_empty(),
        "nothing stored"
    );

    let done = drill(&h, DrillName::Configuration).await;
    let kept = h.drills().history(10).await.unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0], done, "stored as answered");
    assert!(
        done.previous.is_none(),
        "the first stored run has nothing before it"
    );
    let again = drill(&h, DrillName::Configuration).await;
    assert_eq!(
        again.previous.as_ref().map(|p| p.id.as_str()),
        Some(done.id.as_str())
    );
    let file = h.dir.path().join("drills.html");
    h.drills()
        .export_report(
            done.id.clone(),
            switchyard_report::Format::Html,
            file.clone(),
        )
        .await
        .unwrap();
    let html = std::fs::read_to_string(file).unwrap();
    assert!(
        html.contains("Switchyard drills") && html.contains("PASSED"),
        "{html}"
    );
}

#[tokio::test]
async fn a_429_storm_on_one_key_moves_to_the_other_keys_and_waits_out_retry_after() {
    let h = start().await;
    let mut ids = Vec::new();
    for name in ["Alpha", "Beta"] {
        let b = h
            .add(
                draft(BackendKind::OpenAi, name, "http://127.0.0.1:9/v1"),
                Some(key("main", "sk-the-users-real-key-000000003")),
            )
            .await;
        ids.push(b.row.id);
    }
    h.app
        .keys()
        .add(
            ids[0].clone(),
            key("spare", "sk-the-users-real-key-000000004"),
        )
        .await
        .unwrap();
    for (name, backend) in [("keys", &ids[0]), ("lonely", &ids[1])] {
        save_route(&h, name, Strategy::Priority, vec![cand(backend, "gpt-4.1")]).await;
    }
    let report = drill(&h, DrillName::RateLimit).await;
    let cases = &report.suites[0].cases;
    let find = |name: &str| {
        cases
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("{name}: {cases:#?}"))
    };
    let storm = find("keys: keeps answering while key “main” of Alpha is rate-limited");
    assert!(
        storm.passed && storm.detail.contains("by Alpha's other keys"),
        "{storm:#?}"
    );
    let patient = find("keys: waits out retry-after");
    assert!(patient.passed, "{patient:#?}");
    let lonely = find("lonely: keeps answering while key “main” of Beta is rate-limited");
    assert!(!lonely.passed, "one key, one backend: nothing to move to");
    assert!(lonely
        .fix
        .as_deref()
        .unwrap()
        .contains("Add a second key to Beta"));
    assert_eq!(report.verdict, "failed");
}

#[tokio::test]
async fn a_dead_backend_that_comes_back_is_seen_by_the_monitor_and_gets_traffic_again() {
    let h = start().await;
    let ids = keyless(&h, &["Phoenix", "Standby"]).await;
    save_route(
        &h,
        "rise",
        Strategy::Priority,
        vec![cand(&ids[0], "m"), cand(&ids[1], "m")],
    )
    .await;
    let report = drill(&h, DrillName::Recovery).await;
    let cases = &report.suites[0].cases;
    assert_eq!(cases.len(), 3, "{cases:#?}");
    for c in cases {
        assert!(c.passed, "{c:#?}");
    }
    assert!(cases[0].detail.contains("about"), "{}", cases[0].detail);
}

#[tokio::test]
async fn the_breaker_drill_follows_the_saved_resilience_and_flags_a_threshold_of_1000() {
    let h = start().await;
    keyless(&h, &["Eta"]).await;
    let with = |resilience: Resilience| GatewaySettings {
        resilience,
        ..GatewaySettings::default()
    };
    let tuned = Resilience {
        breaker_failures: 5,
        breaker_open_secs: 10,
        breaker_close_after: 2,
        ..Resilience::default()
    };
    h.app
        .gateway_control()
        .update_settings(with(tuned), &switchyard_app::changes::Approved::Nothing)
        .await
        .unwrap();
    let report = drill(&h, DrillName::Breaker).await;
    let suite = &report.suites[0];
    let eta: Vec<_> = suite
        .cases
        .iter()
        .filter(|c| c.name.starts_with("Eta:"))
        .collect();
    assert!(eta.iter().all(|c| c.passed), "{eta:#?}");
    assert_eq!(eta[0].name, "Eta: opens after 5 failures");
    // Half-open the saved 10 s after it opened.
    let open_for = open_for_ms(suite, "Eta: breaker");
    assert!(
        (9_850..=10_150).contains(&open_for),
        "{open_for} ms: {}",
        eta[2].detail
    );
    let value = |name: &str| {
        suite
            .measurements
            .iter()
            .find(|m| m.name == name)
            .unwrap()
            .value
    };
    assert_eq!(value("Eta failures to open"), 5.0);
    assert_eq!(value("Eta trials to close"), 2.0);

    // A threshold of 1000 is caught by the failure-rate rule (10 requests at 50 %)…
    let high = Resilience {
        breaker_failures: 1000,
        ..Resilience::default()
    };
    h.app
        .gateway_control()
        .update_settings(with(high), &switchyard_app::changes::Approved::Nothing)
        .await
        .unwrap();
    let report = drill(&h, DrillName::Breaker).await;
    assert!(
        report.suites[0]
            .cases
            .iter()
            .any(|c| c.name == "Eta: opens after 10 failures" && c.passed),
        "{:#?}",
        report.suites[0].cases
    );
    // …and with that rule off, a dead provider would get 1000 failed requests.
    let broken = Resilience {
        breaker_failures: 1000,
        breaker_failure_rate_pct: 0,
        ..Resilience::default()
    };
    h.app
        .gateway_control()
        .update_settings(with(broken), &switchyard_app::changes::Approved::Nothing)
        .await
        .unwrap();
    let report = drill(&h, DrillName::Breaker).await;
    assert_eq!(report.verdict, "failed");
    let open = report.suites[0]
        .cases
        .iter()
        .find(|c| c.name == "Eta: opens after 1000 failures")
        .unwrap();
    assert!(!open.passed);
    assert!(
        open.detail.contains("Never opened in 40 failing requests")
            && open.detail.contains("sent 1000 failed requests"),
        "{}",
        open.detail
    );
    assert!(
        open.fix
            .as_deref()
            .unwrap()
            .contains("Failures to open a breaker"),
        "{open:#?}"
    );
}
