//! The gate at send time (issue 53): a key goes only to an origin the user approved for it,
//! checked against the address of each attempt, whatever the routing table says.

use super::*;

#[tokio::test]
async fn a_key_approved_for_another_origin_is_never_sent() {
    let mock = switchyard_mock::MockServer::start(switchyard_mock::MockConfig::instant())
        .await
        .unwrap();
    let mut t = target(
        "Moved",
        BackendKind::OpenAi,
        &format!("{}/v1", mock.base_url()),
        &[("k1", "default")],
    );
    // The table carries the key, but approved only for the host it was added at.
    t.keys[0].approved = vec!["https://api.openai.com".into()];
    let h = start(vec![t], &[("k1", "sk-CANARY-egress-send-time")]).await;
    let resp = h
        .post("/v1/chat/completions", &openai_chat("gpt-4.1-mini", false))
        .await;
    assert_eq!(resp.status(), 503, "no approved key, no request");
    let body = resp.text().await.unwrap();
    assert!(body.contains("not approved for"), "{body}");
    assert!(!body.contains("CANARY"), "{body}");
    assert_eq!(mock.total_calls(), 0, "nothing reached the unapproved host");

    // The same key approved for the mock's origin goes out.
    let mut t = target(
        "Approved",
        BackendKind::OpenAi,
        &format!("{}/v1", mock.base_url()),
        &[("k1", "default")],
    );
    t.keys[0].approved = switchyard_domain::origin_of(&mock.base_url())
        .into_iter()
        .collect();
    let h = start(vec![t], &[("k1", "sk-CANARY-egress-send-time")]).await;
    let resp = h
        .post("/v1/chat/completions", &openai_chat("gpt-4.1-mini", false))
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(mock.total_calls(), 1);
}
