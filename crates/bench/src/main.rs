//! `gateway-bench`: what the gateway adds on top of the upstream, on loopback, against the mock
//! provider with zero added latency. Prints p50/p99 of direct vs gateway at 1 request in flight
//! and at higher concurrency, the added time to first token of streams, and (with
//! `--serve-binary PATH`) the RSS of a headless `switchyard serve` idle and under load.
//! Run with `./dev bench-gateway` (release build). Bounded: a fixed number of requests.
#![allow(clippy::print_stdout, reason = "a benchmark prints its numbers")]

mod baseline;
mod measure;
mod shapes;

use measure::{percentile, run_concurrent, run_sequential, ttft};
use std::sync::Arc;
use switchyard_domain::BackendKind;
use switchyard_gateway::{
    Authenticator, Caller, Deps, Gateway, GatewayConfig, KeySource, Ledger, NoObserver,
    RoutingTable, TableHandle, Target,
};
use switchyard_mock::{MockConfig, MockServer};
use switchyard_secrets::SecretString;

const TOKEN: &str = "sy-bench";

struct Tokens;
impl Authenticator for Tokens {
    fn verify(&self, token: &str) -> Option<Caller> {
        (token == TOKEN).then(|| Caller {
            token_id: "bench".into(),
            name: "bench".into(),
            scope: switchyard_domain::TokenScope::Gateway,
            owner: None,
            subscription: None,
        })
    }
}
/// Any key id has the same dummy key (the mock accepts any).
struct AnyKey;
impl KeySource for AnyKey {
    fn cached(&self, _: &str) -> Option<SecretString> {
        Some(SecretString::new("sk-bench".into()))
    }
    fn load(&self, _: &str) -> Result<SecretString, switchyard_secrets::SecretError> {
        Ok(SecretString::new("sk-bench".into()))
    }
}
struct Discard;
impl Ledger for Discard {
    fn record(&self, _: switchyard_domain::RequestRecord, _: Option<String>) {}
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = arg(&args, "--requests").unwrap_or(5000);
    let mock = MockServer::start(MockConfig::instant())
        .await
        .map_err(|e| e.to_string())?;
    let target = Target {
        id: "demo".into(),
        name: "Demo".into(),
        kind: BackendKind::Demo,
        base_url: format!("{}/v1", mock.base_url()),
        default_model: "demo-chat".into(),
        keys: vec![],
        withheld_keys: 0,
        limits: switchyard_gateway::Limits::default(),
    };
    let claude = Target {
        id: "claude".into(),
        name: "Claude".into(),
        kind: BackendKind::Anthropic,
        base_url: mock.base_url(),
        default_model: "claude-sonnet-4-5".into(),
        keys: vec![switchyard_gateway::KeyRef {
            id: "kc".into(),
            label: "bench".into(),
            approved: switchyard_domain::origin_of(&mock.base_url())
                .into_iter()
                .collect(),
        }],
        withheld_keys: 0,
        limits: switchyard_gateway::Limits::default(),
    };
    let local = Target {
        id: "local".into(),
        name: "Local".into(),
        kind: BackendKind::OpenAiCompatible,
        base_url: format!("{}/v1", mock.base_url()),
        default_model: "bench-local".into(),
        keys: vec![],
        withheld_keys: 0,
        limits: switchyard_gateway::Limits::default(),
    };
    let deps = Deps {
        table: TableHandle::new(RoutingTable {
            targets: vec![target, claude, local],
            routes: vec![],
        }),
        auth: Arc::new(Tokens),
        keys: Arc::new(AnyKey),
        ledger: Arc::new(Discard),
        observer: Arc::new(NoObserver),
        clock: Arc::new(switchyard_gateway::SystemClock),
        // A memory-only response cache: the plain body below is not cacheable (no temperature 0),
        // so the main numbers include the cache decision every request pays.
        cache: (!args.iter().any(|a| a == "--no-cache")).then(|| {
            switchyard_cache::Cache::new(
                switchyard_cache::CacheConfig::default(),
                None,
                Arc::new(|| {
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
                }),
            )
        }),
        extra_routes: None,
        shared: Default::default(),
    };
    let config = GatewayConfig {
        bind: "127.0.0.1:0".parse().map_err(|_| "addr")?,
        ..GatewayConfig::default()
    };
    let gateway = Gateway::start(config, deps)
        .await
        .map_err(|e| e.to_string())?;
    let direct = format!("{}/v1/chat/completions", mock.base_url());
    let via = format!("http://{}/v1/chat/completions", gateway.addr());
    let body = serde_json::json!({"model": "demo-chat", "max_tokens": 16, "messages": [{"role": "user", "content": "benchmark"}]});

