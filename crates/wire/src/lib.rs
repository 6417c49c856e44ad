//! Switchyard's wire formats: OpenAI Chat Completions ([`openai`]), OpenAI Responses
//! ([`responses`]), Anthropic Messages ([`anthropic`]) and Google Gemini's native API
//! ([`gemini`]), requests, responses and SSE streams in both directions, and one canonical model
//! they all translate through. Pure: no I/O, no async, no clock.
//!
//! The gateway forwards same-format traffic as the raw bytes the client sent, with at most the
//! `model` member spliced in ([`raw`]), and across formats does
//! `source::parse_request_value` → [`canonical::ChatRequest`] → `target::render_request`, and for
//! replies `parse_response` / `StreamDecoder` → canonical → `render_response` / `StreamEncoder`.
//! A renderer that cannot express something in the request (audio to Anthropic, a provider file
//! id to another provider) returns [`WireError::Unsupported`] naming it, so the gateway can skip
//! that backend. Fields a target format has no place for are dropped, never refused, and
//! prompt-caching markers are written only where the target takes them: the rule is in
//! [`cache`]. [`collect`] folds a canonical stream into a complete reply
//! ([`StreamCollector`]) and replays a reply as a stream ([`replay_events`]); [`estimate`]
//! estimates a request's input tokens for the counting endpoints.
//! Every parse error is a [`WireError`] whose message is safe to show a client: it never quotes
//! the body.

pub mod answer_usage;
pub mod anthropic;
pub mod cache;
mod cache_find;
mod cache_hints;
pub mod canonical;
pub mod collect;
mod conversation;
#[cfg(test)]
mod decode_props;
pub mod error;
pub mod estimate;
pub mod gemini;
mod json;
mod media;
pub mod openai;
mod options;
#[cfg(test)]
mod parts_cap_tests;
pub mod raw;
pub mod responses;
pub mod sse;
mod stream_state;
#[cfg(test)]
mod test_support;
mod usage;

pub use cache::{CacheHints, CacheMarkers};
pub use canonical::{
    ChatRequest, ChatResponse, Effort, FilePart, FileSource, ImageSource, Message, OutputFormat,
    Part, Reasoning, Role, StopReason, StreamEvent, Tool, ToolChoice, Usage,
};
pub use collect::{replay_events, StreamCollector};
pub use error::WireError;
pub use sse::{frame, SseEvent, SseParser};
