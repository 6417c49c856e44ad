//! The response cache on the request path: whether a request may use the cache, the lookup
//! (with single-flight), and the [`Capture`] (`crate::capture`) that stores the upstream answer
//! once complete.
//!
//! Policy, in order:
//! 1. the cache is off (no cache, or the user turned it off) → no `x-switchyard-cache` header;
//! 2. `x-switchyard-cache: bypass`, or the route's mode is `off` → `bypass`;
//! 3. not cacheable — `temperature` is not 0 and neither the route (`always`) nor
//!    `x-switchyard-cache: force` opted in, `n > 1`, or the body has no canonical reading →
//!    `skip`;
//! 4. `Cache-Control: no-cache` (or `x-switchyard-cache: refresh`) skips the lookup and stores
//!    the new answer → `refresh`; `Cache-Control: no-store` looks up but never stores;
//! 5. otherwise a single-flight lookup: `hit`, `shared`, or `miss` (this request fetches).
//!
//! Embeddings are deterministic, so they are cacheable without opting in; their key covers the
//! model, the input and the options that change the answer's bytes (`dimensions`,
//! `encoding_format`), and the stored answer is the provider's body itself ([`stored_raw`]).
//! Compaction is never cached.
//!
//! Invariant: only a complete 2xx answer is stored — a buffered answer that parsed, or a stream
//! that ended with its stop event and no error. A failed, cut or abandoned request drops its
//! [`Capture`], which releases the lease so concurrent identical requests retry.

use crate::capture::{Capture, RAW};
use crate::inbound::{Inbound, Op};
use crate::reply::{error, Shape};
use crate::resolve::Plan;
use crate::{Caller, GatewayState};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use switchyard_cache::{is_cacheable, CacheKey, CachedAnswer, Lookup, OutputExtras};
use switchyard_domain::ErrorClass;
use switchyard_wire::canonical::{ChatRequest, ChatResponse, Message, Part, Role, StopReason};

/// The caller's cache headers.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Directive {
    no_cache: bool,
    no_store: bool,
    bypass: bool,
    force: bool,
}

impl Directive {
    fn read(headers: &HeaderMap) -> Result<Directive, String> {
        let mut d = Directive::default();
        for v in headers.get_all("cache-control") {
            for token in v.to_str().unwrap_or("").split(',') {
                match token.trim().to_ascii_lowercase().as_str() {
                    "no-cache" => d.no_cache = true,
                    "no-store" => d.no_store = true,
                    _ => {}
                }
            }
        }
        if let Some(v) = headers.get("x-switchyard-cache") {
            match v
                .to_str()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
                .as_str()
            {
                "bypass" | "off" => d.bypass = true,
                "force" => d.force = true,
                "refresh" => d.no_cache = true,
                "" | "auto" => {}
                _ => {
                    return Err(
                        "`x-switchyard-cache` must be one of auto, force, refresh or bypass."
                            .into(),
                    )
                }
            }
        }
        Ok(d)
    }
}

