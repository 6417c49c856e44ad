//! The attempt loop: order the candidates by the plan's strategy, then for each candidate and
//! each of its usable keys send the request, classify the answer and react:
//! 2xx → answer the caller; 401/403 → mark the key invalid, next key; 429 → cool the key down for
//! the advertised time, next key; 5xx / connect error / timeout → retry with backoff within the
//! retry budget, then fail over; other 4xx → the caller's own error, returned as is — except a
//! 400 refusing `anthropic-beta` flags, sent once more without them (see `betas`).
//!
//! A candidate that cannot be sent the request — its format cannot express something in it
//! (audio to Anthropic, a built-in tool to Gemini), or it lacks the operation (embeddings on
//! Anthropic) — is skipped without an attempt. When every candidate was skipped that way the
//! caller gets a 400 `invalid_request_error` naming the field and each backend: retrying cannot
//! help, so it must not look like an outage (a 5xx / `overloaded_error` makes clients retry).
//!
//! Two breakers guard each attempt: the backend's (opened by provider errors, timeouts and
//! connect failures) and the key's (opened by refusals and rate limits of that key). A backend
//! at its in-flight, requests- or tokens-per-minute limit is skipped. Everything — retries and
//! waits included — ends at the total timeout. Streams fail over only before their first byte.
//! With no candidate left: 503 naming each one and why — or, when each was at a rate limit, 429
//! with `Retry-After` (the soonest any has room).

mod breakers;

use crate::attempt::announce;
use crate::attempt::{classify, cleared_key, KeyMiss, Outcome, Sent};
use crate::inbound::Inbound;
use crate::log::RequestLog;
use crate::resolve::{Candidate, Plan};
use crate::upstream;
use crate::GatewayState;
use axum::http::HeaderMap;
use axum::response::Response;
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchyard_domain::ErrorClass;
use switchyard_policy::{order, Backoff, Strategy};
use switchyard_pricing::cost_per_mtok_in;
use switchyard_wire::WireError;
use tokio::time::Instant as Deadline;

#[allow(clippy::manual_async_fn)] // not an `async fn`: see the comment in its body
pub fn run<'a>(
    state: &'a Arc<GatewayState>,
    plan: Plan,
    mut inbound: Inbound,
    mut log: RequestLog,
    headers: HeaderMap,
) -> impl std::future::Future<Output = Response> + 'a {
    // A block over the arguments rather than an `async fn`, whose state keeps a second copy
    // of every argument (rust-lang/rust#62958): the future is moved whole per request.
    async move {
        let now = state.clock.now();
        let deadline = Deadline::now() + state.config.timeouts.total;
        state.health.record_request(now);
        log.set_route(plan.route.clone());
        let priced = matches!(plan.strategy, Strategy::LowestCost | Strategy::Composite(_));
        let prices = state.spend.prices();
        let stats: Vec<_> = plan
            .candidates
            .iter()
            .map(|c| {
                let cost = priced
                    .then(|| cost_per_mtok_in(&prices, c.target.kind, &c.model))
                    .flatten();
                let mut s = state.health.stats(&c.target.id, c.weight, cost, now);
                if plan.strategy == Strategy::Headroom {
                    s.room = crate::headroom::room(state, &c.target);
                }
                s
            })
            .collect();
        let mut rand = || state.health.rand();
        let choices = order(&plan.strategy, &stats, &mut rand);
        let mut tried: Vec<String> = Vec::new();
        let mut budget_stop: Option<String> = None;
        // How long each candidate at a rate limit has until it has room.
        let mut limited: Vec<Duration> = Vec::new();
        // Candidates that cannot take this request at all, with the field at fault.
        let mut refused: Vec<(String, Option<String>)> = Vec::new();
        for choice in choices {
            let Some(cand) = plan.candidates.get(choice.index) else {
                continue;
            };
            // Named only when the candidate did not serve (the 503's list).
            let name = || format!("{} ({})", cand.target.name, cand.model);
            // The plan's sign-in, for the plan's own candidate only.
            let pass = plan
                .pass
                .as_ref()
                .filter(|_| crate::subscription::is_plan(&cand.target));
            // Only a candidate under an exhausted limit pays for the price lookup; a plan's own
            // request costs the user nothing.
            if let Some(message) = state
                .spend
                .stopped(&cand.target.id, plan.route.as_deref())
                .filter(|_| pass.is_none())
                .filter(|_| cost_per_mtok_in(&prices, cand.target.kind, &cand.model) != Some(0.0))
            {
                tried.push(format!("{}: budget used up", name()));
                budget_stop.get_or_insert(message);
                continue;
            }
            // A plan standing alone is asked even while cooling down: its refusal is the answer.
            if !choice.available && !pass.is_some_and(|p| p.alone) {
                tried.push(format!("{}: circuit open or cooling down", name()));
                continue;
            }
            match crate::shared::reserve(state, cand, plan.route.as_deref(), &log, &inbound).await {
                Ok(held) => log.reserve(held),
                Err(message) => {
                    tried.push(format!("{}: team budget used up", name()));
                    budget_stop.get_or_insert(message);
                    continue;
                }
            }
            if Deadline::now() >= deadline {
                tried.push(format!("{}: not tried, out of time", name()));
                continue;
            }
            // A plan's own request is not the overflow route's (its costs, its budget).
            if plan.pass.is_some() {
                log.set_route(pass.is_none().then(|| plan.route.clone()).flatten());
            }
            let reason = match (&plan.pass, pass) {
                (Some(_), None) => crate::subscription::OVERFLOW_REASON,
                _ => choice.reason.as_str(),
            };
            log.reason(reason);
            let attempt = Attempt {
                state,
                cand,
                headers: &headers,
                reason,
                deadline,
                drain: plan.strategy == Strategy::Headroom,
                pass,
            };
            match attempt.run(&mut inbound, &mut log).await {
                Ok(resp) => return resp,
                Err(Skip::Failed(why)) => tried.push(format!("{}: {why}", name())),
                Err(Skip::Limited(why, wait)) => {
                    tried.push(format!("{}: {why}", name()));
                    limited.push(wait);
                }
                Err(Skip::Refused(why, field)) => {
                    tracing::debug!(backend = %cand.target.name, %why, "candidate cannot take the request");
                    let line = format!("{}: {why}", name());
                    refused.push((line.clone(), field));
                    tried.push(line);
                }
            }
        }
        if !refused.is_empty() && refused.len() == tried.len() {
            let list: Vec<&str> = refused.iter().map(|(m, _)| m.as_str()).collect();
            let msg = format!(
                "No backend can take this request as sent. {}.",
                list.join("; ")
            );
            let field = refused.iter().find_map(|(_, f)| f.as_deref());
            return log.refuse_at(inbound.shape, ErrorClass::Untranslatable, &msg, field);
        }
        match budget_stop {
            // Every candidate was stopped by a budget: say so, not "unavailable".
            Some(message) if tried.iter().all(|t| t.ends_with("budget used up")) => {
                log.refuse(inbound.shape, ErrorClass::BudgetExceeded, &message)
            }
            // Every candidate is at a rate limit: 429, and when to come back.
            None if !limited.is_empty() && limited.len() == tried.len() => {
                crate::exhausted::limited(inbound.shape, log, &tried, &limited)
            }
            _ => crate::exhausted::give_up(state, inbound.shape, log, &tried, deadline),
        }
    }
}

