//! `switchyard config export|import`: a configuration made in one data folder (backends with
//! limits, monitoring and keys, a weighted route, a budget, a price override, resilience
//! settings) exported, imported into a fresh folder and exported again gives the same file
//! (keys are listed by label only, so the fresh folder warns about each missing one); an
//! invalid file is refused with every issue by path and changes nothing; a dry run changes
//! nothing; a file that opens the gateway wider (here `/metrics` without a token) is applied
//! only with the user's approval, and an approval covers exactly the changes it lists.

use super::cli::{run, run_line};
use super::*;

async fn configured() -> Harness {
    let h = start().await;
    for (name, key) in [
        ("Alpha", "sk-config-alpha-00000000000000000001"),
        ("Beta", "sk-config-beta-000000000000000000002"),
    ] {
        let r = run_line(&h.app, &format!("backend add {name} --kind openai --base-url http://127.0.0.1:9/v1 --model gpt-4o-mini --key-stdin --key-label main"), &format!("{key}\n"),
        )
        .await;
        assert_eq!(r.code, 0, "{}", r.err);
    }
    for args in [
        &[
            "route",
            "add",
            "pair",
            "--strategy",
            "weighted",
            "--candidate",
            "Alpha=gpt-4o-mini*3",
            "--candidate",
            "Beta=gpt-4o",
        ][..],
        &[
            "budget",
            "add",
            "daily",
            "--limit",
            "2.5",
            "--period",
            "day",
            "--route",
            "pair",
            "--hard-stop",
        ][..],
    ] {
        let r = run(&h.app, args, "").await;
        assert_eq!(r.code, 0, "{args:?}: {}", r.err);
    }
    let alpha = h.find_backend(|b| b.row.name == "Alpha").await;
    h.app
        .backends()
        .set_limits(
            alpha.row.id,
            switchyard_store::BackendLimits {
                max_in_flight: 7,
                rpm: Some(60),
                tpm: None,
            },
        )
        .await
        .unwrap();
    let price = switchyard_app::PriceOverride {
        model: "house-model".into(),
        input_per_mtok: 1.5,
        output_per_mtok: 3.0,
        cache_read_per_mtok: None,
        cache_write_per_mtok: None,
    };
    h.app.costs().set_price_override(price).await.unwrap();
    let mut s = h.app.gateway_control().settings().await.unwrap();
    s.resilience.breaker_failures = 5;
    s.metrics_open_on_loopback = true;
    h.app
        .gateway_control()
        .update_settings(s, &switchyard_app::changes::Approved::All)
        .await
        .unwrap();
    h
}

#[tokio::test]
async fn export_then_import_into_a_fresh_folder_reproduces_the_configuration() {
    let a = configured().await;
    let exported = run_line(&a.app, "config export", "").await;
    assert_eq!(exported.code, 0, "{}", exported.err);
    let text = exported.out;
    assert!(
        text.contains("keys = [\"main\"]") && !text.contains("sk-config"),
        "labels only:\n{text}"
    );
    assert!(
        text.contains("[[route.candidate]]") && text.contains("breakerFailures = 5"),
        "{text}"
    );

    let b = start().await;
    let file = b.dir.path().join("switchyard.toml");
    std::fs::write(&file, &text).unwrap();
    let path = file.to_str().unwrap();
    let dry = run_line(&b.app, &format!("config import {path} --dry-run"), "").await;
    assert_eq!(dry.code, 0, "{}", dry.err);
    assert!(
        dry.out.contains("would add backend Alpha")
            && dry.out.contains("would update backend Demo"),
        "{}",
        dry.out
    );
    assert!(
        dry.err.contains("gateway metricsOpenOnLoopback: off → on")
            && dry.err.contains("--approve-hosts"),
        "the file opens /metrics to this machine: listed, with the flag it needs: {}",
        dry.err
    );
    assert_eq!(
        b.app.backends().list().await.unwrap().len(),
        1,
        "a dry run changes nothing"
    );

    let refused = run_line(&b.app, &format!("config import {path}"), "").await;
    assert_eq!(refused.code, 1, "{}", refused.err);
    assert!(
        refused.err.contains("nothing was changed"),
        "{}",
        refused.err
    );
    assert_eq!(b.app.backends().list().await.unwrap().len(), 1);

    let done = run_line(&b.app, &format!("config import {path} --approve-hosts"), "").await;
    assert_eq!(done.code, 0, "{}", done.err);
    assert!(done.err.contains("no key “main” for Alpha in this keychain: add it with `switchyard key add \"Alpha\" --label \"main\"`"), "{}", done.err);
    for key in [
        "sk-config-alpha-00000000000000000001",
        "sk-config-beta-000000000000000000002",
    ] {
        let r = run(
            &b.app,
            &[
                "key",
                "add",
                if key.contains("alpha") {
                    "Alpha"
                } else {
                    "Beta"
                },
                "--label",
                "main",
            ],
            &format!("{key}\n"),
        )
        .await;
        assert_eq!(r.code, 0, "{}", r.err);
    }
    let again = run_line(&b.app, "config export", "").await;
    assert_eq!(
        again.out, text,
        "the second folder exports the same configuration"
    );
    let budget = b.app.costs().budgets().await.unwrap();
    assert_eq!(budget.len(), 1);
    assert!(metrics_open(&b.app).await);
}

