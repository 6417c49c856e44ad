//! Timing loops for the benchmark: sequential, concurrent, time to first streamed byte, and the
//! RSS of a headless `switchyard serve` process.

use futures_util::StreamExt;
use std::time::Instant;

const TOKEN: &str = "sy-bench";

/// One request with the bench's token, as every measurement sends it.
async fn post(
    c: &reqwest::Client,
    url: &str,
    body: &serde_json::Value,
) -> Result<reqwest::Response, String> {
    c.post(url)
        .bearer_auth(TOKEN)
        .json(body)
        .send()
        .await
        .map_err(|e| e.to_string())
}

fn client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .tcp_nodelay(true)
        .pool_max_idle_per_host(256)
        .build()
        .map_err(|e| e.to_string())
}

/// Latencies in µs of `n` requests one after another.
pub async fn run_sequential(
    url: &str,
    body: &serde_json::Value,
    n: usize,
) -> Result<Vec<f64>, String> {
    let c = client()?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let r = post(&c, url, body).await?;
        if !r.status().is_success() {
            return Err(format!("{url} answered {}", r.status()));
        }
        r.bytes().await.map_err(|e| e.to_string())?;
        out.push(t.elapsed().as_secs_f64() * 1e6);
    }
    Ok(out)
}

/// Latencies in µs and throughput (req/s) of `n` requests with `conc` in flight.
pub async fn run_concurrent(
    url: &str,
    body: &serde_json::Value,
    n: usize,
    conc: usize,
) -> Result<(Vec<f64>, f64), String> {
    let c = client()?;
    let started = Instant::now();
    let results: Vec<Result<f64, String>> = futures_util::stream::iter(0..n)
        .map(|_| {
            let c = c.clone();
            async move {
                let t = Instant::now();
                let r = post(&c, url, body).await?;
                r.bytes().await.map_err(|e| e.to_string())?;
                Ok(t.elapsed().as_secs_f64() * 1e6)
            }
        })
        .buffer_unordered(conc)
        .collect()
        .await;
    let rate = n as f64 / started.elapsed().as_secs_f64();
    Ok((results.into_iter().collect::<Result<Vec<_>, _>>()?, rate))
}

/// Time (µs) to the first body chunk of `n` streamed requests.
pub async fn ttft(url: &str, body: &serde_json::Value, n: usize) -> Result<Vec<f64>, String> {
    let c = client()?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let r = post(&c, url, body).await?;
        let mut s = r.bytes_stream();
        let mut first = None;
        while let Some(chunk) = s.next().await {
            let chunk = chunk.map_err(|e| e.to_string())?;
            if first.is_none() && !chunk.is_empty() {
                first = Some(t.elapsed().as_secs_f64() * 1e6);
            }
        }
        out.push(first.ok_or("empty stream")?);
    }
    Ok(out)
}

pub fn percentile(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let i = ((p / 100.0) * (v.len() - 1) as f64).round() as usize;
    v[i.min(v.len() - 1)]
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Starts `switchyard serve` in a throw-away data folder, creates a token, measures RSS idle and
/// after `n` requests to the Demo backend through it.
pub async fn serve_rss(binary: &str, body: &serde_json::Value, n: usize) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("switchyard-bench-{}", std::process::id()));
    let env = [
        ("SWITCHYARD_DATA_DIR", dir.display().to_string()),
        ("SWITCHYARD_KEYRING_SERVICE", "switchyard-bench".into()),
        ("SWITCHYARD_GATEWAY_PORT", "0".into()),
    ];
    let token = std::process::Command::new(binary)
        .args(["token", "create", "bench"])
        .envs(env.clone())
        .output()
        .map_err(|e| e.to_string())?;
    let token = String::from_utf8_lossy(&token.stdout).trim().to_string();
    let mut child = tokio::process::Command::new(binary)
        .arg("serve")
        .envs(env)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| e.to_string())?;
    let pid = child.id().ok_or("no pid")?;
    let mut lines = tokio::io::BufReader::new(child.stdout.take().ok_or("no stdout")?);
    let mut first = String::new();
    tokio::io::AsyncBufReadExt::read_line(&mut lines, &mut first)
        .await
        .map_err(|e| e.to_string())?;
    let addr = first
        .trim()
        .rsplit(' ')
        .next()
        .ok_or("no address")?
        .to_string();
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let idle = rss_kib(pid).ok_or("no RSS")?;
    let c = client()?;
    let url = format!("{addr}/v1/chat/completions");
    let results: Vec<bool> = futures_util::stream::iter(0..n)
        .map(|_| {
            let (c, url, token) = (c.clone(), url.clone(), token.clone());
            async move {
                c.post(&url)
                    .bearer_auth(&token)
                    .json(body)
                    .send()
                    .await
                    .map(|r| r.status().is_success())
                    .unwrap_or(false)
            }
        })
        .buffer_unordered(32)
        .collect()
        .await;
    let loaded = rss_kib(pid).ok_or("no RSS")?;
    let ok = results.iter().filter(|r| **r).count();
    println!("headless `switchyard serve` RSS: idle {:.1} MiB, after {n} requests (32 in flight, {ok} ok) {:.1} MiB", idle as f64 / 1024.0, loaded as f64 / 1024.0);
    let _ = child.kill().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
