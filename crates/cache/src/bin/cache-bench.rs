//! Response-cache benchmark: lookup latency per layer, batch latency (for the SQLite layer, 100
//! sequential `get`s against one `get_many` of the same size), the hit rate of an 80/20 workload
//! with the default memory bound (with reference rates: once warm, an oracle that knows the hot
//! set, and the clairvoyant optimum), and the memory held by 10,000 typical entries.
//! Run with `cargo run --release -p switchyard-cache --bin cache-bench`.

#![allow(clippy::print_stdout, reason = "a benchmark prints its numbers")]

use std::collections::{BTreeSet, HashMap, HashSet};
use std::error::Error;
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchyard_cache::{
    Cache, CacheConfig, CacheKey, CachedAnswer, DiskCache, MemoryCache, MemoryConfig, OutputExtras,
    DEFAULT_MAX_ENTRIES,
};
use switchyard_wire::{ChatRequest, ChatResponse, Message, Part, Role, StopReason, Usage};

const T0: i64 = 1_700_000_000_000;
const TTL: Duration = Duration::from_secs(3600);
/// Batches per batch-latency line (≥ 50, so p99 is not just the maximum).
const BATCHES: usize = 200;

fn request(i: u64) -> ChatRequest {
    ChatRequest {
        model: "gpt-4o-mini".into(),
        system: Some("You are a concise assistant.".into()),
        messages: vec![Message::text(
            Role::User,
            format!("Question number {i}: summarize the plot of a classic novel in two lines."),
        )],
        max_tokens: Some(256),
        temperature: Some(0.0),
        ..ChatRequest::default()
    }
}

fn key(i: u64) -> CacheKey {
    CacheKey::derive("default", &request(i), &OutputExtras::none())
}

/// A typical reply: ~700 characters of text.
fn answer(i: u64) -> CachedAnswer {
    let text =
        format!("Answer {i}: ") + &"The quick brown fox jumps over the lazy dog. ".repeat(16);
    CachedAnswer {
        response: ChatResponse {
            id: format!("chatcmpl-{i:016x}"),
            model: "gpt-4o-mini-2024-07-18".into(),
            created: 1_700_000_000,
            content: vec![Part::Text(text)],
            stop: StopReason::EndTurn,
            usage: Usage {
                input_tokens: 40,
                output_tokens: 160,
                ..Usage::default()
            },
        },
        stored_at_unix_ms: T0,
        cost_usd: Some(0.000_12),
        route: "default".into(),
        model: "gpt-4o-mini".into(),
        backend: "openai".into(),
    }
}

struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

fn percentiles(mut ns: Vec<u64>) -> String {
    ns.sort_unstable();
    let at = |q: f64| ns[((ns.len() as f64 * q) as usize).min(ns.len() - 1)];
    format!(
        "p50 {:>7.2} µs  p99 {:>7.2} µs  max {:>8.2} µs",
        at(0.50) as f64 / 1e3,
        at(0.99) as f64 / 1e3,
        at(1.0) as f64 / 1e3
    )
}

