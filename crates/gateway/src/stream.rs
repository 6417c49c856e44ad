//! Streaming an answer to the caller as it arrives (never buffered): the upstream SSE is parsed,
//! decoded into canonical events (for usage, the cache and translation), and either forwarded
//! frame by frame (same format) or re-encoded in the caller's format. An idle timeout or the
//! total timeout ends a stalled stream.
//!
//! Invariant: a stream that does not end properly — the connection breaks, a timeout hits, or
//! the provider closes before its final event — ends with an error event in the caller's format
//! (`error` for Chat and Messages, `response.failed` + `error` for Responses, an `error` chunk
//! for Gemini), never a silent truncation, and its ledger row says why. Dropping the stream (the
//! client went away) drops the upstream request and still records the tokens seen — as a
//! success when the stream's last event had already been passed on (Codex hangs up right after
//! `response.completed`, often before the provider closes the stream).

use crate::answer::Answered;
use crate::capture::Capture;
use crate::inbound::Inbound;
use crate::log::RequestLog;
use crate::reply::{error_body, Shape, Wire};
use axum::body::Body;
use axum::http::HeaderValue;
use axum::response::Response;
use bytes::{Bytes, BytesMut};
pub(crate) use codec::Encoder;
use codec::{is_usage_only_chunk, Decoder};
use futures_util::StreamExt;
use std::time::Duration;
use switchyard_domain::ErrorClass;
use switchyard_wire::canonical::StreamEvent;
use switchyard_wire::sse::{frame, frame_into, SseEvent, SseParser};

/// How a stream ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ended {
    /// With its final event: the answer is complete.
    Cleanly,
    /// Broken off, or with an error.
    With(ErrorClass),
}

mod codec;

/// How long a stream may stall, and when it must end regardless.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub idle: Duration,
    pub deadline: tokio::time::Instant,
}

struct Pump {
    upstream: http_body_util::BodyDataStream<crate::outbound::UpBody>,
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
    /// The provider reported an error inside the stream (already passed on to the caller).
    saw_error: bool,
    /// The answer's id and model, for a `response.failed` written over a forwarded stream.
    started: Option<(String, String)>,
    /// The last bytes went out; the next poll ends the body.
    done: bool,
    /// Takes the attempt's key out of every event before it is decoded or passed on.
    scrub: Option<crate::scrub::Scrub>,
    /// Some bytes have gone out (the first event is sent on its own, see [`Pump::first`]).
    sent: bool,
    /// The first read's bytes after its first event, parsed once that event has gone out.
    held: Bytes,
}

