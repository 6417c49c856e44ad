//! Test key: one zero-cost request to the provider's model-list (or key-info) endpoint, classified
//! as valid / invalid / rate-limited / unreachable / timeout, with latency. The key goes only into
//! a header marked sensitive, never into the URL or a log line.

use reqwest::header::{HeaderMap, HeaderValue};
use std::time::{Duration, Instant};
use switchyard_core::{AuthStyle, BackendKind, CheckOutcome};
use switchyard_gateway::HttpClients;
use switchyard_secrets::SecretString;

pub const ANTHROPIC_VERSION: &str = "2023-06-01";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeResult {
    pub outcome: CheckOutcome,
    pub latency_ms: Option<u32>,
    pub http_status: Option<u16>,
    /// A short sentence for the UI, e.g. "valid, 180 ms".
    pub message: String,
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

/// Sends the probe for `kind` at `base_url` and classifies the answer.
pub async fn probe(
    http: &HttpClients,
    kind: BackendKind,
    base_url: &str,
    key: Option<&SecretString>,
    timeout: Duration,
) -> ProbeResult {
    let spec = kind.spec();
    let url = format!("{}{}", base_url.trim_end_matches('/'), spec.probe_path);
    let headers = match auth_headers(spec.auth, key) {
        Ok(h) => h,
        Err(message) => {
            return ProbeResult {
                outcome: CheckOutcome::Invalid,
                latency_ms: None,
                http_status: None,
                message,
            }
        }
    };
    let request = http.for_url(&url).get(&url).headers(headers);
    send(kind, request, &url, timeout).await
}

/// The opt-in deep probe: a one-token completion of `model` (this costs tokens).
pub async fn deep_probe(
    http: &HttpClients,
    kind: BackendKind,
    base_url: &str,
    key: Option<&SecretString>,
    model: &str,
    timeout: Duration,
) -> ProbeResult {
    let base = base_url.trim_end_matches('/');
    let ping = serde_json::json!([{"role": "user", "content": "ping"}]);
    let (url, body) = match kind {
        BackendKind::Anthropic => (
            format!("{base}/v1/messages"),
            serde_json::json!({"model": model, "max_tokens": 1, "messages": ping}),
        ),
        BackendKind::Gemini => (
            format!("{base}/models/{model}:generateContent"),
            serde_json::json!({"contents": [{"role": "user", "parts": [{"text": "ping"}]}],
                "generationConfig": {"maxOutputTokens": 1}}),
        ),
        BackendKind::Ollama => (
            format!("{base}/v1/chat/completions"),
            serde_json::json!({"model": model, "max_tokens": 1, "messages": ping}),
        ),
        _ => (
            format!("{base}/chat/completions"),
            serde_json::json!({"model": model, "max_tokens": 1, "messages": ping}),
        ),
    };
    let headers = match auth_headers(kind.spec().auth, key) {
        Ok(h) => h,
        Err(message) => {
            return ProbeResult {
                outcome: CheckOutcome::Invalid,
                latency_ms: None,
                http_status: None,
                message,
            }
        }
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
        Err(e) if e.is_timeout() => ProbeResult {
            outcome: CheckOutcome::Timeout,
            latency_ms: None,
            http_status: None,
            message: format!("no answer within {} s", timeout.as_secs_f32()),
        },
        Err(e) => ProbeResult {
            outcome: CheckOutcome::Unreachable,
            latency_ms: None,
            http_status: None,
            message: format!(
                "could not connect to {}: {}",
                host_of(url),
                crate::root_cause(&e)
            ),
        },
    }
}

/// How much of an error body is read to classify it.
const MAX_ERROR_BODY: usize = 16 * 1024;

async fn classify(kind: BackendKind, resp: reqwest::Response, latency_ms: u32) -> ProbeResult {
    let status = resp.status().as_u16();
    let retry = retry_after(resp.headers());
    let body = if resp.status().is_success() {
        String::new()
    } else {
        error_body(resp).await
    };
    let outcome = CheckOutcome::classify(kind, status, &body);
    let message = match outcome {
        CheckOutcome::Valid => format!("valid, {latency_ms} ms"),
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
    }
}

/// The start of an error body, for classification only (never logged or shown).
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

fn auth_headers(style: AuthStyle, key: Option<&SecretString>) -> Result<HeaderMap, String> {
    let mut headers = HeaderMap::new();
    if style == AuthStyle::XApiKey {
        headers.insert(
            "anthropic-version",
            HeaderValue::from_static(ANTHROPIC_VERSION),
        );
    }
    let Some(key) = key else { return Ok(headers) };
    let (name, value) = switchyard_gateway::key_header(style, key)?;
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
