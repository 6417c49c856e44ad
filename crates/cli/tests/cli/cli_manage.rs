//! A data folder configured entirely from the CLI (`cli::run`, the seam the binary uses): two
//! backends with keys read from stdin, a weighted route over them and a budget; the gateway then
//! serves the route and readiness is READY. Keys never appear in any output; wrong input is
//! refused with the reason and changes nothing.

use super::cli::{run, run_line};
use super::*;
use switchyard_mock::MockServer;

const KEY_A: &str = "sk-cli-alpha-000000000000000000000001";
const KEY_B: &str = "sk-cli-beta-0000000000000000000000002";

#[tokio::test]
async fn backends_keys_a_weighted_route_and_a_budget_from_the_cli_serve_requests() {
    let h = start().await;
    let only = |k: &str| MockConfig {
        accepted_keys: Some(vec![k.to_string()]),
        ..MockConfig::instant()
    };
    let (a, b) = (
        MockServer::start(only(KEY_A)).await.unwrap(),
        MockServer::start(only(KEY_B)).await.unwrap(),
    );
    let mut outputs = String::new();
    for (name, mock) in [("Alpha", &a), ("Beta", &b)] {
        let base = format!("{}/v1", mock.base_url());
        let r = run_line(
            &h.app,
            &format!("backend add {name} --kind openai --base-url {base} --model gpt-4o-mini"),
            "",
        )
        .await;
        assert_eq!(r.code, 0, "{}", r.err);
        outputs += &r.out;
    }
    for (name, key) in [("Alpha", KEY_A), ("Beta", KEY_B)] {
        let r = run_line(
            &h.app,
            &format!("key add {name} --label main"),
            &format!("{key}\n"),
        )
        .await;
        assert_eq!(r.code, 0, "{}", r.err);
        assert!(r.out.contains("added key main"), "{}", r.out);
        outputs += &r.out;
        let t = run_line(&h.app, &format!("key test {name} main"), "").await;
        assert_eq!(t.code, 0, "the key works: {}", t.err);
        outputs += &t.out;
    }
    // A new route is an addition; adding a backend to it is listed as a move (issue 53).
    let r = run_line(&h.app, "route add pair --candidate Alpha=gpt-4o-mini", "").await;
    assert_eq!(
        (r.code, r.out.as_str()),
        (0, "saved route pair\n"),
        "{}",
        r.err
    );
    let r = run_line(&h.app, "route add pair --strategy weighted --candidate Alpha=gpt-4o-mini*3 --candidate Beta=gpt-4o-mini", "",
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.err);
    assert_eq!(
        r.out,
        "route pair: now also sends requests to Beta\nsaved route pair\n"
    );
    let r = run_line(
        &h.app,
        "budget add cap --limit 5 --period day --route pair --hard-stop",
        "",
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.err);

    let listed = run_line(&h.app, "key list --json", "").await;
    let keys: serde_json::Value = serde_json::from_str(&listed.out).unwrap();
    assert_eq!(keys.as_array().unwrap().len(), 2, "{keys}");
    let routes = run_line(&h.app, "route list --json", "").await;
    let routes: serde_json::Value = serde_json::from_str(&routes.out).unwrap();
    assert_eq!(routes[0]["candidates"][0]["weight"], 3);
    let budgets = run_line(&h.app, "budget list --json", "").await;
    assert!(budgets.out.contains("\"cap\""), "{}", budgets.out);
    let shown = run_line(&h.app, "backend show Alpha --json", "").await;
    outputs += &shown.out;
    outputs += &listed.out;
    for key in [KEY_A, KEY_B] {
        assert!(
            !outputs.contains(key) && !outputs.contains(&key[..16]),
            "a key was printed"
        );
    }

    // The gateway serves the route with the keys from stdin.
    let token = h.app.tokens().create("cli-test".into()).await.unwrap();
    let addr = h.app.gateway_addr().unwrap();
    let mut served = std::collections::HashSet::new();
    for _ in 0..12 {
        let r = say_hi(addr, token.token.expose(), "pair").await;
        assert_eq!(r.status(), 200);
        served.insert(
            r.headers()["x-switchyard-backend"]
                .to_str()
                .unwrap()
                .to_string(),
        );
    }
    assert!(served.contains("Alpha"), "{served:?}");
    let run_ = switchyard_readiness::Readiness::new(&h.app)
        .run()
        .await
        .unwrap();
    assert_eq!(
        run_.card.verdict,
        switchyard_domain::readiness::Verdict::Ready,
        "{:#?}",
        run_.card
    );

    // Wrong input: refused with the reason, nothing changed.
    let bad = run_line(&h.app, "route add broken --candidate Nobody=m", "").await;
    assert_eq!(bad.code, 1);
    assert!(
        bad.err.contains("There is no backend “Nobody”"),
        "{}",
        bad.err
    );
    let usage = run(&h.app, &["key", "add", "Alpha", KEY_A], "").await;
    assert_eq!(usage.code, 2);
    assert!(
        !usage.err.contains(KEY_A),
        "the refusal does not echo the key"
    );
    let none = run_line(&h.app, "key add Alpha --label empty", "").await;
    assert_eq!(none.code, 1);
    assert!(none.err.contains("No key on stdin"), "{}", none.err);
    assert_eq!(
        run_line(&h.app, "route list --json", "")
            .await
            .out
            .matches("\"name\"")
            .count(),
        1
    );

    // Disable, remove.
    assert_eq!(run_line(&h.app, "backend disable Beta", "").await.code, 0);
    assert_eq!(run_line(&h.app, "key remove Alpha main", "").await.code, 0);
    assert_eq!(run_line(&h.app, "budget remove cap", "").await.code, 0);
    assert_eq!(run_line(&h.app, "route remove pair", "").await.code, 0);
    assert_eq!(run_line(&h.app, "backend remove Beta", "").await.code, 0);
    let left = run_line(&h.app, "backend list --json", "").await;
    assert!(
        !left.out.contains("Beta") && left.out.contains("Alpha"),
        "{}",
        left.out
    );
}