    println!(
        "gateway-bench: {n} requests per measurement, loopback, mock upstream with zero latency"
    );
    if args.iter().any(|a| a == "--shapes-only") {
        shapes::run(&mock.base_url(), &format!("http://{}", gateway.addr()), n).await?;
        gateway.shutdown(std::time::Duration::from_secs(10)).await;
        return Ok(());
    }
    // Warm up connections and code paths.
    run_sequential(&direct, &body, 200).await?;
    run_sequential(&via, &body, 200).await?;

    let mut d = run_sequential(&direct, &body, n).await?;
    let mut g = run_sequential(&via, &body, n).await?;
    report("1 in flight", &mut d, &mut g);
    let bare = format!(
        "http://{}/v1/chat/completions",
        baseline::start(direct.clone()).await?
    );
    run_sequential(&bare, &body, 200).await?;
    let mut b = run_sequential(&bare, &body, n).await?;
    report("1 in flight, bare proxy hop (no logic)", &mut d, &mut b);
    let (b50, g50) = (percentile(&mut b, 50.0), percentile(&mut g, 50.0));
    let (b99, g99) = (percentile(&mut b, 99.0), percentile(&mut g, 99.0));
    println!(
        "  gateway logic over a bare hop (µs): p50 {:.0} p99 {:.0}",
        g50 - b50,
        g99 - b99
    );

    let conc: usize = arg(&args, "--concurrency").unwrap_or(32);
    let (mut d, dr) = run_concurrent(&direct, &body, n, conc).await?;
    let (mut g, gr) = run_concurrent(&via, &body, n, conc).await?;
    report(&format!("{conc} in flight"), &mut d, &mut g);
    println!("  throughput: direct {dr:.0} req/s, via gateway {gr:.0} req/s");

    let stream_body = serde_json::json!({"model": "demo-chat", "stream": true, "max_tokens": 16, "messages": [{"role": "user", "content": "benchmark"}]});
    let mut d = ttft(&direct, &stream_body, n / 5).await?;
    let mut g = ttft(&via, &stream_body, n / 5).await?;
    println!("streams, time to first token (µs): direct p50 {:.0} p99 {:.0}; via gateway p50 {:.0} p99 {:.0}; added p50 {:.0} p99 {:.0}",
        percentile(&mut d, 50.0), percentile(&mut d, 99.0), percentile(&mut g, 50.0), percentile(&mut g, 99.0),
        percentile(&mut g, 50.0) - percentile(&mut d, 50.0), percentile(&mut g, 99.0) - percentile(&mut d, 99.0));
    let cached = serde_json::json!({"model": "demo-chat", "temperature": 0, "max_tokens": 16, "messages": [{"role": "user", "content": "benchmark"}]});
    run_sequential(&via, &cached, 200).await?;
    let mut h = run_sequential(&via, &cached, n).await?;
    let mut d = run_sequential(&direct, &cached, n).await?;
    println!(
        "cache hits via the gateway, whole request (µs): p50 {:.0} p99 {:.0}; the zero-latency mock called directly p50 {:.0} p99 {:.0}",
        percentile(&mut h, 50.0),
        percentile(&mut h, 99.0),
        percentile(&mut d, 50.0),
        percentile(&mut d, 99.0)
    );
    shapes::run(&mock.base_url(), &format!("http://{}", gateway.addr()), n).await?;
    if let Some(path) = args
        .iter()
        .position(|a| a == "--serve-binary")
        .and_then(|i| args.get(i + 1))
    {
        measure::serve_rss(path, &body, n).await?;
    }
    gateway.shutdown(std::time::Duration::from_secs(10)).await;
    Ok(())
}

fn report(label: &str, direct: &mut [f64], via: &mut [f64]) {
    let (d50, d99) = (percentile(direct, 50.0), percentile(direct, 99.0));
    let (g50, g99) = (percentile(via, 50.0), percentile(via, 99.0));
    println!("{label} (µs): direct p50 {d50:.0} p99 {d99:.0}; via gateway p50 {g50:.0} p99 {g99:.0}; added p50 {:.0} p99 {:.0}", g50 - d50, g99 - d99);
}

fn arg(args: &[String], name: &str) -> Option<usize> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
}