fn time<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed().as_nanos() as u64)
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> Result<(), Box<dyn Error>> {
    const N: u64 = 10_000;
    let keys: Vec<CacheKey> = (0..N).map(key).collect();
    footprint(&keys);

    // Key derivation.
    let derive: Vec<u64> = (0..N).map(|i| time(|| key(i)).1).collect();
    println!("key derivation          {}", percentiles(derive));

    // Memory layer, lookup only: the bare layer and through `Cache` (mutex + clock).
    let mut mem = MemoryCache::new(MemoryConfig::default());
    for i in 0..2000 {
        let a = answer(i);
        let bytes = a.encode().len();
        mem.insert(keys[i as usize], Arc::new(a), bytes, T0, Some(TTL));
    }
    let mut rng = SplitMix(7);
    let lat: Vec<u64> = (0..200_000)
        .map(|_| {
            let k = &keys[(rng.next() % 2000) as usize];
            time(|| mem.get(k, T0 + 1)).1
        })
        .collect();
    println!("memory hit (layer)      {}", percentiles(lat));

    let cache = Cache::new(CacheConfig::default(), None, Arc::new(|| T0 + 1));
    for i in 0..2000 {
        cache.put(&keys[i as usize], answer(i))?;
    }
    let lat: Vec<u64> = (0..200_000)
        .map(|_| {
            let k = &keys[(rng.next() % 2000) as usize];
            time(|| cache.get("default", k)).1
        })
        .collect();
    println!("memory hit (Cache::get) {}", percentiles(lat));
    let batches: Vec<u64> = (0..1000)
        .map(|_| {
            let start = (rng.next() % 1900) as usize;
            time(|| {
                for k in &keys[start..start + 100] {
                    let _ = cache.get("default", k);
                }
            })
            .1
        })
        .collect();
    println!("100 memory hits / batch {}", percentiles(batches));

    // SQLite layer: a file of 10,000 rows, lookups that miss memory.
    let dir = std::env::temp_dir().join(format!("switchyard-cache-bench-{}", std::process::id()));
    let path = dir.join("cache.sqlite");
    let disk = DiskCache::open(&path, 512 * 1024 * 1024)?;
    let (_, fill) = time(|| -> Result<(), Box<dyn Error>> {
        for i in 0..N {
            disk.put(&keys[i as usize], &answer(i), T0, TTL)?;
        }
        Ok(())
    });
    println!(
        "disk put (avg)          {:>7.2} µs",
        fill as f64 / N as f64 / 1e3
    );
    let mut lat = Vec::new();
    for _ in 0..20_000 {
        let k = &keys[(rng.next() % N) as usize];
        let (found, ns) = time(|| disk.get(k, T0 + 1));
        if found?.is_none() {
            return Err("disk miss in the hit benchmark".into());
        }
        lat.push(ns);
    }
    println!("disk hit (layer)        {}", percentiles(lat));
    // The target, "100 lookups in a batch ≤ 1 ms", on the bare layer: 100 random keys
    // as 100 sequential `get`s, and as one `get_many`.
    // Its own generator, so the lines after it see the same sequence as before it was added.
    let mut brng = SplitMix(11);
    let mut batch =
        || -> Vec<CacheKey> { (0..100).map(|_| keys[(brng.next() % N) as usize]).collect() };
    let mut lat = Vec::new();
    for _ in 0..BATCHES {
        let ks = batch();
        let (found, ns) = time(|| -> Result<usize, Box<dyn Error>> {
            let mut n = 0;
            for k in &ks {
                n += usize::from(disk.get(k, T0 + 1)?.is_some());
            }
            Ok(n)
        });
        if found? != ks.len() {
            return Err("disk miss in the batch benchmark".into());
        }
        lat.push(ns);
    }
    println!("100 disk gets / batch   {}", percentiles(lat));
    let mut lat = Vec::new();
    for _ in 0..BATCHES {
        let ks = batch();
        let (found, ns) = time(|| disk.get_many(&ks, T0 + 1));
        if found?.iter().any(Option::is_none) {
            return Err("disk miss in the get_many benchmark".into());
        }
        lat.push(ns);
    }
    println!("disk get_many(100)      {}", percentiles(lat));
    let disk_cache = Cache::new(
        CacheConfig::default(),
        Some(DiskCache::open(&path, 512 * 1024 * 1024)?),
        Arc::new(|| T0 + 1),
    );
    let batches: Vec<u64> = (0..50)
        .map(|b| {
            let start = (b * 100) as usize;
            time(|| {
                for k in &keys[start..start + 100] {
                    let _ = disk_cache.get("default", k);
                }
            })
            .1
        })
        .collect();
    println!("100 cold disk hits/batch{}", percentiles(batches));
    let db_bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(path.with_extension("sqlite-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    drop(disk);
    drop(disk_cache);
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "disk file (10k rows)    {:>7.2} MB (db + wal)",
        db_bytes as f64 / 1e6
    );

    // 80/20 workload over 10,000 distinct requests, default 2,000-entry memory layer: every
    // request is a lookup, and a miss stores the answer (as `Cache` does after the upstream call).
    let total = 200_000usize;
    let workload: Vec<u64> = (0..total)
        .map(|_| {
            if rng.next() % 100 < 80 {
                rng.next() % 2000
            } else {
                2000 + rng.next() % 8000
            }
        })
        .collect();
    let mut mem = MemoryCache::new(MemoryConfig::default());
    let (mut hits, mut late_hits) = (0u64, 0u64);
    for (n, &i) in workload.iter().enumerate() {
        let k = &keys[i as usize];
        if mem.get(k, T0).is_some() {
            hits += 1;
            late_hits += u64::from(n >= total / 2);
        } else {
            let a = answer(i);
            let bytes = a.encode().len();
            mem.insert(*k, Arc::new(a), bytes, T0, Some(TTL));
        }
    }
    println!(
        "80/20 over 10k, 2000 in memory: hit rate {:.1} % ({hits}/{total}; upper bound with disk ≈ 100 % after warm-up)",
        hits as f64 * 100.0 / total as f64
    );
    // References: a layer that knew the hot 2,000 in advance still misses each one's first
    // request; the clairvoyant optimum also keeps cold answers that are about to be asked again.
    let hot: Vec<u64> = workload.iter().copied().filter(|&i| i < 2000).collect();
    let first_asks = hot.iter().collect::<HashSet<_>>().len();
    println!(
        "80/20 references: second half {:.1} %; knowing the hot set {:.1} %; clairvoyant {:.1} %",
        late_hits as f64 * 100.0 / (total / 2) as f64,
        (hot.len() - first_asks) as f64 * 100.0 / total as f64,
        belady(&workload, DEFAULT_MAX_ENTRIES) as f64 * 100.0 / total as f64
    );

    Ok(())
}

/// Hits of the clairvoyant optimum with `slots` entries (Belady's MIN, allowed not to store a
/// missed answer): on a miss, evict — or skip storing — whichever is needed again last.
fn belady(workload: &[u64], slots: usize) -> u64 {
    let mut next = vec![usize::MAX; workload.len()];
    let mut seen: HashMap<u64, usize> = HashMap::new();
    for (n, &i) in workload.iter().enumerate().rev() {
        next[n] = seen.insert(i, n).unwrap_or(usize::MAX);
    }
    // Held ids by their next use; `held` maps an id to that next use.
    let mut by_next: BTreeSet<(usize, u64)> = BTreeSet::new();
    let mut held: HashMap<u64, usize> = HashMap::new();
    let mut hits = 0;
    for (n, &i) in workload.iter().enumerate() {
        if let Some(at) = held.remove(&i) {
            hits += 1;
            by_next.remove(&(at, i));
        } else if held.len() >= slots {
            match by_next.last() {
                Some(&(last, victim)) if last > next[n] => {
                    by_next.remove(&(last, victim));
                    held.remove(&victim);
                }
                _ => continue,
            }
        }
        held.insert(i, next[n]);
        by_next.insert((next[n], i));
    }
    hits
}

/// Memory held by 10,000 typical entries (measured first, before other allocations).
fn footprint(keys: &[CacheKey]) {
    const N: u64 = 10_000;
    let before = rss_kib();
    let mut encoded = 0usize;
    let mut mem = MemoryCache::new(MemoryConfig {
        max_entries: 10_000,
        ..MemoryConfig::default()
    });
    for i in 0..N {
        let a = answer(i);
        let bytes = a.encode().len();
        encoded += bytes;
        mem.insert(keys[i as usize], Arc::new(a), bytes, T0, Some(TTL));
    }
    let after = rss_kib();
    println!(
        "10k entries: encoded {:.2} MB (avg {} B); RSS delta {} ({} entries held)",
        encoded as f64 / 1e6,
        encoded / N as usize,
        match (before, after) {
            (Some(b), Some(a)) => format!("{:.2} MB", a.saturating_sub(b) as f64 / 1024.0),
            _ => "n/a".into(),
        },
        mem.len()
    );
}
