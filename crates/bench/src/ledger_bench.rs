//! Ledger benchmark and seed tool: generates N realistic ledger rows (default 1,000,000) over 90
//! days into a fresh SQLite file, in batches of 1,000 as the app's writer does, and times the
//! inserts (rows with their attempt, rollups and latency histograms included) and every
//! dashboard query.
//!
//! `cargo run --release -p switchyard-bench --bin ledger-bench -- [--rows N] [--days D] [--keep PATH] [--inserts-only]`
//! (`--keep` leaves the seeded database at PATH, e.g. to point `SWITCHYARD_DATA_DIR` at).
#![allow(clippy::print_stdout, reason = "a benchmark prints its numbers")]

use std::time::Instant;
use switchyard_domain::{AttemptRecord, RequestRecord};
use switchyard_store::{rfc3339, Dimension, RequestFilter, Store};

const BACKENDS: [(&str, &[&str]); 4] = [
    ("OpenAI", &["gpt-4o-mini", "gpt-4.1", "o4-mini"]),
    ("Anthropic", &["claude-haiku-4-5", "claude-sonnet-4-5"]),
    ("Gemini", &["gemini-2.5-flash"]),
    ("Local", &["llama3.2"]),
];
const ROUTES: [Option<&str>; 3] = [None, Some("fast"), Some("best")];
const TOKENS: [&str; 5] = ["cursor", "aider", "scripts", "ci", "notebook"];
const DAY_MS: i64 = 86_400_000;

/// xorshift64*: reproducible, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Row `i` of `rows`, spread evenly over `[start_ms, start_ms + span_ms)`.
fn record(i: u64, rows: u64, rng: &mut Rng, start_ms: i64, span_ms: i64) -> RequestRecord {
    let (backend, models) = BACKENDS[rng.below(4) as usize];
    let model = models[rng.below(models.len() as u64) as usize];
    let offset = i128::from(i) * i128::from(span_ms) / i128::from(rows.max(1));
    let at = start_ms + i64::try_from(offset).unwrap_or(0);
    let failed = rng.below(50) == 0;
    let hit = !failed && rng.below(10) == 0;
    let input = 200 + rng.below(8000);
    let output = if failed { 0 } else { 20 + rng.below(1500) };
    let cost = (backend != "Local").then(|| (input as f64 * 2.5 + output as f64 * 10.0) / 1e6);
    RequestRecord {
        // Increasing, as the gateway's UUIDv7 ids are.
        id: format!("seed-{i:08}"),
        started_at: rfc3339(at),
        token_name: Some(TOKENS[rng.below(5) as usize].to_string()),
        inbound: "openai".into(),
        route: ROUTES[rng.below(3) as usize].map(str::to_string),
        requested_model: model.into(),
        backend: Some(backend.into()),
        key_label: Some("main".into()),
        model: Some(model.into()),
        status: if failed { 503 } else { 200 },
        error_class: failed.then_some(switchyard_domain::ErrorClass::Upstream5xx),
        reason: Some("priority 1 of 2".into()),
        attempts: 1,
        latency_ms: 80 + rng.below(3000) as u32,
        ttfb_ms: Some(40 + rng.below(400) as u32),
        input_tokens: if hit { 0 } else { input },
        output_tokens: if hit { 0 } else { output },
        cache_read_tokens: rng.below(4) * 256,
        cost_usd: if hit { Some(0.0) } else { cost },
        streamed: rng.below(2) == 0,
        cache: Some(if hit { "hit" } else { "skip" }.to_string()),
        saved_usd: if hit { cost } else { None },
        attempt_list: vec![AttemptRecord {
            n: 1,
            backend: backend.into(),
            key_label: Some("main".into()),
            model: model.into(),
            status: Some(if failed { 503 } else { 200 }),
            error_class: None,
            latency_ms: 80,
        }],
        ..Default::default()
    }
}

fn arg<T: std::str::FromStr>(args: &[String], name: &str) -> Option<T> {
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1)?.parse().ok()
}

