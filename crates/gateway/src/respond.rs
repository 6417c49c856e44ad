//! Answering the caller once a backend succeeded. A buffered answer is read whole, its usage
//! recorded, and translated if the formats differ. A streamed answer is forwarded chunk by chunk
//! as it arrives (never buffered): the SSE is tapped for usage, translated event by event across
//! formats, and an idle timeout or the total timeout ends a stalled stream. A stream that breaks
//! off ends with an error event in the caller's format, so the client knows the answer is cut.
//! Dropping the stream (the client went away) drops the upstream request and still records the
//! tokens seen (estimated from the text forwarded when the provider had not sent usage yet).

use crate::caching::Capture;
use crate::log::RequestLog;
use crate::reply::{error, Shape, Wire};
use crate::upstream::Inbound;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use std::pin::Pin;
use std::time::Duration;
use switchyard_wire::canonical::StreamEvent;
use switchyard_wire::sse::SseParser;
use switchyard_wire::{anthropic, gemini, openai};

/// Largest buffered answer read from a provider.
const MAX_ANSWER: usize = 64 * 1024 * 1024;

/// What goes with an answer to the caller.
pub struct Answered {
    /// The format the backend answered in.
    pub out: Wire,
    pub log: RequestLog,
    /// `x-switchyard-*` headers.
    pub extra: HeaderMap,
    /// Stores the answer in the response cache once it is complete.
    pub capture: Option<Capture>,
}

impl Answered {
    /// An answer with no extra headers and nothing to store (an error being passed on).
    pub fn plain(out: Wire, log: RequestLog) -> Self {
        Answered {
            out,
            log,
            extra: HeaderMap::new(),
            capture: None,
        }
    }
}

/// Reads a whole answer and replies in the caller's format.
pub async fn buffered(
    resp: reqwest::Response,
    inbound: &Inbound,
    answered: Answered,
    deadline: tokio::time::Instant,
) -> Response {
    let log = answered.log;
    let status = resp.status().as_u16();
    let bytes = match tokio::time::timeout_at(deadline, read_all(resp)).await {
        Ok(Ok(b)) => b,
        Ok(Err(msg)) => {
            log.finish(502, Some("upstream_read"));
            return error(inbound.shape, StatusCode::BAD_GATEWAY, &msg);
        }
        Err(_) => {
            log.finish(504, Some("timeout_total"));
            let msg = "The provider's answer did not complete within the gateway's total timeout.";
            return error(inbound.shape, StatusCode::GATEWAY_TIMEOUT, msg);
        }
    };
    let answered = Answered { log, ..answered };
    answer(status, bytes, inbound, answered)
}

/// Replies with an answer already read whole.
pub fn answer(status: u16, bytes: Bytes, inbound: &Inbound, answered: Answered) -> Response {
    let Answered {
        out,
        mut log,
        extra,
        capture,
    } = answered;
    log.first_byte();
    if !(200..300).contains(&status) && !out.is(inbound.shape) {
        // A provider error in another format: same status, its message, the caller's shape.
        let msg = provider_message(out, &bytes)
            .unwrap_or_else(|| format!("The provider answered HTTP {status}."));
        log.finish(status, None);
        let code = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
        let mut r = error(inbound.shape, code, &msg);
        r.headers_mut()
            .insert("x-switchyard-error", HeaderValue::from_static("provider"));
        return r;
    }
    let parsed = match out {
        Wire::OpenAi => openai::parse_response(&bytes),
        Wire::Anthropic => anthropic::parse_response(&bytes),
        Wire::Gemini => gemini::parse_response(&bytes),
    };
    // A success that is not JSON at all would otherwise pass through untouched as a 200. Only
    // checked when the normal parse failed, so the common path parses once.
    if parsed.is_err()
        && (200..300).contains(&status)
        && serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_err()
    {
        log.finish(502, Some("upstream_invalid"));
        return error(
            inbound.shape,
            StatusCode::BAD_GATEWAY,
            "The provider's answer is not valid JSON.",
        );
    }
    if let Ok(p) = &parsed {
        log.usage(&p.usage);
        if let Some(c) = capture.filter(|_| (200..300).contains(&status)) {
            c.finish_buffered(p.clone());
        }
    }
    let body = if out.is(inbound.shape) {
        bytes
    } else {
        let rendered = parsed.map(|p| match inbound.shape {
            Shape::OpenAi => openai::render_response(&p),
            Shape::Anthropic => anthropic::render_response(&p),
        });
        match rendered.ok().and_then(|v| serde_json::to_vec(&v).ok()) {
            Some(b) => Bytes::from(b),
            None => {
                log.finish(502, Some("translation"));
                return error(
                    inbound.shape,
                    StatusCode::BAD_GATEWAY,
                    "The provider's answer could not be translated.",
                );
            }
        }
    };
    log.finish(status, None);
    let mut r = (StatusCode::from_u16(status).unwrap_or(StatusCode::OK), body).into_response();
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    r.headers_mut().extend(extra);
    r
}

