//! The health monitor end to end: real probes of a mock provider that goes down and comes back,
//! state and alerts with notifications (recorded), and exact uptime and percentiles for a
//! scripted history written to the SQLite file.

use super::*;
use switchyard_app::{HealthRange, NotifyChannel};
use switchyard_mock::MockServer;
use switchyard_notify::RecordingNotifier;
use switchyard_store::{SampleRow, Store};

pub(super) async fn start_monitored(dir: &Path) -> (Switchyard, Arc<RecordingNotifier>) {
    let keychain = Arc::new(MemoryStore::new());
    let recorder = Arc::new(RecordingNotifier::new());
    let mut opts = Options::new(AppPaths::under(dir), keychain);
    opts.demo = MockConfig::instant();
    opts.gateway = Some(switchyard_app::GatewayConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        ..Default::default()
    });
    opts.probe_timeout = Duration::from_millis(400);
    opts.environment = Environment::Fixed(Default::default());
    opts.notify = NotifyChannel::Recording(recorder.clone());
    opts.monitor = true;
    opts.monitor_interval = Some(Duration::from_millis(100));
    opts.mounted = Some(switchyard_interfaces::mount());
    // The tools' records of a HOME of its own (empty unless a test writes some), never the
    // developer's.
    opts.tools_home = Some(switchyard_app::Home {
        home: dir.join("home"),
        vars: Default::default(),
        env_store: None,
    });
    (Switchyard::start(opts).await.unwrap(), recorder)
}

/// Alerts notify at once: no cool-down between two of the same.
pub(super) async fn no_cooldown(app: &Switchyard) {
    let mut config = app.health().alert_config().await.unwrap();
    config.cooldown_secs = 0;
    app.health().set_alert_config(config).await.unwrap();
}

/// As [`start_monitored`], with [`no_cooldown`].
pub(super) async fn start_alerting(dir: &Path) -> (Switchyard, Arc<RecordingNotifier>) {
    let (app, recorder) = start_monitored(dir).await;
    no_cooldown(&app).await;
    (app, recorder)
}

pub(super) async fn wait_until<F: Fn() -> bool>(what: &str, f: F) {
    for _ in 0..100 {
        if f() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

/// Waits for a notification whose summary contains `part`.
pub(super) async fn wait_for_notification(what: &str, recorder: &RecordingNotifier, part: &str) {
    wait_until(what, || {
        recorder.sent().iter().any(|n| n.summary.contains(part))
    })
    .await;
}

pub(super) async fn status_of(app: &Switchyard, name: &str) -> String {
    let all = app.health().overview().await.unwrap();
    all.into_iter()
        .find(|b| b.name == name)
        .map(|b| b.status.as_str().to_string())
        .unwrap_or_default()
}

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
async fn a_readiness_run_announces_its_verdict_in_a_notification() {
    let dir = tempfile::tempdir().unwrap();
    let (app, recorder) = start_monitored(dir.path()).await;
    let run = switchyard_readiness::Readiness::new(&app)
        .run()
        .await
        .unwrap();
    let verdicts: Vec<_> = recorder
        .sent()
        .into_iter()
        .filter(|n| n.kind == switchyard_notify::Kind::Verdict)
        .collect();
    assert_eq!(verdicts.len(), 1);
    assert_eq!(
        verdicts[0].summary,
        format!(
            "Readiness: {} ({:.1}/10)",
            run.card.verdict.as_str().to_uppercase(),
            run.card.score
        )
    );
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
