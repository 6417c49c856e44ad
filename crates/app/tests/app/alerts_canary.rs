//! Canary: a provider that quotes the key back in every answer (probes and requests, bodies and
//! headers) while refusing it. The key-invalid alert reaches its webhook and the desktop
//! notification, and neither they, the stored alerts nor any file in the data folder hold the key.

use super::*;
use axum::http::HeaderMap;
use switchyard_app_testing::monitored::{start_alerting, wait_for_notification, wait_until};

const CANARY: &str = "sk-CANARYhookC4N4RYhook000000005678";

/// An OpenAI-compatible upstream that answers everything 401, quoting the key it was sent.
async fn echoing_upstream() -> String {
    let refuse = |headers: HeaderMap| async move {
        let key = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .trim_start_matches("Bearer ")
            .to_string();
        let body = format!(
            r#"{{"error":{{"message":"Incorrect API key provided: {key}","type":"invalid_request_error"}}}}"#
        );
        (
            axum::http::StatusCode::UNAUTHORIZED,
            [
                ("x-echo-key", key),
                ("content-type", "application/json".into()),
            ],
            body,
        )
    };
    let app = axum::Router::new().fallback(refuse);
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1", l.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    url
}

/// A webhook receiver on 127.0.0.1 that keeps every body.
async fn sink() -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
    let got = Arc::new(std::sync::Mutex::new(Vec::new()));
    let g = got.clone();
    let app = axum::Router::new().fallback(move |body: String| {
        let g = g.clone();
        async move {
            g.lock().unwrap().push(body);
            "ok"
        }
    });
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", l.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    (url, got)
}

#[tokio::test]
async fn a_key_the_provider_quotes_back_reaches_no_alert_webhook_or_notification() {
    let dir = tempfile::tempdir().unwrap();
    let (app, recorder) = start_alerting(dir.path()).await;
    let (hook, got) = sink().await;
    let url = switchyard_app::secrets::SecretString::new(hook);
    app.health()
        .set_alert_webhook("keyInvalid".into(), Some(url))
        .await
        .unwrap();
    let base = echoing_upstream().await;
    app.backends()
        .create(
            draft(BackendKind::OpenAiCompatible, "Echoing", &base),
            Some(key("main", CANARY)),
        )
        .await
        .unwrap();
    let token = app.tokens().create("t".into()).await.unwrap();
    let addr = app.gateway_addr().unwrap();
    let answer = say_hi(addr, token.token.expose(), "Echoing/some-model").await;
    let headers = format!("{:?}", answer.headers());
    let shown = format!("{headers} {}", answer.text().await.unwrap());
    assert!(!shown.contains("CANARY"), "{shown}");

    wait_until("the key-invalid alert on the webhook", || {
        got.lock().unwrap().iter().any(|b| b.contains("Echoing"))
    })
    .await;
    wait_for_notification("the key-invalid notification", &recorder, "Echoing").await;
    for body in got.lock().unwrap().iter() {
        assert!(!body.contains("CANARY"), "webhook payload: {body}");
    }
    for n in recorder.sent() {
        let text = format!("{n:?}");
        assert!(!text.contains("CANARY"), "notification: {text}");
    }
    let alerts = format!("{:?}", app.health().alerts(50).await.unwrap());
    assert!(!alerts.contains("CANARY"), "alerts: {alerts}");
    app.shutdown(Duration::from_secs(5)).await;
    assert_eq!(files_containing(dir.path(), "CANARY"), Vec::<String>::new());
}
