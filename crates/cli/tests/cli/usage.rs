//! The providers' limits as alerts: a Codex record saying its 5-hour window is 85 % used (and
//! the weekly 10 %) makes the limit80 rule notify once, naming the window; the window resets
//! (a newer record at 2 %) and the alert resolves; `usage windows` shows the provider's figure.

use super::*;
use super::{start_alerting, start_monitored};
use switchyard_app_testing::monitored::{wait_for_notification, wait_until};

fn codex_line(at: &str, primary: f64, resets_at: i64) -> String {
    format!(
        r#"{{"timestamp":"{at}","type":"event_msg","payload":{{"type":"token_count","info":null,"rate_limits":{{"limit_id":"codex","primary":{{"used_percent":{primary},"window_minutes":300,"resets_at":{resets_at}}},"secondary":{{"used_percent":10.0,"window_minutes":10080,"resets_at":{}}},"plan_type":"plus"}}}}}}"#,
        resets_at + 86_400
    )
}

#[tokio::test]
async fn a_window_at_85_percent_notifies_once_and_resolves_when_it_resets() {
    let dir = tempfile::tempdir().unwrap();
    let sessions = dir.path().join("home/.codex/sessions/2026/11/25");
    std::fs::create_dir_all(&sessions).unwrap();
    let now = time::OffsetDateTime::now_utc();
    let at = now
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let resets = now.unix_timestamp() + 3 * 3600;
    let file = sessions.join("rollout-2026-11-25T11-43-49-t1.jsonl");
    std::fs::write(&file, codex_line(&at, 85.0, resets) + "\n").unwrap();

    let (app, recorder) = start_alerting(dir.path()).await;
    app.usage().scan(false).await.unwrap();
    let windows = app.usage().windows().await.unwrap();
    let five = windows
        .iter()
        .find(|w| w.tool == "Codex" && w.name == "5-hour")
        .unwrap();
    assert_eq!(five.used_percent, Some(85.0));
    assert_eq!(five.resets_at_ms, Some(resets * 1000));
    assert_eq!(five.source, switchyard_app::usage::WindowSource::Provider);
    // Claude Code's status line names the window nearest its limit.
    let line = switchyard_app::statusline::line(&app.paths().db_file);
    assert!(line.contains("Codex 5-hour 85% (resets in "), "{line}");
    // /metrics: the provider's figure as a ratio.
    let scraper = app
        .tokens()
        .create_scoped("prometheus".into(), switchyard_app::TokenScope::Metrics)
        .await
        .unwrap();
    let addr = app.gateway_addr().unwrap();
    let text = super::scrape_metrics(addr, scraper.token.expose()).await;
    assert!(
        text.contains(r#"switchyard_limit_used_ratio{tool="Codex",window="5-hour"} 0.85"#),
        "{text}"
    );

    let notes = || {
        recorder
            .sent()
            .iter()
            .filter(|n| n.summary.contains("Codex 5-hour window"))
            .count()
    };
    app.usage().report_limits().await.unwrap();
    wait_until("the 80 % notification", || notes() == 1).await;
    app.usage().report_limits().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(notes(), 1, "once per window");
    let open = app.health().alerts(50).await.unwrap();
    assert!(
        open.iter()
            .any(|a| a.row.rule == "limit80" && a.row.resolved_at.is_none()),
        "{open:?}"
    );
    assert!(
        !open.iter().any(|a| a.row.rule == "limit95"),
        "85 % is under 95 %"
    );

    // A newer record: the window reset and is 2 % used. The alert resolves.
    let later = (now + time::Duration::seconds(1))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .unwrap();
    std::io::Write::write_all(
        &mut f,
        (codex_line(&later, 2.0, resets + 5 * 3600) + "\n").as_bytes(),
    )
    .unwrap();
    drop(f);
    app.usage().scan(false).await.unwrap();
    app.usage().report_limits().await.unwrap();
    for _ in 0..100 {
        let all = app.health().alerts(50).await.unwrap();
        if all
            .iter()
            .any(|a| a.row.rule == "limit80" && a.row.resolved_at.is_some())
        {
            app.shutdown(Duration::from_secs(5)).await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the limit80 alert did not resolve after the reset");
}

/// A record a tool writes while the app runs is imported within seconds (the folder is
/// watched), well before the next 30 s pass.
#[tokio::test]
async fn a_new_line_in_a_watched_folder_is_imported_within_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("home/.claude/projects/-p");
    std::fs::create_dir_all(&project).unwrap();
    let (app, _recorder) = start_monitored(dir.path()).await;
    // The first pass (at start) is over before the tool writes.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let at = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let line = format!(
        r#"{{"type":"assistant","sessionId":"s","cwd":"/p","timestamp":"{at}","requestId":"req_w","message":{{"id":"msg_w","model":"claude-sonnet-4-5","usage":{{"input_tokens":7,"output_tokens":3}}}}}}"#
    );
    std::fs::write(project.join("s.jsonl"), line + "\n").unwrap();
    let started = std::time::Instant::now();
    loop {
        let rows = app
            .usage()
            .summary(0, i64::MAX, switchyard_app::UsageGroup::Tool)
            .await
            .unwrap();
        if rows
            .iter()
            .any(|r| r.group == "claude-code" && r.requests == 1)
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "not imported within 10 s: {rows:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.shutdown(Duration::from_secs(5)).await;
}

/// An OpenRouter key's credits: a key test reads them (shown in its result, kept with the time
/// read), `usage balances` lists them, and under $1 left the balanceLow alert notifies.
#[tokio::test]
async fn an_openrouter_keys_credits_are_read_by_its_test_and_a_low_balance_notifies() {
    let dir = tempfile::tempdir().unwrap();
    let (app, recorder) = start_alerting(dir.path()).await;
    let mut mock_config = MockConfig::instant();
    mock_config.credit_limit_usd = Some(0.5);
    let mock = switchyard_mock::MockServer::start(mock_config)
        .await
        .unwrap();
    let b = add_on_mock(
        &app,
        BackendKind::OpenRouter,
        "Router",
        &mock,
        Some(key(
            "work",
            "sk-or-v1-0000000000000000000000000000000000000000000000000000000000000000",
        )),
    )
    .await;
    let key_id = b.keys[0].row.id.clone();
    let result = app.keys().test(&b.row.id, Some(&key_id)).await.unwrap();
    assert!(
        result.message.contains("$0.50 of $0.50 in credits left"),
        "{}",
        result.message
    );
    let balances = app.usage().balances().await.unwrap();
    assert_eq!(balances.len(), 1);
    assert_eq!(
        (balances[0].backend.as_str(), balances[0].key.as_str()),
        ("Router", "work")
    );
    assert_eq!(balances[0].remaining_usd, Some(0.5));
    let ran = super::cli::run(&app, &["usage", "balances"], "").await;
    assert!(
        ran.out
            .starts_with("Router · work: $0.50 of $0.50 left (read 0 min ago)"),
        "{}",
        ran.out
    );

    app.usage().report_limits().await.unwrap();
    wait_for_notification(
        "the low balance notification",
        &recorder,
        "Credits of key “work” of Router",
    )
    .await;
    app.shutdown(Duration::from_secs(5)).await;
}

/// A key without a limit of its own spends the account's credits: a management key reads them
/// from `GET /credits`; any other key is refused there (403) and says "no limit".
#[tokio::test]
async fn a_key_without_a_limit_shows_the_accounts_credits_when_it_may_read_them() {
    let h = start().await;
    let router = |credits: Option<f64>| async move {
        let mut c = MockConfig::instant();
        c.credit_limit_usd = None;
        c.account_credits_usd = credits;
        switchyard_mock::MockServer::start(c).await.unwrap()
    };
    let (management, plain) = (router(Some(25.0)).await, router(None).await);
    for (name, mock, want) in [
        ("Managed", &management, "$25.00 of $25.00 in credits left"),
        ("Plain", &plain, "$0.00 of credits used, no limit"),
    ] {
        let b = h
            .add(
                draft(
                    BackendKind::OpenRouter,
                    name,
                    &format!("{}/v1", mock.base_url()),
                ),
                Some(key(
                    "k",
                    "sk-or-v1-1111111111111111111111111111111111111111111111111111111111111111",
                )),
            )
            .await;
        let r = h.test_first_key(&b).await;
        assert!(r.message.ends_with(want), "{name}: {}", r.message);
        assert_eq!(
            mock.calls("credits"),
            1,
            "{name}: one read of the account's credits"
        );
        // The monitor's probe reads the key's own info only: a key that serves requests is not
        // a management key, so asking `/credits` on every probe would add a refused call.
        let http = switchyard_gateway::probe::http_client().unwrap();
        let secret = switchyard_app::secrets::SecretString::new(
            "sk-or-v1-1111111111111111111111111111111111111111111111111111111111111111".into(),
        );
        let base = format!("{}/v1", mock.base_url());
        let approved: Vec<String> = switchyard_domain::origin_of(&base).into_iter().collect();
        let secret = switchyard_gateway::Cleared::check(secret, &approved, &base).unwrap();
        let probed = switchyard_gateway::probe::probe(
            &http,
            &switchyard_domain::Address::new(BackendKind::OpenRouter, &base),
            Some(&secret),
            Duration::from_secs(5),
        )
        .await;
        assert_eq!(probed.outcome, switchyard_domain::CheckOutcome::Valid);
        assert_eq!(
            mock.calls("credits"),
            1,
            "{name}: a probe never asks /credits"
        );
    }
}
