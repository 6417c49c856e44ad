//! Bad input: each refused with a clear 4xx in the caller's format, and the gateway keeps serving.

use super::*;

const CHAT: &str = "/v1/chat/completions";

async fn openai_error(resp: reqwest::Response) -> (u16, String) {
    let status = resp.status().as_u16();
    let v: serde_json::Value = resp.json().await.unwrap();
    (
        status,
        v["error"]["message"]
            .as_str()
            .expect("OpenAI-shaped error")
            .to_string(),
    )
}

#[tokio::test]
async fn tokens_are_required_valid_and_never_echoed() {
    let (_m, h) = start_demo().await;
    let body = openai_chat("demo-chat", false);
    let chat = |token| h.post_as(CHAT, token, &[], &body);
    let (s, msg) = openai_error(chat(None).await).await;
    assert_eq!(s, 401);
    assert!(
        msg.contains("Missing, invalid or revoked Switchyard token"),
        "{msg}"
    );
    let (s, msg) = openai_error(chat(Some("sy-wrong-CANARY")).await).await;
    assert_eq!(s, 401);
    assert!(!msg.contains("CANARY"), "the presented token is not echoed");
    let anthropic = h
        .post_as(
            "/v1/messages",
            None,
            &[],
            &anthropic_msg("demo-chat", false),
        )
        .await;
    assert_eq!(anthropic.status(), 401);
    let v: serde_json::Value = anthropic.json().await.unwrap();
    assert_eq!(
        v["type"], "error",
        "Anthropic callers get Anthropic-shaped errors"
    );
}

#[tokio::test]
async fn foreign_hosts_and_browser_origins_are_refused() {
    let (_m, h) = start_demo().await;
    let body = openai_chat("demo-chat", false);
    let chat = |header| h.post_as(CHAT, Some(TOKEN), header, &body);
    let rebinding = chat(&[("host", "evil.example.com")]).await;
    assert_eq!(
        rebinding.status(),
        403,
        "a foreign Host is refused (DNS rebinding)"
    );
    let browser = chat(&[("origin", "https://evil.example.com")]).await;
    assert_eq!(
        browser.status(),
        403,
        "a browser Origin is refused unless allowed"
    );
}

#[tokio::test]
async fn malformed_bodies_are_clear_4xx_and_the_gateway_keeps_serving() {
    let (_m, h) = start_demo().await;
    let url = format!("{}/v1/chat/completions", h.base);
    let send = |body: Vec<u8>, ct: &'static str| {
        client()
            .post(&url)
            .bearer_auth(TOKEN)
            .header("content-type", ct)
            .body(body)
            .send()
    };
    let (s, msg) = openai_error(
        send(b"{\"model\": ".to_vec(), "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 400);
    assert!(msg.contains("not valid JSON"), "{msg}");
    let (s, _) = openai_error(
        send(vec![0xff, 0xfe, 0x7b], "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 400, "invalid UTF-8");
    let (s, _) = openai_error(send(b"[1,2]".to_vec(), "application/json").await.unwrap()).await;
    assert_eq!(s, 400, "not an object");
    let (s, msg) = openai_error(send(b"{}".to_vec(), "text/plain").await.unwrap()).await;
    assert_eq!(s, 415, "{msg}");
    let (s, msg) = openai_error(
        send(b"{\"messages\": []}".to_vec(), "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 400);
    assert!(msg.contains("`model` is required"));
    let (s, msg) = openai_error(h.post(CHAT, &openai_chat("no-such-model", false)).await).await;
    assert_eq!(s, 404);
    assert!(msg.contains("Unknown model or route"), "{msg}");
    let rec = h.ledger.wait_for(1).await.remove(0);
    assert_eq!(
        (rec.status, rec.error_class, rec.requested_model.as_str()),
        (
            404,
            Some(switchyard_domain::ErrorClass::UnknownModel),
            "no-such-model"
        ),
        "a model nothing serves is on the Requests page, by its class"
    );
    let ok = h.post(CHAT, &openai_chat("demo-chat", false)).await;
    assert_eq!(ok.status(), 200, "still serving after bad input");
}

#[tokio::test]
async fn bodies_over_the_limit_are_413() {
    let config = GatewayConfig {
        body_limit: 1024,
        ..GatewayConfig::default()
    };
    let (_mock, h) = start_demo_with(config).await;
    let mut req = openai_chat("demo-chat", false);
    req["messages"][1]["content"] = serde_json::json!("x".repeat(4096));
    let (s, msg) = openai_error(h.post("/v1/chat/completions", &req).await).await;
    assert_eq!(s, 413, "{msg}");
}

#[tokio::test]
async fn an_allowed_browser_origin_gets_cors_answers_including_the_preflight() {
    let config = GatewayConfig {
        allowed_origins: vec!["http://localhost:5173".into()],
        ..GatewayConfig::default()
    };
    let (_mock, h) = start_demo_with(config).await;
    let url = format!("{}/v1/chat/completions", h.base);
    let pre = client()
        .request(reqwest::Method::OPTIONS, &url)
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(pre.status(), 204, "the preflight needs no token");
    assert_eq!(
        pre.headers()["access-control-allow-origin"],
        "http://localhost:5173"
    );
    let resp = client()
        .post(&url)
        .header("origin", "http://localhost:5173")
        .bearer_auth(TOKEN)
        .json(&openai_chat("demo-chat", false))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["access-control-allow-origin"],
        "http://localhost:5173"
    );
    let other = client()
        .request(reqwest::Method::OPTIONS, &url)
        .header("origin", "http://localhost:9999")
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 403, "other origins stay refused");
}

#[tokio::test]
async fn a_paused_gateway_answers_503_until_resumed() {
    let (_mock, h) = start_demo().await;
    let ask = || async {
        h.post("/v1/chat/completions", &openai_chat("demo-chat", false))
            .await
    };
    h.gateway.set_paused(true);
    let r = ask().await;
    assert_eq!(r.status(), 503);
    assert!(r.text().await.unwrap().contains("paused"));
    h.gateway.set_paused(false);
    assert_eq!(ask().await.status(), 200);
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_answered_408() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let config = GatewayConfig {
        connections: switchyard_gateway::ConnectionLimits {
            body_read: std::time::Duration::from_millis(300),
            ..Default::default()
        },
        ..GatewayConfig::default()
    };
    let (_mock, h) = start_demo_with(config).await;
    let host = h.base.trim_start_matches("http://").to_string();
    let mut tcp = tokio::net::TcpStream::connect(&host).await.unwrap();
    let head = format!(
        "POST /v1/chat/completions HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {TOKEN}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{{\"model\":"
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 512];
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), tcp.read(&mut answer))
        .await
        .expect("answered before the client gave up");
    let answer = String::from_utf8_lossy(&answer[..read.unwrap()]).into_owned();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}
