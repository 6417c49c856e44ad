//! Test key: one zero-cost request to the provider's model-list (or key-info) endpoint, classified
//! as valid / invalid / rate-limited / unreachable / timeout, with latency. The key goes only into
//! a header marked sensitive, never into the URL or a log line. [`models`] reads a backend's
//! whole model list the same way.

pub mod models;

use crate::upstream::ANTHROPIC_VERSION;
use crate::{Cleared, HttpClients};
use reqwest::header::{HeaderMap, HeaderValue};
use std::time::{Duration, Instant};
use switchyard_domain::{Address, AuthStyle, BackendKind, CheckOutcome};

/// How the app reaches a backend for a key test, a probe or a model list: the HTTP clients, the
/// Demo server's root (the Demo backend's address is under it) and the time limit.
#[derive(Clone)]
pub struct Reach {
    pub http: HttpClients,
    pub demo: String,
    pub timeout: Duration,
}

impl Reach {
    /// Where a stored backend of `kind` is called.
    pub fn address<'a>(&self, kind: BackendKind, stored_base: &'a str) -> Address<'a> {
        Address::of(kind, stored_base, &self.demo)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProbeResult {
    pub outcome: CheckOutcome,
    pub latency_ms: Option<u32>,
    pub http_status: Option<u16>,
    /// A short sentence for the UI, e.g. "valid, 180 ms".
    pub message: String,
    /// The key's credits, where the provider's probe endpoint says (OpenRouter's `/key`).
    pub balance: Option<Balance>,
}

impl ProbeResult {
    /// No answer to classify: the request was not sent, or got no response.
    fn failed(outcome: CheckOutcome, message: String) -> ProbeResult {
        ProbeResult {
            outcome,
            latency_ms: None,
            http_status: None,
            message,
            balance: None,
        }
    }
}

/// A key's credits in USD, as the provider said.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Balance {
    /// `None`: no limit set on the key.
    pub limit_usd: Option<f64>,
    pub used_usd: f64,
    /// `None` with no limit.
    pub remaining_usd: Option<f64>,
}

impl Balance {
    /// OpenRouter's `GET /key`: `{"data": {"limit": 10 | null, "usage": 2.5, "limit_remaining": 7.5}}`.
    pub fn from_openrouter(body: &[u8]) -> Option<Balance> {
        let v: serde_json::Value = serde_json::from_slice(body).ok()?;
        let d = v.get("data")?;
        let num = |k: &str| {
            d.get(k)
                .and_then(serde_json::Value::as_f64)
                .filter(|x| x.is_finite())
        };
        let used_usd = num("usage")?;
        let limit_usd = num("limit");
        let remaining_usd = num("limit_remaining").or(limit_usd.map(|l| (l - used_usd).max(0.0)));
        Some(Balance {
            limit_usd,
            used_usd,
            remaining_usd,
        })
    }

    /// OpenRouter's `GET /credits` (a management key's account):
    /// `{"data": {"total_credits": 25, "total_usage": 2.5}}`.
    pub fn from_openrouter_credits(body: &[u8]) -> Option<Balance> {
        let v: serde_json::Value = serde_json::from_slice(body).ok()?;
        let d = v.get("data")?;
        let num = |k: &str| {
            d.get(k)
                .and_then(serde_json::Value::as_f64)
                .filter(|x| x.is_finite() && *x >= 0.0)
        };
        let (total, used) = (num("total_credits")?, num("total_usage")?);
        Some(Balance {
            limit_usd: Some(total),
            used_usd: used,
            remaining_usd: Some((total - used).max(0.0)),
        })
    }

    /// "$7.50 of $10.00 in credits left" or "$2.50 of credits used, no limit".
    pub fn text(&self) -> String {
        match (self.remaining_usd, self.limit_usd) {
            (Some(left), Some(limit)) => format!("${left:.2} of ${limit:.2} in credits left"),
            (Some(left), None) => format!("${left:.2} in credits left"),
            _ => format!("${:.2} of credits used, no limit", self.used_usd),
        }
    }
}

/// The HTTP client used for checks: rustls, short connect timeout, no redirects to other hosts.
pub fn http_client() -> Result<HttpClients, reqwest::Error> {
    HttpClients::build(|b| {
        b.connect_timeout(Duration::from_secs(5))
            .tcp_nodelay(true)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("switchyard/", env!("CARGO_PKG_VERSION")))
    })
}

/// Sends the probe to the backend at `at` and classifies the answer.
pub async fn probe(
    http: &HttpClients,
    at: &Address<'_>,
    key: Option<&Cleared>,
    timeout: Duration,
) -> ProbeResult {
    let kind = at.kind();
    let spec = kind.spec();
    let url = at.probe();
    let headers = match auth_headers(spec.auth, key, &url) {
        Ok(h) => h,
        Err(message) => return ProbeResult::failed(CheckOutcome::Invalid, message),
    };
    let request = http.for_url(&url).get(&url).headers(headers);
    send(kind, request, &url, timeout).await
}

