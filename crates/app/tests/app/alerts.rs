//! Alert rules and channels through the service: out-of-range settings refused with nothing
//! saved, per-rule webhooks kept in the keychain, and failing gateway requests opening an
//! error-rate alert.

use super::*;
use switchyard_app_testing::monitored::{
    start_alerting, start_monitored, wait_for_notification, wait_until,
};
use switchyard_mock::MockServer;

#[tokio::test]
async fn out_of_range_alert_settings_are_refused_and_nothing_is_saved() {
    use switchyard_app::AlertConfig;
    use switchyard_app::AppError;
    use switchyard_domain::Field;
    use switchyard_monitor::{QuietHours, RuleKind};
    let h = start().await;
    let saved = h.app.health().alert_config().await.unwrap();
    let with = |f: &dyn Fn(&mut AlertConfig)| {
        let mut c = saved.clone();
        f(&mut c);
        c
    };
    let cases: Vec<(AlertConfig, (Field, &str))> = vec![
        (
            with(&|c| c.rules[0].kind = RuleKind::BackendDown { failures: 0 }),
            (Field::Failures, "at least 1"),
        ),
        (
            with(&|c| c.rules[0].kind = RuleKind::BackendDown { failures: 1000 }),
            (Field::Failures, "at most 100"),
        ),
        (
            with(&|c| c.rules[0].kind = RuleKind::RateLimitedFor { minutes: 0 }),
            (Field::Minutes, "1 to 1440"),
        ),
        (
            with(&|c| c.cooldown_secs = 10_000_000),
            (Field::Cooldown, "at most a day"),
        ),
        (
            with(&|c| {
                c.quiet_hours = Some(QuietHours {
                    start: 2000,
                    end: 60,
                })
            }),
            (Field::QuietStart, "from 00:00 to 23:59"),
        ),
        (
            with(&|c| c.rules[1].id = c.rules[0].id.clone()),
            (Field::Rule, "Two alert rules"),
        ),
    ];
    for (config, (field, expected)) in cases {
        let err = h.app.health().set_alert_config(config).await.unwrap_err();
        let AppError::Validation(v) = &err else {
            panic!("not a field error: {err}")
        };
        let issue = v.first_error().expect("a blocking issue");
        assert_eq!(issue.field, field, "{err}");
        assert!(issue.message.contains(expected), "{err}");
    }
    assert_eq!(
        h.app.health().alert_config().await.unwrap(),
        saved,
        "nothing saved"
    );
    let mut ok = saved.clone();
    ok.quiet_hours = Some(QuietHours {
        start: 22 * 60,
        end: 7 * 60,
    });
    h.app.health().set_alert_config(ok.clone()).await.unwrap();
    assert_eq!(
        h.app.health().alert_config().await.unwrap(),
        ok,
        "a valid change persists"
    );
}

/// A Slack-style webhook receiver on 127.0.0.1 that keeps every body.
async fn webhook_sink() -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
    let got = Arc::new(std::sync::Mutex::new(Vec::new()));
    let g = got.clone();
    let app = axum::Router::new().route(
        "/services/T000/SECRET-PATH",
        axum::routing::post(move |body: String| {
            let g = g.clone();
            async move {
                g.lock().unwrap().push(body);
                "ok"
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/services/T000/SECRET-PATH",
        l.local_addr().unwrap()
    );
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    (url, got)
}

#[tokio::test]
async fn a_rules_webhook_is_kept_in_the_keychain_and_receives_its_alerts() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = start_alerting(dir.path()).await;
    let secret = |s: &str| switchyard_app::secrets::SecretString::new(s.to_string());

    let bad = app
        .health()
        .set_alert_webhook("backendDown".into(), Some(secret("ftp://hooks.example/x")))
        .await
        .unwrap_err();
    assert!(bad.to_string().contains("Invalid webhook URL"), "{bad}");
    assert!(
        app.health().alert_webhooks().await.unwrap().is_empty(),
        "nothing saved"
    );
    let unknown = app
        .health()
        .set_alert_webhook("noSuchRule".into(), Some(secret("https://hooks.example/x")))
        .await;
    assert!(unknown.is_err());

    // Unreachable: saved (the URL is valid) but the test post says why it failed.
    let closed = format!("http://127.0.0.1:{}/hook", {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    });
    app.health()
        .set_alert_webhook("keyInvalid".into(), Some(secret(&closed)))
        .await
        .unwrap();
    let err = app
        .health()
        .test_alert_webhook("keyInvalid".into())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("could not reach webhook"), "{err}");

    let (url, got) = webhook_sink().await;
    let listed = app
        .health()
        .set_alert_webhook("backendDown".into(), Some(secret(&url)))
        .await
        .unwrap();
    assert!(
        !listed["backendDown"].contains("SECRET-PATH"),
        "shown masked"
    );
    assert!(
        files_containing(dir.path(), "SECRET-PATH").is_empty(),
        "the webhook URL is in no file (keychain only)"
    );
    app.health()
        .test_alert_webhook("backendDown".into())
        .await
        .unwrap();
    assert!(got.lock().unwrap()[0].contains("Switchyard test notification"));

    let mock = MockServer::start(MockConfig::instant()).await.unwrap();
    app.backends()
        .create(draft(BackendKind::Ollama, "Hooked", &mock.base_url()), None)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    mock.shutdown().await;
    wait_until("the alert on the webhook", || {
        got.lock()
            .unwrap()
            .iter()
            .any(|b| b.contains("Hooked is down"))
    })
    .await;
}

#[tokio::test]
async fn failing_gateway_requests_open_an_error_rate_alert() {
    use switchyard_monitor::{RuleKind, Source};
    let dir = tempfile::tempdir().unwrap();
    let (app, recorder) = start_monitored(dir.path()).await;
    let mut config = app.health().alert_config().await.unwrap();
    for r in &mut config.rules {
        if r.id == "errorRate" {
            r.kind = RuleKind::ErrorRate {
                percent: 50.0,
                window_secs: 300,
                // The breaker opens after three failed attempts; later requests never reach it.
                min_samples: 2,
                source: Source::Requests,
            };
        }
    }
    app.health().set_alert_config(config).await.unwrap();
    // Probes (the model list) stay fine; every chat request fails with a 500.
    let faults = vec![switchyard_mock::Fault::Status(500); 40];
    let mock = MockServer::start(MockConfig::instant().with_faults(faults))
        .await
        .unwrap();
    let b = add_on_mock(
        &app,
        BackendKind::OpenAiCompatible,
        "Flaky",
        &mock,
        Some(key("main", "sk-flaky-000000000000000000000")),
    )
    .await;
    let token = app.tokens().create("t".into()).await.unwrap();
    let addr = app.gateway_addr().unwrap();
    for _ in 0..5 {
        let r = say_hi(addr, token.token.expose(), "Flaky/some-model").await;
        assert_eq!(r.status(), 503);
    }
    wait_for_notification(
        "the error-rate notification",
        &recorder,
        "Flaky: error rate",
    )
    .await;
    let alerts = app.health().alerts(10).await.unwrap();
    assert!(alerts.iter().any(
        |a| a.row.rule == "errorRate" && a.row.backend_id.as_deref() == Some(b.row.id.as_str())
    ));
}
