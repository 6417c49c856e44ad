//! Integration specs for switchyard-wire: translation between the OpenAI and Anthropic formats
//! through the canonical model, for requests, responses and SSE streams, plus SSE chunking,
//! error hygiene and the outbound Gemini format. Transcripts are written in the recorded shape of
//! the real APIs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "wire/bad_input.rs"]
mod bad_input;
#[path = "wire/gemini.rs"]
mod gemini;
#[path = "wire/requests.rs"]
mod requests;
#[path = "wire/responses.rs"]
mod responses;
#[path = "wire/sse_split.rs"]
mod sse_split;
#[path = "wire/streams.rs"]
mod streams;
#[path = "wire/support.rs"]
mod support;
#[path = "wire/transcripts.rs"]
mod transcripts;
