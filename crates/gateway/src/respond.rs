//! Answering the caller once a backend succeeded with a whole (non-streamed) answer: read it,
//! record its usage, and translate it if the formats differ. Streams are in `stream`.
//!
//! A provider error in another format keeps its status and message and takes the caller's
//! shape. Embeddings and compaction answers pass through as they are (their usage is read for
//! the ledger); an embeddings answer is stored in the response cache whole.

use crate::answer::Answered;
use crate::capture::Capture;
use crate::inbound::{Inbound, Op};
use crate::log::RequestLog;
use crate::reply::{error, Refused, Shape, Wire};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::{Bytes, BytesMut};
use serde_json::Value;
use switchyard_domain::ErrorClass;
use switchyard_wire::canonical::{ChatResponse, Usage};
use switchyard_wire::{answer_usage, anthropic, gemini, openai, responses, WireError};

pub use crate::stream::{streaming, Timing};

/// Largest buffered answer read from a provider.
pub(crate) const MAX_ANSWER: usize = 64 * 1024 * 1024;

/// Reads a whole answer and replies in the caller's format. Only the read is awaited, and the
/// arguments are not copied into a second slot of the future's state (as an `async fn`'s are,
/// rust-lang/rust#62958): the future is small and moved per request.
#[allow(clippy::manual_async_fn)] // not an `async fn`, as said above
pub fn buffered<'a>(
    resp: crate::outbound::Answer,
    inbound: &'a Inbound,
    answered: Answered,
    deadline: tokio::time::Instant,
) -> impl std::future::Future<Output = Response> + 'a {
    async move {
        let status = resp.status().as_u16();
        let read = tokio::time::timeout_at(deadline, read_all(resp)).await;
        let bytes = match read {
            Ok(Ok(b)) => b,
            Ok(Err(msg)) => {
                return answered
                    .log
                    .refuse(inbound.shape, ErrorClass::UpstreamRead, &msg);
            }
            Err(_) => {
                let msg =
                    "The provider's answer did not complete within the gateway's total timeout.";
                return answered
                    .log
                    .refuse(inbound.shape, ErrorClass::TimeoutTotal, msg);
            }
        };
        answer(status, bytes, inbound, answered)
    }
}

/// Replies with an answer already read whole.
pub fn answer(status: u16, bytes: Bytes, inbound: &Inbound, answered: Answered) -> Response {
    let Answered {
        out,
        mut log,
        extra,
        capture,
        scrub,
    } = answered;
    let bytes = match &scrub {
        Some(s) => s.bytes(bytes),
        None => bytes,
    };
    log.first_byte();
    let ok = (200..300).contains(&status);
    if !ok && (!out.is(inbound.shape) || inbound.op != Op::Generate) {
        // A provider error in another format: same status, its message, the caller's shape.
        let msg = provider_message(out, &bytes)
            .unwrap_or_else(|| format!("The provider answered HTTP {status}."));
        log.finish(status, None);
        let mut r = error(inbound.shape, Refused::Provider(status), &msg);
        r.headers_mut()
            .insert(crate::names::ERROR, HeaderValue::from_static("provider"));
        extra.write(r.headers_mut());
        return r;
    }
    let body = match inbound.op {
        Op::Generate => match generated(status, bytes, inbound, out, &mut log, capture) {
            Ok(body) if inbound.array_reply && ok => {
                let mut wrapped = BytesMut::with_capacity(body.len() + 2);
                wrapped.extend_from_slice(b"[");
                wrapped.extend_from_slice(&body);
                wrapped.extend_from_slice(b"]");
                wrapped.freeze()
            }
            Ok(body) => body,
            Err((class, msg)) => {
                return log.refuse(inbound.shape, class, msg);
            }
        },
        Op::Embed | Op::Compact => {
            let Ok(v) = serde_json::from_slice::<Value>(&bytes) else {
                let msg = "The provider's answer is not valid JSON.";
                return log.refuse(inbound.shape, ErrorClass::UpstreamInvalid, msg);
            };
            if let Some(usage) = v.get("usage") {
                log.usage(&op_usage(inbound.op, usage));
            }
            if let (true, Some(c)) = (ok, capture) {
                c.finish_raw(&bytes, log.usage_so_far());
            }
            bytes
        }
    };
    log.finish(status, None);
    let mut r = (StatusCode::from_u16(status).unwrap_or(StatusCode::OK), body).into_response();
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    extra.write(r.headers_mut());
    r
}