/// Why a candidate gave up.
enum Skip {
    /// It was tried (or could not be tried now) and failed.
    Failed(String),
    /// It cannot take this request at all; the field at fault, if any.
    Refused(String, Option<String>),
    /// It is at a rate limit (its own or the team's) for this long.
    Limited(String, Duration),
}

impl From<String> for Skip {
    fn from(why: String) -> Self {
        Skip::Failed(why)
    }
}

/// Everything one candidate's attempts share.
struct Attempt<'a> {
    state: &'a Arc<GatewayState>,
    cand: &'a Candidate,
    headers: &'a HeaderMap,
    reason: &'a str,
    deadline: Deadline,
    /// Keys in order, each drained before the next: those without room go last.
    drain: bool,
    /// The caller's own plan sign-in, when this is the plan's candidate (it has no keys).
    pass: Option<&'a crate::sign_in::Pass>,
}

impl Attempt<'_> {
    /// Tries every usable key of the candidate. `Err` says why the candidate gave up.
    async fn run(&self, inbound: &mut Inbound, log: &mut RequestLog) -> Result<Response, Skip> {
        let (state, t) = (self.state, &self.cand.target);
        let mut keys: Vec<Option<&crate::table::KeyRef>> = if t.keys.is_empty() {
            vec![None]
        } else {
            t.keys.iter().map(Some).collect()
        };
        if self.drain && keys.len() > 1 {
            keys.sort_by_key(|k| k.is_some_and(|k| crate::headroom::drained(state, &k.id)));
        }
        let caps = crate::models::caps(&state.spend.prices(), t.kind, &self.cand.model);
        let out = upstream::outbound(t.kind, inbound.shape, inbound.op, caps)
            .map_err(|why| Skip::Refused(why, None))?;
        if let Some(why) = t.withheld_reason() {
            return Err(Skip::Failed(why));
        }
        let elsewhere = state.shared.breakers.as_ref();
        if let Some(left) = elsewhere.and_then(|b| b.open_elsewhere(&t.name)) {
            let secs = left.as_secs().max(1);
            let why = format!("circuit open on another replica, retry in {secs} s");
            return Err(Skip::Failed(why));
        }
        if t.kind.spec().needs_key && t.keys.is_empty() && self.pass.is_none() {
            return Err(Skip::Failed("no key".into()));
        }
        let body = inbound
            .body_for(out, &self.cand.model, caps, state.config.default_max_tokens)
            .map_err(|u| {
                let field = match &u.error {
                    WireError::MissingField { field }
                    | WireError::InvalidField { field, .. }
                    | WireError::Unsupported { field, .. } => Some(field.clone()),
                    WireError::InvalidJson { .. } => None,
                };
                let why = format!("the {} format cannot carry it: {}", out.label(), u.error);
                Skip::Refused(why, field.filter(|_| u.callers_field))
            })?;
        let mut last = "no usable key".to_string();
        let mut betas_dropped = false;
        for key in keys {
            if let Some(k) = key {
                if !state.health.usable(&k.id, state.clock.now()) {
                    last = format!("key {} unusable (invalid or cooling down)", k.label);
                    continue;
                }
            }
            let address = upstream::endpoint(
                t.kind,
                &t.base_url,
                out,
                inbound.op,
                &self.cand.model,
                inbound.stream,
            );
            let secret = match key {
                Some(k) => match cleared_key(state, k, &address).await {
                    Ok(cleared) => Some(cleared),
                    // This key is gone or not approved here; another may serve.
                    Err(KeyMiss::Next(why)) => {
                        last = why;
                        continue;
                    }
                    Err(KeyMiss::Stop(why)) => return Err(Skip::Failed(why)),
                },
                None => None,
            };
            let mut hdrs =
                upstream::headers(out, secret.as_ref(), &address, self.headers, inbound.stream)?;
            // The plan's candidate: the caller's own sign-in, through the same gate.
            let secret = match self.pass {
                Some(pass) => Some(pass.put(&address, self.headers, &mut hdrs)?),
                None => secret,
            };
            state.betas.filter(&t.id, &mut hdrs);
            let scrub = crate::scrub::Scrub::of(secret.as_ref());
            // Parsed once per thread and address: the client choice and every retry use it.
            let Ok(to) = crate::outbound::parse_cached(&address) else {
                return Err(Skip::Failed("its address is not a valid URL".into()));
            };
            let backoff = Backoff::default();
            let mut attempt = 0u32;
            loop {
                let Some(key_permit) = self.key_permit(key) else {
                    last =
                        key.map_or_else(String::new, |k| format!("key {}: circuit open", k.label));
                    break;
                };
                let left = self.deadline.saturating_duration_since(Deadline::now());
                if left.is_zero() {
                    return Err(Skip::Failed("out of time".into()));
                }
                // The breaker first, then this gateway's windows, then the team's: a window
                // counts only a request that goes out.
                let permit = state
                    .health
                    .acquire(&t.id, state.clock.now())
                    .map_err(|r| {
                        format!("circuit open, retry in {} s", r.retry_in.as_secs().max(1))
                    })?;
                if let Some(tr) = permit.transition() {
                    announce(state, &t.id, None, tr);
                }
                let mut slot = state
                    .limiter
                    .admit(&t.id, &t.limits)
                    .map_err(|e| Skip::Limited(e.to_string(), e.retry_in()))?;
                if let Err((why, wait)) =
                    crate::shared::admit(state, &t.name, &t.limits, &mut slot).await
                {
                    slot.refund();
                    return Err(Skip::Limited(why, wait));
                }
                let started = Instant::now();
                let request = state.http().post(&to, hdrs.clone(), body.clone());
                let timeout = state.config.timeouts.first_byte.min(left);
                let answer = tokio::time::timeout(timeout, request).await;
                let sent = Sent {
                    cand: self.cand,
                    key_label: key
                        .map(|k| k.label.as_str())
                        .or(self.pass.map(|_| crate::sign_in::SIGN_IN_LABEL)),
                    key_id: key.map(|k| k.id.as_str()),
                    out,
                    reason: self.reason,
                    started,
                    slot,
                    deadline: self.deadline,
                    scrub: scrub.clone(),
                    betas: crate::betas::retriable(&hdrs, betas_dropped),
                    pass: self.pass,
                };
                let outcome = classify(state, inbound, log, answer, sent).await;
                self.report(key, key_permit, permit, &outcome, started.elapsed());
                match outcome {
                    Outcome::Served(r) | Outcome::Final(r) => return Ok(r),
                    Outcome::NextKey(why) => {
                        last = why.to_string();
                        break;
                    }
                    Outcome::DropBetas(flags) => {
                        crate::betas::without(&mut hdrs, &flags);
                        betas_dropped = true;
                    }
                    Outcome::Retry(why, wait) => {
                        last = why.to_string();
                        attempt += 1;
                        if attempt > state.config.retries_per_candidate
                            || !state.health.try_retry(state.clock.now())
                        {
                            return Err(Skip::Failed(last));
                        }
                        let left = self.deadline.saturating_duration_since(Deadline::now());
                        let delay =
                            wait.unwrap_or_else(|| backoff.delay(attempt, state.health.rand()));
                        state
                            .clock
                            .sleep(delay.min(Duration::from_secs(30)).min(left))
                            .await;
                    }
                }
            }
        }
        Err(Skip::Failed(last))
    }
}
