//! Health history, alerts and readiness runs against a real SQLite database.

use super::*;

fn s(backend: &str, key: Option<&str>, at_ms: i64, outcome: &str) -> SampleRow {
    SampleRow {
        backend_id: backend.into(),
        key_id: key.map(str::to_string),
        at_ms,
        outcome: outcome.into(),
        latency_ms: Some(100),
        http_status: Some(200),
    }
}

#[test]
fn samples_and_hourly_rollups_round_trip_by_window_and_prune() {
    let store = Store::open_in_memory().unwrap();
    store
        .health()
        .insert_samples(&[
            s("a", None, 1_000, "ok"),
            s("a", Some("k1"), 2_000, "timeout"),
            s("b", None, 2_500, "ok"),
            s("a", None, 3_000, "ok"),
        ])
        .unwrap();
    let a = store.health().samples("a", 1_500, 3_001).unwrap();
    assert_eq!(a.len(), 2);
    assert_eq!(a[0].key_id.as_deref(), Some("k1"));
    assert_eq!(a[1].key_id, None);
    let h = HourRow {
        backend_id: "a".into(),
        hour_ms: 3_600_000,
        probes: 120,
        failures: 2,
        latency_hist: vec![1, 2, 3],
    };
    store.health().upsert_hour(&h).unwrap();
    store
        .health()
        .upsert_hour(&HourRow {
            probes: 121,
            ..h.clone()
        })
        .unwrap();
    let hours = store.health().hours("a", 0, 7_200_000).unwrap();
    assert_eq!(hours.len(), 1, "one row per backend-hour");
    assert_eq!(hours[0].probes, 121);
    assert_eq!(
        store.health().prune_health(2_600, 3_600_001).unwrap(),
        (3, 1)
    );
    assert_eq!(store.health().samples("a", 0, i64::MAX).unwrap().len(), 1);
}

#[test]
fn alerts_list_open_first_and_update_on_resolve() {
    let store = Store::open_in_memory().unwrap();
    let open = |id: &str, at: &str| AlertRow {
        id: id.into(),
        rule: "backendDown".into(),
        backend_id: Some("a".into()),
        key_id: None,
        opened_at: at.into(),
        resolved_at: None,
        summary: "Demo is down".into(),
        detail: "3 probes in a row failed".into(),
        notified: false,
    };
    store
        .alerts()
        .save_alert(&open("1", "2026-01-01T00:00:00Z"))
        .unwrap();
    store
        .alerts()
        .save_alert(&open("2", "2026-01-02T00:00:00Z"))
        .unwrap();
    let mut resolved = open("2", "2026-01-02T00:00:00Z");
    resolved.resolved_at = Some("2026-01-02T00:05:00Z".into());
    resolved.notified = true;
    store.alerts().save_alert(&resolved).unwrap();
    let list = store.alerts().list_alerts(10).unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].id, "1", "open alerts come first");
    assert_eq!(list[1].resolved_at.as_deref(), Some("2026-01-02T00:05:00Z"));
    assert!(list[1].notified);
    // A later update without a notification (quiet hours) keeps the fact that one went out.
    let mut quiet = resolved.clone();
    quiet.notified = false;
    store.alerts().save_alert(&quiet).unwrap();
    assert!(store.alerts().list_alerts(10).unwrap()[1].notified);
}

#[test]
fn readiness_runs_are_kept_newest_first() {
    let store = Store::open_in_memory().unwrap();
    for (id, at, verdict) in [
        ("r1", "2026-01-01T00:00:00Z", "blocked"),
        ("r2", "2026-01-02T00:00:00Z", "ready"),
    ] {
        store
            .readiness()
            .insert(&ReadinessRow {
                id: id.into(),
                started_at: at.into(),
                verdict: verdict.into(),
                score: 7.5,
                report: "{}".into(),
            })
            .unwrap();
    }
    let runs = store.readiness().newest(5).unwrap();
    assert_eq!(runs[0].id, "r2");
    assert_eq!(
        store.readiness().get("r1").unwrap().unwrap().verdict,
        "blocked"
    );
    assert!(store.readiness().get("nope").unwrap().is_none());
}

#[test]
fn monitor_settings_default_and_round_trip() {
    let store = Store::open_in_memory().unwrap();
    let draft = switchyard_domain::BackendDraft {
        name: "M".into(),
        kind: switchyard_domain::BackendKind::Demo,
        base_url: String::new(),
        default_model: "demo-chat".into(),
    };
    let row = store.backends().insert_backend("b", &draft, true).unwrap();
    assert_eq!(row.monitor, MonitorSettings::default());
    let m = MonitorSettings {
        probe_interval_s: 60,
        sla_target_bp: 9950,
        required: true,
        deep_probe: true,
    };
    assert!(store.backends().set_backend_monitor("b", m).unwrap());
    assert_eq!(
        store.backends().get_backend("b").unwrap().unwrap().monitor,
        m
    );
}
