//! One upstream attempt: how its answer is classified and what the gateway does about it, plus
//! the small helpers around it (served-by headers, `retry-after`, breaker announcements, keys).

use crate::answer::served_headers;
use crate::inbound::Inbound;
use crate::limits::Admission;
use crate::log::RequestLog;
use crate::reply::Wire;
use crate::resolve::Candidate;
use crate::GatewayState;
use axum::http::HeaderValue;
use axum::response::Response;
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchyard_domain::ErrorClass;

/// How one attempt ended.
pub enum Outcome {
    /// A 2xx answer, being sent to the caller.
    Served(Response),
    /// The key was refused or rate-limited: try the next key.
    NextKey(&'static str),
    /// A provider error, timeout or connect failure: retry (maybe after the wait), then fail over.
    Retry(&'static str, Option<Duration>),
    /// The caller's own error (other 4xx), returned as is.
    Final(Response),
    /// An Anthropic-format backend refused these `anthropic-beta` flags: send it again without.
    DropBetas(Vec<String>),
}

/// What the attempt was.
pub struct Sent<'a> {
    pub cand: &'a Candidate,
    pub key_label: Option<&'a str>,
    pub key_id: Option<&'a str>,
    pub out: Wire,
    pub reason: &'a str,
    pub started: Instant,
    pub slot: Admission,
    pub deadline: tokio::time::Instant,
    /// Takes the key this attempt used out of whatever the provider answers.
    pub scrub: Option<crate::scrub::Scrub>,
    /// The `anthropic-beta` it went out with, when a refusal of it may still be retried.
    pub betas: Option<&'a HeaderValue>,
    /// The caller's own plan, when this was the plan's candidate.
    pub pass: Option<&'a crate::sign_in::Pass>,
}

#[allow(clippy::manual_async_fn)] // not an `async fn`: see the comment in its body
pub fn classify<'a>(
    state: &'a Arc<GatewayState>,
    inbound: &'a mut Inbound,
    log: &'a mut RequestLog,
    answer: Result<
        Result<crate::outbound::Answer, crate::outbound::UpError>,
        tokio::time::error::Elapsed,
    >,
    sent: Sent<'a>,
) -> impl std::future::Future<Output = Outcome> + 'a {
    // A block over the arguments rather than an `async fn`, whose state keeps a second copy
    // of every argument (rust-lang/rust#62958): the future is moved whole per request.
    async move {
        let Sent {
            cand,
            key_label,
            key_id,
            out,
            reason,
            started,
            slot,
            deadline,
            scrub,
            betas,
            pass,
        } = sent;
        let t = &cand.target;
        let took = started.elapsed();
        let resp = match answer {
            Err(_) => {
                log.attempt(
                    t,
                    &cand.model,
                    key_label,
                    None,
                    Some(ErrorClass::Timeout),
                    took,
                );
                return Outcome::Retry("no answer in time", None);
            }
            Ok(Err(e)) => {
                log.attempt(
                    t,
                    &cand.model,
                    key_label,
                    None,
                    Some(ErrorClass::Connect),
                    took,
                );
                tracing::debug!(backend = %t.name, error = %crate::root_cause(&*e), "upstream unreachable");
                return Outcome::Retry("unreachable", None);
            }
            Ok(Ok(r)) => r,
        };
        crate::headroom::heard(&state.health, &t.id, key_id, resp.headers());
        // The provider's rate-limit headers reach a caller speaking its format unchanged.
        let passed = crate::headroom::passed(resp.headers(), inbound.shape);
        let status = resp.status().as_u16();
        let class = match status {
            200..=299 => None,
            401 | 403 => Some(ErrorClass::KeyInvalid),
            429 => Some(ErrorClass::RateLimited),
            500..=599 => Some(ErrorClass::Upstream5xx),
            _ => Some(ErrorClass::ClientError),
        };
        log.attempt(t, &cand.model, key_label, Some(status), class, took);
        // A flag the backend refuses: dropped and sent again (once); any other 400 as is.
        if let (400, Wire::Anthropic, Some(sent)) = (status, out, betas) {
            let backend = (t.id.as_str(), t.name.as_str());
            let read = crate::betas::read_400(resp, sent, &state.betas, backend);
            let bytes = match tokio::time::timeout_at(deadline, read).await {
                Ok(Ok(crate::betas::Read400::Refused(flags))) => return Outcome::DropBetas(flags),
                Ok(Ok(crate::betas::Read400::Other(bytes))) => bytes,
                _ => return Outcome::Retry("provider answer broke off", None),
            };
            let extra = served_headers(&t.name, &cand.model, reason, log).with(passed);
            let answered = crate::answer::Answered::passed_on(out, log.take(), extra, scrub);
            return Outcome::Final(crate::respond::answer(400, bytes, inbound, answered));
        }
        match status {
            200..=299 => {
                if let Some(pass) = pass {
                    crate::subscription::served(state, pass);
                }
                let extra = served_headers(&t.name, &cand.model, reason, log).with(passed);
                log.hold(slot);
                let capture = inbound
                    .capture
                    .take()
                    .map(|c| c.served_by(t.kind, &t.name, &cand.model));
                let answered = crate::answer::Answered {
                    out,
                    log: log.take(),
                    extra,
                    capture,
                    scrub,
                };
                let r = if inbound.stream {
                    let timing = crate::respond::Timing {
                        idle: state.config.timeouts.idle,
                        deadline,
                    };
                    crate::respond::streaming(resp, inbound, answered, timing)
                } else {
                    crate::respond::buffered(resp, inbound, answered, deadline).await
                };
                Outcome::Served(r)
            }
            401 | 403 => refused(state, t, key_id, status),
            // A plan's refusal: its own answer when nothing else may serve (the tool waits for
            // the reset as without Switchyard); a used-up window cools it down until the reset.
            429 if pass.is_some() => {
                let head = resp.headers().clone();
                let read = tokio::time::timeout_at(deadline, crate::respond::read_all(resp)).await;
                let (Some(p), Ok(Ok(bytes))) = (pass, read) else {
                    return Outcome::Retry("provider answer broke off", None);
                };
                if p.alone {
                    let extra = served_headers(&t.name, &cand.model, reason, log).with(passed);
                    let answered =
                        crate::answer::Answered::passed_on(out, log.take(), extra, scrub);
                    return Outcome::Final(crate::respond::answer(429, bytes, inbound, answered));
                }
                crate::subscription::refused(state, t, p, &head, &bytes);
                Outcome::NextKey("the plan refused (its window used up, or a rate limit)")
            }
            429 => {
                let header = crate::headroom::retry_after(resp.headers());
                // Gemini says it in the body only: read it (a small error body).
                let quota = if out == Wire::Gemini && header.is_none() {
                    let read =
                        tokio::time::timeout_at(deadline, crate::respond::read_all(resp)).await;
                    read.ok()
                        .and_then(Result::ok)
                        .and_then(|b| crate::headroom::gemini_quota(&b))
                } else {
                    None
                };
                if let Some((wait, limit)) = quota {
                    crate::headroom::heard_quota(state, &t.id, key_id, wait, limit);
                }
                let wait = header
                    .or(quota.map(|q| q.0))
                    .unwrap_or(Duration::from_secs(30));
                state
                    .health
                    .cool_down(key_id.unwrap_or(&t.id), state.clock.now() + wait);
                state.observer.rate_limited(&t.id, key_id, wait.as_secs());
                Outcome::NextKey("rate-limited")
            }
            // Gemini refuses a bad key with 400 API_KEY_INVALID rather than 401.
            400 if out == Wire::Gemini => {
                let read = tokio::time::timeout_at(deadline, crate::respond::read_all(resp)).await;
                let Ok(Ok(bytes)) = read else {
                    return Outcome::Retry("provider answer broke off", None);
                };
                if bytes.windows(15).any(|w| w == b"API_KEY_INVALID") {
                    log.reclassify_last_attempt(ErrorClass::KeyInvalid);
                    return refused(state, t, key_id, 400);
                }
                let extra = served_headers(&t.name, &cand.model, reason, log).with(passed);
                let answered = crate::answer::Answered::passed_on(out, log.take(), extra, scrub);
                let r = crate::respond::answer(400, bytes, inbound, answered);
                Outcome::Final(r)
            }
            500..=599 => Outcome::Retry(
                "provider error",
                crate::headroom::retry_after(resp.headers()),
            ),
            _ => {
                let extra = served_headers(&t.name, &cand.model, reason, log).with(passed);
                let answered = crate::answer::Answered::passed_on(out, log.take(), extra, scrub);
                Outcome::Final(crate::respond::buffered(resp, inbound, answered, deadline).await)
            }
        }
    }
}

