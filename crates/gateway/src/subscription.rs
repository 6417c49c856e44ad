//! A tool's own plan sign-in passed through (issue 74). A tool connected with its plan (Claude
//! Code signed in to a Claude plan, Codex signed in with ChatGPT) sends its Switchyard token in
//! `x-switchyard-token` and its own sign-in where its vendor reads it (`Authorization: Bearer
//! sk-ant-oat01-…`). The guard takes the sign-in out of the request (`sign_in::take_sign_in`)
//! before anything else sees it, and keeps it only when the token's connection says the tool has
//! a plan ([`switchyard_domain::Subscription`]); a request of any other token loses it there.
//!
//! The sign-in then rides in the request's own [`Pass`], used by one candidate only: the plan's
//! [`Target`] (id [`PLAN_ID_PREFIX`]…, the vendor's host from the token's subscription), through
//! the egress gate like any key (cleared for that host, sent in the style it came in). It is
//! never stored, logged, cached or sent to another backend: no other target reads a `Pass`.
//!
//! [`route`] puts the plan first and the tool's overflow after it: a plan whose window is used
//! up (a 429 with `anthropic-ratelimit-unified-status: rejected`, or the ChatGPT backend's
//! `usage_limit_reached`) cools down until the reset
//! the vendor gave, so the next requests go straight to the overflow, then back. Without an
//! overflow (plan only, or every overflow candidate stopped by a budget) the plan stands
//! [`Pass::alone`]: the vendor's refusal reaches the tool as it is, as without Switchyard. A
//! plan's requests are recorded without the overflow route's name (`forward`): they are the
//! plan's, at $0, and the route's budget covers the overflow only.

use crate::reply::Shape;
use crate::resolve::{resolve, Candidate, Plan};
use crate::sign_in::{Pass, SignIn};
use crate::table::{Limits, RoutingTable, Target};
use crate::GatewayState;
use axum::http::HeaderMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use switchyard_domain::{BackendKind, Overflow, Subscription, Vendor};
use switchyard_policy::Strategy;

/// A plan's target id starts so; no stored backend's id does (they are UUIDs).
pub const PLAN_ID_PREFIX: &str = "plan:";
/// The ledger's reason on a request a plan's overflow served.
pub const OVERFLOW_REASON: &str = "plan overflow";

/// Whether `target` is a plan's (served with the caller's own sign-in).
pub fn is_plan(target: &Target) -> bool {
    target.id.starts_with(PLAN_ID_PREFIX)
}

/// The plan's target: the vendor's format at the subscription's host, without keys. The
/// ChatGPT backend serves Codex's Responses under `/backend-api/codex`.
fn target(vendor: Vendor, host: &str) -> Target {
    let (kind, base_url) = match vendor {
        Vendor::Anthropic => (BackendKind::Anthropic, host.to_string()),
        Vendor::ChatGpt => (BackendKind::OpenAi, format!("{host}/backend-api/codex")),
    };
    Target {
        id: format!("{PLAN_ID_PREFIX}{}", vendor.as_str()),
        name: vendor.plan_label().to_string(),
        kind,
        base_url,
        default_model: String::new(),
        keys: Vec::new(),
        withheld_keys: 0,
        limits: Limits::default(),
    }
}

/// Whether the vendor's plan serves `model` asked in `shape` (its own model names, in the API
/// its tool speaks; an alias of a route is not).
fn vendor_serves(vendor: Vendor, shape: Shape, model: &str) -> bool {
    let m = model.to_ascii_lowercase();
    match vendor {
        Vendor::Anthropic => {
            shape == Shape::Anthropic
                && m.starts_with("claude-")
                && crate::resolve::unalias(model).is_none()
        }
        Vendor::ChatGpt => {
            shape == Shape::Responses
                && ["gpt-", "codex-", "o3", "o4"]
                    .iter()
                    .any(|p| m.starts_with(p))
        }
    }
}

