//! The answer when no candidate served a request: 504 when time ran out, 429 with
//! `Retry-After` when every candidate was at a rate limit, else 503 naming each and why.

use crate::log::RequestLog;
use crate::reply::Shape;
use axum::http::HeaderValue;
use axum::response::Response;
use switchyard_domain::ErrorClass;

/// The 503 (or 504 when time ran out) naming every candidate and its state.
pub(crate) fn give_up(
    state: &crate::GatewayState,
    shape: Shape,
    log: RequestLog,
    tried: &[String],
    deadline: tokio::time::Instant,
) -> Response {
    let list = tried.join("; ");
    if tokio::time::Instant::now() >= deadline {
        let secs = state.config.timeouts.total.as_secs();
        let msg =
            format!("No answer within the gateway's total timeout of {secs} s. Tried: {list}.");
        return log.refuse(shape, ErrorClass::TimeoutTotal, &msg);
    }
    let message = if tried.is_empty() {
        "No enabled backend can serve this model.".to_string()
    } else {
        format!("No backend could serve the request. Tried: {list}.")
    };
    log.refuse(shape, ErrorClass::NoCandidate, &message)
}

/// The 429 for a request whose every candidate is at a rate limit (`waits`: how long each has
/// until it has room), with `Retry-After` in whole seconds: the soonest, at least 1.
pub fn limited(
    shape: Shape,
    log: RequestLog,
    tried: &[String],
    waits: &[std::time::Duration],
) -> Response {
    let soonest = waits.iter().min().copied().unwrap_or_default();
    let secs = soonest.as_secs() + u64::from(soonest.subsec_nanos() > 0);
    let secs = secs.max(1);
    let message = format!(
        "Every backend for this request is at its rate limit: {}. Retry in {secs} s.",
        tried.join("; ")
    );
    let mut resp = log.refuse(shape, ErrorClass::LimitReached, &message);
    resp.headers_mut()
        .insert(axum::http::header::RETRY_AFTER, HeaderValue::from(secs));
    resp
}