#[tokio::test]
async fn an_invalid_file_is_refused_with_every_issue_and_changes_nothing() {
    let h = start().await;
    let file = h.dir.path().join("bad.toml");
    std::fs::write(
        &file,
        r#"version = 1
[gateway]
port = 80
[[backend]]
name = "X"
kind = "frobnicator"
baseUrl = "http://127.0.0.1:9/v1"
defaultModel = "m"
[[backend]]
name = "Y"
kind = "openai"
baseUrl = "not a url"
defaultModel = "m"
maxInFlight = 0
[[backend]]
name = "Z"
kind = "openai"
baseUrl = "http://127.0.0.1:9/v1"
defaultModel = "m"
requestsPerMinute = 1000000
[[route]]
name = "r"
strategy = { type = "priority" }
[[route.candidate]]
backend = "Nobody"
model = "m"
[[budget]]
name = "b"
period = "day"
limitUsd = -1.0
"#,
    )
    .unwrap();
    let r = run(&h.app, &["config", "import", file.to_str().unwrap()], "").await;
    assert_eq!(r.code, 1);
    for expect in [
        "gateway: Use a port from 1024",
        "backend[0].kind: unknown kind “frobnicator”",
        "backend[1].baseurl:",
        "backend[1].maxInFlight: Requests at once must be from 1 to 1000.",
        "backend[2].requestsPerMinute: Requests per minute must be from 1 to 100,000",
        "route[0].candidate[0].backend: there is no backend “Nobody”",
        "budget[0]: Budget “b”: the limit must be more than $0.",
        "nothing was changed",
    ] {
        assert!(r.err.contains(expect), "missing {expect:?} in:\n{}", r.err);
    }
    assert_eq!(h.app.backends().list().await.unwrap().len(), 1, "only Demo");
    assert!(h.app.routes().list().await.unwrap().is_empty());
    assert_eq!(h.app.gateway_control().settings().await.unwrap().port, 4141);

    std::fs::write(&file, "version = 1\nbogus = true\n").unwrap();
    let r = run(&h.app, &["config", "import", file.to_str().unwrap()], "").await;
    assert_eq!(r.code, 1);
    assert!(r.err.contains("unknown field `bogus`"), "{}", r.err);
}

#[tokio::test]
async fn a_route_the_routes_page_would_refuse_stops_the_whole_import() {
    let h = start().await;
    let file = h.dir.path().join("routes.toml");
    std::fs::write(
        &file,
        format!(
            r#"version = 1
[[backend]]
name = "Fresh"
kind = "openai"
baseUrl = "https://api.openai.com/v1"
defaultModel = "gpt-4o-mini"
[[route]]
name = "{}"
strategy = {{ type = "priority" }}
[[route.candidate]]
backend = "Fresh"
model = "gpt-4o-mini"
"#,
            "r".repeat(100)
        ),
    )
    .unwrap();
    let r = run(&h.app, &["config", "import", file.to_str().unwrap()], "").await;
    assert_eq!(r.code, 1, "{}", r.err);
    assert!(
        r.err
            .contains("route[0]: A route name can be at most 64 characters."),
        "{}",
        r.err
    );
    assert_eq!(
        h.app.backends().list().await.unwrap().len(),
        1,
        "the backend before the bad route was not added either"
    );
}

