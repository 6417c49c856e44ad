//! Issue 40: `/metrics` names backends, routes and tools and shows the spend, so it asks for a
//! token, from this machine too. A scrape token reads `/metrics` and nothing else; revoked, it
//! reads nothing. Opening `/metrics` to this machine is the user's explicit opt-out (a config
//! file can set it only with `--approve-hosts`). What clients send ends up in labels: a model
//! name cannot forge a series.

use crate::harness::{client, Serve};
use std::time::{Duration, Instant};

fn scrape(s: &Serve, token: Option<&str>) -> (u16, String) {
    let mut req = client().get(s.url("/metrics"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().unwrap();
    (resp.status().as_u16(), resp.text().unwrap())
}

fn chat(s: &Serve, token: &str, model: &str) -> u16 {
    client()
        .post(s.url("/v1/chat/completions"))
        .bearer_auth(token)
        .json(&serde_json::json!({"model": model, "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .unwrap()
        .status()
        .as_u16()
}

#[test]
fn metrics_need_a_token_from_this_machine_and_a_scrape_token_opens_nothing_else() {
    let s = Serve::start();
    let (status, body) = scrape(&s, None);
    assert_eq!(
        status, 401,
        "any local program or user could read backend names and spend: {body}"
    );
    assert!(!body.contains("switchyard_"), "no metric in a refusal");

    let tool = s.token("a-tool");
    assert_eq!(chat(&s, &tool, "demo-chat"), 200);
    assert_eq!(scrape(&s, Some(&tool)).0, 200, "a tool's token reads it");

    let scraper = s
        .cli(&["token", "create", "prometheus", "--metrics-only"])
        .trim()
        .to_string();
    // Made by another process: the gateway knows it within a second.
    let deadline = Instant::now() + Duration::from_secs(5);
    let (status, body) = loop {
        let got = scrape(&s, Some(&scraper));
        if got.0 == 200 || Instant::now() > deadline {
            break got;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status, 200, "the scrape token reads /metrics");
    assert!(body.contains("switchyard_requests_total"), "{body}");
    assert_eq!(
        chat(&s, &scraper, "demo-chat"),
        403,
        "a scrape token in a Prometheus config must not be able to spend"
    );
    let models = client()
        .get(s.url("/v1/models"))
        .bearer_auth(&scraper)
        .send()
        .unwrap();
    assert_eq!(models.status(), 403);
    assert!(
        models.text().unwrap().contains("only read /metrics"),
        "the refusal says why"
    );
    let listed = s.cli(&["token", "list"]);
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("prometheus") && l.contains("metrics only")),
        "{listed}"
    );

    s.cli(&["token", "revoke", "prometheus"]);
    let deadline = Instant::now() + Duration::from_secs(5);
    while scrape(&s, Some(&scraper)).0 != 401 {
        assert!(
            Instant::now() < deadline,
            "a revoked scrape token still reads /metrics"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_model_name_a_client_sends_cannot_forge_a_series() {
    let s = Serve::start();
    let token = s.token("injector");
    // A line break in a model is refused at intake (a control character: issue 69), so the
    // forgery reaches no series that way; quotes and braces alone are printable and must stay
    // inside their label.
    let forged = "demo-chat\"} 1\nswitchyard_forged_total 1\n# ";
    assert_eq!(
        chat(&s, &token, forged),
        400,
        "a line break in a model is refused"
    );
    let _ = chat(&s, &token, "demo-chat\"} 1 switchyard_forged_total{a=\"1");
    let deadline = Instant::now() + Duration::from_secs(5);
    let text = loop {
        let (_, text) = scrape(&s, Some(&token));
        if text.contains("injector") || Instant::now() > deadline {
            break text;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(text.contains("injector"), "the request was counted: {text}");
    assert!(
        !text.lines().any(|l| l.starts_with("switchyard_forged")),
        "a label value broke out of its quotes:\n{text}"
    );
    assert!(
        !text.contains("demo-chat\"} 1 switchyard"),
        "a quote in a label value is escaped:\n{text}"
    );
}

#[test]
fn opening_metrics_to_this_machine_is_the_users_explicit_choice() {
    let s = Serve::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("open-metrics.toml");
    std::fs::write(
        &file,
        "version = 1\n[gateway]\nmetricsOpenOnLoopback = true\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let refused = s.cli_output(&["config", "import", path]);
    let said = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{said}");
    assert!(
        said.contains("gateway metricsOpenOnLoopback: off → on")
            && said.contains("--approve-hosts"),
        "a file from someone else cannot quietly open /metrics: {said}"
    );
    s.cli(&["config", "import", path, "--approve-hosts"]);
    // Gateway settings apply at the next start.
    let s = Serve::start_in(s.stop());
    let (status, body) = scrape(&s, None);
    assert_eq!(status, 200, "the user opened it: {body}");
}