/// A key test's second look, after [`probe`]: a valid key without a limit of its own spends
/// the account's credits, which OpenRouter tells a management key (`GET /credits`); other keys
/// get a 403 and keep "no limit". Only on the user's test, never in the monitor's probes: a key
/// that can serve requests is not a management key, so every probe would add a refused call.
pub async fn with_account_credits(
    http: &HttpClients,
    at: &Address<'_>,
    key: Option<&Cleared>,
    timeout: Duration,
    mut result: ProbeResult,
) -> ProbeResult {
    let url = at.credits();
    if let (
        CheckOutcome::Valid,
        Some(Balance {
            limit_usd: None, ..
        }),
        Ok(headers),
    ) = (
        result.outcome,
        result.balance,
        auth_headers(AuthStyle::Bearer, key, &url),
    ) {
        let sent = http
            .for_url(&url)
            .get(&url)
            .headers(headers)
            .timeout(timeout)
            .send()
            .await;
        if let Ok(resp) = sent.and_then(reqwest::Response::error_for_status) {
            let body = error_body(resp).await;
            if let Some(account) = Balance::from_openrouter_credits(body.as_bytes()) {
                result.message = format!(
                    "valid, {} ms · {}",
                    result.latency_ms.unwrap_or(0),
                    account.text()
                );
                result.balance = Some(account);
            }
        }
    }
    result
}

/// The opt-in deep probe: a one-token completion of `model` (this costs tokens).
pub async fn deep_probe(
    http: &HttpClients,
    at: &Address<'_>,
    key: Option<&Cleared>,
    model: &str,
    timeout: Duration,
) -> ProbeResult {
    let kind = at.kind();
    let ping = serde_json::json!([{"role": "user", "content": "ping"}]);
    let url = at.deep_probe(model);
    let body = match kind {
        BackendKind::Gemini => {
            serde_json::json!({"contents": [{"role": "user", "parts": [{"text": "ping"}]}],
                "generationConfig": {"maxOutputTokens": 1}})
        }
        _ => serde_json::json!({"model": model, "max_tokens": 1, "messages": ping}),
    };
    let headers = match auth_headers(kind.spec().auth, key, &url) {
        Ok(h) => h,
        Err(message) => return ProbeResult::failed(CheckOutcome::Invalid, message),
    };
    let request = http.for_url(&url).post(&url).headers(headers).json(&body);
    let mut result = send(kind, request, &url, timeout).await;
    if result.outcome == CheckOutcome::Valid {
        result.message = format!("{} (one-token completion)", result.message);
    }
    result
}

async fn send(
    kind: BackendKind,
    request: reqwest::RequestBuilder,
    url: &str,
    timeout: Duration,
) -> ProbeResult {
    let started = Instant::now();
    let sent = request.timeout(timeout).send().await;
    let latency_ms = u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX);
    match sent {
        Ok(resp) => classify(kind, resp, latency_ms).await,
        Err(e) if e.is_timeout() => ProbeResult::failed(
            CheckOutcome::Timeout,
            format!("no answer within {} s", timeout.as_secs_f32()),
        ),
        Err(e) => ProbeResult::failed(
            CheckOutcome::Unreachable,
            format!(
                "could not connect to {}: {}",
                host_of(url),
                crate::root_cause(&e)
            ),
        ),
    }
}

/// How much of an error body is read to classify it.
const MAX_ERROR_BODY: usize = 16 * 1024;

async fn classify(kind: BackendKind, resp: reqwest::Response, latency_ms: u32) -> ProbeResult {
    let status = resp.status().as_u16();
    let retry = retry_after(resp.headers());
    let mut balance = None;
    let body = if resp.status().is_success() {
        if kind == BackendKind::OpenRouter {
            balance = Balance::from_openrouter(error_body(resp).await.as_bytes());
        }
        String::new()
    } else {
        error_body(resp).await
    };
    let outcome = CheckOutcome::classify(kind, status, &body);
    let message = match outcome {
        CheckOutcome::Valid => match &balance {
            Some(b) => format!("valid, {latency_ms} ms · {}", b.text()),
            None => format!("valid, {latency_ms} ms"),
        },
        CheckOutcome::Invalid => format!("invalid: the provider refused the key (HTTP {status})"),
        CheckOutcome::RateLimited if body.contains("insufficient_quota") => {
            "out of credits: the key works but its account has no quota left (HTTP 429)".to_string()
        }
        CheckOutcome::RateLimited => match retry {
            Some(s) => format!("rate-limited (HTTP 429), retry in {s} s"),
            None => "rate-limited (HTTP 429)".to_string(),
        },
        _ => format!("unexpected answer (HTTP {status})"),
    };
    ProbeResult {
        outcome,
        latency_ms: Some(latency_ms),
        http_status: Some(status),
        message,
        balance,
    }
}

/// The start of a body (an error's, for classification; OpenRouter's key info, for its
/// credits); never logged or shown.
async fn error_body(mut resp: reqwest::Response) -> String {
    let mut buf = Vec::new();
    while let Ok(Some(chunk)) = resp.chunk().await {
        buf.extend_from_slice(&chunk);
        if buf.len() >= MAX_ERROR_BODY {
            break;
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}

/// The headers for `style`, with `key` only when it was cleared for `url`'s origin.
fn auth_headers(style: AuthStyle, key: Option<&Cleared>, url: &str) -> Result<HeaderMap, String> {
    let mut headers = HeaderMap::new();
    if style == AuthStyle::XApiKey {
        headers.insert(
            "anthropic-version",
            HeaderValue::from_static(ANTHROPIC_VERSION),
        );
    }
    let Some(key) = key else { return Ok(headers) };
    let (name, value) = crate::key_header(style, key, url).map_err(|e| e.to_string())?;
    headers.insert(name, value);
    Ok(headers)
}

fn retry_after(headers: &HeaderMap) -> Option<u64> {
    headers
        .get("retry-after")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| {
            u.host_str().map(|h| match u.port() {
                Some(p) => format!("{h}:{p}"),
                None => h.to_string(),
            })
        })
        .unwrap_or_else(|| "the server".to_string())
}
