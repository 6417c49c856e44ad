//! The attempt loop: order the candidates by the plan's strategy, then for each candidate and
//! each of its usable keys send the request, classify the answer and react:
//! 2xx → answer the caller; 401/403 → mark the key invalid, next key; 429 → cool the key down for
//! the advertised time, next key; 5xx / connect error / timeout → retry with backoff within the
//! retry budget, then fail over; other 4xx → the caller's own error, returned as is.
//! Streams fail over only before their first byte. With no candidate left: 503 naming each one.

use crate::log::RequestLog;
use crate::reply::{error, Shape};
use crate::resolve::{Candidate, Plan};
use crate::upstream::{self, Inbound};
use crate::GatewayState;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use switchyard_policy::{order, Backoff};

/// How one attempt ended.
enum Outcome {
    Served(Response),
    NextKey(&'static str),
    Retry(&'static str, Option<Duration>),
    Final(Response),
}

pub async fn run(
    state: &Arc<GatewayState>,
    plan: Plan,
    mut inbound: Inbound,
    mut log: RequestLog,
    headers: HeaderMap,
) -> Response {
    let now = Instant::now();
    state.health.record_request(now);
    log.set_route(plan.route.clone());
    let stats: Vec<_> = plan
        .candidates
        .iter()
        .map(|c| state.health.stats(&c.target.id, 1, None, now))
        .collect();
    let mut rand = || state.health.rand();
    let choices = order(&plan.strategy, &stats, &mut rand);
    let mut tried: Vec<String> = Vec::new();
    for choice in choices {
        let Some(cand) = plan.candidates.get(choice.index) else {
            continue;
        };
        if !choice.available {
            tried.push(format!(
                "{} ({}): circuit open or cooling down",
                cand.target.name, cand.model
            ));
            continue;
        }
        log.reason(&choice.reason);
        match try_candidate(
            state,
            cand,
            &mut inbound,
            &mut log,
            &headers,
            &choice.reason,
        )
        .await
        {
            Ok(resp) => return resp,
            Err(why) => tried.push(format!("{} ({}): {why}", cand.target.name, cand.model)),
        }
    }
    let message = if tried.is_empty() {
        "No enabled backend can serve this model.".to_string()
    } else {
        format!(
            "No backend could serve the request. Tried: {}.",
            tried.join("; ")
        )
    };
    log.finish(503, Some("no_candidate"));
    error(inbound.shape, StatusCode::SERVICE_UNAVAILABLE, &message)
}

/// Tries every usable key of one candidate. `Err` says why the candidate gave up.
async fn try_candidate(
    state: &Arc<GatewayState>,
    cand: &Candidate,
    inbound: &mut Inbound,
    log: &mut RequestLog,
    headers: &HeaderMap,
    reason: &str,
) -> Result<Response, String> {
    let t = &cand.target;
    let needs_key = t.kind.spec().needs_key;
    let keys: Vec<Option<&crate::table::KeyRef>> = if t.keys.is_empty() {
        vec![None]
    } else {
        t.keys.iter().map(Some).collect()
    };
    if needs_key && t.keys.is_empty() {
        return Err("no key".into());
    }
    let out = upstream::outbound(t.kind, inbound.shape);
    let body = inbound
        .body_for(out, &cand.model, state.config.default_max_tokens)
        .map_err(|e| format!("request not translatable: {e}"))?;
    let mut last = "no usable key".to_string();
    for key in keys {
        let now = Instant::now();
        if let Some(k) = key {
            if !state.health.usable(&k.id, now) {
                last = format!("key {} unusable (invalid or cooling down)", k.label);
                continue;
            }
        }
        let secret = match key {
            Some(k) => Some(
                load_key(state, &k.id)
                    .await
                    .map_err(|e| format!("key {}: {e}", k.label))?,
            ),
            None => None,
        };
        let hdrs = upstream::headers(t.kind, out, secret.as_ref(), headers, inbound.stream)?;
        let url = upstream::endpoint(t.kind, &t.base_url, out);
        let backoff = Backoff::default();
        let mut attempt = 0u32;
        loop {
            let permit = match state.health.acquire(&t.id, Instant::now()) {
                Ok(p) => {
                    // Open → half-open is reported on the permit that opens the trial.
                    if let Some(tr) = p.transition() {
                        announce(state, &t.id, tr);
                    }
                    p
                }
                Err(rejected) => {
                    return Err(format!(
                        "circuit open, retry in {} s",
                        rejected.retry_in.as_secs().max(1)
                    ))
                }
            };
            let started = Instant::now();
            let sent = tokio::time::timeout(
                state.config.timeouts.first_byte,
                state
                    .http
                    .post(&url)
                    .headers(hdrs.clone())
                    .body(body.clone())
                    .send(),
            )
            .await;
            let label = key.map(|k| k.label.as_str());
            let outcome = classify(
                state,
                cand,
                inbound,
                log,
                sent,
                started,
                label,
                key.map(|k| k.id.as_str()),
                out,
                reason,
            )
            .await;
            let ok = matches!(outcome, Outcome::Served(_) | Outcome::Final(_));
            if let Some(tr) =
                state
                    .health
                    .report(&t.id, permit, ok, Some(started.elapsed()), Instant::now())
            {
                announce(state, &t.id, &tr);
            }
            match outcome {
                Outcome::Served(r) | Outcome::Final(r) => return Ok(r),
                Outcome::NextKey(why) => {
                    last = why.to_string();
                    break;
                }
                Outcome::Retry(why, wait) => {
                    last = why.to_string();
                    attempt += 1;
                    if attempt > state.config.retries_per_candidate
                        || !state.health.try_retry(Instant::now())
                    {
                        return Err(last);
                    }
                    let delay = wait.unwrap_or_else(|| backoff.delay(attempt, state.health.rand()));
                    tokio::time::sleep(delay.min(Duration::from_secs(30))).await;
                }
            }
        }
    }
    Err(last)
}

#[allow(clippy::too_many_arguments)]
async fn classify(
    state: &Arc<GatewayState>,
    cand: &Candidate,
    inbound: &Inbound,
    log: &mut RequestLog,
    sent: Result<reqwest::Result<reqwest::Response>, tokio::time::error::Elapsed>,
    started: Instant,
    key_label: Option<&str>,
    key_id: Option<&str>,
    out: Shape,
    reason: &str,
) -> Outcome {
    let t = &cand.target;
    let took = started.elapsed();
    let resp = match sent {
        Err(_) => {
            log.attempt(t, &cand.model, key_label, None, Some("timeout"), took);
            return Outcome::Retry("no answer in time", None);
        }
        Ok(Err(e)) => {
            log.attempt(t, &cand.model, key_label, None, Some("connect"), took);
            tracing::debug!(backend = %t.name, error = %crate::root_cause(&e), "upstream unreachable");
            return Outcome::Retry("unreachable", None);
        }
        Ok(Ok(r)) => r,
    };
    let status = resp.status().as_u16();
    let class = match status {
        200..=299 => None,
        401 | 403 => Some("key_invalid"),
        429 => Some("rate_limited"),
        500..=599 => Some("upstream_5xx"),
        _ => Some("client_error"),
    };
    log.attempt(t, &cand.model, key_label, Some(status), class, took);
    match status {
        200..=299 => {
            let extra = served_headers(&t.name, &cand.model, reason, log);
            let r = if inbound.stream {
                crate::respond::streaming(
                    resp,
                    inbound,
                    out,
                    take(log),
                    state.config.timeouts.idle,
                    extra,
                )
            } else {
                crate::respond::buffered(resp, inbound, out, take(log), extra).await
            };
            Outcome::Served(r)
        }
        401 | 403 => {
            if let Some(id) = key_id {
                state.health.mark_invalid(id);
                state.observer.key_rejected(&t.id, id, status);
            }
            Outcome::NextKey("key refused by the provider")
        }
        429 => {
            let wait = retry_after(resp.headers()).unwrap_or(Duration::from_secs(30));
            state
                .health
                .cool_down(key_id.unwrap_or(&t.id), Instant::now() + wait);
            state.observer.rate_limited(&t.id, key_id, wait.as_secs());
            Outcome::NextKey("rate-limited")
        }
        500..=599 => Outcome::Retry("provider error", retry_after(resp.headers())),
        _ => Outcome::Final(
            crate::respond::buffered(resp, inbound, out, take(log), HeaderMap::new()).await,
        ),
    }
}

/// Moves the log out, leaving a placeholder that is never written.
fn take(log: &mut RequestLog) -> RequestLog {
    log.take()
}

/// Tells the observer about a breaker transition, with the state names its contract promises.
fn announce(state: &GatewayState, backend_id: &str, tr: &switchyard_policy::Transition) {
    let to = match tr.to {
        switchyard_policy::BreakerState::Closed => "closed",
        switchyard_policy::BreakerState::Open { .. } => "open",
        switchyard_policy::BreakerState::HalfOpen => "halfOpen",
    };
    state
        .observer
        .breaker_changed(backend_id, None, to, &tr.reason.to_string());
}

fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?)))
        .collect();
    switchyard_policy::retry_after(&pairs, SystemTime::now())
}

async fn load_key(
    state: &Arc<GatewayState>,
    key_id: &str,
) -> Result<switchyard_secrets::SecretString, String> {
    if let Some(k) = state.keys.cached(key_id) {
        return Ok(k);
    }
    let keys = Arc::clone(&state.keys);
    let id = key_id.to_string();
    tokio::task::spawn_blocking(move || keys.load(&id))
        .await
        .map_err(|_| "keychain read failed".to_string())?
}

/// `x-switchyard-*` headers: which backend served and why.
fn served_headers(backend: &str, model: &str, reason: &str, log: &RequestLog) -> HeaderMap {
    let mut h = HeaderMap::new();
    let mut put = |name: &'static str, value: &str| {
        let clean: String = value
            .chars()
            .filter(|c| c.is_ascii() && !c.is_ascii_control())
            .collect();
        if let Ok(v) = HeaderValue::from_str(&clean) {
            h.insert(name, v);
        }
    };
    put("x-switchyard-backend", backend);
    put("x-switchyard-model", model);
    put("x-switchyard-reason", reason);
    put("x-switchyard-request-id", log.id());
    h
}
