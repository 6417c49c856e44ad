//! The drills' load: `in_flight` clients posting one short chat request after another to the
//! shadow's gateway for a while, each answer recorded with when it started and ended, its status
//! and which backend served it (`x-switchyard-backend`).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request of the load.
#[derive(Debug, Clone)]
pub(crate) struct Sample {
    pub started: Duration,
    pub ended: Duration,
    /// 0 when no answer came.
    pub status: u16,
    pub backend: Option<String>,
}

impl Sample {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn latency_ms(&self) -> f64 {
        (self.ended - self.started).as_secs_f64() * 1000.0
    }
}

/// The short chat request every drill sends to `model` (a route name or `Backend/model`).
pub(crate) fn chat_body(model: &str) -> serde_json::Value {
    serde_json::json!({"model": model, "max_tokens": 8,
        "messages": [{"role": "user", "content": "Switchyard drill: reply with one word."}]})
}

/// The client a drill talks to its shadow gateway with. The shadow listens on 127.0.0.1, so this
/// client never uses a proxy: a system proxy (`HTTP_PROXY`, …) would be handed the shadow's
/// token with every request, and could not reach the shadow anyway. `None` only when no HTTP
/// client can be built at all.
pub(crate) fn shadow_client(timeout: Option<Duration>) -> Option<reqwest::Client> {
    let builder = reqwest::Client::builder().no_proxy();
    let builder = match timeout {
        Some(t) => builder.timeout(t),
        None => builder,
    };
    builder.build().ok()
}

/// The backend that served an answer (`x-switchyard-backend`).
pub(crate) fn served_by(answer: &reqwest::Response) -> Option<String> {
    answer
        .headers()
        .get("x-switchyard-backend")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// The gateway to load and how.
pub(crate) struct Load {
    pub addr: SocketAddr,
    pub token: String,
    pub model: String,
    pub in_flight: usize,
}

impl Load {
    /// Runs the load for `length`; `during(elapsed)` is awaited once at `at` into the run (a
    /// fault injected mid-load). Answers every sample, in start order, and when the fault hit.
    pub async fn run<F, Fut>(
        &self,
        length: Duration,
        at: Duration,
        during: F,
    ) -> (Vec<Sample>, Duration)
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        let Some(http) = shadow_client(Some(Duration::from_secs(90))) else {
            return (Vec::new(), Duration::ZERO);
        };
        let samples = Arc::new(Mutex::new(Vec::new()));
        let start = Instant::now();
        let deadline = start + length;
        let url = format!("http://{}/v1/chat/completions", self.addr);
        let body = chat_body(&self.model);
        let mut workers = tokio::task::JoinSet::new();
        for _ in 0..self.in_flight {
            let (http, url, body, token) =
                (http.clone(), url.clone(), body.clone(), self.token.clone());
            let samples = Arc::clone(&samples);
            workers.spawn(async move {
                while Instant::now() < deadline {
                    let started = start.elapsed();
                    let answer = http.post(&url).bearer_auth(&token).json(&body).send().await;
                    let (status, backend) = match answer {
                        Ok(r) => {
                            let backend = served_by(&r);
                            let status = r.status().as_u16();
                            let _ = r.bytes().await;
                            (status, backend)
                        }
                        Err(_) => (0, None),
                    };
                    let sample = Sample {
                        started,
                        ended: start.elapsed(),
                        status,
                        backend,
                    };
                    samples
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(sample);
                }
            });
        }
        tokio::time::sleep(at).await;
        let hit = start.elapsed();
        during().await;
        while workers.join_next().await.is_some() {}
        let mut all = std::mem::take(&mut *samples.lock().unwrap_or_else(|p| p.into_inner()));
        all.sort_by_key(|s| s.started);
        (all, hit)
    }
}

/// The `p`-th percentile (0–100) of `values`, nearest rank; 0 for none.
pub(crate) fn percentile(values: &[f64], p: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentiles_by_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 99.0), 99.0);
        assert_eq!(percentile(&v, 100.0), 100.0);
        assert_eq!(percentile(&[7.0], 95.0), 7.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
    }
}
