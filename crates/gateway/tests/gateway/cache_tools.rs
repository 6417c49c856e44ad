//! Sharing cached answers between tools: on (the default) a second tool's identical request is
//! a hit; off, the token is part of the key, so each tool only ever sees its own answers.

use super::cache::{ask, setup};
use super::*;
use switchyard_gateway::RouteCache;
use switchyard_mock::MockConfig;

async fn label_as(h: &Harness, token: &str, body: &serde_json::Value) -> String {
    let resp = client()
        .post(format!("{}/v1/chat/completions", h.base))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.headers()
        .get("x-switchyard-cache")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn with_sharing_off_one_tool_never_gets_another_tools_answer() {
    let (mock, h, _) = setup(MockConfig::instant(), RouteCache::default()).await;
    let body = ask("cached", false, Some(0.0));
    assert_eq!(label_as(&h, TOKEN, &body).await, "miss");
    assert_eq!(
        label_as(&h, OTHER_TOKEN, &body).await,
        "hit",
        "shared by default: the other tool gets the first tool's answer"
    );
    h.gateway.set_cache_shared(false);
    assert_eq!(
        label_as(&h, OTHER_TOKEN, &body).await,
        "miss",
        "not shared: the other tool's request goes upstream"
    );
    assert_eq!(
        label_as(&h, OTHER_TOKEN, &body).await,
        "hit",
        "its own answer"
    );
    assert_eq!(
        label_as(&h, TOKEN, &body).await,
        "miss",
        "and not the first tool's"
    );
    assert_eq!(mock.calls("chat"), 3);
    h.gateway.set_cache_shared(true);
    assert_eq!(
        label_as(&h, OTHER_TOKEN, &body).await,
        "hit",
        "shared again"
    );
}
