//! `WebhookNotifier` against a real HTTP server on 127.0.0.1 (axum), and URL validation.
//! The webhook path below stands in for a Slack secret: no error text may ever contain it.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Redirect;
use axum::routing::{post, MethodRouter};
use axum::{Json, Router};
use serde_json::{json, Value};
use switchyard_notify::{
    validate_webhook_url, Kind, Notification, Notifier, NotifyError, Urgency, WebhookNotifier,
};

const SECRET_PATH: &str = "/services/T0001/B0001/sEcReTtOkEn42";
const SECRET: &str = "sEcReTtOkEn42";

/// What the fake webhook saw: content type and JSON body of each POST.
type Seen = Arc<Mutex<Vec<(Option<String>, Value)>>>;

/// A fake webhook on 127.0.0.1 answering POSTs to [`SECRET_PATH`] with `hook`.
async fn serve(hook: MethodRouter) -> SocketAddr {
    let app = Router::new().route(SECRET_PATH, hook);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

/// Sends [`down`] to the webhook at `addr` with the default timeout.
async fn send_down(addr: SocketAddr) -> Result<(), NotifyError> {
    WebhookNotifier::new(&url(addr))
        .unwrap()
        .send(&down())
        .await
}

fn url(addr: SocketAddr) -> String {
    format!("http://{addr}{SECRET_PATH}?token={SECRET}")
}

fn down() -> Notification {
    Notification::new(
        Kind::AlertOpened,
        Urgency::Critical,
        "Backend Demo is down",
        "3 probes failed in a row",
    )
}

fn assert_no_secret(e: &NotifyError) {
    let text = format!("{e} {e:?}");
    assert!(
        !text.contains(SECRET) && !text.contains("T0001"),
        "webhook URLs are secrets and must not appear in errors: {text}"
    );
}

#[tokio::test]
async fn posts_slack_shaped_json_to_the_webhook() {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let addr = serve(post(
        move |headers: HeaderMap, Json(body): Json<Value>| async move {
            let ct = headers
                .get(header::CONTENT_TYPE)
                .map(|v| v.to_str().unwrap().to_owned());
            log.lock().unwrap().push((ct, body));
            "ok"
        },
    ))
    .await;

    send_down(addr).await.unwrap();

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "exactly one POST per notification");
    assert_eq!(seen[0].0.as_deref(), Some("application/json"));
    assert_eq!(
        seen[0].1,
        json!({"text": "*Backend Demo is down*\n3 probes failed in a row", "username": "Switchyard"}),
        "Slack incoming-webhook shape: bold summary, body on the next line"
    );
}

#[tokio::test]
async fn server_error_is_a_typed_status_error_without_the_secret() {
    let addr = serve(post(|| async {
        (StatusCode::INTERNAL_SERVER_ERROR, "boom")
    }))
    .await;
    let err = send_down(addr).await.unwrap_err();

    assert_eq!(
        err,
        NotifyError::WebhookStatus {
            endpoint: format!("http://{addr}/…"),
            status: 500
        }
    );
    assert!(err.to_string().contains("500"), "{err}");
    assert_no_secret(&err);
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let addr = serve(post(|| async { Redirect::temporary("/elsewhere") })).await;
    let err = send_down(addr).await.unwrap_err();
    assert!(
        matches!(err, NotifyError::WebhookStatus { status: 307, .. }),
        "the body must not travel on to another URL: {err:?}"
    );
}

#[tokio::test]
async fn slow_webhook_times_out_with_a_typed_error() {
    let addr = serve(post(|| async {
        tokio::time::sleep(Duration::from_secs(10)).await;
        "too late"
    }))
    .await;
    let notifier = WebhookNotifier::new(&url(addr))
        .unwrap()
        .with_timeout(Duration::from_millis(300));

    let started = Instant::now();
    let err = notifier.send(&down()).await.unwrap_err();

    assert_eq!(
        err,
        NotifyError::WebhookTimeout {
            endpoint: format!("http://{addr}/…"),
            timeout_ms: 300
        }
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the timeout must bound the call, took {:?}",
        started.elapsed()
    );
    assert_no_secret(&err);
}

#[test]
fn default_timeout_is_five_seconds() {
    assert_eq!(switchyard_notify::WEBHOOK_TIMEOUT, Duration::from_secs(5));
}

#[tokio::test]
async fn unreachable_webhook_is_a_typed_error_without_the_secret() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener); // nothing listens here now: connection refused

    let err = send_down(addr).await.unwrap_err();

    assert!(
        matches!(err, NotifyError::WebhookUnreachable { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains(&addr.to_string()), "{err}");
    assert_no_secret(&err);
    eprintln!("{err}");
}

#[test]
fn validation_accepts_https_anywhere_and_http_on_loopback_only() {
    for ok in [
        "https://hooks.slack.com/services/T0001/B0001/sEcReTtOkEn42",
        "https://chat.example.com:8443/hooks/abc",
        "  https://hooks.slack.com/services/x  ",
        "http://127.0.0.1:9000/hook",
        "http://127.1.2.3/hook",
        "http://localhost:9000/hook",
        "http://[::1]:9000/hook",
    ] {
        assert!(validate_webhook_url(ok).is_ok(), "{ok} must be accepted");
    }
}

#[test]
fn validation_rejects_other_urls_without_echoing_them() {
    for bad in [
        "http://hooks.slack.com/services/T0001/B0001/sEcReTtOkEn42",
        "http://localhost.sEcReTtOkEn42.example/hook",
        "http://127.0.0.1.sEcReTtOkEn42.example/hook",
        "ftp://hooks.example.com/sEcReTtOkEn42",
        "file:///tmp/sEcReTtOkEn42",
        "mailto:sEcReTtOkEn42@example.com",
        "sEcReTtOkEn42:rest",
        "hooks.slack.com/services/T0001/B0001/sEcReTtOkEn42",
        "https://",
        "",
    ] {
        let err = validate_webhook_url(bad).expect_err(bad);
        assert!(
            matches!(err, NotifyError::InvalidWebhookUrl { .. }),
            "{bad}: {err:?}"
        );
        assert_no_secret(&err);
    }
}

#[test]
fn plain_http_to_a_remote_host_says_to_use_https() {
    let err = validate_webhook_url("http://hooks.slack.com/services/x").unwrap_err();
    assert!(err.to_string().contains("https"), "{err}");
}

#[test]
fn debug_output_masks_the_url() {
    let n =
        WebhookNotifier::new("https://hooks.slack.com/services/T0001/B0001/sEcReTtOkEn42").unwrap();
    let text = format!("{n:?} {}", n.endpoint());
    assert!(!text.contains(SECRET), "{text}");
    assert_eq!(n.endpoint(), "https://hooks.slack.com/…");
}