/// The plan for a request of a tool with a plan that brought its sign-in: the plan first, then
/// the overflow the tool's connection names (less candidates a budget has stopped). `None` when
/// the plan does not serve `requested` (a route the tool names itself resolves as usual).
pub(crate) fn route(
    state: &GatewayState,
    table: &RoutingTable,
    (sub, sign_in): (&Subscription, Arc<SignIn>),
    shape: Shape,
    requested: &str,
) -> Option<Plan> {
    if !vendor_serves(sub.vendor, shape, requested) || !sign_in.fits(sub.vendor) {
        return None;
    }
    let (route, overflow) = match &sub.overflow {
        Overflow::Off => (None, None),
        Overflow::Keys => (None, resolve(table, requested).map(|p| p.candidates)),
        Overflow::Route(name) => {
            let p = resolve(table, name).filter(|p| p.route.is_some());
            (
                p.as_ref().and_then(|p| p.route.clone()),
                p.map(|p| p.candidates),
            )
        }
    };
    let prices = state.spend.prices();
    let overflow: Vec<Candidate> = overflow
        .into_iter()
        .flatten()
        .filter(|c| !is_plan(&c.target))
        .filter(|c| {
            let free =
                switchyard_pricing::cost_per_mtok_in(&prices, c.target.kind, &c.model) == Some(0.0);
            free || state
                .spend
                .stopped(&c.target.id, route.as_deref())
                .is_none()
        })
        .collect();
    let plan = Candidate {
        target: target(sub.vendor, &sub.host),
        model: requested.to_string(),
        weight: 1,
    };
    let alone = overflow.is_empty();
    let mut candidates = vec![plan];
    candidates.extend(overflow);
    Some(Plan {
        route,
        cache: crate::table::RouteCache::default(),
        strategy: Strategy::Priority,
        candidates,
        pass: Some(Pass::new(sign_in, sub.vendor, &sub.host, alone)),
    })
}

/// When a plan's refusal says its window is used up: the reset the vendor gave, or `None` for
/// any other 429 (a short rate limit). Anthropic says it in headers
/// (`anthropic-ratelimit-unified-status: rejected` with `-unified-reset`, Unix seconds); the
/// ChatGPT backend in its body (`{"error": {"type": "usage_limit_reached", "resets_at": …}}`).
pub(crate) fn used_up_until(
    vendor: Vendor,
    headers: &HeaderMap,
    body: &[u8],
) -> Option<SystemTime> {
    let reset: u64 = match vendor {
        Vendor::Anthropic => {
            let value = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
            if !value("anthropic-ratelimit-unified-status")?.eq_ignore_ascii_case("rejected") {
                return None;
            }
            value("anthropic-ratelimit-unified-reset")?
                .trim()
                .parse()
                .ok()?
        }
        Vendor::ChatGpt => {
            #[derive(serde::Deserialize)]
            struct Refusal {
                error: Reason,
            }
            #[derive(serde::Deserialize)]
            struct Reason {
                #[serde(rename = "type")]
                kind: String,
                resets_at: Option<u64>,
            }
            let r: Refusal = serde_json::from_slice(body).ok()?;
            (r.error.kind == "usage_limit_reached").then_some(r.error.resets_at)??
        }
    };
    // A reset years away is not believed: at most the longest window (7 days) from now.
    let latest = SystemTime::now() + Duration::from_secs(7 * 86_400);
    Some((UNIX_EPOCH + Duration::from_secs(reset)).min(latest))
}

/// Each vendor's plan window as the gateway last found it: used up until a time, or fine. Only
/// transitions are told to the observer (one notice when overflow starts, one when the plan
/// serves again).
#[derive(Default)]
pub struct Windows(Mutex<Vec<(Vendor, SystemTime)>>);

impl Windows {
    /// The plan of `vendor` refused: used up until `until`. `true` when it was not already.
    fn used_up(&self, vendor: Vendor, until: SystemTime) -> bool {
        let mut w = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match w.iter_mut().find(|(v, _)| *v == vendor) {
            Some(entry) => {
                entry.1 = until;
                false
            }
            None => {
                w.push((vendor, until));
                true
            }
        }
    }

