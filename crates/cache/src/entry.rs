//! A cached answer and its on-disk encoding.
//!
//! Encoding: `[version: u8][sha256(payload): 32 bytes][payload: JSON]`. The payload is a private
//! serde mirror of the canonical [`ChatResponse`] (the wire crate keeps its types serde-free), so
//! a hit can be replayed in either format, as a body or as a synthesized stream.
//!
//! Invariant: [`CachedAnswer::decode`] never panics and never returns an answer whose bytes
//! differ from what [`CachedAnswer::encode`] wrote — a flipped byte, a truncated row or an unknown
//! version is a [`DecodeError`], which the layers treat as a miss.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use switchyard_wire::{ChatResponse, ImageSource, Part, StopReason, Usage};
use thiserror::Error;

/// The current encoding version.
pub const ENCODING_VERSION: u8 = 1;
const HEADER: usize = 1 + 32;

/// A complete upstream answer, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedAnswer {
    /// The canonical reply (never an error, never a partial stream).
    pub response: ChatResponse,
    /// When it was stored, Unix milliseconds.
    pub stored_at_unix_ms: i64,
    /// What the original call cost; a hit saves this much.
    pub cost_usd: Option<f64>,
    /// The resolved route (or model name when no route applied); for accounting and invalidation.
    pub route: String,
    /// The upstream model that answered.
    pub model: String,
    /// The backend that answered.
    pub backend: String,
}

/// Why stored bytes could not be decoded. Messages never quote the bytes.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum DecodeError {
    /// Shorter than the header.
    #[error("cache entry is truncated")]
    Truncated,
    /// Written by another encoding version.
    #[error("cache entry has unknown encoding version {0}")]
    Version(u8),
    /// The checksum does not match the payload.
    #[error("cache entry checksum mismatch")]
    Checksum,
    /// The checksum matched but the payload is not a valid answer.
    #[error("cache entry payload is malformed")]
    Payload,
}

impl CachedAnswer {
    /// The stored bytes.
    pub fn encode(&self) -> Vec<u8> {
        // Serializing plain structs of strings and numbers cannot fail; an empty payload would
        // fail to decode as `Payload`, i.e. a miss, never a wrong answer.
        let payload = serde_json::to_vec(&Dto::from(self)).unwrap_or_default();
        let mut out = Vec::with_capacity(HEADER + payload.len());
        out.push(ENCODING_VERSION);
        out.extend_from_slice(&Sha256::digest(&payload));
        out.extend_from_slice(&payload);
        out
    }

    /// Decodes bytes written by [`CachedAnswer::encode`].
    pub fn decode(bytes: &[u8]) -> Result<CachedAnswer, DecodeError> {
        let (&version, rest) = bytes.split_first().ok_or(DecodeError::Truncated)?;
        if version != ENCODING_VERSION {
            return Err(DecodeError::Version(version));
        }
        if rest.len() < 32 {
            return Err(DecodeError::Truncated);
        }
        let (sum, payload) = rest.split_at(32);
        if Sha256::digest(payload).as_slice() != sum {
            return Err(DecodeError::Checksum);
        }
        let dto: Dto = serde_json::from_slice(payload).map_err(|_| DecodeError::Payload)?;
        Ok(dto.into())
    }
}

#[derive(Serialize, Deserialize)]
struct Dto {
    id: String,
    resp_model: String,
    created: u64,
    content: Vec<PartDto>,
    stop: StopDto,
    usage: Usage,
    stored_at: i64,
    cost_usd: Option<f64>,
    route: String,
    model: String,
    backend: String,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
enum PartDto {
    Text {
        text: String,
    },
    ImageB64 {
        media_type: String,
        data: String,
    },
    ImageUrl {
        url: String,
    },
    ToolCall {
        id: String,
        name: String,
        args: String,
    },
    ToolResult {
        call_id: String,
        content: String,
        is_error: bool,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum StopDto {
    EndTurn,
    MaxTokens,
    StopSequence,
    ToolUse,
    ContentFilter,
    Other(String),
}

impl From<&CachedAnswer> for Dto {
    fn from(a: &CachedAnswer) -> Self {
        let r = &a.response;
        Dto {
            id: r.id.clone(),
            resp_model: r.model.clone(),
            created: r.created,
            content: r.content.iter().filter_map(PartDto::of).collect(),
            stop: match &r.stop {
                StopReason::EndTurn => StopDto::EndTurn,
                StopReason::MaxTokens => StopDto::MaxTokens,
                StopReason::StopSequence => StopDto::StopSequence,
                StopReason::ToolUse => StopDto::ToolUse,
                StopReason::ContentFilter => StopDto::ContentFilter,
                StopReason::Other(s) => StopDto::Other(s.clone()),
            },
            usage: r.usage,
            stored_at: a.stored_at_unix_ms,
            cost_usd: a.cost_usd,
            route: a.route.clone(),
            model: a.model.clone(),
            backend: a.backend.clone(),
        }
    }
}

impl PartDto {
    /// The stored form of a reply part; replies hold only text and tool calls (and images,
    /// tool results, files and audio never appear in one), so those are not stored.
    fn of(p: &Part) -> Option<Self> {
        Some(match p.clone() {
            Part::Text(text) => PartDto::Text { text },
            Part::File(_) | Part::Audio { .. } => return None,
            Part::Image(ImageSource::Base64 { media_type, data }) => {
                PartDto::ImageB64 { media_type, data }
            }
            Part::Image(ImageSource::Url(url)) => PartDto::ImageUrl { url },
            Part::ToolCall {
                id,
                name,
                arguments_json,
            } => PartDto::ToolCall {
                id,
                name,
                args: arguments_json,
            },
            Part::ToolResult {
                call_id,
                content,
                is_error,
            } => PartDto::ToolResult {
                call_id,
                content,
                is_error,
            },
        })
    }
}

impl From<PartDto> for Part {
    fn from(p: PartDto) -> Self {
        match p {
            PartDto::Text { text } => Part::Text(text),
            PartDto::ImageB64 { media_type, data } => {
                Part::Image(ImageSource::Base64 { media_type, data })
            }
            PartDto::ImageUrl { url } => Part::Image(ImageSource::Url(url)),
            PartDto::ToolCall { id, name, args } => Part::ToolCall {
                id,
                name,
                arguments_json: args,
            },
            PartDto::ToolResult {
                call_id,
                content,
                is_error,
            } => Part::ToolResult {
                call_id,
                content,
                is_error,
            },
        }
    }
}

impl From<Dto> for CachedAnswer {
    fn from(d: Dto) -> Self {
        CachedAnswer {
            response: ChatResponse {
                id: d.id,
                model: d.resp_model,
                created: d.created,
                content: d.content.into_iter().map(Part::from).collect(),
                stop: match d.stop {
                    StopDto::EndTurn => StopReason::EndTurn,
                    StopDto::MaxTokens => StopReason::MaxTokens,
                    StopDto::StopSequence => StopReason::StopSequence,
                    StopDto::ToolUse => StopReason::ToolUse,
                    StopDto::ContentFilter => StopReason::ContentFilter,
                    StopDto::Other(s) => StopReason::Other(s),
                },
                usage: d.usage,
            },
            stored_at_unix_ms: d.stored_at,
            cost_usd: d.cost_usd,
            route: d.route,
            model: d.model,
            backend: d.backend,
        }
    }
}

#[cfg(test)]
#[path = "entry_tests.rs"]
mod tests;