/// Streams the answer to the caller as it arrives.
pub fn streaming(
    resp: crate::outbound::Answer,
    inbound: &Inbound,
    answered: Answered,
    timing: Timing,
) -> Response {
    let Answered {
        out,
        mut log,
        extra,
        capture,
        scrub,
    } = answered;
    log.set_status(resp.status().as_u16());
    let pump = Pump {
        upstream: http_body_util::BodyDataStream::new(resp.into_body()),
        parser: SseParser::new(),
        decoder: Decoder::new(out),
        encoder: Encoder::new(out, inbound),
        strip_usage_frame: out == Wire::OpenAi
            && inbound.shape == Shape::OpenAi
            && !inbound.wants_usage,
        timing,
        caller: inbound.shape,
        log: Some(log),
        capture,
        saw_error: false,
        started: None,
        done: false,
        scrub,
        sent: false,
        held: Bytes::new(),
    };
    let body = futures_util::stream::unfold(pump, |mut p| async move {
        if p.done {
            return None;
        }
        loop {
            let (out, end) = p.next().await;
            if let Some(class) = end {
                p.end(class);
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
    extra.write(h);
    r
}

impl Pump {
    /// The next bytes for the caller, and how the stream ended once it did.
    async fn next(&mut self) -> (Bytes, Option<Ended>) {
        if !self.held.is_empty() {
            // The first event has just been handed to the connection: let it leave (the
            // connection writes what it has when the body is not ready) before the rest.
            tokio::task::yield_now().await;
            let held = std::mem::take(&mut self.held);
            return self.read(&held);
        }
        let now = tokio::time::Instant::now();
        let wait = self
            .timing
            .idle
            .min(self.timing.deadline.saturating_duration_since(now));
        match tokio::time::timeout(wait, self.upstream.next()).await {
            Ok(Some(Ok(chunk))) if self.sent => self.read(&chunk),
            Ok(Some(Ok(chunk))) => self.first(&chunk),
            Ok(Some(Err(e))) => {
                tracing::debug!(error = %crate::root_cause(&*e), "upstream stream broke off");
                let msg = "The provider's stream broke off; the answer is incomplete.";
                (
                    self.error_frame(msg),
                    Some(Ended::With(ErrorClass::UpstreamBroken)),
                )
            }
            Ok(None) => self.finish(),
            Err(_) if tokio::time::Instant::now() >= self.timing.deadline => {
                let msg = "The gateway's total timeout was reached; the answer is incomplete.";
                (
                    self.error_frame(msg),
                    Some(Ended::With(ErrorClass::TimeoutTotal)),
                )
            }
            Err(_) => {
                let msg = format!(
                    "The provider sent nothing for {} s; the answer is incomplete.",
                    self.timing.idle.as_secs()
                );
                (
                    self.error_frame(&msg),
                    Some(Ended::With(ErrorClass::UpstreamIdleTimeout)),
                )
            }
        }
    }

    /// Forwards every event a read completes.
    fn read(&mut self, chunk: &[u8]) -> (Bytes, Option<Ended>) {
        let events = self.parser.feed(chunk);
        let out = self.forward(events);
        if self.parser.overflowed() {
            return self.overflowed(out);
        }
        (out, None)
    }

    /// What was forwarded before an event went over the parser's limit, and the error ending
    /// the stream.
    fn overflowed(&mut self, out: Bytes) -> (Bytes, Option<Ended>) {
        let msg = format!(
            "The provider sent a stream event over {} MiB; the answer was cut.",
            switchyard_wire::sse::MAX_EVENT_BYTES >> 20
        );
        let mut all = BytesMut::from(&out[..]);
        all.extend_from_slice(&self.error_frame(&msg));
        (
            all.freeze(),
            Some(Ended::With(ErrorClass::UpstreamTooLarge)),
        )
    }

    /// Records how the stream ended and stores a complete answer in the cache.
    fn end(&mut self, ended: Ended) {
        let class = match ended {
            Ended::Cleanly => None,
            Ended::With(class) => Some(class),
        };
        if let Some(capture) = self.capture.take() {
            if class.is_none() {
                capture.finish_stream();
            }
        }
        if let Some(log) = self.log.take() {
            let status = if class.is_some() { 502 } else { 200 };
            log.finish(status, class);
        }
    }

    /// Before anything has gone out: parses and forwards the read's events one at a time until
    /// one gives bytes, and holds the rest of the read, unparsed, for the next poll: the
    /// answer's first bytes do not wait for the work on every event of a read (a provider
    /// that sends its whole answer at once).
    fn first(&mut self, chunk: &Bytes) -> (Bytes, Option<Ended>) {
        let mut out = BytesMut::new();
        let mut at = 0;
        while at < chunk.len() && out.is_empty() && !self.parser.overflowed() {
            let (event, used) = self.parser.feed_to_event(&chunk[at..]);
            at += used;
            if let Some(ev) = event {
                self.forward_one(ev, &mut out);
            }
        }
        if !out.is_empty() {
            self.sent = true;
        }
        if self.parser.overflowed() {
            return self.overflowed(out.freeze());
        }
        self.held = chunk.slice(at..);
        (out.freeze(), None)
    }

    fn forward(&mut self, sse: Vec<SseEvent>) -> Bytes {
        // Sized for the events as they came (a frame adds its field names): one allocation
        // for a read of many events, not a doubling per few of them.
        let size = sse
            .iter()
            .map(|e| e.data.len() + e.event.as_ref().map_or(0, String::len) + 16)
            .sum();
        let mut out = BytesMut::with_capacity(size);
        for ev in sse {
            self.forward_one(ev, &mut out);
        }
        if !out.is_empty() {
            self.sent = true;
        }
        out.freeze()
    }

    /// One upstream event: scrubbed, decoded (usage, capture, errors) and written to `out` in
    /// the caller's format.
    fn forward_one(&mut self, mut ev: SseEvent, out: &mut BytesMut) {
        if let Some(scrub) = &self.scrub {
            ev.data = scrub.text(std::mem::take(&mut ev.data));
        }
        let events = self.decoder.feed(&ev);
        for e in &events {
            match e {
                StreamEvent::Error { .. } => self.saw_error = true,
                StreamEvent::Start { id, model } => {
                    self.started = Some((id.clone(), model.clone()));
                }
                _ => {}
            }
        }
        if let Some(capture) = self.capture.as_mut() {
            events.iter().for_each(|e| capture.feed(e));
        }
        if let Some(log) = self.log.as_mut() {
            for e in &events {
                match e {
                    StreamEvent::Usage(u) => log.usage(u),
                    StreamEvent::Start { id, .. } => log.provider_id(Some(id)),
                    StreamEvent::TextDelta { text } => log.streamed_text(text.chars().count()),
                    StreamEvent::ToolCallDelta {
                        arguments_json_fragment: f,
                        ..
                    } => log.streamed_text(f.chars().count()),
                    _ => {}
                }
            }
        }
        if let Encoder::Same = self.encoder {
            let usage_only = self.strip_usage_frame && is_usage_only_chunk(&ev.data);
            if !usage_only {
                frame_into(out, ev.event.as_deref(), &ev.data);
            }
        } else {
            for e in &events {
                self.encoder
                    .encode(e)
                    .iter()
                    .for_each(|f| out.extend_from_slice(f));
            }
        }
    }

    /// A last SSE event telling the caller, in its own format, that the stream is cut.
    fn error_frame(&mut self, message: &str) -> Bytes {
        if !matches!(self.encoder, Encoder::Same) {
            let event = StreamEvent::Error {
                message: message.to_owned(),
            };
            let mut out = BytesMut::new();
            self.encoder
                .encode(&event)
                .iter()
                .for_each(|f| out.extend_from_slice(f));
            return out.freeze();
        }
        let body = error_body(self.caller, 502, message, None).to_string();
        match self.caller {
            Shape::OpenAi | Shape::Gemini => frame(None, &body),
            Shape::Anthropic => frame(Some("error"), &body),
            Shape::Responses => {
                let (id, model) = self.started.clone().unwrap_or_default();
                let failed = serde_json::json!({"type": "response.failed", "response": {
                    "id": id, "object": "response", "status": "failed", "model": model,
                    "output": [], "error": {"code": "server_error", "message": message},
                }});
                let flat = serde_json::json!({
                    "type": "error", "code": "server_error", "message": message, "param": null,
                });
                let mut out = BytesMut::new();
                out.extend_from_slice(&frame(Some("response.failed"), &failed.to_string()));
                out.extend_from_slice(&frame(Some("error"), &flat.to_string()));
                out.freeze()
            }
        }
    }

    /// The upstream ended: a last event without its closing blank line still counts, then the
    /// encoder's closing frames — or, if the provider never sent its final event, an error.
    fn finish(&mut self) -> (Bytes, Option<Ended>) {
        let tail = self
            .parser
            .finish()
            .map(|ev| self.forward(vec![ev]))
            .unwrap_or_default();
        let mut out = BytesMut::from(&tail[..]);
        if self.saw_error {
            return (out.freeze(), Some(Ended::With(ErrorClass::UpstreamError)));
        }
        if !self.decoder.complete() {
            let msg =
                "The provider ended the stream before its final event; the answer is incomplete.";
            out.extend_from_slice(&self.error_frame(msg));
            return (
                out.freeze(),
                Some(Ended::With(ErrorClass::UpstreamIncomplete)),
            );
        }
        self.encoder
            .finish()
            .iter()
            .for_each(|f| out.extend_from_slice(f));
        (out.freeze(), Some(Ended::Cleanly))
    }
}

impl Drop for Pump {
    /// The caller went away before the provider closed the stream. If the provider's last event
    /// had already been passed on as it came (the caller's own format), the caller has the whole
    /// answer: the request succeeded. Otherwise the log, dropped with the pump, records the
    /// disconnect. (A translated stream's last events are written only when the provider
    /// closes, which ends the request first.)
    fn drop(&mut self) {
        let whole =
            matches!(self.encoder, Encoder::Same) && self.decoder.ended() && !self.saw_error;
        if whole && self.log.is_some() {
            self.end(Ended::Cleanly);
        }
    }
}
