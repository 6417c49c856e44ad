//! `monitor-bench`: the health monitor's cost. (1) One round of zero-cost probes over 20 mock
//! backends whose model lists answer after 10 … 500 ms: how long the whole round takes compared
//! with the slowest probe (goal ≤ 1.2×). (2) The full app core with the monitor on and those 20
//! backends at the default 30 s interval: CPU and memory while idle.
//! Run with `./dev bench-monitor` (release build). Bounded: 5 rounds and a 35 s idle window.
#![allow(clippy::print_stdout, reason = "a benchmark prints its numbers")]

use std::sync::Arc;
use std::time::{Duration, Instant};
use switchyard_app::secrets::MemoryStore;
use switchyard_app::{AppPaths, Options, Switchyard};
use switchyard_domain::{BackendDraft, BackendKind};
use switchyard_mock::{MockConfig, MockServer};
use switchyard_monitor::{ProbeReport, ProbeTarget, Scheduler, SchedulerConfig, TargetId};

const BACKENDS: usize = 20;

fn delay(i: usize) -> Duration {
    Duration::from_millis(10 + (490 * i as u64) / (BACKENDS as u64 - 1))
}

/// (user + system CPU seconds, RSS MiB) of this process.
fn usage() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // Fields after the command: state is 0, utime 11, stime 12 (clock ticks, 100 per second).
    let cpu = (ticks(11) + ticks(12)) / 100.0;
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let rss_kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0);
    (cpu, rss_kb / 1024.0)
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let mut mocks = Vec::new();
    for i in 0..BACKENDS {
        let cfg = MockConfig {
            probe_delay: delay(i),
            ..MockConfig::instant()
        };
        mocks.push(MockServer::start(cfg).await.map_err(|e| e.to_string())?);
    }
    let slowest = delay(BACKENDS - 1);
    println!(
        "monitor-bench: {BACKENDS} mock backends, model-list latency 10 … {} ms",
        slowest.as_millis()
    );

    let http = switchyard_gateway::probe::http_client().map_err(|e| e.to_string())?;
    let urls: Vec<String> = mocks.iter().map(MockServer::base_url).collect();
    let prober = move |t: &TargetId| -> switchyard_monitor::BoxFuture<ProbeReport> {
        let http = http.clone();
        let url = t.backend_id.clone();
        Box::pin(async move {
            let r = switchyard_gateway::probe::probe(
                &http,
                &switchyard_domain::Address::new(BackendKind::Ollama, &url),
                None,
                Duration::from_secs(5),
            )
            .await;
            ProbeReport {
                outcome: r.outcome.into(),
                latency_ms: r.latency_ms,
                http_status: r.http_status,
                message: r.message,
            }
        })
    };
    let clock: switchyard_monitor::WallClock = Arc::new(|| 0);
    let (scheduler, mut rx) = Scheduler::start(SchedulerConfig::default(), Arc::new(prober), clock);
    tokio::spawn(async move { while rx.recv().await.is_some() {} });
    let targets = urls
        .iter()
        .map(|u| {
            ProbeTarget::new(TargetId::backend(u.as_str())).with_interval(Duration::from_secs(3600))
        })
        .collect();
    scheduler.set_targets(targets).map_err(|e| e.to_string())?;
    tokio::time::sleep(slowest + Duration::from_millis(300)).await; // the warm-up round
    let mut ratios = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let samples = scheduler.probe_all_now().await.map_err(|e| e.to_string())?;
        let took = t.elapsed();
        let ok = samples.iter().filter(|s| s.outcome.is_ok()).count();
        ratios.push(took.as_secs_f64() / slowest.as_secs_f64());
        println!(
            "  round: {} ms for {ok}/{BACKENDS} ok probes ({:.2}× the slowest)",
            took.as_millis(),
            ratios.last().unwrap_or(&0.0)
        );
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "probe round / slowest probe: median {:.2}×, worst {:.2}× (goal ≤ 1.2×)",
        ratios[ratios.len() / 2],
        ratios[ratios.len() - 1]
    );
    scheduler.shutdown().await;

    // The app core, monitor on, the 20 backends at their default 30 s interval.
    let dir = std::env::temp_dir().join(format!("switchyard-monitor-bench-{}", std::process::id()));
    let (_, rss_before) = usage();
    let mut opts = Options::new(AppPaths::under(&dir), Arc::new(MemoryStore::new()));
    opts.gateway = None;
    // The tools' records of an empty HOME: the same numbers on every machine.
    opts.tools_home = Some(switchyard_toolconfig::Home {
        home: dir.join("home"),
        vars: Default::default(),
        env_store: None,
    });
    opts.notify = switchyard_app::NotifyChannel::Recording(Arc::new(
        switchyard_notify::RecordingNotifier::new(),
    ));
    let app = Switchyard::start(opts).await.map_err(|e| e.to_string())?;
    for (i, url) in urls.iter().enumerate() {
        let draft = BackendDraft {
            name: format!("Bench {i}"),
            kind: BackendKind::Ollama,
            base_url: url.clone(),
            default_model: "llama3".into(),
        };
        app.backends()
            .create(draft, None)
            .await
            .map_err(|e| e.to_string())?;
    }
    tokio::time::sleep(Duration::from_secs(2)).await; // warm-up probes land
    let (cpu0, _) = usage();
    let window = Duration::from_secs(35);
    tokio::time::sleep(window).await;
    let (cpu1, rss_after) = usage();
    let pct = (cpu1 - cpu0) / window.as_secs_f64() * 100.0;
    println!(
        "idle with the monitor ({BACKENDS} backends, 30 s interval, {} s window): CPU {pct:.2} % of one core (mocks included), RSS {rss_after:.1} MiB (+{:.1} MiB for the core and monitor)",
        window.as_secs(),
        rss_after - rss_before
    );
    drop(app);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
