//! Switchyard's wire formats: the OpenAI Chat Completions and Anthropic Messages APIs, their
//! SSE streams, and one canonical model both translate through. Pure: no I/O, no async, no clock.
//! Google Gemini's native API ([`gemini`]) is supported outbound only: canonical requests are
//! rendered to it and its replies and streams parsed back.
//!
//! The gateway forwards same-format traffic almost untouched (see [`openai::ensure_include_usage`]
//! and the `set_model` helpers) and, across formats, does
//! `source::parse_request` → [`canonical::ChatRequest`] → `target::render_request`, and for
//! replies `parse_response` / `StreamDecoder` → canonical → `render_response` / `StreamEncoder`.
//! [`collect`] folds a canonical stream into a complete reply ([`StreamCollector`]) and replays a
//! reply as a stream ([`replay_events`]).
//! Every parse error is a [`WireError`] whose message is safe to show a client: it never quotes
//! the body.

pub mod anthropic;
pub mod canonical;
pub mod collect;
pub mod error;
pub mod gemini;
mod json;
pub mod openai;
pub mod sse;

pub use canonical::{
    ChatRequest, ChatResponse, ImageSource, Message, Part, Role, StopReason, StreamEvent, Tool,
    ToolChoice, Usage,
};
pub use collect::{replay_events, StreamCollector};
pub use error::WireError;
pub use sse::{frame, SseEvent, SseParser};