#[tokio::test]
async fn an_approval_covers_the_changes_the_user_saw_and_no_others() {
    use switchyard_app::config_file::{self, Approved, ImportOptions};
    let h = start().await;
    let file = h.dir.path().join("open.toml");
    let write = |extra: &str| {
        std::fs::write(
            &file,
            format!("version = 1\n[gateway]\nmetricsOpenOnLoopback = true\n{extra}"),
        )
        .unwrap()
    };
    write("");
    let parsed = config_file::read(file.clone()).await.unwrap();
    let preview = &h
        .app
        .config_file()
        .import(
            &parsed,
            &ImportOptions {
                dry_run: true,
                ..ImportOptions::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(preview.exposure_changes.len(), 1, "{preview:?}");
    let shown = Approved::Listed {
        hosts: preview.host_changes.clone(),
        exposure: preview.exposure_changes.clone(),
    };

    // The file changes between the preview and the click: it now also lets a web page in.
    write("allowedOrigins = [\"https://evil.example\"]\n");
    let changed = config_file::read(file.clone()).await.unwrap();
    let options = ImportOptions {
        dry_run: false,
        approved: shown.clone(),
        ..ImportOptions::default()
    };
    let out = &h
        .app
        .config_file()
        .import(&changed, &options)
        .await
        .unwrap();
    assert!(!out.applied, "an origin the user never saw: {out:?}");
    let settings = h.app.gateway_control().settings().await.unwrap();
    assert!(!settings.metrics_open_on_loopback && settings.allowed_origins.is_empty());

    let out = &h.app.config_file().import(&parsed, &options).await.unwrap();
    assert!(out.applied, "what the user saw: {out:?}");
    assert!(metrics_open(&h.app).await);
}

#[tokio::test]
async fn a_file_that_points_a_route_at_another_backend_says_so_before_and_after() {
    let h = start().await;
    let file = h.dir.path().join("routes.toml");
    let with = |backend: &str| {
        format!(
            "version = 1\n[[backend]]\nname = \"Lab\"\nkind = \"openai-compatible\"\n\
             baseUrl = \"http://127.0.0.1:9/v1\"\ndefaultModel = \"m\"\n\
             [[route]]\nname = \"fast\"\nstrategy = {{ type = \"priority\" }}\n\
             [[route.candidate]]\nbackend = \"{backend}\"\nmodel = \"m\"\n"
        )
    };
    std::fs::write(&file, with("Demo")).unwrap();
    let path = file.to_str().unwrap();
    let first = run(&h.app, &["config", "import", path], "").await;
    assert_eq!(first.code, 0, "{}", first.err);
    assert!(
        !first.out.contains("now also sends"),
        "a new route is no move: {}",
        first.out
    );

    std::fs::write(&file, with("Lab")).unwrap();
    let dry = run(&h.app, &["config", "import", path, "--dry-run"], "").await;
    assert_eq!(dry.code, 0, "{}", dry.err);
    assert!(
        dry.out
            .contains("note: route fast: now also sends requests to Lab"),
        "{}",
        dry.out
    );
    let json = run(&h.app, &["config", "import", path, "--json"], "").await;
    let v: serde_json::Value = serde_json::from_str(&json.out).unwrap();
    assert_eq!(v["routeMoves"][0]["to"][0], "Lab", "{}", json.out);
    assert_eq!(v["applied"], true, "listed, not asked");
}

/// Whether the saved gateway settings let this machine read /metrics without a token.
async fn metrics_open(app: &switchyard_app::Switchyard) -> bool {
    app.gateway_control()
        .settings()
        .await
        .unwrap()
        .metrics_open_on_loopback
}
