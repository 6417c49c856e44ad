//! A loopback webhook is posted to directly even when the environment names a proxy: its URL's
//! path is the secret, and over plain http a proxy would read it. Alone in its test binary, as it
//! sets the process's proxy variables.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::routing::post;
use axum::Router;
use switchyard_notify::{Kind, Notification, Notifier, Urgency, WebhookNotifier};

const SECRET_PATH: &str = "/services/T0001/B0001/sEcReTtOkEn42";

#[tokio::test]
async fn a_loopback_webhook_never_goes_through_the_environments_proxy() {
    // The "proxy": counts the connections it is offered, answers none.
    let proxy = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_addr = proxy.local_addr().unwrap();
    let offered = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&offered);
    tokio::spawn(async move {
        while let Ok((_conn, _)) = proxy.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
        }
    });
    for var in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        std::env::set_var(var, format!("http://{proxy_addr}"));
    }
    for var in ["NO_PROXY", "no_proxy"] {
        std::env::remove_var(var);
    }

    let hits = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&hits);
    let app = Router::new().route(
        SECRET_PATH,
        post(move || async move {
            seen.fetch_add(1, Ordering::SeqCst);
            "ok"
        }),
    );
    let hook = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook_addr = hook.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(hook, app).await });

    let n = Notification::new(Kind::AlertOpened, Urgency::Critical, "Backend down", "");
    WebhookNotifier::new(&format!("http://{hook_addr}{SECRET_PATH}"))
        .unwrap()
        .send(&n)
        .await
        .unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 1, "the webhook got the post");
    assert_eq!(offered.load(Ordering::SeqCst), 0, "the proxy saw nothing");
}