/// The provider refused the key: remember it, tell the UI, try the next key.
fn refused(
    state: &GatewayState,
    t: &crate::table::Target,
    key_id: Option<&str>,
    status: u16,
) -> Outcome {
    if let Some(id) = key_id {
        state.health.mark_invalid(id);
        state.observer.key_rejected(&t.id, id, status);
    }
    Outcome::NextKey("key refused by the provider")
}

/// Tells the observer about a breaker transition.
pub fn announce(
    state: &GatewayState,
    backend_id: &str,
    key_id: Option<&str>,
    tr: &switchyard_policy::Transition,
) {
    let to = crate::health::circuit(tr.to);
    state
        .observer
        .breaker_changed(backend_id, key_id, to, &tr.reason.to_string());
}

pub async fn load_key(
    state: &Arc<GatewayState>,
    key_id: &str,
) -> Result<switchyard_secrets::SecretString, switchyard_secrets::SecretError> {
    if let Some(k) = state.keys.cached(key_id) {
        return Ok(k);
    }
    let keys = Arc::clone(&state.keys);
    let id = key_id.to_string();
    tokio::task::spawn_blocking(move || keys.load(&id))
        .await
        .map_err(|_| switchyard_secrets::SecretError::Rejected("the read did not finish".into()))?
}

/// Why a key was not used for an attempt.
pub enum KeyMiss {
    /// This key only (gone from the keychain, not approved for the address): another may serve.
    Next(String),
    /// The keychain itself failed: no key of this backend will load.
    Stop(String),
}

/// The key `k` read and cleared for `address` (the egress gate: its approved origins against
/// the very address it is about to be sent to).
pub async fn cleared_key(
    state: &Arc<GatewayState>,
    k: &crate::table::KeyRef,
    address: &str,
) -> Result<crate::egress::Cleared, KeyMiss> {
    // Approved first: a key that may not go to this address is never read.
    let approval = crate::egress::Cleared::approval(&k.approved, address)
        .map_err(|e| KeyMiss::Next(format!("key {}: {e}", k.label)))?;
    let value = match load_key(state, &k.id).await {
        Ok(v) => v,
        Err(switchyard_secrets::SecretError::NotFound) => {
            return Err(KeyMiss::Next(format!(
                "key {}: not in the keychain",
                k.label
            )))
        }
        Err(e) => return Err(KeyMiss::Stop(format!("key {}: {e}", k.label))),
    };
    Ok(approval.clear(value))
}
