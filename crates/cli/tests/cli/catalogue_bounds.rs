//! A model list of any size is read in bounded, linear time: a keyless server (one a backend
//! added by import or sync may point at) listing 100,000 ids is read cut at the cap with a note
//! saying so, and `switchyard-serve` refreshing such a list at start-up still stops promptly on
//! SIGTERM (a merge that searched the kept ids for each new one took minutes and held shutdown).

use super::shutdown::{add_local, serve_with};
use super::*;
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use switchyard_app_testing::catalogue::add;
use switchyard_domain::catalogue::MAX_MODELS;

/// How many ids the hostile server lists: five times the cap.
const HUGE: usize = 100_000;

/// A keyless OpenAI-compatible server on 127.0.0.1 whose `GET /v1/models` lists `HUGE`
/// distinct ids (the body built once, so serving it is instant); its base URL and a count of
/// the lists it served.
async fn huge_list() -> (String, Arc<AtomicU64>) {
    let data: Vec<serde_json::Value> = (0..HUGE)
        .map(|i| serde_json::json!({ "id": format!("model-{i:06}"), "object": "model" }))
        .collect();
    let body = serde_json::json!({ "object": "list", "data": data }).to_string();
    let served = Arc::new(AtomicU64::new(0));
    let count = Arc::clone(&served);
    let app = axum::Router::new().route(
        "/v1/models",
        axum::routing::get(move || {
            count.fetch_add(1, Ordering::SeqCst);
            let body = body.clone();
            async move { ([("content-type", "application/json")], body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/v1"), served)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_of_a_hundred_thousand_ids_is_kept_cut_at_the_cap_and_says_so() {
    let h = start().await;
    let (base, _) = huge_list().await;
    let id = add(&h, BackendKind::OpenAiCompatible, "Huge", &base, None).await;
    let started = Instant::now();
    let l = h.app.catalogue().refresh(id).await.unwrap();
    let took = started.elapsed();
    assert_eq!(
        l.models.len(),
        MAX_MODELS,
        "the first ids up to the cap are kept: {:?} {:?}",
        l.error,
        l.fetched_at_ms
    );
    assert_eq!(l.models[0].id, "model-000000", "in the server's order");
    assert!(l.fetched_at_ms.is_some(), "a cut list is still a list read");
    let note = l.error.unwrap_or_default();
    assert!(
        note.contains(&format!("more than {MAX_MODELS} models")),
        "the user is told the list was cut: {note:?}"
    );
    // Linear work on 100,000 ids is well under a second even unoptimised; the quadratic merge
    // took minutes in a debug build. The bound is generous for a busy machine.
    assert!(took < Duration::from_secs(30), "the refresh took {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_stops_on_sigterm_while_refreshing_a_huge_list_at_start_up() {
    let (base, served) = huge_list().await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    add_local(
        |args| super::shutdown::sy_in(&data, "switchyard-test-catalogue", args),
        &base,
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = serve_with(&data, "switchyard-test-catalogue", port, &[]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while served.load(Ordering::SeqCst) == 0 {
        assert!(
            Instant::now() < deadline,
            "serve did not read the model list at start-up"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Long enough for the list to arrive and its merge to start.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let sent = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let stopped = Instant::now();
    let code = tokio::task::spawn_blocking(move || loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status.code());
        }
        if stopped.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    })
    .await
    .unwrap();
    assert_eq!(
        code,
        Some(Some(0)),
        "SIGTERM ends serve cleanly within 20 s while a huge model list is refreshed (took {:?})",
        stopped.elapsed()
    );
}
