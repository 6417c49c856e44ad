//! Token counting: Anthropic `POST /v1/messages/count_tokens`, OpenAI
//! `POST /v1/responses/input_tokens` and Gemini `:countTokens`.
//!
//! A backend that counts for free in the caller's own format (Anthropic for Messages, Gemini for
//! Gemini, OpenAI for Responses, and the Demo backend for all three) is asked; any other backend,
//! or one that fails to answer, gets a local estimate (`switchyard_wire::estimate`, labelled
//! `x-switchyard-reason: estimated`). Counting is never billed, never charged to a budget,
//! never counted against a breaker or a rate limit, and never retried: it is not a model call.
//! Each count leaves a ledger row (`inbound = count_tokens`, no tokens, $0).

use crate::attempt::{cleared_key, KeyMiss};
use crate::deps::Caller;
use crate::log::RequestLog;
use crate::reply::Shape;
use crate::resolve::{resolve, Candidate};
use crate::upstream::headers;
use crate::GatewayState;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use switchyard_domain::ErrorClass;
use switchyard_domain::{Address, BackendKind};
use switchyard_wire::{estimate, gemini, raw};

/// How long a counting backend may take before the estimate answers instead.
const COUNT_TIMEOUT: Duration = Duration::from_secs(10);

/// A counting request as read: its bytes, the local estimate, and the first byte of its
/// conversation field (for the shape check).
pub struct Counting {
    pub raw: bytes::Bytes,
    pub estimate: u64,
    pub entries: Option<u8>,
}

impl Counting {
    /// Scans an Anthropic or Responses body once, without building a JSON tree; `None` when the
    /// bytes are not one JSON object.
    pub fn scan(shape: Shape, raw: bytes::Bytes) -> Option<(Counting, Option<String>)> {
        let fields = if shape == Shape::Responses {
            &estimate::RESPONSES
        } else {
            &estimate::ANTHROPIC
        };
        let scan = estimate::scan(&raw, fields)?;
        let counting = Counting {
            raw,
            estimate: scan.tokens,
            entries: scan.entries,
        };
        Some((counting, scan.model))
    }

    /// A Gemini body (small; it may wrap the request in `generateContentRequest`).
    pub fn of_gemini(raw: bytes::Bytes, json: &Value) -> Counting {
        let req = json.get("generateContentRequest").unwrap_or(json);
        let entries = match req.get("contents") {
            Some(Value::Array(c)) if !c.is_empty() => Some(b'['),
            _ => None,
        };
        Counting {
            raw,
            estimate: estimate::input_tokens(json, &estimate::GEMINI),
            entries,
        }
    }
}

/// Answers a counting request of `shape` for `model`.
pub async fn count(
    state: Arc<GatewayState>,
    shape: Shape,
    caller: &Caller,
    model: String,
    body: Counting,
    inbound_headers: &HeaderMap,
) -> Response {
    if let Some(refused) = crate::reply::model_refused(shape, &model) {
        return refused;
    }
    if let Err((field, what)) = check(shape, body.entries) {
        let msg = format!("`{field}` {what}.");
        return crate::reply::error_at(shape, ErrorClass::BadRequest, &msg, Some(field));
    }
    let mut log = RequestLog::new(
        Arc::clone(&state.ledger),
        Arc::clone(&state.observer),
        Arc::clone(&state.spend),
        caller,
        "count_tokens",
        &model,
        false,
    );
    log.track(crate::log::InFlight::enter(&state.in_flight));
    let table = state.table.get();
    let Some(plan) = resolve(&table, &model) else {
        let shown: String = model.chars().take(80).collect();
        let msg = format!("Unknown model or route “{shown}”: no enabled backend serves it.");
        return log.refuse(shape, ErrorClass::UnknownModel, &msg);
    };
    log.set_route(plan.route.clone());
    let counter = plan.candidates.iter().find(|c| counts_natively(c, shape));
    if let Some(cand) = counter {
        match ask(&state, cand, shape, &body.raw, inbound_headers).await {
            Ok(body) => {
                let reason = format!("counted by {}", cand.target.name);
                log.counted(&cand.target.name, &cand.model, &reason);
                return reply(body, &reason, log);
            }
            Err(why) => {
                tracing::debug!(backend = %cand.target.name, %why, "count fell back to an estimate")
            }
        }
    }
    let tokens = body.estimate;
    let body = match shape {
        Shape::Gemini => gemini::render_count(tokens),
        Shape::Responses => json!({"object": "response.input_tokens", "input_tokens": tokens}),
        Shape::Anthropic | Shape::OpenAi => json!({ "input_tokens": tokens }),
    };
    log.reason("estimated");
    reply(body.to_string().into(), "estimated", log)
}

