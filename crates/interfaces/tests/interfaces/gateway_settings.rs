//! Saved gateway settings: validated, and applied by the next start (port, origins).

use super::*;
use switchyard_app::changes::Approved;
use switchyard_app::{GatewaySettings, Resilience};
use switchyard_domain::Circuit;

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// Saves `bad`, which must be refused and leave the defaults; the refusal.
async fn refused_and_unchanged(
    h: &Harness,
    bad: GatewaySettings,
    approved: &Approved,
) -> switchyard_app::AppError {
    let err = h
        .app
        .gateway_control()
        .update_settings(bad, approved)
        .await
        .unwrap_err();
    assert_eq!(
        h.app.gateway_control().settings().await.unwrap(),
        GatewaySettings::default()
    );
    err
}

#[tokio::test]
async fn saved_settings_apply_at_the_next_start_and_bad_ones_change_nothing() {
    let h = start().await;
    assert_eq!(
        h.app.gateway_control().settings().await.unwrap(),
        GatewaySettings::default()
    );
    let bad = GatewaySettings {
        allowed_origins: vec!["*".into()],
        ..GatewaySettings::default()
    };
    let err = refused_and_unchanged(&h, bad, &Approved::All).await;
    assert_eq!(
        refused_fields(&err),
        [(switchyard_domain::Field::Origins, None)]
    );

    let port = free_port();
    let wanted = GatewaySettings {
        port,
        allow_non_loopback: false,
        allowed_origins: vec!["http://localhost:5173/".into()],
        allowed_networks: Vec::new(),
        resilience: Resilience {
            breaker_failures: 1,
            retries_per_candidate: 0,
            ..Resilience::default()
        },
        metrics_open_on_loopback: true,
        serve_panel: true,
    };
    // Opening /metrics and letting a browser origin in are the user's to approve: asked with the
    // list, refused without it, and an approval of part of the list is no approval.
    let control = h.app.gateway_control();
    let effects = control.settings_effects(wanted.clone()).await.unwrap();
    assert_eq!(
        effects.to_approve(),
        [
            "gateway metricsOpenOnLoopback: off → on",
            "gateway servePanel: off → on",
            "gateway allowedOrigins: none → adds http://localhost:5173"
        ]
    );
    let err = refused_and_unchanged(&h, wanted.clone(), &Approved::Nothing).await;
    assert!(
        matches!(&err, switchyard_app::AppError::Conflict(m)
            if m.contains("metricsOpenOnLoopback: off → on") && m.contains("nothing was saved")),
        "{err}"
    );
    let part = Approved::Listed {
        hosts: vec![],
        exposure: effects.exposure[..1].to_vec(),
    };
    refused_and_unchanged(&h, wanted.clone(), &part).await;
    let shown = Approved::Listed {
        hosts: vec![],
        exposure: effects.exposure.clone(),
    };
    let saved = control.update_settings(wanted, &shown).await.unwrap();
    assert_eq!(
        saved.allowed_origins,
        ["http://localhost:5173"],
        "normalised"
    );
    assert!(
        h.app.gateway_control().restart_needed(&saved),
        "the running gateway still has the old ones"
    );
    let metrics = |addr: std::net::SocketAddr, token: Option<String>| async move {
        let mut req = reqwest::Client::new().get(format!("http://{addr}/metrics"));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap().status()
    };
    let before = h.app.gateway_addr().unwrap();
    assert_eq!(
        metrics(before, None).await,
        401,
        "a token is needed by default, even on loopback"
    );
    let dir = h.dir;
    drop(h.app);

    let keychain = Arc::new(switchyard_app::secrets::MemoryStore::new());
    let mut opts = Options::new(AppPaths::under(dir.path()), keychain);
    opts.demo = MockConfig::instant();
    opts.use_saved_gateway_settings = true;
    opts.mounted = Some(switchyard_interfaces::mount());
    let app = Switchyard::start(opts).await.unwrap();
    let addr = app.gateway_addr().unwrap();
    assert_eq!(
        addr.to_string(),
        format!("127.0.0.1:{port}"),
        "the saved port"
    );
    assert!(!app.gateway_control().restart_needed(&saved));
    let pre = reqwest::Client::new()
        .request(
            reqwest::Method::OPTIONS,
            format!("http://{addr}/v1/chat/completions"),
        )
        .header("origin", "http://localhost:5173")
        .send()
        .await
        .unwrap();
    assert_eq!(pre.status(), 204, "the saved origin is allowed");

    let token = app.tokens().create("scraper".into()).await.unwrap();
    assert_eq!(
        metrics(addr, None).await,
        200,
        "the saved opt-out lets this machine read /metrics without a token"
    );
    let with = Some(token.token.expose().to_string());
    assert_eq!(metrics(addr, with).await, 200, "a token still works");

    // The saved breaker threshold of 1: one failed request opens a dead backend's breaker.
    let dead = format!("http://127.0.0.1:{}/v1", free_port());
    let b = app
        .backends()
        .create(draft(BackendKind::OpenAiCompatible, "Dead", &dead), None)
        .await
        .unwrap();
    let r = say_hi(addr, token.token.expose(), "Dead/m").await;
    assert!(r.status().is_server_error(), "{}", r.status());
    let live = app.routes().live_health();
    let state = live.iter().find(|l| l.backend_id == b.row.id).unwrap();
    assert_eq!(
        state.state.breaker,
        Circuit::Open,
        "opened after one failure"
    );
}

#[tokio::test]
async fn resilience_out_of_range_is_refused_by_name_and_changes_nothing() {
    let h = start().await;
    let bad = GatewaySettings {
        resilience: Resilience {
            first_byte_timeout_secs: 0,
            ..Resilience::default()
        },
        ..GatewaySettings::default()
    };
    let err = refused_and_unchanged(&h, bad, &Approved::All).await;
    assert!(
        err.to_string()
            .contains("First-byte timeout must be from 1 to 600"),
        "{err}"
    );
}

#[tokio::test]
async fn request_retention_is_validated_and_pruning_keeps_recent_requests() {
    let h = start().await;
    let mut s = h.app.preferences().get().await.unwrap();
    assert_eq!(s.request_retention_days, 90, "the default");
    s.request_retention_days = 0;
    let err = h.app.preferences().update(s.clone()).await.unwrap_err();
    assert!(err.to_string().contains("1 to 3650 days"), "{err}");
    s.request_retention_days = 7;
    h.app.preferences().update(s).await.unwrap();
    assert_eq!(
        h.app
            .preferences()
            .get()
            .await
            .unwrap()
            .request_retention_days,
        7
    );

    let token = h.app.tokens().create("t".into()).await.unwrap();
    let addr = h.app.gateway_addr().unwrap();
    let r = say_hi(addr, token.token.expose(), "demo-chat").await;
    assert_eq!(r.status(), 200);
    h.app.flush_ledger();
    assert_eq!(
        h.app.preferences().prune_ledger().await.unwrap(),
        0,
        "today's request stays"
    );
    let rows = h
        .app
        .gateway_control()
        .recent_requests(Default::default())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
}

#[tokio::test]
async fn the_gateway_page_gets_a_base_url_for_every_api_family() {
    let h = start().await;
    let addr = h.app.gateway_addr().unwrap();
    let info = h.app.gateway_control().info();
    assert_eq!(info.openai_base_url, Some(format!("http://{addr}/v1")));
    assert_eq!(info.anthropic_base_url, Some(format!("http://{addr}")));
    assert_eq!(
        info.gemini_base_url, info.anthropic_base_url,
        "Gemini clients take the root, like Anthropic's (they add /v1beta/…)"
    );
}
