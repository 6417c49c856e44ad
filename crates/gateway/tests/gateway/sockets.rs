//! Responses over WebSocket with a plain client (tokio-tungstenite): `response.create` answered
//! by the HTTP stream's events on every backend format, the ledger row as over HTTP, a
//! continuation (`previous_response_id`) sent upstream with the conversation it names, the
//! warm-up answered at once, what cannot be read answered with an error event on a socket that
//! stays open, and each way a session ends with its close code. The attacker's view first: what
//! can a caller reach through the upgrade?

use super::shapes_support::all_formats;
use super::*;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens `ws://…/v1/responses` with `headers`; the socket, or the refused upgrade's status.
async fn open_with(h: &Harness, headers: &[(&str, &str)]) -> Result<Socket, u16> {
    let url = format!("{}/v1/responses", h.base.replace("http://", "ws://"));
    let mut req = url.into_client_request().unwrap();
    for (name, value) in headers {
        req.headers_mut().insert(
            axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    match tokio_tungstenite::connect_async(req).await {
        Ok((socket, _)) => Ok(socket),
        Err(WsError::Http(resp)) => Err(resp.status().as_u16()),
        Err(e) => panic!("connect: {e}"),
    }
}

async fn open(h: &Harness) -> Socket {
    let bearer = format!("Bearer {TOKEN}");
    open_with(h, &[("authorization", &bearer)]).await.unwrap()
}

async fn send(ws: &mut Socket, v: Value) {
    ws.send(Message::Text(v.to_string().into())).await.unwrap();
}

/// The events up to and including the one ending the turn (`response.completed` or `error`).
async fn turn(ws: &mut Socket) -> Vec<Value> {
    let mut events = Vec::new();
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("an event within 10 s")
            .expect("the socket stays open")
            .unwrap();
        let Message::Text(text) = msg else { continue };
        let event: Value = serde_json::from_str(&text).unwrap();
        let end = matches!(event["type"].as_str(), Some("response.completed" | "error"));
        events.push(event);
        if end {
            return events;
        }
    }
}

/// The close frame's code the socket ends with.
async fn closed_with(ws: &mut Socket) -> u16 {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
            Ok(Some(Ok(Message::Close(Some(frame))))) => return u16::from(frame.code),
            Ok(Some(Ok(_))) => continue,
            other => panic!("no close frame: {other:?}"),
        }
    }
}

fn create(model: &str, input: Value) -> Value {
    json!({"type": "response.create", "model": model, "input": input, "store": false})
}

#[tokio::test]
async fn the_upgrade_opens_to_no_one_the_http_path_would_refuse() {
    let (_mock, h) = start_demo().await;
    assert_eq!(open_with(&h, &[]).await.err(), Some(401), "no token");
    assert_eq!(
        open_with(&h, &[("authorization", "Bearer sy-not-a-token")])
            .await
            .err(),
        Some(401)
    );
    let bearer = format!("Bearer {TOKEN}");
    let page = [
        ("authorization", bearer.as_str()),
        ("origin", "https://evil.example"),
    ];
    assert_eq!(open_with(&h, &page).await.err(), Some(403), "a web page");
    // A token in the query string (Gemini's form) is taken out of the URI: not a session's.
    let url = format!(
        "{}/v1/responses?key={TOKEN}",
        h.base.replace("http://", "ws://")
    );
    match tokio_tungstenite::connect_async(url).await {
        Err(WsError::Http(resp)) => assert_eq!(resp.status().as_u16(), 401),
        other => panic!("a query token opened a session: {:?}", other.map(|_| ())),
    }
    // A plain GET is told where the socket is, in the Responses error shape.
    let plain = client()
        .get(format!("{}/v1/responses", h.base))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 404);
    let body: Value = plain.json().await.unwrap();
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("WebSocket"));
}

