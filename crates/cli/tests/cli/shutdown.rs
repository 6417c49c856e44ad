//! A clean stop loses nothing: the real `switchyard-serve` process under load, stopped by
//! SIGTERM mid-traffic, has a ledger row for every request that got an answer and exits 0; a
//! `kill -9` during sustained writes, again and again, leaves an intact database that still holds
//! every row committed before the kill.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchyard_app_testing::process::free_port;
use switchyard_mock::{Latency, MockConfig, MockServer};
use switchyard_store::Store;

const SERVICE: &str = "switchyard-test-shutdown";
/// The model `prepare`'s backend serves.
const LOCAL: &str = "Local/mock-chat";

/// `switchyard-serve args` on the data folder `data`, with the keyring service `service`.
pub(super) fn sy_in(data: &Path, service: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_switchyard-serve"))
        .args(args)
        .env("SWITCHYARD_DATA_DIR", data)
        .env("SWITCHYARD_KEYRING_SERVICE", service)
        .output()
        .unwrap()
}

fn sy(data: &Path, args: &[&str]) -> Output {
    sy_in(data, SERVICE, args)
}

/// The arguments that add the OpenAI-compatible backend "Local" (model mock-chat) at `base`.
pub(super) fn add_local_args(base: &str) -> [&str; 9] {
    [
        "backend",
        "add",
        "Local",
        "--kind",
        "openai-compatible",
        "--base-url",
        base,
        "--model",
        "mock-chat",
    ]
}

/// Adds the OpenAI-compatible backend "Local" (model mock-chat) at `base` with the CLI `sy`;
/// it must succeed.
pub(super) fn add_local(sy: impl Fn(&[&str]) -> Output, base: &str) -> Output {
    let add = sy(&add_local_args(base));
    assert_eq!(
        add.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );
    add
}

/// A data folder with an OpenAI-compatible backend on `mock` and a token; returns the token.
fn prepare(data: &Path, mock: &MockServer) -> String {
    let base = format!("{}/v1", mock.base_url());
    add_local(|args| sy(data, args), &base);
    let token = sy(data, &["token", "create", "load"]);
    assert_eq!(token.status.code(), Some(0));
    String::from_utf8(token.stdout).unwrap().trim().to_string()
}

fn serve(data: &Path, port: u16) -> Child {
    serve_with(data, SERVICE, port, &[])
}

/// `switchyard-serve serve --port port …extra` on `data`, once it listens.
pub(super) fn serve_with(data: &Path, service: &str, port: u16, extra: &[&str]) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_switchyard-serve"))
        .args(["serve", "--port", &port.to_string()])
        .args(extra)
        .env("SWITCHYARD_DATA_DIR", data)
        .env("SWITCHYARD_KEYRING_SERVICE", service)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "serve did not listen on {port}");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

/// Sends up to `total` chat requests, `parallel` at a time, until `stop` is set; counts the
/// ones answered 200 with a complete body.
async fn load(
    port: u16,
    token: String,
    total: u64,
    parallel: u64,
    answered: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    model: &'static str,
) {
    let client = reqwest::Client::new();
    let next = Arc::new(AtomicU64::new(0));
    let mut workers = Vec::new();
    for _ in 0..parallel {
        let (client, token, next, answered, stop) = (
            client.clone(),
            token.clone(),
            Arc::clone(&next),
            Arc::clone(&answered),
            Arc::clone(&stop),
        );
        workers.push(tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) && next.fetch_add(1, Ordering::SeqCst) < total {
                let sent = client
                    .post(format!("http://127.0.0.1:{port}/v1/chat/completions"))
                    .bearer_auth(&token)
                    .json(&serde_json::json!({"model": model, "messages": [{"role": "user", "content": "hi"}]}))
                    .send()
                    .await;
                let Ok(resp) = sent else { continue };
                if resp.status() == 200 && resp.bytes().await.is_ok() {
                    answered.fetch_add(1, Ordering::SeqCst);
                }
            }
        }));
    }
    for w in workers {
        let _ = w.await;
    }
}

fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
}

