//! The health monitor end to end: real probes of a mock provider that goes down and comes back,
//! state and alerts with notifications (recorded), and exact uptime and percentiles for a
//! scripted history written to the SQLite file.

use super::*;
use switchyard_app::HealthRange;
use switchyard_app_testing::monitored::{start_alerting, start_monitored, status_of, wait_until};
use switchyard_mock::MockServer;
use switchyard_store::{SampleRow, Store};

#[tokio::test]
async fn a_provider_that_goes_down_and_comes_back_opens_and_resolves_an_alert() {
    let dir = tempfile::tempdir().unwrap();
    let (app, recorder) = start_alerting(dir.path()).await;
    let mock = MockServer::start(MockConfig::instant()).await.unwrap();
    let port = mock.addr().port();
    app.backends()
        .create(draft(BackendKind::Ollama, "Local", &mock.base_url()), None)
        .await
        .unwrap();

    // Generous bounds (the probes run every 100 ms): the whole app suite shares two cores in CI,
    // and a 3 s wait for the first probe once came back "unknown".
    for _ in 0..300 {
        if status_of(&app, "Local").await == "healthy" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status_of(&app, "Local").await, "healthy");

    mock.shutdown().await;
    for _ in 0..300 {
        if status_of(&app, "Local").await == "down" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status_of(&app, "Local").await, "down");
    let local = app
        .health()
        .overview()
        .await
        .unwrap()
        .into_iter()
        .find(|b| b.name == "Local")
        .unwrap();
    assert!(
        local.reasons.iter().any(|r| r.contains("in a row")),
        "{:?}",
        local.reasons
    );
    wait_until("the down notification", || {
        recorder.sent().iter().any(|n| n.summary == "Local is down")
    })
    .await;
    let alerts = app.health().alerts(10).await.unwrap();
    let open = alerts.iter().find(|a| a.row.rule == "backendDown").unwrap();
    assert!(open.row.resolved_at.is_none());
    assert_eq!(open.backend_name.as_deref(), Some("Local"));

    let back = MockServer::start_on(port, MockConfig::instant())
        .await
        .unwrap();
    wait_until("the recovery notification", || {
        recorder
            .sent()
            .iter()
            .any(|n| n.summary == "Recovered: Local is down")
    })
    .await;
    let alerts = app.health().alerts(10).await.unwrap();
    let resolved = alerts.iter().find(|a| a.row.rule == "backendDown").unwrap();
    assert!(resolved.row.resolved_at.is_some(), "{resolved:?}");
    assert_eq!(status_of(&app, "Local").await, "healthy");
    drop(back);
}

#[tokio::test]
async fn uptime_and_percentiles_are_exact_for_a_scripted_history() {
    // No monitor here: only the scripted samples are in the history.
    let h = start().await;
    let (app, dir) = (&h.app, h.dir.path());
    let b = app
        .backends()
        .create(
            draft(BackendKind::Ollama, "Scripted", "http://127.0.0.1:9"),
            None,
        )
        .await
        .unwrap();
    // 1000 probes over the last 20 hours: 3 failures, latencies 1..=997 ms for the rest.
    let store = Store::open(&AppPaths::under(dir).db_file).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let mut rows = Vec::new();
    let mut latency = 0u32;
    for i in 0..1000i64 {
        let failed = i % 333 == 100;
        if !failed {
            latency += 1;
        }
        rows.push(SampleRow {
            backend_id: b.row.id.clone(),
            key_id: None,
            at_ms: now - 20 * 3_600_000 + i * 72_000,
            outcome: if failed { "unreachable" } else { "ok" }.into(),
            latency_ms: (!failed).then_some(latency),
            http_status: (!failed).then_some(200),
        });
    }
    store.health().insert_samples(&rows).unwrap();
    let view = app
        .health()
        .overview()
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.name == "Scripted")
        .unwrap();
    assert_eq!(
        view.status,
        switchyard_app::HealthStatus::Healthy,
        "the last stored probe, before any probe of this run"
    );
    assert!(
        view.reasons[0].starts_with("last known state"),
        "{:?}",
        view.reasons
    );
    let day = view.uptime_24h.unwrap();
    assert!((day - 99.7).abs() < 1e-9, "997 of 1000: {day}");
    assert_eq!(
        (view.p50_ms, view.p95_ms, view.p99_ms),
        (Some(499), Some(948), Some(988)),
        "nearest-rank of 1..=997 ms"
    );
    assert!(view.sla_breached, "99.7 % is below the 99.9 % target");
    let buckets = app
        .health()
        .history(b.row.id.clone(), HealthRange::Day)
        .await
        .unwrap();
    let probes: u32 = buckets.iter().map(|h| h.probes).sum();
    assert_eq!(probes, 1000, "every sample lands in one hourly bucket");
    assert_eq!(buckets.iter().map(|h| h.failures).sum::<u32>(), 3);
}

#[tokio::test]
async fn the_deep_probe_is_opt_in_and_asks_for_a_one_token_completion() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = start_monitored(dir.path()).await;
    let mock = MockServer::start(MockConfig::instant()).await.unwrap();
    let b = app
        .backends()
        .create(draft(BackendKind::Ollama, "Deep", &mock.base_url()), None)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(mock.calls("tags") > 0, "zero-cost probes by default");
    assert_eq!(mock.calls("chat"), 0, "no tokens spent by default");
    let deep = switchyard_app::MonitorSettings {
        deep_probe: true,
        ..switchyard_app::MonitorSettings::default()
    };
    app.backends()
        .set_monitor(b.row.id.clone(), deep)
        .await
        .unwrap();
    app.health().probe_all_now().await.unwrap();
    assert!(
        mock.calls("chat") > 0,
        "the deep probe asks for a completion"
    );
    assert_eq!(status_of(&app, "Deep").await, "healthy");
}