#[tokio::test]
async fn edit_renames_a_backend_and_import_env_moves_keys_from_a_dotenv_file() {
    let h = start().await;
    let r = run_line(
        &h.app,
        "backend add Local --kind openai-compatible --base-url http://127.0.0.1:9/v1 --model m",
        "",
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.err);
    let e = run_line(&h.app, "backend edit Local --name Lab --model m2", "").await;
    assert_eq!(e.code, 0, "{}", e.err);
    let shown = run_line(&h.app, "backend show Lab --json", "").await;
    let v: serde_json::Value = serde_json::from_str(&shown.out).unwrap();
    assert_eq!(v["defaultModel"], "m2");
    let bad = run(
        &h.app,
        &["backend", "edit", "Lab", "--base-url", "not a url"],
        "",
    )
    .await;
    assert_eq!(bad.code, 1, "{}", bad.out);

    let key = "sk-proj-importenvtest0000000000000000000000000001";
    let dotenv = h.dir.path().join(".env");
    std::fs::write(&dotenv, format!("# keys\nOPENAI_API_KEY={key}\n")).unwrap();
    let path = dotenv.to_str().unwrap();
    let dry = run_line(&h.app, &format!("import-env --dotenv {path} --dry-run"), "").await;
    assert_eq!(dry.code, 0, "{}", dry.err);
    assert!(
        dry.out.contains("OPENAI_API_KEY")
            && dry
                .out
                .contains("would import → a new OpenAI backend at https://api.openai.com"),
        "{}",
        dry.out
    );
    assert!(!dry.out.contains(key), "masked");
    let done = run_line(&h.app, &format!("import-env --dotenv {path}"), "").await;
    assert_eq!(done.code, 0, "{}", done.err);
    assert!(done.out.contains("imported 1 key(s)"), "{}", done.out);
    let keys = run_line(&h.app, "key list --json", "").await;
    assert!(
        keys.out.contains("OpenAI") && !keys.out.contains(key),
        "{}",
        keys.out
    );
    let again = run_line(&h.app, &format!("import-env --dotenv {path}"), "").await;
    assert!(again.out.contains("already imported"), "{}", again.out);
}
