//! Answering from the cache: the stored canonical reply rendered in the caller's format — a
//! JSON body, or a synthesized SSE stream when the caller asked for one — with the same
//! `x-switchyard-*` headers a live answer has, plus `x-switchyard-cache` and `age`. A stored
//! embeddings answer is the provider's JSON body, returned as it was.
//!
//! The ledger row of a hit names the backend and model that originally answered, costs $0 and
//! records in `saved_usd` what the original call cost.

use crate::answer::served_headers;
use crate::caching::stored_raw;
use crate::capture::now_ms;
use crate::inbound::{Inbound, Op};
use crate::log::RequestLog;
use crate::respond::render_response;
use crate::stream::Encoder;
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::{Bytes, BytesMut};
use switchyard_cache::CachedAnswer;
use switchyard_wire::canonical::ChatResponse;
use switchyard_wire::collect::replay_events;

/// The response for a cache hit (`label` is `hit` or `shared`).
pub fn respond(
    inbound: &Inbound,
    answer: &CachedAnswer,
    label: &'static str,
    mut log: RequestLog,
) -> Response {
    log.served_from_cache(answer, label);
    let served = served_headers(&answer.backend, &answer.model, "cache hit", &log);
    let mut response = answer.response.clone();
    if response.created == 0 {
        response.created = u64::try_from(answer.stored_at_unix_ms / 1000).unwrap_or(0);
    }
    let mut r = if inbound.op == Op::Embed {
        let body = stored_raw(&response).unwrap_or_default();
        let mut r = (StatusCode::OK, body).into_response();
        r.headers_mut()
            .insert("content-type", HeaderValue::from_static("application/json"));
        r
    } else if inbound.stream {
        let mut r = Response::new(Body::from(sse(inbound, &response)));
        let h = r.headers_mut();
        h.insert(
            "content-type",
            HeaderValue::from_static("text/event-stream"),
        );
        h.insert("cache-control", HeaderValue::from_static("no-cache"));
        r
    } else {
        let mut body = render_response(inbound, &response);
        if inbound.array_reply {
            body = serde_json::Value::Array(vec![body]);
        }
        (StatusCode::OK, axum::Json(body)).into_response()
    };
    let age = (now_ms().saturating_sub(answer.stored_at_unix_ms) / 1000).max(0);
    let h = r.headers_mut();
    served.write(h);
    h.insert("age", HeaderValue::from(age));
    h.insert(crate::names::CACHE, HeaderValue::from_static(label));
    log.first_byte();
    log.finish(200, None);
    r
}

/// The whole answer as one SSE body in the caller's format.
fn sse(inbound: &Inbound, response: &ChatResponse) -> Bytes {
    let mut enc = Encoder::for_caller(inbound, response.created);
    let mut out = BytesMut::new();
    for e in &replay_events(response) {
        enc.encode(e).iter().for_each(|f| out.extend_from_slice(f));
    }
    enc.finish().iter().for_each(|f| out.extend_from_slice(f));
    out.freeze()
}
