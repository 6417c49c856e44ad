//! Price sync against price files served over HTTP on 127.0.0.1: a valid one with a changed
//! price and a new model is checked (summary and examples), applied (new requests use it) and
//! rolled back; a broken one, one with a negative price and an absent one are refused with the
//! reason and change nothing.

use super::*;
use axum::routing::get;
use switchyard_pricing::Provider;

const CHANGED: &str = r#"{
  "gpt-4o": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 0.00009, "output_cost_per_token": 0.00036},
  "brand-new-model": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 0.000001, "output_cost_per_token": 0.000002}
}"#;
const BROKEN: &str = r#"{"gpt-4o": {"litellm_provider": "openai", "#;
const NEGATIVE: &str = r#"{"gpt-4o": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": -0.001, "output_cost_per_token": 0.00036}}"#;

async fn serve() -> String {
    let app = axum::Router::new()
        .route("/changed.json", get(|| async { CHANGED }))
        .route("/broken.json", get(|| async { BROKEN }))
        .route("/negative.json", get(|| async { NEGATIVE }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

async fn gpt4o_input(h: &Harness) -> f64 {
    let table = h.app.costs().table().await.unwrap();
    table.lookup(Provider::OpenAi, "gpt-4o").unwrap().1.input
}

#[tokio::test]
async fn a_newer_price_file_is_checked_applied_and_rolled_back() {
    let h = start().await;
    let base = serve().await;
    let bundled = gpt4o_input(&h).await;
    assert_ne!(bundled, 0.00009);

    for (path, reason) in [
        ("/broken.json", "cannot be used"),
        ("/negative.json", "cannot be used"),
        ("/absent.json", "HTTP 404"),
    ] {
        let e = h
            .app
            .costs()
            .check_price_update(Some(format!("{base}{path}")))
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains(reason), "{path}: {e}");
    }
    let e = h
        .app
        .costs()
        .apply_price_update()
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("check for newer prices first"), "{e}");
    let e = h
        .app
        .costs()
        .check_price_update(Some("ftp://x/y".into()))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("not an http(s) address"), "{e}");
    assert_eq!(gpt4o_input(&h).await, bundled, "nothing changed");

    let check = h
        .app
        .costs()
        .check_price_update(Some(format!("{base}/changed.json")))
        .await
        .unwrap();
    assert_eq!((check.models, check.changed, check.added), (2, 1, 1));
    assert!(check.removed > 100, "the bundled file has many more models");
    assert!(
        check
            .summary
            .starts_with("1 model changed, 1 model added, "),
        "{}",
        check.summary
    );
    assert_eq!(check.examples[0].model, "gpt-4o");
    assert!((check.examples[0].new_input_per_mtok - 90.0).abs() < 1e-9);
    assert_eq!(gpt4o_input(&h).await, bundled, "a check applies nothing");

    let view = h.app.costs().apply_price_update().await.unwrap();
    assert_eq!(view.source, "file");
    assert_eq!(
        gpt4o_input(&h).await,
        0.00009,
        "the gateway prices with the new file"
    );

    // The same from the command line: check, roll back to the applied file's predecessor.
    let url = format!("{base}/changed.json");
    let ran = super::cli::run(&h.app, &["prices", "check", "--url", &url], "").await;
    assert_eq!(ran.code, 0, "{}", ran.err);
    assert!(
        ran.out.contains("no price changes") || ran.out.contains("models removed"),
        "{}",
        ran.out
    );
    let ran = super::cli::run(
        &h.app,
        &["prices", "check", "--url", &format!("{base}/broken.json")],
        "",
    )
    .await;
    assert_eq!(ran.code, 1);
    assert!(ran.err.contains("cannot be used"), "{}", ran.err);
    let ran = super::cli::run(&h.app, &["prices", "rollback"], "").await;
    assert_eq!(ran.code, 0, "{}", ran.err);
    assert!(ran.out.contains("the bundled prices"), "{}", ran.out);
    assert_eq!(gpt4o_input(&h).await, bundled, "back to the bundled prices");
    let view = h.app.costs().prices().await.unwrap();
    assert_eq!(view.source, "bundled");
    assert_eq!(gpt4o_input(&h).await, bundled, "back to the bundled prices");
    let e = h
        .app
        .costs()
        .rollback_prices()
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("nothing to roll back"), "{e}");
    // The command line's check left its file aside: `prices apply` puts it in force.
    let ran = super::cli::run(&h.app, &["prices", "apply"], "").await;
    assert_eq!(ran.code, 0, "{}", ran.err);
    assert!(ran.out.contains("the applied price file"), "{}", ran.out);
    assert_eq!(gpt4o_input(&h).await, 0.00009);
    let ran = super::cli::run(&h.app, &["prices", "apply"], "").await;
    assert!(
        ran.code != 0 && ran.err.contains("check for newer prices first"),
        "{}",
        ran.err
    );
}

#[tokio::test]
async fn recorded_requests_are_repriced_only_when_the_user_asks() {
    use switchyard_app_testing::costs::{all_time, ask, priced};
    let h = start().await;
    let base = serve().await;
    let (_mock, token) = priced(&h.app).await;
    for _ in 0..3 {
        assert_eq!(ask(&h.app, &token, "Priced/gpt-4o").await.0, 200);
    }
    h.app.flush_ledger();
    let total = |h: &Harness| {
        let app = h.app.clone();
        async move {
            app.costs()
                .overview(all_time(), switchyard_app::SplitBy::Model)
                .await
                .unwrap()
                .totals
                .cost_usd
        }
    };
    let before = total(&h).await;
    assert!(before > 0.0);

    // A newer price file with gpt-4o at $90/$360 per M: new requests only, until asked.
    h.app
        .costs()
        .check_price_update(Some(format!("{base}/changed.json")))
        .await
        .unwrap();
    h.app.costs().apply_price_update().await.unwrap();
    assert!(
        (total(&h).await - before).abs() < 1e-12,
        "applying reprices nothing"
    );

    let ran = super::cli::run(&h.app, &["prices", "reprice", "--days", "0"], "").await;
    assert_eq!(ran.code, 1);
    assert!(ran.err.contains("1 to 3650 days"), "{}", ran.err);
    let ran = super::cli::run(&h.app, &["prices", "reprice", "--days", "7"], "").await;
    assert_eq!(ran.code, 0, "{}", ran.err);
    assert!(
        ran.out
            .starts_with("3 of 3 requests in the last 7 days repriced: +$"),
        "{}",
        ran.out
    );
    let after = total(&h).await;
    // The bundled gpt-4o is $2.50/$10 per M; the file's is 36 times that.
    assert!((after / before - 36.0).abs() < 1e-6, "{before} → {after}");
    let again = h.app.costs().reprice_history(7).await.unwrap();
    assert_eq!(
        (again.requests, again.changed),
        (3, 0),
        "at the same prices nothing moves"
    );

    // A one-shot command opens the core with no gateway: it reprices at the same file and
    // overrides, read from the data folder.
    let mut opts = Options::new(AppPaths::under(h.dir.path()), h.keychain.clone());
    opts.monitor = false;
    let cli_core = Switchyard::start(opts).await.unwrap();
    let ran = super::cli::run(&cli_core, &["prices", "reprice", "--days", "7"], "").await;
    assert_eq!(ran.code, 0, "no gateway is needed to reprice: {}", ran.err);
    assert!(ran.out.starts_with("0 of 3 requests"), "{}", ran.out);
}
