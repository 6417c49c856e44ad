//! Readiness checks through the service and the `switchyard check` CLI: scorecards against real
//! mock providers, required vs optional backends, stored runs compared with the previous one.

use super::*;
use switchyard_app::MonitorSettings;
use switchyard_domain::readiness::{Component, ComponentStatus, Verdict};

/// The component of a run's card that `is` picks.
fn component(
    run: &switchyard_readiness::ReadinessRun,
    is: impl Fn(&Component) -> bool,
) -> &Component {
    run.card.components.iter().find(|c| is(c)).unwrap()
}

fn closed_port_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}", l.local_addr().unwrap().port());
    drop(l);
    url
}

#[tokio::test]
async fn a_fresh_install_is_ready_and_every_component_is_scored() {
    let h = start().await;
    let run = switchyard_readiness::Readiness::new(&h.app)
        .run()
        .await
        .unwrap();
    let names: Vec<&str> = run
        .card
        .components
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Keychain",
            "Database",
            "Gateway",
            "Configuration",
            "Notifications",
            "Demo"
        ]
    );
    assert_eq!(run.card.verdict, Verdict::Ready, "{:#?}", run.card);
    assert_eq!(run.card.score, 10.0);
    let gateway = &run.card.components[2];
    assert!(
        gateway
            .checks
            .iter()
            .any(|c| c.id == "gateway.host" && c.passed),
        "a foreign Host is refused for real: {gateway:?}"
    );
    assert!(run.previous.is_none());
    let again = switchyard_readiness::Readiness::new(&h.app)
        .run()
        .await
        .unwrap();
    assert_eq!(
        again.previous.as_ref().map(|p| p.id.as_str()),
        Some(run.id.as_str())
    );
    assert_eq!(
        switchyard_readiness::Readiness::new(&h.app)
            .history(10)
            .await
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn a_required_backend_that_is_down_blocks_and_an_optional_one_degrades() {
    let h = start().await;
    let down = h
        .add(
            draft(BackendKind::Ollama, "Local", &closed_port_url()),
            None,
        )
        .await;
    let run = switchyard_readiness::Readiness::new(&h.app)
        .run()
        .await
        .unwrap();
    let local = component(&run, |c| c.name == "Local");
    assert_eq!(local.status, ComponentStatus::Down);
    assert!(!local.required, "backends are optional by default");
    assert_eq!(run.card.verdict, Verdict::Degraded);
    assert!(run.card.blockers.is_empty());

    let required = MonitorSettings {
        required: true,
        ..MonitorSettings::default()
    };
    h.app
        .backends()
        .set_monitor(down.row.id.clone(), required)
        .await
        .unwrap();
    let run = switchyard_readiness::Readiness::new(&h.app)
        .run()
        .await
        .unwrap();
    assert_eq!(run.card.verdict, Verdict::Blocked);
    assert_eq!(run.card.blockers.len(), 1, "{:?}", run.card.blockers);
    assert_eq!(run.card.blockers[0].component, "Local");
    assert!(run.card.blockers[0]
        .fix
        .as_deref()
        .unwrap()
        .contains("ollama serve"));
    assert_eq!(run.previous.unwrap().verdict, Verdict::Degraded);

    let bad = MonitorSettings {
        probe_interval_s: 1,
        ..MonitorSettings::default()
    };
    assert!(h
        .app
        .backends()
        .set_monitor(down.row.id, bad)
        .await
        .is_err());
}

#[test]
fn the_check_command_prints_json_and_exits_with_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_switchyard-serve"))
        .args(["check", "--json"])
        .env("SWITCHYARD_DATA_DIR", dir.path())
        .env("SWITCHYARD_KEYRING_SERVICE", "switchyard-test-check")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let run: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(run["schema"], "switchyard-report/1");
    let verdict = run["verdict"].as_str().unwrap();
    let expected = match verdict {
        "ready" => 0,
        "degraded" => 1,
        "blocked" => 2,
        other => panic!("verdict {other}"),
    };
    assert_eq!(
        out.status.code(),
        Some(expected),
        "exit code follows the verdict"
    );
    assert_eq!(run["exitCode"], expected);
    let names: Vec<&str> = run["suites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Keychain") && names.contains(&"Demo"),
        "{names:?}"
    );

    let human = std::process::Command::new(env!("CARGO_BIN_EXE_switchyard-serve"))
        .arg("check")
        .env("SWITCHYARD_DATA_DIR", dir.path())
        .env("SWITCHYARD_KEYRING_SERVICE", "switchyard-test-check")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.starts_with("Switchyard readiness: "), "{text}");
    assert!(
        text.contains("Previous run"),
        "the second run compares: {text}"
    );
}