/// The message of a provider's error body (`{"error":{"message":…}}` in all three formats).
fn provider_message(out: Wire, body: &[u8]) -> Option<String> {
    if out == Wire::Gemini {
        return gemini::error_message(body);
    }
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let m = v.pointer("/error/message")?.as_str()?;
    Some(m.chars().take(500).collect())
}

pub async fn read_all(resp: reqwest::Response) -> Result<Bytes, String> {
    let mut buf = BytesMut::new();
    let mut s = resp.bytes_stream();
    while let Some(chunk) = s.next().await {
        let chunk = chunk
            .map_err(|e| format!("The provider's answer broke off: {}", crate::root_cause(&e)))?;
        if buf.len() + chunk.len() > MAX_ANSWER {
            return Err("The provider's answer is too large.".into());
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

enum Decoder {
    OpenAi(openai::StreamDecoder),
    Anthropic(anthropic::StreamDecoder),
    Gemini(gemini::StreamDecoder),
}

enum Encoder {
    Same,
    OpenAi(openai::StreamEncoder),
    Anthropic(anthropic::StreamEncoder),
}

struct Pump {
    upstream: Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>,
    parser: SseParser,
    decoder: Decoder,
    encoder: Encoder,
    /// OpenAI caller that did not ask for usage: drop the usage-only chunk we asked for.
    strip_usage_frame: bool,
    timing: Timing,
    caller: Shape,
    log: Option<RequestLog>,
    /// Collects the answer for the response cache; dropped (never stored) if the stream is cut.
    capture: Option<Capture>,
    /// The last bytes went out; the next poll ends the body.
    done: bool,
}

/// How long a stream may stall, and when it must end regardless.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub idle: Duration,
    pub deadline: tokio::time::Instant,
}

/// Streams the answer to the caller as it arrives.
pub fn streaming(
    resp: reqwest::Response,
    inbound: &Inbound,
    answered: Answered,
    timing: Timing,
) -> Response {
    let Answered {
        out,
        mut log,
        extra,
        capture,
    } = answered;
    log.set_status(resp.status().as_u16());
    let decoder = match out {
        Wire::OpenAi => Decoder::OpenAi(openai::StreamDecoder::new()),
        Wire::Anthropic => Decoder::Anthropic(anthropic::StreamDecoder::new()),
        Wire::Gemini => Decoder::Gemini(gemini::StreamDecoder::new()),
    };
    let encoder = match (out.is(inbound.shape), inbound.shape) {
        (true, _) => Encoder::Same,
        (false, Shape::OpenAi) => Encoder::OpenAi(openai::StreamEncoder::new(inbound.wants_usage)),
        (false, Shape::Anthropic) => Encoder::Anthropic(anthropic::StreamEncoder::new()),
    };
    let pump = Pump {
        upstream: Box::pin(resp.bytes_stream()),
        parser: SseParser::new(),
        decoder,
        encoder,
        strip_usage_frame: out == Wire::OpenAi
            && inbound.shape == Shape::OpenAi
            && !inbound.wants_usage,
        timing,
        caller: inbound.shape,
        log: Some(log),
        capture,
        done: false,
    };
    let body = futures_util::stream::unfold(pump, |mut p| async move {
        if p.done {
            return None;
        }
        loop {
            let now = tokio::time::Instant::now();
            let wait = p
                .timing
                .idle
                .min(p.timing.deadline.saturating_duration_since(now));
            let next = tokio::time::timeout(wait, p.upstream.next()).await;
            let (out, end) = match next {
                Ok(Some(Ok(chunk))) => (p.translate(&chunk), None),
                Ok(Some(Err(e))) => {
                    tracing::debug!(error = %crate::root_cause(&e), "upstream stream broke off");
                    let msg = "The provider's stream broke off; the answer is incomplete.";
                    (p.error_frame(msg), Some("upstream_broken"))
                }
                Ok(None) => (p.finish(), Some("")),
                Err(_) if tokio::time::Instant::now() >= p.timing.deadline => {
                    let msg = "The gateway's total timeout was reached; the answer is incomplete.";
                    (p.error_frame(msg), Some("timeout_total"))
                }
                Err(_) => {
                    let msg = format!(
                        "The provider sent nothing for {} s; the answer is incomplete.",
                        p.timing.idle.as_secs()
                    );
                    (p.error_frame(&msg), Some("upstream_idle_timeout"))
                }
            };
            if let Some(class) = end {
                if let Some(capture) = p.capture.take() {
                    if class.is_empty() {
                        capture.finish_stream();
                    }
                }
                if let Some(log) = p.log.take() {
                    let class = (!class.is_empty()).then_some(class);
                    let status = if class.is_some() { 502 } else { 200 };
                    log.finish(status, class);
                }
                if out.is_empty() {
                    return None;
                }
                p.done = true;
                return Some((Ok::<Bytes, std::io::Error>(out), p));
            }
            if !out.is_empty() {
                if let Some(log) = p.log.as_mut() {
                    log.first_byte();
                }
                return Some((Ok(out), p));
            }
        }
    });
    let mut r = Response::new(Body::from_stream(body));
    let h = r.headers_mut();
    h.insert(
        "content-type",
        HeaderValue::from_static("text/event-stream"),
    );
    h.insert("cache-control", HeaderValue::from_static("no-cache"));
    h.extend(extra);
    r
}

impl Pump {
    fn translate(&mut self, chunk: &[u8]) -> Bytes {
        let events = self.parser.feed(chunk);
        self.forward(events)
    }

    fn forward(&mut self, sse: Vec<switchyard_wire::sse::SseEvent>) -> Bytes {
        let mut out = BytesMut::new();
        for ev in sse {
            let events: Vec<StreamEvent> = match &mut self.decoder {
                Decoder::OpenAi(d) => d.feed(&ev.data),
                Decoder::Anthropic(d) => d.feed(ev.event.as_deref(), &ev.data),
                Decoder::Gemini(d) => d.feed(&ev.data),
            };
            if let Some(capture) = self.capture.as_mut() {
                events.iter().for_each(|e| capture.feed(e));
            }
            if let Some(log) = self.log.as_mut() {
                for e in &events {
                    match e {
                        StreamEvent::Usage(u) => log.usage(u),
                        StreamEvent::TextDelta { text } => log.streamed_text(text.chars().count()),
                        StreamEvent::ToolCallDelta {
                            arguments_json_fragment: f,
                            ..
                        } => log.streamed_text(f.chars().count()),
                        _ => {}
                    }
                }
            }
            match &mut self.encoder {
                Encoder::Same => {
                    let usage_only = self.strip_usage_frame && is_usage_only_chunk(&ev.data);
                    if !usage_only {
                        out.extend_from_slice(&switchyard_wire::sse::frame(
                            ev.event.as_deref(),
                            &ev.data,
                        ));
                    }
                }
                Encoder::OpenAi(enc) => events
                    .iter()
                    .flat_map(|e| enc.encode(e))
                    .for_each(|f| out.extend_from_slice(&f)),
                Encoder::Anthropic(enc) => events
                    .iter()
                    .flat_map(|e| enc.encode(e))
                    .for_each(|f| out.extend_from_slice(&f)),
            }
        }
        out.freeze()
    }

    /// A last SSE event telling the caller, in its own format, that the stream is cut.
    fn error_frame(&self, message: &str) -> Bytes {
        let (event, body) = match self.caller {
            Shape::OpenAi => (None, openai::error_body(502, message)),
            Shape::Anthropic => (Some("error"), anthropic::error_body(502, message)),
        };
        switchyard_wire::sse::frame(event, &body.to_string())
    }

    fn finish(&mut self) -> Bytes {
        // A last event without its closing blank line still counts.
        let tail = self
            .parser
            .finish()
            .map(|ev| self.forward(vec![ev]))
            .unwrap_or_default();
        let frames = match &mut self.encoder {
            Encoder::Same => Vec::new(),
            Encoder::OpenAi(enc) => enc.finish(),
            Encoder::Anthropic(enc) => enc.finish(),
        };
        let mut out = BytesMut::from(&tail[..]);
        frames.iter().for_each(|f| out.extend_from_slice(f));
        out.freeze()
    }
}

/// `{"choices":[], "usage":{…}}`: the chunk `include_usage` adds.
fn is_usage_only_chunk(data: &str) -> bool {
    data.contains("\"usage\"")
        && serde_json::from_str::<serde_json::Value>(data).is_ok_and(|v| {
            v.get("choices")
                .and_then(|c| c.as_array())
                .is_some_and(Vec::is_empty)
                && v.get("usage").is_some_and(|u| !u.is_null())
        })
}