/// The conversation field (its first byte) must be there and be the right kind of JSON.
fn check(shape: Shape, entries: Option<u8>) -> Result<(), (&'static str, &'static str)> {
    match (shape, entries) {
        (Shape::Anthropic, Some(b'[')) | (Shape::Gemini, Some(b'[')) => Ok(()),
        (Shape::Anthropic, _) => Err(("messages", "is required and must be an array")),
        (Shape::Gemini, _) => Err(("contents", "is required and must be a non-empty array")),
        (Shape::Responses, None | Some(b'"' | b'[' | b'n')) => Ok(()),
        (Shape::Responses, _) => Err(("input", "must be a string or an array")),
        (Shape::OpenAi, _) => Ok(()),
    }
}

/// Whether the candidate counts tokens for free in the caller's format.
fn counts_natively(c: &Candidate, shape: Shape) -> bool {
    matches!(
        (c.target.kind, shape),
        (BackendKind::Demo, _)
            | (BackendKind::Anthropic, Shape::Anthropic)
            | (BackendKind::Gemini, Shape::Gemini)
            | (BackendKind::OpenAi, Shape::Responses)
    )
}

/// The backend's own count, as its JSON body.
async fn ask(
    state: &Arc<GatewayState>,
    cand: &Candidate,
    shape: Shape,
    raw: &[u8],
    inbound_headers: &HeaderMap,
) -> Result<bytes::Bytes, String> {
    let t = &cand.target;
    if let Some(why) = t.withheld_reason() {
        return Err(why);
    }
    let key = t
        .keys
        .iter()
        .find(|k| state.health.usable(&k.id, state.clock.now()));
    if key.is_none() && t.kind.spec().needs_key {
        return Err("no usable key".into());
    }
    let at = Address::new(t.kind, &t.base_url);
    let url = match shape {
        Shape::Anthropic => at.messages_count(),
        Shape::Responses => at.responses_count(),
        Shape::Gemini => at.gemini_count(&cand.model),
        Shape::OpenAi => return Err("Chat Completions has no counting endpoint".into()),
    };
    // The body as sent, with the backend's model where the body names one.
    let body = match shape {
        Shape::Gemini => raw.to_vec(),
        _ => raw::set_string(raw, "model", &cand.model).ok_or("the body is not a JSON object")?,
    };
    let key = match key {
        // The same gate as model calls: approved for this very address, or not sent.
        Some(k) => Some(cleared_key(state, k, &url).await.map_err(|m| match m {
            KeyMiss::Next(why) | KeyMiss::Stop(why) => why,
        })?),
        None => None,
    };
    let mut hdrs = headers(shape, key.as_ref(), &url, inbound_headers, false)?;
    state.betas.filter(&t.id, &mut hdrs);
    // Parsed once (per thread and address), as for model calls.
    let to = crate::outbound::parse_cached(&url).map_err(|_| "its address is not a valid URL")?;
    let request = state.http().post(&to, hdrs, body.into());
    // One deadline for the headers and the body: a backend that stalls mid-answer must not
    // hold the caller.
    let answer = async {
        let resp = request.await.map_err(|e| crate::root_cause(&*e))?;
        if !resp.status().is_success() {
            return Err(format!("HTTP {}", resp.status().as_u16()));
        }
        crate::respond::read_all(resp).await
    };
    let body = tokio::time::timeout(COUNT_TIMEOUT, answer)
        .await
        .map_err(|_| "no answer in time".to_string())??;
    serde_json::from_slice::<serde::de::IgnoredAny>(&body)
        .map_err(|_| "the answer is not JSON".to_string())?;
    Ok(body)
}

fn reply(body: bytes::Bytes, reason: &str, log: RequestLog) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    let h = r.headers_mut();
    h.insert("content-type", HeaderValue::from_static("application/json"));
    if let Ok(v) = HeaderValue::from_str(reason) {
        h.insert(crate::names::REASON, v);
    }
    if let Ok(v) = HeaderValue::from_str(log.id()) {
        h.insert(crate::names::REQUEST_ID, v);
    }
    log.finish(200, None);
    r
}
