//! Saved gateway settings: validated, and applied by the next start (port, origins).

use super::*;
use switchyard_app::{AppError, GatewaySettings};

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[tokio::test]
async fn saved_settings_apply_at_the_next_start_and_bad_ones_change_nothing() {
    let h = start().await;
    assert_eq!(
        h.app.gateway_settings().await.unwrap(),
        GatewaySettings::default()
    );
    let bad = GatewaySettings {
        allowed_origins: vec!["*".into()],
        ..GatewaySettings::default()
    };
    assert!(matches!(
        h.app.update_gateway_settings(bad).await,
        Err(AppError::Invalid(_))
    ));
    assert_eq!(
        h.app.gateway_settings().await.unwrap(),
        GatewaySettings::default()
    );

    let port = free_port();
    let wanted = GatewaySettings {
        port,
        allow_non_loopback: false,
        allowed_origins: vec!["http://localhost:5173/".into()],
    };
    let saved = h.app.update_gateway_settings(wanted).await.unwrap();
    assert_eq!(
        saved.allowed_origins,
        ["http://localhost:5173"],
        "normalised"
    );
    assert!(
        h.app.gateway_restart_needed(&saved),
        "the running gateway still has the old ones"
    );
    let dir = h.dir;
    drop(h.app);

    let keychain = Arc::new(switchyard_app::secrets::MemoryStore::new());
    let mut opts = Options::new(AppPaths::under(dir.path()), keychain);
    opts.demo = MockConfig::instant();
    opts.use_saved_gateway_settings = true;
    let app = Switchyard::start(opts).await.unwrap();
    let addr = app.gateway_addr().unwrap();
    assert_eq!(
        addr.to_string(),
        format!("127.0.0.1:{port}"),
        "the saved port"
    );
    assert!(!app.gateway_restart_needed(&saved));
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
}