/// What the cache decided before any upstream call.
pub enum Decision {
    /// Go upstream; `label` is the `x-switchyard-cache` value (`None`: the cache is off).
    Forward {
        label: Option<&'static str>,
        capture: Option<Box<Capture>>,
    },
    /// Answered from the cache.
    Answered(Arc<CachedAnswer>, &'static str),
    /// A bad cache header.
    Refused(Response),
}

/// Decides how `inbound` meets the cache (see the module docs).
pub async fn decide(
    state: &GatewayState,
    plan: &Plan,
    requested: &str,
    inbound: &mut Inbound,
    headers: &HeaderMap,
    caller: &Caller,
) -> Decision {
    let Some(cache) = state.cache.as_ref().filter(|_| state.cache_enabled()) else {
        return Decision::Forward {
            label: None,
            capture: None,
        };
    };
    let d = match Directive::read(headers) {
        Ok(d) => d,
        Err(msg) => {
            return Decision::Refused(error(inbound.shape, ErrorClass::BadRequest, &msg));
        }
    };
    let forward = |label| Decision::Forward {
        label: Some(label),
        capture: None,
    };
    let policy = plan.cache;
    if d.bypass || policy.mode == crate::table::CacheMode::Off {
        return forward("bypass");
    }
    let opt_in = d.force || policy.mode == crate::table::CacheMode::Always;
    let route = plan.route.clone().unwrap_or_else(|| requested.to_string());
    // Not shared between tools: the token is part of the key, so tool B never learns that tool
    // A asked the same question.
    let keyed = if state
        .cache_shared
        .load(std::sync::atomic::Ordering::Relaxed)
    {
        route.clone()
    } else {
        format!("{route}\u{1f}token:{}", caller.token_id)
    };
    let key = match inbound.op {
        Op::Compact => return forward("skip"),
        Op::Embed => embedding_key(&keyed, &inbound.json),
        Op::Generate => {
            // Cheap check first: most traffic is not deterministic and never needs the canonical
            // parse.
            if !opt_in && temperature(inbound) != Some(0.0) {
                return forward("skip");
            }
            let extras = match inbound.shape {
                Shape::OpenAi => OutputExtras::from_openai_body(&inbound.json),
                Shape::Anthropic => OutputExtras::from_anthropic_body(&inbound.json),
                Shape::Responses => OutputExtras::from_responses_body(&inbound.json),
                Shape::Gemini => OutputExtras::from_gemini_body(&inbound.json),
            };
            match inbound.canonical() {
                Ok(req) if is_cacheable(req, &extras, opt_in) => {
                    CacheKey::derive(&keyed, req, &extras)
                }
                _ => return forward("skip"),
            }
        }
    };
    let ttl = policy.ttl_secs.map(|s| Duration::from_secs(u64::from(s)));
    let lease = if d.no_cache {
        cache.refresh(&route, key, ttl)
    } else if d.no_store {
        return match cache.lookup_only(&route, key).await {
            Some(a) => Decision::Answered(a, "hit"),
            None => forward("miss"),
        };
    } else {
        match cache.lookup(&route, key, ttl).await {
            Lookup::Found(a, switchyard_cache::Source::Shared) => {
                return Decision::Answered(a, "shared")
            }
            Lookup::Found(a, _) => return Decision::Answered(a, "hit"),
            Lookup::Lead(lease) => lease,
        }
    };
    let label = if d.no_cache { "refresh" } else { "miss" };
    let capture = (!d.no_store).then(|| Box::new(Capture::new(lease, route, state.spend.prices())));
    Decision::Forward {
        label: Some(label),
        capture,
    }
}

/// The request's `temperature` as sent (Gemini's is in `generationConfig`).
fn temperature(inbound: &Inbound) -> Option<f64> {
    let json = &inbound.json;
    let config = || {
        json.get("generationConfig")
            .or_else(|| json.get("generation_config"))
    };
    match inbound.shape {
        Shape::Gemini => config().and_then(|c| c.get("temperature")),
        _ => json.get("temperature"),
    }
    .and_then(Value::as_f64)
}

/// An embeddings request's key: its input and the options that change the answer, hashed like
/// a one-message conversation so it shares the cache's machinery but never a chat's key.
fn embedding_key(route: &str, json: &Value) -> CacheKey {
    let input = json.get("input").map(Value::to_string).unwrap_or_default();
    let req = ChatRequest {
        model: json
            .get("model")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        messages: vec![Message::text(Role::User, input)],
        ..ChatRequest::default()
    };
    let mut extras = OutputExtras::none();
    extras
        .0
        .insert("endpoint".into(), Value::from("embeddings"));
    for k in ["dimensions", "encoding_format", "input_type", "truncate"] {
        if let Some(v) = json.get(k).filter(|v| !v.is_null()) {
            extras.0.insert(k.into(), v.clone());
        }
    }
    CacheKey::derive(route, &req, &extras)
}

/// The provider body stored by [`Capture::finish_raw`], if this answer is one.
pub fn stored_raw(resp: &ChatResponse) -> Option<bytes::Bytes> {
    match (&resp.stop, resp.content.as_slice()) {
        (StopReason::Other(tag), [Part::Text(body)]) if tag == RAW => {
            Some(bytes::Bytes::from(body.clone()))
        }
        _ => None,
    }
}

/// Sets `x-switchyard-cache` on a response.
pub fn label(resp: &mut Response, label: Option<&'static str>) {
    if let Some(l) = label {
        resp.headers_mut()
            .insert(crate::names::CACHE, HeaderValue::from_static(l));
    }
}
