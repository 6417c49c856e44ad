//! Issue 40: the live drill's spend cap holds across concurrent runs and within one run. Two
//! `switchyard drill live` processes started at the same moment on one data folder spend one
//! confirmed maximum between them (the second is refused, naming the first, and spends nothing);
//! a provider that bills more than the estimate stops the run after the request in flight.
//! The "real provider" is an OpenAI-shaped server on 127.0.0.1 that reports the usage we set.

use crate::harness::upstream;
use crate::holding::Folder;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const BETA_KEY: &str = "sk-live-beta-00000000000000000000002";

/// The most one request can cost: 2 attempts (1 + the default retry) × (64 input tokens × $1
/// + 8 output tokens × $2) per million.
const PER_REQUEST_MAX: f64 = 2.0 * 80.0 / 1e6;

/// A provider on 127.0.0.1 that answers every chat request after `delay_ms` with a one-word
/// answer billed as `prompt_tokens` in and 2 out; counts the requests in `asked`.
fn provider(asked: &'static AtomicUsize, delay_ms: u64, prompt_tokens: u64) -> SocketAddr {
    upstream(move |mut conn, _| {
        asked.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(delay_ms));
        let body = format!(
            r#"{{"id":"c","object":"chat.completion","created":1,"model":"m-beta","choices":[{{"index":0,"message":{{"role":"assistant","content":"ok"}},"finish_reason":"stop"}}],"usage":{{"prompt_tokens":{prompt_tokens},"completion_tokens":2,"total_tokens":{}}}}}"#,
            prompt_tokens + 2
        );
        let _ = write!(
            conn,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
    })
}

/// Route "ha": Alpha (the one the drill makes unreachable) then Beta at `beta` with its key in
/// the keychain; Beta's model priced at $1 / $2 per million tokens.
fn configure(f: &Folder, beta: SocketAddr) {
    let alpha = ["backend", "add", "Alpha", "--kind", "openai-compatible"];
    f.ok(
        &[
            &alpha[..],
            &["--base-url", "http://127.0.0.1:9/v1", "--model", "m-alpha"],
        ]
        .concat(),
        "",
        &[],
    );
    let base = format!("http://{beta}/v1");
    let add_beta = ["backend", "add", "Beta", "--kind", "openai-compatible"];
    let add_beta = [
        &add_beta[..],
        &["--base-url", &base, "--model", "m-beta", "--key-stdin"],
    ]
    .concat();
    f.ok(&add_beta, &format!("{BETA_KEY}\n"), &[]);
    f.ok(
        &[
            "route",
            "add",
            "ha",
            "--strategy",
            "priority",
            "--candidate",
            "Alpha=m-alpha",
            "--candidate",
            "Beta=m-beta",
        ],
        "",
        &[],
    );
    let prices = f.data.path().join("prices.toml");
    std::fs::write(
        &prices,
        "version = 1\n\n[[price]]\nmodel = \"m-beta\"\ninputPerMtok = 1.0\noutputPerMtok = 2.0\n",
    )
    .unwrap();
    f.ok(&["config", "import", prices.to_str().unwrap()], "", &[]);
}

/// What the live drill added to the ledger: (rows, dollars).
fn live_spend(f: &Folder) -> (usize, f64) {
    let out = f.ok(&["requests", "--json", "--limit", "1000"], "", &[]);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    let live: Vec<&serde_json::Value> = rows
        .iter()
        .filter(|r| r["tokenName"] == "live drill")
        .collect();
    let usd = live.iter().map(|r| r["costUsd"].as_f64().unwrap()).sum();
    (live.len(), usd)
}