/// Runs `f` 20 times; prints p50 and max in ms.
fn time_query<T>(label: &str, mut f: impl FnMut() -> Result<T, switchyard_store::StoreError>) {
    let mut ms: Vec<f64> = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        if let Err(e) = f() {
            println!("{label}: failed: {e}");
            return;
        }
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    let verdict = if ms[ms.len() - 1] <= 50.0 {
        "✓"
    } else {
        "✗"
    };
    println!(
        "  {label:<44} p50 {:>7.2} ms  max {:>7.2} ms  {verdict}",
        ms[ms.len() / 2],
        ms[ms.len() - 1]
    );
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let rows: u64 = arg(&args, "--rows").unwrap_or(1_000_000);
    let keep: Option<String> = arg(&args, "--keep");
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = keep
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().join("ledger.sqlite"));
    let store = Store::open(&path).map_err(|e| e.to_string())?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    // `--days` scales the span with `--rows` for short profiling runs at the same density.
    let days: i64 = arg(&args, "--days").unwrap_or(90);
    let (start, span) = (now - days * DAY_MS, days * DAY_MS);
    let mut rng = Rng(0x5eed_1ed9_e4b3_0001);
    println!(
        "ledger-bench: {rows} rows over {days} days into {}",
        path.display()
    );
    let began = Instant::now();
    let mut inserting = std::time::Duration::ZERO;
    let mut batch = Vec::with_capacity(1000);
    let mut i = 0;
    while i < rows {
        batch.clear();
        for _ in 0..1000.min(rows - i) {
            batch.push(record(i, rows, &mut rng, start, span));
            i += 1;
        }
        let t = Instant::now();
        store
            .ledger()
            .insert_requests(&batch)
            .map_err(|e| e.to_string())?;
        inserting += t.elapsed();
    }
    let secs = inserting.as_secs_f64();
    let rate = rows as f64 / secs;
    let verdict = if rate >= 100_000.0 { "✓" } else { "✗" };
    println!("insert: {rows} rows (+1 attempt each, rollups) in {secs:.1} s = {rate:.0} rows/s {verdict} (goal ≥ 100,000)");
    let total = began.elapsed().as_secs_f64();
    println!(
        "  with generating the rows: {total:.1} s = {:.0} rows/s (generation is the seed tool's, not the store's)",
        rows as f64 / total
    );
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!("database file: {:.0} MB", size as f64 / 1e6);

    if args.iter().any(|a| a == "--inserts-only") {
        return Ok(());
    }
    println!("dashboard queries (goal ≤ 50 ms each):");
    let day30 = now - 30 * DAY_MS;
    let day7 = now - 7 * DAY_MS;
    let off = 3_600_000;
    time_query("totals, 30 d", || store.ledger().usage_totals(day30, now));
    time_query("cost per day by backend, 30 d", || {
        store
            .ledger()
            .usage_series(day30, now, DAY_MS, off, Some(Dimension::Backend))
    });
    time_query("cost per day by model, 90 d", || {
        store
            .ledger()
            .usage_series(start, now, DAY_MS, off, Some(Dimension::Model))
    });
    time_query("requests per hour, 7 d (heatmap)", || {
        store.ledger().usage_series(day7, now, 3_600_000, off, None)
    });
    for (label, dim) in [
        ("breakdown by backend, 30 d", Dimension::Backend),
        ("breakdown by model, 30 d", Dimension::Model),
        ("breakdown by route, 30 d", Dimension::Route),
        ("breakdown by token, 30 d", Dimension::Token),
    ] {
        time_query(label, || store.ledger().usage_by(dim, day30, now));
    }
    time_query("latency p50–p99, 30 d", || {
        store
            .ledger()
            .latency_percentiles(day30, now, None, off, None)
    });
    time_query("latency p50–p99 per day, 30 d", || {
        store
            .ledger()
            .latency_percentiles(day30, now, Some(DAY_MS), off, None)
    });
    time_query("latency p50–p99 per day, 90 d", || {
        store
            .ledger()
            .latency_percentiles(start, now, Some(DAY_MS), off, None)
    });
    time_query("latency p50–p99 per day, one backend, 30 d", || {
        store
            .ledger()
            .latency_percentiles(day30, now, Some(DAY_MS), off, Some("Gemini"))
    });
    time_query("cache usage per route, 24 h", || {
        store.ledger().cache_usage_since(&rfc3339(now - DAY_MS))
    });
    time_query("cache usage per route, 30 d", || {
        store.ledger().cache_usage_since(&rfc3339(day30))
    });
    time_query("Requests page: newest 100", || {
        store.ledger().recent_requests(&RequestFilter {
            limit: 100,
            ..RequestFilter::default()
        })
    });
    time_query("Requests page: newest 100 of one backend", || {
        store.ledger().recent_requests(&RequestFilter {
            backend: Some("Gemini".into()),
            limit: 100,
            ..RequestFilter::default()
        })
    });
    // After a price change that prices nothing new: the Local backend's models (a quarter of the
    // rows) still have none.
    let t = Instant::now();
    let priced = store
        .ledger()
        .reprice_unpriced(|_, _| false, |_| None)
        .map_err(|e| e.to_string())?;
    println!(
        "  {:<44} {:>7.2} ms ({priced} priced)",
        "reprice with nothing newly priced",
        t.elapsed().as_secs_f64() * 1000.0
    );
    // A price for the Local model: a quarter of the ledger is priced, an hour per transaction.
    let t = Instant::now();
    let priced = store
        .ledger()
        .reprice_unpriced(
            |backend, _| backend == "Local",
            |r| Some(r.input_tokens as f64 * 1e-7),
        )
        .map_err(|e| e.to_string())?;
    println!(
        "  {:<44} {:>7.0} ms ({priced} priced)",
        "reprice after pricing the Local model",
        t.elapsed().as_secs_f64() * 1000.0
    );
    if let Some(p) = store
        .ledger()
        .latency_percentiles(day30, now, None, off, None)
        .map_err(|e| e.to_string())?
        .first()
    {
        println!(
            "latency, 30 d: {} answered, p50 {:.0} ms, p90 {:.0}, p95 {:.0}, p99 {:.0} (seeded uniform 80–3079 ms)",
            p.count, p.p50, p.p90, p.p95, p.p99
        );
    }
    Ok(())
}
