//! The Costs page's "By API" breakdown: requests in different APIs through the real gateway land
//! in their own rows, and the rows add up to the range's totals.

use super::*;
use switchyard_app::SplitBy;
use switchyard_app_testing::costs::{all_time, ask, priced};

#[tokio::test]
async fn the_overview_breaks_spend_down_by_the_api_each_caller_used() {
    let h = start().await;
    let (_mock, token) = priced(&h.app).await;
    for _ in 0..2 {
        assert_eq!(ask(&h.app, &token, "Priced/gpt-4o-mini").await.0, 200);
    }
    let addr = h.app.gateway_addr().unwrap();
    let responses = reqwest::Client::new()
        .post(format!("http://{addr}/v1/responses"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"model": "Priced/gpt-4o-mini", "input": "What does a switchyard do?"}))
        .send()
        .await
        .unwrap();
    assert_eq!(responses.status(), 200);
    h.app.flush_ledger();

    let o = h
        .app
        .costs()
        .overview(all_time(), SplitBy::Backend)
        .await
        .unwrap();
    let by: Vec<(&str, u64)> = o
        .by_inbound
        .iter()
        .map(|(api, t)| (api.as_str(), t.requests))
        .collect();
    let mut sorted = by.clone();
    sorted.sort();
    assert_eq!(sorted, [("openai", 2), ("responses", 1)], "{by:?}");
    let cost: f64 = o.by_inbound.iter().map(|(_, t)| t.cost_usd).sum();
    assert!(
        (cost - o.totals.cost_usd).abs() < 1e-12 && cost > 0.0,
        "the API rows add up to the total: {cost} vs {}",
        o.totals.cost_usd
    );
}