    /// The plan of `vendor` served: `true` when it had been used up.
    fn served(&self, vendor: Vendor) -> bool {
        let mut w = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let before = w.len();
        w.retain(|(v, _)| *v != vendor);
        w.len() != before
    }
}

/// A plan refused (a 429) where an overflow can serve: cooled down until the reset the vendor
/// gave when its window is used up (told once), else for the usual rate-limit wait.
pub(crate) fn refused(
    state: &GatewayState,
    target: &Target,
    pass: &Pass,
    headers: &HeaderMap,
    body: &[u8],
) {
    let Some(until) = used_up_until(pass.vendor, headers, body) else {
        let wait = crate::headroom::retry_after(headers).unwrap_or(Duration::from_secs(30));
        state.health.cool_down(&target.id, state.clock.now() + wait);
        state
            .observer
            .rate_limited(&target.id, None, wait.as_secs());
        return;
    };
    let wait = until
        .duration_since(SystemTime::now())
        .unwrap_or(Duration::from_secs(1))
        .max(Duration::from_secs(1));
    state.health.cool_down(&target.id, state.clock.now() + wait);
    if state.plans.used_up(pass.vendor, until) {
        let secs = until.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        state.observer.plan_window(pass.vendor, Some(secs));
    }
}

/// A plan's answer: if its window had been used up, it is back.
pub(crate) fn served(state: &GatewayState, pass: &Pass) {
    if state.plans.served(pass.vendor) {
        state.observer.plan_window(pass.vendor, None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn only_a_used_up_window_is_one_in_each_vendors_words() {
        let claude = |h: &HeaderMap| used_up_until(Vendor::Anthropic, h, b"");
        let mut h = HeaderMap::new();
        h.insert(
            "anthropic-ratelimit-unified-reset",
            HeaderValue::from_static("4102444800"),
        );
        assert_eq!(claude(&h), None);
        h.insert(
            "anthropic-ratelimit-unified-status",
            HeaderValue::from_static("allowed"),
        );
        assert_eq!(claude(&h), None);
        h.insert(
            "anthropic-ratelimit-unified-status",
            HeaderValue::from_static("rejected"),
        );
        let until = claude(&h).unwrap();
        let chatgpt = |b: &str| used_up_until(Vendor::ChatGpt, &HeaderMap::new(), b.as_bytes());
        let used_up =
            r#"{"error":{"type":"usage_limit_reached","plan_type":"plus","resets_at":4102444800}}"#;
        assert!(chatgpt(used_up).is_some());
        assert_eq!(chatgpt(r#"{"error":{"type":"rate_limit_exceeded"}}"#), None);
        assert_eq!(chatgpt("not json"), None);
        let week = SystemTime::now() + Duration::from_secs(7 * 86_400 + 5);
        assert!(until <= week, "a far reset is capped at a week");
        let w = Windows::default();
        assert!(w.used_up(Vendor::Anthropic, until));
        assert!(!w.used_up(Vendor::Anthropic, until), "told once");
        assert!(w.served(Vendor::Anthropic));
        assert!(!w.served(Vendor::Anthropic));
    }

    #[test]
    fn only_the_vendors_own_models_go_to_the_plan() {
        let claude = |m| vendor_serves(Vendor::Anthropic, Shape::Anthropic, m);
        assert!(claude("claude-sonnet-4-5"));
        assert!(!claude("claude-via-fast") && !claude("gpt-5") && !claude("fast"));
        assert!(!vendor_serves(
            Vendor::Anthropic,
            Shape::OpenAi,
            "claude-sonnet-4-5"
        ));
        let codex = |m| vendor_serves(Vendor::ChatGpt, Shape::Responses, m);
        assert!(codex("gpt-5.5") && codex("gpt-5-codex") && !codex("claude-sonnet-4-5"));
        assert!(
            !vendor_serves(Vendor::ChatGpt, Shape::OpenAi, "gpt-5.5"),
            "Codex speaks Responses"
        );
    }
}
