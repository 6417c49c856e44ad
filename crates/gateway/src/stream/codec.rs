//! The stream's two ends in canonical events: the provider's SSE decoded, and canonical events
//! encoded in the caller's format.

use crate::inbound::Inbound;
use crate::reply::{Shape, Wire};
use bytes::Bytes;
use switchyard_wire::canonical::StreamEvent;
use switchyard_wire::sse::SseEvent;
use switchyard_wire::{anthropic, gemini, openai, responses};

pub(super) enum Decoder {
    OpenAi(openai::StreamDecoder),
    Anthropic(anthropic::StreamDecoder),
    Gemini(gemini::StreamDecoder),
    Responses(responses::StreamDecoder),
}

impl Decoder {
    pub(super) fn new(out: Wire) -> Self {
        match out {
            Wire::OpenAi => Decoder::OpenAi(openai::StreamDecoder::new()),
            Wire::Anthropic => Decoder::Anthropic(anthropic::StreamDecoder::new()),
            Wire::Gemini => Decoder::Gemini(gemini::StreamDecoder::new()),
            Wire::Responses => Decoder::Responses(responses::StreamDecoder::new()),
        }
    }

    pub(super) fn feed(&mut self, ev: &SseEvent) -> Vec<StreamEvent> {
        match self {
            Decoder::OpenAi(d) => d.feed(&ev.data),
            Decoder::Anthropic(d) => d.feed(ev.event.as_deref(), &ev.data),
            Decoder::Gemini(d) => d.feed(&ev.data),
            Decoder::Responses(d) => d.feed(ev.event.as_deref(), &ev.data),
        }
    }

    /// Whether the provider sent the stream's very last event (`[DONE]`, `message_stop`, the
    /// chunk with Gemini's `finishReason`, Responses' `response.completed`): a caller given it
    /// has the whole answer.
    pub(super) fn ended(&self) -> bool {
        match self {
            Decoder::OpenAi(d) => d.saw_terminator(),
            Decoder::Anthropic(d) => d.saw_terminator(),
            Decoder::Gemini(d) => d.is_done(),
            Decoder::Responses(d) => d.is_done(),
        }
    }

    /// Whether the provider sent its final event (a stream closing before it was cut).
    pub(super) fn complete(&self) -> bool {
        match self {
            Decoder::OpenAi(d) => d.saw_end(),
            Decoder::Anthropic(d) => d.saw_end(),
            Decoder::Gemini(d) => d.is_done(),
            Decoder::Responses(d) => d.is_done(),
        }
    }
}

/// Canonical events → the caller's SSE (or `Same`: the upstream's frames are forwarded).
pub(crate) enum Encoder {
    Same,
    OpenAi(openai::StreamEncoder),
    Anthropic(anthropic::StreamEncoder),
    Responses(Box<responses::StreamEncoder>),
    Gemini(gemini::StreamEncoder),
}

impl Encoder {
    pub(super) fn new(out: Wire, inbound: &Inbound) -> Self {
        if out.is(inbound.shape) {
            return Encoder::Same;
        }
        Encoder::for_caller(inbound, inbound.ctx.created_at)
    }

    /// An encoder to the caller's format, with `created` as the answer's creation time.
    pub(crate) fn for_caller(inbound: &Inbound, created: u64) -> Self {
        match inbound.shape {
            Shape::OpenAi => Encoder::OpenAi(
                openai::StreamEncoder::new(inbound.wants_usage).with_created(created),
            ),
            Shape::Anthropic => Encoder::Anthropic(anthropic::StreamEncoder::new()),
            Shape::Responses => {
                let mut ctx = inbound.ctx.clone();
                ctx.created_at = created;
                Encoder::Responses(Box::new(responses::StreamEncoder::new(ctx)))
            }
            Shape::Gemini => Encoder::Gemini(gemini::StreamEncoder::new()),
        }
    }

    pub(crate) fn encode(&mut self, e: &StreamEvent) -> Vec<Bytes> {
        match self {
            Encoder::Same => Vec::new(),
            Encoder::OpenAi(enc) => enc.encode(e),
            Encoder::Anthropic(enc) => enc.encode(e),
            Encoder::Responses(enc) => enc.encode(e),
            Encoder::Gemini(enc) => enc.encode(e),
        }
    }

    pub(crate) fn finish(&mut self) -> Vec<Bytes> {
        match self {
            Encoder::Same => Vec::new(),
            Encoder::OpenAi(enc) => enc.finish(),
            Encoder::Anthropic(enc) => enc.finish(),
            Encoder::Responses(enc) => enc.finish(),
            Encoder::Gemini(enc) => enc.finish(),
        }
    }
}

/// `{"choices":[], "usage":{…}}`: the chunk `include_usage` adds.
pub(super) fn is_usage_only_chunk(data: &str) -> bool {
    data.contains("\"usage\"")
        && serde_json::from_str::<serde_json::Value>(data).is_ok_and(|v| {
            v.get("choices")
                .and_then(|c| c.as_array())
                .is_some_and(Vec::is_empty)
                && v.get("usage").is_some_and(|u| !u.is_null())
        })
}
