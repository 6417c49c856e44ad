//! The request path's side of a team gateway's sharing (see [`crate::Shared`]): a backend's
//! requests- and tokens-per-minute limits hold for the team, a breaker that opened here is
//! announced to the other replicas, and a paid candidate reserves its worst-case cost in the
//! shared budgets before it is tried.
//!
//! The worst case: the request's body bytes / 3 input tokens (the byte estimate is bytes / 4, so
//! this is a third more, and JSON framing counts too) and the output limit it asked for (else
//! the model's own longest answer from the price table, else the gateway's default). A hard stop
//! shared this way overshoots only by what in-flight requests really cost beyond that — in
//! practice nothing; see docs/TEAM.md.

use crate::inbound::Inbound;
use crate::resolve::Candidate;
use crate::GatewayState;
use serde_json::Value;
use std::time::{Duration, Instant};
use switchyard_wire::canonical::Usage;

/// The team's windows of backend `name` (by name: replicas configured alike share them): room in
/// its tokens-per-minute window (a check, which takes nothing), then a place in its
/// requests-per-minute one; `slot` then reports the tokens it uses to the team too. A refusal
/// says which limit and how long until it has room.
pub(crate) async fn admit(
    state: &GatewayState,
    name: &str,
    limits: &crate::table::Limits,
    slot: &mut crate::limits::Admission,
) -> Result<(), (String, Duration)> {
    let Some(shared) = &state.shared.limits else {
        return Ok(());
    };
    let window = crate::limits::WINDOW;
    if let Some(tpm) = limits.tpm {
        if let Err(wait) = shared.tokens_left(name, tpm, window).await {
            return Err((
                format!("at its team-wide tokens-per-minute limit ({tpm})"),
                wait,
            ));
        }
    }
    if let Some(rpm) = limits.rpm {
        if let Err(wait) = shared.admit(name, rpm, window).await {
            return Err((
                format!("at its team-wide requests-per-minute limit ({rpm})"),
                wait,
            ));
        }
    }
    if limits.tpm.is_some() {
        slot.share_tokens(std::sync::Arc::clone(shared), name);
    }
    Ok(())
}

/// A backend's breaker opened here: the team's other replicas avoid it too.
pub(crate) fn opened(
    state: &GatewayState,
    backend: &str,
    tr: &switchyard_policy::Transition,
    now: Instant,
) {
    if let (Some(shared), switchyard_policy::BreakerState::Open { until }) =
        (&state.shared.breakers, tr.to)
    {
        shared.opened(backend, until.saturating_duration_since(now));
    }
}

/// Reserves `cand`'s worst-case cost in the shared budgets covering it (the caller's person is
/// read from `log`). `Ok(None)` without shared budgets or for a free or unpriced model;
/// `Err(message)` when a budget has not that much left.
pub(crate) async fn reserve(
    state: &GatewayState,
    cand: &Candidate,
    route: Option<&str>,
    log: &crate::log::RequestLog,
    inbound: &Inbound,
) -> Result<Option<Box<dyn crate::deps::Held>>, String> {
    let Some(budgets) = &state.shared.budgets else {
        return Ok(None);
    };
    let prices = state.spend.prices();
    // The longest answer the model may give, when the request names none.
    let longest = || {
        switchyard_pricing::provider_of(cand.target.kind)
            .and_then(|p| prices.info(p, &cand.model)?.max_output_tokens)
    };
    let output_tokens = match output_limit(&inbound.json) {
        Some(asked) => u64::from(asked),
        None => longest().unwrap_or(u64::from(state.config.default_max_tokens)),
    };
    let usage = Usage {
        input_tokens: (inbound.raw.len() as u64).div_ceil(3),
        output_tokens,
        ..Usage::default()
    };
    let kind = Some(cand.target.kind);
    let Some(usd) = switchyard_pricing::cost_in(&prices, kind, Some(&cand.model), &usage) else {
        return Ok(None);
    };
    if usd <= 0.0 {
        return Ok(None);
    }
    budgets
        .reserve(log.owner(), &cand.target.name, route, usd)
        .await
}

/// The output limit a request asked for, in any of the formats' fields.
fn output_limit(json: &Value) -> Option<u32> {
    let config = json
        .get("generationConfig")
        .or_else(|| json.get("generation_config"));
    ["max_completion_tokens", "max_tokens", "max_output_tokens"]
        .iter()
        .find_map(|f| json.get(*f))
        .or_else(|| config.and_then(|c| c.get("maxOutputTokens")))
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
}
