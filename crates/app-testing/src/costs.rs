//! Traffic with a price, for the tests of costs, budgets, the cache and price files: a priced
//! backend with a token, one chat request, a range that holds everything.

use crate::{add_on_mock, key};
use switchyard_app::{CostRange, Switchyard};
use switchyard_domain::BackendKind;
use switchyard_mock::{MockConfig, MockServer};

/// A priced backend (OpenAI kind over the mock) plus a gateway token.
pub async fn priced(app: &Switchyard) -> (MockServer, String) {
    let mock = MockServer::start(MockConfig::instant()).await.unwrap();
    add_on_mock(
        app,
        BackendKind::OpenAi,
        "Priced",
        &mock,
        Some(key("main", "sk-coststest-00000000000000000000")),
    )
    .await;
    let token = app.tokens().create("tool".into()).await.unwrap();
    (mock, token.token.expose().to_string())
}

/// Sends one chat request; returns the status and the body.
pub async fn ask(app: &Switchyard, token: &str, model: &str) -> (u16, serde_json::Value) {
    let addr = app.gateway_addr().unwrap();
    let r = reqwest::Client::new()
        .post(format!("http://{addr}/v1/chat/completions"))
        .bearer_auth(token)
        .json(&serde_json::json!({
            "model": model,
            "messages": [{"role": "user", "content": "What does a switchyard do?"}]
        }))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

/// From three days ago to an hour from now: every request a test made.
pub fn all_time() -> CostRange {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    CostRange {
        since_ms: now - 3 * 86_400_000,
        until_ms: now + 3_600_000,
        offset_minutes: 0,
    }
}
