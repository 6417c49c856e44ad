//! Where the gateway is served: on threads of its own (the default, one per core) or on the
//! runtime that started it (`workers = 0`); every thread answers, new connections go to the
//! thread serving the fewest, and shutdown waits for open requests up to the grace period, then
//! cuts them and frees the port.

use super::*;
use std::time::Duration;
use switchyard_mock::{Latency, MockConfig, MockServer};

async fn served_by(workers: usize, latency: Latency) -> (MockServer, Harness) {
    let mock = MockServer::start(MockConfig {
        latency,
        ..MockConfig::instant()
    })
    .await
    .unwrap();
    let base = format!("{}/v1", mock.base_url());
    let table = RoutingTable {
        targets: vec![target("Demo", BackendKind::Demo, &base, &[])],
        routes: vec![],
    };
    let config = GatewayConfig {
        workers,
        ..GatewayConfig::default()
    };
    (mock, start_with(table, &[], config).await)
}

async fn ask(client: &reqwest::Client, h: &Harness) -> reqwest::Result<reqwest::Response> {
    client
        .post(format!("{}/v1/chat/completions", h.base))
        .bearer_auth(TOKEN)
        .json(&openai_chat("demo-chat", false))
        .send()
        .await
}

#[tokio::test]
async fn with_no_threads_of_its_own_the_gateway_serves_on_the_callers_runtime() {
    let (mock, h) = served_by(0, Latency::ZERO).await;
    let resp = ask(&client(), &h).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(h.ledger.wait_for(1).await[0].status, 200);
    assert_eq!(mock.calls("chat"), 1);
    assert!(h.gateway.shutdown(Duration::from_secs(5)).await);
}

#[tokio::test]
async fn many_connections_over_several_threads_are_all_answered_and_recorded() {
    let (mock, h) = served_by(3, Latency::ZERO).await;
    // One client per connection, so the kernel hands them to the threads' accept loops.
    let asks = (0..24).map(|_| {
        let h = &h;
        async move {
            let c = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .unwrap();
            let mut statuses = Vec::new();
            for _ in 0..5 {
                statuses.push(ask(&c, h).await.unwrap().status().as_u16());
            }
            statuses
        }
    });
    let statuses: Vec<u16> = futures_util::future::join_all(asks)
        .await
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(statuses.len(), 120);
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(h.ledger.wait_for(120).await.len(), 120);
    assert_eq!(mock.calls("chat"), 120);
}

#[tokio::test]
async fn a_burst_of_connections_is_spread_evenly_over_the_threads_and_counted_down_when_closed() {
    let (_mock, h) = served_by(2, Latency::ZERO).await;
    assert_eq!(h.gateway.connections(), vec![0, 0]);
    // Eight clients connect at once and keep their connection open after one request each.
    let clients: Vec<reqwest::Client> = (0..8)
        .map(|_| {
            reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .unwrap()
        })
        .collect();
    let statuses = futures_util::future::join_all(clients.iter().map(|c| ask(c, &h))).await;
    assert!(statuses.iter().all(|r| r.as_ref().unwrap().status() == 200));
    assert_eq!(
        h.gateway.connections(),
        vec![4, 4],
        "each new connection goes to the thread serving the fewest"
    );
    drop(statuses);
    drop(clients);
    let mut open = h.gateway.connections();
    for _ in 0..200 {
        if open == [0, 0] {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
        open = h.gateway.connections();
    }
    assert_eq!(open, vec![0, 0], "closed connections are no longer counted");
    // On the caller's runtime connections are not counted per thread.
    let (_mock, on_caller) = served_by(0, Latency::ZERO).await;
    assert!(on_caller.gateway.connections().is_empty());
}

#[tokio::test]
async fn shutdown_waits_for_an_open_request_then_cuts_it_and_frees_the_port() {
    let slow = Latency {
        first_byte: Duration::from_secs(30),
        per_token: Duration::ZERO,
    };
    let (_mock, h) = served_by(2, slow).await;
    let addr = h.gateway.addr();
    let c = client();
    let open = tokio::spawn({
        let (c, url) = (c.clone(), format!("{}/v1/chat/completions", h.base));
        async move {
            c.post(url)
                .bearer_auth(TOKEN)
                .json(&openai_chat("demo-chat", false))
                .send()
                .await
        }
    });
    // The request is in flight once the gateway counts it.
    for _ in 0..200 {
        if h.gateway.handle().in_flight() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        h.gateway.handle().in_flight(),
        1,
        "the slow request is open"
    );
    let started = std::time::Instant::now();
    let finished = h.gateway.shutdown(Duration::from_millis(300)).await;
    assert!(
        !finished,
        "the open request did not finish within the grace period"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    let cut = open.await.unwrap();
    assert!(cut.is_err(), "the open request was cut: {cut:?}");
    // The listening socket is closed: the port can be bound again.
    let mut rebound = None;
    for _ in 0..100 {
        match std::net::TcpListener::bind(addr) {
            Ok(l) => {
                rebound = Some(l);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    assert!(rebound.is_some(), "{addr} is free after shutdown");
    assert!(
        h.gateway.shutdown(Duration::from_secs(1)).await,
        "a second call returns at once"
    );
}