#[test]
fn two_live_drills_started_at_once_spend_one_confirmed_maximum_and_the_second_is_refused() {
    static ASKED: AtomicUsize = AtomicUsize::new(0);
    let f = Folder::new();
    // Slow enough that the two runs overlap whatever the start-up order.
    configure(&f, provider(&ASKED, 1500, 20));
    let args = ["drill", "live", "ha", "--requests", "2", "--yes"];
    let runs: Vec<_> = (0..2)
        .map(|_| {
            f.command(&args)
                .stdin(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    let outs: Vec<_> = runs
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let codes: Vec<_> = outs.iter().map(|o| o.status.code()).collect();
    let stderr: Vec<_> = outs
        .iter()
        .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
        .collect();
    let ran = codes.iter().filter(|c| **c == Some(0)).count();
    assert_eq!(
        ran, 1,
        "exactly one live drill runs at a time on a data folder: exit codes {codes:?}, {stderr:#?}"
    );
    let refused = codes
        .iter()
        .position(|c| *c == Some(3))
        .unwrap_or_else(|| panic!("the other is refused (exit 3): {codes:?}, {stderr:#?}"));
    let why = &stderr[refused];
    assert!(
        why.contains("A live drill is already running (started ")
            && why.contains("by switchyard-serve drill live, process ")
            && why.contains("Nothing was spent."),
        "the refusal says who holds it and that nothing was spent: {why}"
    );
    assert_eq!(
        ASKED.load(Ordering::SeqCst),
        2,
        "the provider saw one run's two requests, not two runs' four"
    );
    let (rows, usd) = live_spend(&f);
    assert_eq!(rows, 2, "one run's requests in the ledger");
    assert!(
        usd > 0.0 && usd <= 2.0 * PER_REQUEST_MAX,
        "the user paid at most the one maximum they confirmed: ${usd}"
    );

    // Once the first is done, the next run may go.
    let again = f.run(&args, "", &[]);
    assert_eq!(
        again.status.code(),
        Some(0),
        "the lock went with the run: {}",
        String::from_utf8_lossy(&again.stderr)
    );
}

#[test]
fn a_provider_billing_above_the_estimate_stops_the_live_drill_after_the_request_in_flight() {
    static ASKED: AtomicUsize = AtomicUsize::new(0);
    let f = Folder::new();
    // 10,000 input tokens billed for a prompt estimated at 64: $0.01 against $0.00016 reserved.
    configure(&f, provider(&ASKED, 0, 10_000));
    let out = f.run(
        &["drill", "live", "ha", "--requests", "3", "--yes"],
        "",
        &[],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(2),
        "the run fails its spend criterion: {stdout}"
    );
    assert_eq!(
        ASKED.load(Ordering::SeqCst),
        1,
        "after the first request no reservation fits, so the other two are never sent"
    );
    assert!(
        stdout.contains("The drill stopped after 1 of 3 requests"),
        "the report says why it stopped: {stdout}"
    );
    let (rows, usd) = live_spend(&f);
    assert_eq!(rows, 1);
    let billed = (10_000.0 + 2.0 * 2.0) / 1e6;
    assert!(
        (usd - billed).abs() < 1e-9,
        "the overshoot is the one request in flight, nothing more: ${usd}"
    );
}

/// Issue 53, finding 2: the live drill's shadow inherits the user's approvals and never grants
/// one. Beta's address is changed behind Switchyard's back (another program writes the
/// database, as `import-env` of an `OLLAMA_HOST` once did): the gateway withholds Beta's key
/// from the new host, and so does the drill, which is refused with the way to approve it.
#[test]
fn a_live_drill_sends_no_key_to_a_host_it_was_never_approved_for() {
    static HOME: AtomicUsize = AtomicUsize::new(0);
    static KEYS_ELSEWHERE: AtomicUsize = AtomicUsize::new(0);
    let f = Folder::new();
    configure(&f, provider(&HOME, 0, 20));
    let elsewhere = upstream(|_, asked| {
        if asked.key.contains(BETA_KEY) {
            KEYS_ELSEWHERE.fetch_add(1, Ordering::SeqCst);
        }
    });
    let db = rusqlite::Connection::open(f.data.path().join("switchyard.sqlite")).unwrap();
    db.busy_timeout(Duration::from_secs(5)).unwrap();
    db.execute(
        "UPDATE backends SET base_url = ?1 WHERE name = 'Beta'",
        [format!("http://{elsewhere}/v1")],
    )
    .unwrap();
    drop(db);
    let out = f.run(
        &["drill", "live", "ha", "--requests", "1", "--yes"],
        "",
        &[],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the drill is refused: {err}");
    assert!(
        err.contains("Beta's keys are not approved for http://127.0.0.1:")
            && err.contains("edit the backend"),
        "the refusal names the backend, the host and the way to approve it: {err}"
    );
    assert_eq!(
        KEYS_ELSEWHERE.load(Ordering::SeqCst),
        0,
        "the drill sent Beta's key to a host the user never approved"
    );
    assert_eq!(HOME.load(Ordering::SeqCst), 0, "and nothing was spent");
}