/// `switchyard-serve check --json` in a data folder, with the real keychain service `service`.
fn check_json(dir: &Path, service: &str) -> (Option<i32>, serde_json::Value) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_switchyard-serve"))
        .args(["check", "--json"])
        .env("SWITCHYARD_DATA_DIR", dir)
        .env("SWITCHYARD_KEYRING_SERVICE", service)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), json)
}

#[tokio::test]
#[ignore = "needs the real keychain and a notification service: runs in ./dev test's session"]
async fn check_is_ready_on_a_fresh_folder_and_blocked_by_a_required_backend_with_a_bad_key() {
    let dir = tempfile::tempdir().unwrap();
    let service = format!("switchyard-test-check-{}", std::process::id());
    let (code, json) = check_json(dir.path(), &service);
    assert_eq!(json["verdict"], "ready", "{json:#}");
    assert_eq!(code, Some(0));

    // A required backend whose key the provider refuses, stored in the same real keychain.
    let mut cfg = MockConfig::instant();
    cfg.accepted_keys = Some(vec!["sk-the-right-one-000000000000".into()]);
    let mock = switchyard_mock::MockServer::start(cfg).await.unwrap();
    let keychain = Arc::new(switchyard_app::secrets::KeychainStore::platform(
        service.as_str(),
    ));
    let mut opts = Options::new(AppPaths::under(dir.path()), keychain.clone());
    opts.gateway = None;
    opts.monitor = false;
    opts.notify = switchyard_app::NotifyChannel::Recording(Arc::new(
        switchyard_notify::RecordingNotifier::new(),
    ));
    let app = Switchyard::start(opts).await.unwrap();
    let b = add_on_mock(
        &app,
        BackendKind::OpenAiCompatible,
        "Strict",
        &mock,
        Some(key("main", "sk-the-wrong-one-00000000000000")),
    )
    .await;
    let required = MonitorSettings {
        required: true,
        ..MonitorSettings::default()
    };
    app.backends()
        .set_monitor(b.row.id.clone(), required)
        .await
        .unwrap();
    drop(app);
    let (code, json) = check_json(dir.path(), &service);
    assert_eq!(json["verdict"], "blocked", "{json:#}");
    assert_eq!(code, Some(2));
    let blockers = json["blockers"].as_array().unwrap();
    assert!(
        blockers.iter().any(|b| b["suite"] == "Strict"),
        "{blockers:?}"
    );
    // Leave the real keychain clean.
    let _ = std::process::Command::new("secret-tool")
        .args(["clear", "service", &service])
        .status();
}

#[tokio::test]
async fn a_keyless_kind_with_a_key_is_reached_with_its_key() {
    let h = start().await;
    let key_value = "sk-local-server-key-00000000000000000001";
    let server = switchyard_mock::MockServer::start(MockConfig {
        accepted_keys: Some(vec![key_value.into()]),
        ..MockConfig::instant()
    })
    .await
    .unwrap();
    let base = format!("{}/v1", server.base_url());
    let b = h
        .add(
            draft(BackendKind::OpenAiCompatible, "Local", &base),
            Some(key("main", key_value)),
        )
        .await;
    let run = switchyard_readiness::Readiness::new(&h.app)
        .run()
        .await
        .unwrap();
    let local = component(&run, |c| c.id == format!("backend:{}", b.row.id));
    let reach = local
        .checks
        .iter()
        .find(|c| c.label == "Reachable")
        .unwrap();
    assert!(reach.passed, "{reach:?}");
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
