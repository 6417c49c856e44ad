//! Choosing a model: a name is resolved as the gateway will and flagged where it is chosen when
//! it has no known price or its backend does not list it (the API, `switchyard models check`,
//! `switchyard connect --model`), the CLI's model lists, and the daily refresh.

use super::*;
use switchyard_app::{ModelCheck, RouteCandidate, RouteDraft, Strategy};
use switchyard_app_testing::catalogue::{add, mock};
use switchyard_mock::MockServer;

/// Adds an OpenAI backend with a key at `server`; its id.
async fn add_openai(h: &Harness, server: &MockServer) -> String {
    let base = format!("{}/v1", server.base_url());
    let k = Some("sk-test-openai-000000000001");
    add(h, BackendKind::OpenAi, "OpenAI", &base, k).await
}

/// How `model` checks out where it is chosen.
async fn check(h: &Harness, model: &str) -> ModelCheck {
    h.app.catalogue().check(model.into()).await.unwrap()
}

/// The warning a check of `model` gives; there must be one.
async fn warning(h: &Harness, model: &str) -> String {
    check(h, model).await.warning.unwrap()
}

#[tokio::test]
async fn a_chosen_model_is_checked_where_it_is_chosen() {
    let h = start().await;
    let server = mock(&["gpt-4.1-mini", "acme-unknown-model"], &[]).await;
    let id = add_openai(&h, &server).await;
    h.app.catalogue().refresh(id.clone()).await.unwrap();

    let fine = check(&h, "OpenAI/gpt-4.1-mini").await;
    assert_eq!(fine.warning, None, "{fine:?}");
    assert_eq!(fine.targets[0].listed, Some(true));
    let w = warning(&h, "OpenAI/acme-unknown-model").await;
    assert!(
        w.contains("acme-unknown-model has no known price on OpenAI"),
        "{w}"
    );
    assert!(warning(&h, "OpenAI/gpt-4o")
        .await
        .contains("gpt-4o is not in OpenAI's model list"));
    assert!(warning(&h, "no-such-thing")
        .await
        .starts_with("No enabled backend serves"));
    assert_eq!(check(&h, "demo-chat").await.warning, None);

    // A route: every candidate is checked.
    h.app
        .routes()
        .save(
            None,
            RouteDraft {
                name: "mixed".into(),
                strategy: Strategy::Priority,
                candidates: vec![
                    RouteCandidate {
                        backend_id: id.clone(),
                        model: "gpt-4.1-mini".into(),
                        weight: 1,
                    },
                    RouteCandidate {
                        backend_id: id.clone(),
                        model: "acme-unknown-model".into(),
                        weight: 1,
                    },
                ],
                cache: Default::default(),
            },
        )
        .await
        .unwrap();
    let route = check(&h, "mixed").await;
    assert_eq!(route.targets.len(), 2);
    assert!(route
        .warning
        .unwrap()
        .contains("acme-unknown-model has no known price"));

    // The tools' pickers offer every listed model.
    let choices = h.tools().model_choices().await.unwrap();
    assert!(
        choices.contains(&"OpenAI/acme-unknown-model".to_string()),
        "{choices:?}"
    );
}

#[tokio::test]
async fn the_daily_refresh_reads_only_old_or_unread_lists() {
    let h = start().await;
    let server = mock(&["gpt-4.1-mini"], &[]).await;
    add_openai(&h, &server).await;
    let day = switchyard_app::CATALOGUE_MAX_AGE;
    // The Demo backend and OpenAI were never read.
    assert_eq!(h.app.catalogue().refresh_stale(day).await.unwrap(), 2);
    assert_eq!(server.calls("models"), 1);
    assert_eq!(h.app.catalogue().refresh_stale(day).await.unwrap(), 0);
    assert_eq!(server.calls("models"), 1, "a fresh list is not read again");
    assert_eq!(
        h.app
            .catalogue()
            .refresh_stale(Duration::ZERO)
            .await
            .unwrap(),
        2
    );
    assert_eq!(server.calls("models"), 2);
}

#[tokio::test]
async fn the_cli_lists_refreshes_and_checks_models() {
    use super::cli::run;
    let h = start().await;
    let server = mock(&["gpt-4.1-mini", "acme-unknown-model"], &[]).await;
    add_openai(&h, &server).await;

    let never = run(&h.app, &["models", "OpenAI"], "").await;
    assert_eq!(never.code, 0);
    assert!(
        never.out.contains("OpenAI: model list never read"),
        "{}",
        never.out
    );
    let read = run(&h.app, &["models", "openai", "--refresh"], "").await;
    assert_eq!(read.code, 0, "{}", read.err);
    assert!(
        read.out.starts_with("OpenAI: 2 models, read just now"),
        "{}",
        read.out
    );
    assert!(
        read.out.contains("gpt-4.1-mini") && read.out.contains("/M blended"),
        "{}",
        read.out
    );
    let unknown_line = read
        .out
        .lines()
        .find(|l| l.contains("acme-unknown-model"))
        .unwrap();
    assert!(unknown_line.ends_with("no known price"), "{unknown_line}");
    let json = run(&h.app, &["models", "--json"], "").await;
    let lists: serde_json::Value = serde_json::from_str(&json.out).unwrap();
    let openai = lists
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["backendName"] == "OpenAI")
        .unwrap();
    assert_eq!(openai["models"][1]["pricing"], "unknown");

    let check = run(
        &h.app,
        &["models", "check", "OpenAI/acme-unknown-model"],
        "",
    )
    .await;
    assert_eq!(check.code, 1);
    assert!(
        check.out.contains("has no known price on OpenAI"),
        "{}",
        check.out
    );
    assert_eq!(
        run(&h.app, &["models", "check", "OpenAI/gpt-4.1-mini"], "")
            .await
            .code,
        0
    );
    let missing = run(&h.app, &["models", "Nope"], "").await;
    assert_eq!(missing.code, 1);
    assert!(missing.err.contains("no backend named “Nope”"));
}

#[tokio::test]
async fn connect_with_an_unpriced_model_says_so() {
    use super::cli::run;
    // A HOME of its own, so the connect writes no real tool's files.
    let keychain = Arc::new(MemoryStore::new());
    let (app, dir, _home) = start_in_home(keychain.clone(), |_| {}).await;
    let h = Harness::new(app, keychain, dir);
    let server = mock(&["acme-unknown-model"], &[]).await;
    add_openai(&h, &server).await;
    let r = run(
        &h.app,
        &["connect", "aider", "--model", "OpenAI/acme-unknown-model"],
        "",
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(
        r.out
            .contains("note: acme-unknown-model has no known price on OpenAI"),
        "{}",
        r.out
    );
    let r = run(&h.app, &["connect", "aider", "--model", "demo-chat"], "").await;
    assert!(!r.out.contains("note:"), "{}", r.out);
}