#[tokio::test]
async fn each_backend_format_answers_over_one_socket_as_over_http() {
    let (_mock, h) = all_formats().await;
    let mut ws = open(&h).await;
    let models = [
        "demo-chat",
        "gpt-4.1",
        "claude-sonnet-4-5",
        "gemini-2.5-flash",
    ];
    for model in models {
        send(&mut ws, create(model, json!("Say hello"))).await;
        let events = turn(&mut ws).await;
        let kinds: Vec<&str> = events.iter().filter_map(|e| e["type"].as_str()).collect();
        assert_eq!(
            kinds.first(),
            Some(&"response.created"),
            "{model}: {kinds:?}"
        );
        assert_eq!(
            kinds.last(),
            Some(&"response.completed"),
            "{model}: {kinds:?}"
        );
        assert!(
            kinds.contains(&"response.output_text.delta"),
            "{model}: {kinds:?}"
        );
    }
    let rows = h.ledger.wait_for(models.len()).await;
    let backends: Vec<Option<&str>> = rows.iter().map(|r| r.backend.as_deref()).collect();
    assert_eq!(
        backends,
        [Some("Demo"), Some("OpenAI"), Some("Claude"), Some("Gemini")]
    );
    assert!(rows
        .iter()
        .all(|r| r.status == 200 && r.inbound == "responses" && r.output_tokens > 0));
    assert!(rows
        .iter()
        .all(|r| r.token_name.as_deref() == Some("tests")));
}

#[tokio::test]
async fn a_continuation_reaches_any_backend_with_the_conversation_it_names() {
    let (_mock, h) = all_formats().await;
    let mut ws = open(&h).await;
    // The warm-up: answered at once, nothing asked upstream, nothing recorded.
    let warm = json!({"type": "response.create", "model": "claude-sonnet-4-5", "generate": false,
        "input": [{"type": "message", "role": "developer", "content": [{"type": "input_text", "text": "Be brief."}]}]});
    send(&mut ws, warm).await;
    let events = turn(&mut ws).await;
    let warm_id = events[1]["response"]["id"].as_str().unwrap().to_string();
    assert_eq!(events[1]["type"], "response.completed");
    let first = json!([{"type": "message", "role": "user", "content": [{"type": "input_text",
        "text": "The first question, of some length, so that the counts tell the turns apart."}]}]);
    let mut ask = create("claude-sonnet-4-5", first);
    ask["previous_response_id"] = json!(warm_id);
    send(&mut ws, ask).await;
    let answered = turn(&mut ws).await;
    let id = answered.last().unwrap()["response"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let next = json!([{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "And?"}]}]);
    let mut follow = create("claude-sonnet-4-5", next.clone());
    follow["previous_response_id"] = json!(id);
    send(&mut ws, follow).await;
    assert_eq!(
        turn(&mut ws).await.last().unwrap()["type"],
        "response.completed"
    );
    // The same new item alone, for comparison.
    send(&mut ws, create("claude-sonnet-4-5", next)).await;
    turn(&mut ws).await;
    let rows = h.ledger.wait_for(3).await;
    assert_eq!(rows.len(), 3, "the warm-up is not recorded: {rows:?}");
    assert!(
        rows[1].input_tokens > rows[2].input_tokens + 10,
        "the continuation carried the conversation: {} vs {} input tokens",
        rows[1].input_tokens,
        rows[2].input_tokens
    );
}

#[tokio::test]
async fn what_cannot_be_answered_is_an_error_event_and_the_socket_stays_open() {
    let (_mock, h) = start_demo().await;
    let mut ws = open(&h).await;
    let mut unknown = create("demo-chat", json!("hi"));
    unknown["previous_response_id"] = json!("resp_from_elsewhere");
    send(&mut ws, unknown).await;
    let e = turn(&mut ws).await.pop().unwrap();
    assert_eq!(
        (e["status"].as_u64(), e["error"]["code"].as_str()),
        (Some(400), Some("previous_response_not_found"))
    );
    for bad in [
        json!([1]),
        json!({"type": "response.cancel"}),
        json!({"type": "response.create", "input": 3}),
    ] {
        send(&mut ws, bad.clone()).await;
        assert_eq!(turn(&mut ws).await.pop().unwrap()["status"], 400, "{bad}");
    }
    ws.send(Message::Binary(vec![1, 2, 3].into()))
        .await
        .unwrap();
    assert_eq!(turn(&mut ws).await.pop().unwrap()["status"], 400);
    send(&mut ws, create("no-such-model", json!("hi"))).await;
    let e = turn(&mut ws).await.pop().unwrap();
    assert_eq!(e["status"], 404, "as the HTTP path answers: {e}");
    send(&mut ws, create("demo-chat", json!("hi"))).await;
    assert_eq!(
        turn(&mut ws).await.last().unwrap()["type"],
        "response.completed"
    );
}