fn wait_exit(child: &mut Child, within: Duration) -> Option<i32> {
    let deadline = Instant::now() + within;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("serve did not exit within {within:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn ledger(data: &Path) -> Store {
    Store::open_read_only(&data.join("switchyard.sqlite")).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_traffic_records_every_answered_request_and_exits_0() {
    let mut config = MockConfig::instant();
    config.latency = Latency {
        first_byte: Duration::from_millis(20),
        per_token: Duration::ZERO,
    };
    let mock = MockServer::start(config).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let token = prepare(&data, &mock);
    let port = free_port();
    let mut child = serve(&data, port);

    let answered = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let traffic = tokio::spawn(load(
        port,
        token,
        1_000,
        32,
        Arc::clone(&answered),
        stop,
        LOCAL,
    ));
    while answered.load(Ordering::SeqCst) < 400 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    signal(&child, "-TERM");
    let stopped = Instant::now();
    let code = tokio::task::spawn_blocking(move || wait_exit(&mut child, Duration::from_secs(15)))
        .await
        .unwrap();
    traffic.await.unwrap();
    assert_eq!(code, Some(0), "a clean stop exits 0");
    assert!(
        stopped.elapsed() < Duration::from_secs(11),
        "within the 10 s grace period: {:?}",
        stopped.elapsed()
    );
    let answered = answered.load(Ordering::SeqCst);
    assert!(
        (400..1_000).contains(&answered),
        "stopped mid-traffic: {answered} answered"
    );
    let store = ledger(&data);
    assert_eq!(store.integrity_check().unwrap(), "ok");
    assert_eq!(
        store.ledger().request_count().unwrap(),
        answered,
        "one ledger row per answered request"
    );
    let wal = std::fs::metadata(data.join("switchyard.sqlite-wal")).map(|m| m.len());
    assert_eq!(wal.unwrap_or(0), 0, "the WAL was checkpointed at shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_sustained_writes_never_corrupts_or_loses_committed_rows() {
    let mock = MockServer::start(MockConfig::instant()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let token = prepare(&data, &mock);
    let mut committed_before = 0;
    for round in 0..20u64 {
        let port = free_port();
        let mut child = serve(&data, port);
        let (answered, stop) = (
            Arc::new(AtomicU64::new(0)),
            Arc::new(AtomicBool::new(false)),
        );
        let traffic = tokio::spawn(load(
            port,
            token.clone(),
            u64::MAX,
            8,
            answered,
            Arc::clone(&stop),
            LOCAL,
        ));
        // Kill at a different moment each round, while rows are being committed.
        let reader = ledger(&data);
        let target = committed_before + 50 + round * 7;
        let deadline = Instant::now() + Duration::from_secs(20);
        let seen = loop {
            let n = reader.ledger().request_count().unwrap();
            if n >= target || Instant::now() > deadline {
                break n;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        };
        assert!(seen >= target, "round {round}: rows were not being written");
        signal(&child, "-KILL");
        let _ = tokio::task::spawn_blocking(move || child.wait()).await;
        stop.store(true, Ordering::SeqCst);
        traffic.await.unwrap();
        drop(reader);
        let store = ledger(&data);
        assert_eq!(store.integrity_check().unwrap(), "ok", "round {round}");
        let after = store.ledger().request_count().unwrap();
        assert!(
            after >= seen,
            "round {round}: {seen} rows were committed before the kill, {after} after"
        );
        committed_before = after;
    }
}

/// Writes `n` ledger rows straight into the database file, spread over the last 30 days.
fn seed_ledger(db: &Path, n: u64) {
    let c = rusqlite::Connection::open(db).unwrap();
    c.execute_batch("PRAGMA synchronous = OFF").unwrap();
    let now_s = time::OffsetDateTime::now_utc().unix_timestamp();
    c.execute(
        "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?1)
         INSERT INTO requests (id, started_at, token_name, inbound, requested_model, backend,
                               model, status, attempts, latency_ms, input_tokens, output_tokens,
                               streamed)
         SELECT 'seed' || i,
                strftime('%Y-%m-%dT%H:%M:%fZ', ?2 - (i % 2592000), 'unixepoch'),
                'bench', 'openai', 'demo-chat', 'Demo', 'demo-chat', 200, 1, 12, 40, 8, 0
         FROM seq",
        rusqlite::params![n as i64, now_s - 60],
    )
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_million_row_export_while_requests_flow_loses_no_ledger_row() {
    let rows: u64 = std::env::var("SWITCHYARD_TEST_EXPORT_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let h = super::start().await;
    let db = h.dir.path().join("switchyard.sqlite");
    let seeded = Instant::now();
    seed_ledger(&db, rows);
    eprintln!("seeded {rows} rows in {:?}", seeded.elapsed());
    let token = h.app.tokens().create("load".into()).await.unwrap();
    let port = h.app.gateway_addr().unwrap().port();
    let now_ms = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    let range = switchyard_app::CostRange {
        since_ms: now_ms - 40 * 86_400_000,
        until_ms: now_ms + 3_600_000,
        offset_minutes: 0,
    };
    let out = h.dir.path().join("all.csv");
    let app = h.app.clone();
    let exported = Instant::now();
    let export = tokio::spawn(async move {
        app.costs()
            .export(
                range,
                switchyard_app::ExportKind::Requests,
                switchyard_app::ExportFormat::Csv,
                Some(out),
            )
            .await
    });
    let answered = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let token = token.token.expose().to_string();
    load(
        port,
        token,
        2_000,
        16,
        Arc::clone(&answered),
        stop,
        "demo-chat",
    )
    .await;
    // The writer has its own connection and the export a read one: the rows land while the
    // export is still streaming (before, the writer queued behind the export's lock).
    let reader = ledger(h.dir.path());
    let deadline = Instant::now() + Duration::from_secs(10);
    while reader.ledger().request_count().unwrap() < rows + 2_000 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(reader.ledger().request_count().unwrap(), rows + 2_000);
    assert!(
        !export.is_finished(),
        "every request was recorded while the export ran"
    );
    let done = export.await.unwrap().unwrap();
    eprintln!("exported {} rows in {:?}", done.rows, exported.elapsed());
    assert!(done.rows >= rows, "{} rows exported", done.rows);
    assert_eq!(answered.load(Ordering::SeqCst), 2_000);
    let app = h.app.clone();
    tokio::task::spawn_blocking(move || app.flush_ledger())
        .await
        .unwrap();
    let store = ledger(h.dir.path());
    assert_eq!(
        store.ledger().request_count().unwrap(),
        rows + 2_000,
        "no ledger row missing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_with_a_token_made_a_moment_ago_in_another_process_is_answered_in_full() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let port = free_port();
    let mut child = serve(&data, port);
    let made = sy(&data, &["token", "create", "burst"]);
    assert_eq!(made.status.code(), Some(0));
    let token = String::from_utf8(made.stdout).unwrap().trim().to_string();
    let addr: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
    let burst: Vec<_> = (0..16)
        .map(|_| {
            let token = token.clone();
            tokio::spawn(async move { super::say_hi(addr, &token, "demo-chat").await.status() })
        })
        .collect();
    for sent in burst {
        assert_eq!(
            sent.await.unwrap(),
            200,
            "every request of the burst, not only the first"
        );
    }
    let _ = child.kill();
    let _ = child.wait();
}
