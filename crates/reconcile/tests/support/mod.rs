//! What the providers' books' end-to-end tests share: the span they read, a request sent around
//! the gateway, the report once the ledger has caught up, a key's costs on both sides.
#![allow(dead_code, reason = "each test file uses some")]

use std::time::Duration;
use switchyard_domain::reconcile::Reconciliation;
use switchyard_mock::MockServer;
use switchyard_reconcile::{Reconcile, Span};

/// Yesterday and today (UTC).
pub fn span() -> Span {
    Span::last_days(2, time::OffsetDateTime::now_utc())
}

/// One chat request for `model` straight to the provider with `key`, as something outside
/// Switchyard would send it.
pub async fn outside(mock: &MockServer, key: &str, model: &str) {
    let r = reqwest::Client::new()
        .post(format!("{}/v1/chat/completions", mock.base_url()))
        .bearer_auth(key)
        .json(&serde_json::json!({"model": model, "messages": [{"role": "user", "content": "hello there"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

/// The first backend's report once the ledger holds `requests` gateway rows (it is written in
/// batches).
pub async fn settled(books: &Reconcile, requests: u64) -> Reconciliation {
    for _ in 0..100 {
        let r = books.report(span()).await.unwrap().remove(0);
        let seen: u64 = r.days.iter().filter_map(|d| d.ledger.requests).sum();
        if seen >= requests {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the ledger never held {requests} requests");
}

/// (ledger, provider) cost of the key labelled `label` in `r`.
pub fn costs_of(r: &Reconciliation, label: &str) -> (f64, f64) {
    r.lines
        .iter()
        .filter(|l| l.key_label.as_deref() == Some(label))
        .fold((0.0, 0.0), |(l, p), line| {
            (
                l + line.ledger.cost_usd.unwrap_or(0.0),
                p + line.provider.cost_usd.unwrap_or(0.0),
            )
        })
}