#[tokio::test]
async fn a_message_over_the_body_limit_ends_the_session() {
    let config = GatewayConfig {
        body_limit: 4096,
        ..GatewayConfig::default()
    };
    let (_mock, h) = start_demo_with(config).await;
    let mut ws = open(&h).await;
    send(&mut ws, create("demo-chat", json!("x".repeat(8192)))).await;
    let end = tokio::time::timeout(Duration::from_secs(10), ws.next())
        .await
        .unwrap();
    assert!(
        matches!(end, None | Some(Err(_)) | Some(Ok(Message::Close(_)))),
        "{end:?}"
    );
    // The gateway is still up.
    let mut again = open(&h).await;
    send(&mut again, create("demo-chat", json!("hi"))).await;
    assert_eq!(
        turn(&mut again).await.last().unwrap()["type"],
        "response.completed"
    );
}

#[tokio::test]
async fn sessions_close_idle_at_their_cap_and_when_the_gateway_stops() {
    let config = GatewayConfig {
        connections: switchyard_gateway::ConnectionLimits {
            sockets: 1,
            socket_idle: Duration::from_millis(600),
            ..Default::default()
        },
        ..GatewayConfig::default()
    };
    let (_mock, h) = start_demo_with(config).await;
    let mut first = open(&h).await;
    let bearer = format!("Bearer {TOKEN}");
    let second = open_with(&h, &[("authorization", &bearer)]).await;
    assert_eq!(second.err(), Some(426), "at the cap: use HTTP");
    assert_eq!(closed_with(&mut first).await, 1000, "idle");
    drop(first);
    // Its place is free once the session has ended.
    let mut third = None;
    for _ in 0..50 {
        if let Ok(ws) = open_with(&h, &[("authorization", &bearer)]).await {
            third = Some(ws);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut third = third.expect("a session after the idle one closed");
    send(&mut third, create("demo-chat", json!("hi"))).await;
    turn(&mut third).await;
    let stopping = h.gateway.shutdown(Duration::from_secs(5));
    let (finished, code) = tokio::join!(stopping, closed_with(&mut third));
    assert_eq!(code, 1001, "the gateway stopping");
    assert!(finished);
}

#[tokio::test]
async fn a_revoked_token_closes_its_open_session() {
    let (_mock, h) = start_demo().await;
    let bearer = format!("Bearer {REVOCABLE_TOKEN}");
    let mut ws = open_with(&h, &[("authorization", &bearer)]).await.unwrap();
    send(&mut ws, create("demo-chat", json!("hi"))).await;
    assert_eq!(
        turn(&mut ws).await.last().unwrap()["type"],
        "response.completed"
    );
    REVOKED.store(true, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(
        closed_with(&mut ws).await,
        1008,
        "closed while idle, within seconds"
    );
    assert_eq!(
        open_with(&h, &[("authorization", &bearer)]).await.err(),
        Some(401)
    );
}

#[tokio::test]
async fn a_backend_failure_is_an_error_event_then_a_close_the_agent_retries_on() {
    let (mock, h) = start_demo().await;
    mock.set_steady_fault(Some(switchyard_mock::Fault::Status(500)));
    let mut ws = open(&h).await;
    send(&mut ws, create("demo-chat", json!("hi"))).await;
    let e = turn(&mut ws).await.pop().unwrap();
    assert_eq!(e["type"], "error");
    assert!(e["status"].as_u64().is_some_and(|s| s >= 500), "{e}");
    assert_eq!(closed_with(&mut ws).await, 1011);
    // A stream cut before its end: what came is passed on, then the same close.
    mock.set_steady_fault(Some(switchyard_mock::Fault::CutAfterChunks(2)));
    let mut ws = open(&h).await;
    send(&mut ws, create("demo-chat", json!("hi"))).await;
    assert_eq!(closed_with(&mut ws).await, 1011);
    let rows = h.ledger.wait_for(2).await;
    assert!(
        rows.iter()
            .all(|r| r.status != 200 || r.error_class.is_some()),
        "{rows:?}"
    );
}

#[tokio::test]
async fn a_paused_gateway_answers_an_open_socket_as_it_answers_http() {
    let (_mock, h) = start_demo().await;
    let mut ws = open(&h).await;
    h.gateway.set_paused(true);
    send(&mut ws, create("demo-chat", json!("hi"))).await;
    let e = turn(&mut ws).await.pop().unwrap();
    assert_eq!(e["status"], 503, "{e}");
    h.gateway.set_paused(false);
    send(&mut ws, create("demo-chat", json!("hi"))).await;
    assert_eq!(
        turn(&mut ws).await.last().unwrap()["type"],
        "response.completed"
    );
    assert_eq!(
        h.ledger.wait_for(1).await.len(),
        1,
        "nothing reached a backend while paused"
    );
}