/// A chat answer in the caller's format; `Err` (ledger class, message) when it cannot be read.
fn generated(
    status: u16,
    bytes: Bytes,
    inbound: &Inbound,
    out: Wire,
    log: &mut RequestLog,
    capture: Option<Capture>,
) -> Result<Bytes, (ErrorClass, &'static str)> {
    let ok = (200..300).contains(&status);
    // Passed on as it is, with nothing to store: only the usage is read, not the whole answer.
    let stores = capture.is_some() && ok;
    if out.is(inbound.shape) && !stores {
        if let Ok(read) = answer_usage(out, &bytes) {
            log.usage(&read.usage);
            log.provider_id(read.id.as_deref());
            return Ok(bytes);
        }
    }
    let parsed = parse_response(out, &bytes);
    // A success that is not JSON at all would otherwise pass through untouched as a 200. Only
    // checked when the normal parse failed, so the common path parses once.
    if parsed.is_err() && ok && serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_err() {
        return Err((
            ErrorClass::UpstreamInvalid,
            "The provider's answer is not valid JSON.",
        ));
    }
    if let Ok(p) = &parsed {
        log.usage(&p.usage);
        log.provider_id(Some(&p.id));
        if let Some(c) = capture.filter(|_| ok) {
            c.finish_buffered(p.clone());
        }
    }
    if out.is(inbound.shape) {
        return Ok(bytes);
    }
    parsed
        .ok()
        .map(|p| render_response(inbound, &p))
        .and_then(|v| serde_json::to_vec(&v).ok())
        .map(Bytes::from)
        .ok_or((
            ErrorClass::Translation,
            "The provider's answer could not be translated.",
        ))
}

/// Parses a whole answer of a backend speaking `out`.
pub fn parse_response(out: Wire, bytes: &[u8]) -> Result<ChatResponse, WireError> {
    match out {
        Wire::OpenAi => openai::parse_response(bytes),
        Wire::Anthropic => anthropic::parse_response(bytes),
        Wire::Gemini => gemini::parse_response(bytes),
        Wire::Responses => responses::parse_response(bytes),
    }
}

/// The usage and id of a whole answer of a backend speaking `out`, the rest of it unread.
fn answer_usage(out: Wire, bytes: &[u8]) -> Result<answer_usage::Read, WireError> {
    match out {
        Wire::OpenAi => answer_usage::openai(bytes),
        Wire::Anthropic => answer_usage::anthropic(bytes),
        Wire::Gemini => answer_usage::gemini(bytes),
        Wire::Responses => answer_usage::responses(bytes),
    }
}

/// A whole answer rendered for the caller.
pub fn render_response(inbound: &Inbound, resp: &ChatResponse) -> Value {
    match inbound.shape {
        Shape::OpenAi => openai::render_response(resp),
        Shape::Anthropic => anthropic::render_response(resp),
        Shape::Responses => responses::render_response(resp, &inbound.ctx),
        Shape::Gemini => gemini::render_response(resp),
    }
}

/// The usage of an embeddings (`prompt_tokens`) or compaction (Responses `usage`, cached
/// input apart) answer.
fn op_usage(op: Op, usage: &Value) -> Usage {
    match op {
        Op::Embed => Usage {
            input_tokens: usage
                .get("prompt_tokens")
                .and_then(Value::as_u64)
                .unwrap_or(0),
            ..Usage::default()
        },
        _ => responses::usage_of(usage),
    }
}

/// The message of a provider's error body (`{"error":{"message":…}}` in all formats).
fn provider_message(out: Wire, body: &[u8]) -> Option<String> {
    if out == Wire::Gemini {
        return gemini::error_message(body);
    }
    let v: Value = serde_json::from_slice(body).ok()?;
    let m = v.pointer("/error/message")?.as_str()?;
    Some(m.chars().take(500).collect())
}

pub async fn read_all(resp: crate::outbound::Answer) -> Result<Bytes, String> {
    let mut buf = BytesMut::new();
    if !fill(&mut resp.into_body(), &mut buf, MAX_ANSWER).await? {
        return Err("The provider's answer is too large.".into());
    }
    Ok(buf.freeze())
}

/// Reads `body` into `buf` until it ends (`true`) or `buf` would pass `cap` bytes (`false`;
/// `buf` then holds what was read, the chunk that crossed the cap included).
pub(crate) async fn fill(
    body: &mut crate::outbound::UpBody,
    buf: &mut BytesMut,
    cap: usize,
) -> Result<bool, String> {
    use http_body_util::BodyExt;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            format!(
                "The provider's answer broke off: {}",
                crate::root_cause(&*e)
            )
        })?;
        let Ok(chunk) = frame.into_data() else {
            continue; // trailers
        };
        buf.extend_from_slice(&chunk);
        if buf.len() > cap {
            return Ok(false);
        }
    }
    Ok(true)
}
