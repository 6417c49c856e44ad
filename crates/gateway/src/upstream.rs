//! Where and how a candidate is called: the wire format a backend is spoken to in for an
//! operation, its endpoint, and its headers (the key only ever in a header marked sensitive, so
//! no HTTP library logs it).
//!
//! Formats: Anthropic backends speak Messages, Gemini ones Gemini's native API; OpenAI speaks
//! Responses to Responses callers and for models only Responses serves, Chat Completions
//! otherwise; Mistral, Groq, OpenRouter, Ollama and OpenAI-compatible servers speak Chat
//! Completions; the Demo backend speaks whatever the caller speaks. Embeddings use OpenAI's
//! format everywhere they exist (Gemini through its OpenAI-compatible endpoint); compaction
//! exists only natively (OpenAI and Demo).

use crate::egress::{key_header, Cleared};
use crate::inbound::{Caps, Op};
use crate::reply::{Shape, Wire};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE};
use switchyard_domain::{Address, AuthStyle, BackendKind};

pub const ANTHROPIC_VERSION: &str = "2023-06-01";

/// The format `kind` is spoken to in for `op` from a `caller`, or why it cannot serve it.
pub fn outbound(kind: BackendKind, caller: Shape, op: Op, caps: Caps) -> Result<Wire, String> {
    match op {
        Op::Generate => Ok(match kind {
            BackendKind::Anthropic => Wire::Anthropic,
            BackendKind::Gemini => Wire::Gemini,
            BackendKind::Demo => caller,
            BackendKind::OpenAi if caller == Shape::Responses || caps.responses_only => {
                Wire::Responses
            }
            _ => Wire::OpenAi,
        }),
        Op::Embed => match kind {
            BackendKind::Anthropic | BackendKind::Groq => {
                Err(format!("{} has no embeddings API", kind.spec().label))
            }
            _ => Ok(Wire::OpenAi),
        },
        Op::Compact => match kind {
            BackendKind::OpenAi | BackendKind::Demo => Ok(Wire::Responses),
            _ => Err(format!(
                "{} does not offer /v1/responses/compact (only OpenAI does)",
                kind.spec().label
            )),
        },
    }
}

/// The endpoint for `op` on a backend's base URL, from its [`Address`] (Gemini names the model
/// and streaming in the URL).
pub fn endpoint(
    kind: BackendKind,
    base_url: &str,
    out: Wire,
    op: Op,
    model: &str,
    stream: bool,
) -> String {
    let at = Address::new(kind, base_url);
    match (op, out) {
        (Op::Embed, _) => at.embeddings(),
        (Op::Compact, _) => at.compact(),
        (Op::Generate, Wire::OpenAi) => at.chat(),
        (Op::Generate, Wire::Responses) => at.responses(),
        (Op::Generate, Wire::Anthropic) => at.messages(),
        (Op::Generate, Wire::Gemini) => at.gemini(model, stream),
    }
}

/// Headers for the upstream request. The key goes only into a sensitive header.
pub fn headers(
    out: Wire,
    key: Option<&Cleared>,
    url: &str,
    inbound_headers: &axum::http::HeaderMap,
    stream: bool,
) -> Result<HeaderMap, String> {
    let mut h = HeaderMap::new();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if stream {
        h.insert(ACCEPT, HeaderValue::from_static("text/event-stream"));
    }
    if out == Wire::Anthropic {
        let version = inbound_headers
            .get("anthropic-version")
            .cloned()
            .unwrap_or(HeaderValue::from_static(ANTHROPIC_VERSION));
        h.insert("anthropic-version", version);
        // Only Anthropic's format knows the header (never sent on a translated path); the
        // flags a backend refused are taken out by the caller (`betas::BetaMemory::filter`).
        if let Some(beta) = crate::betas::inbound(inbound_headers) {
            h.insert(crate::betas::ANTHROPIC_BETA, beta);
        }
    }
    if let Some(key) = key {
        let style = match out {
            Wire::Anthropic => AuthStyle::XApiKey,
            Wire::Gemini => AuthStyle::GoogApiKey,
            Wire::OpenAi | Wire::Responses => AuthStyle::Bearer,
        };
        let (name, value) = key_header(style, key, url).map_err(|e| e.to_string())?;
        h.insert(name, value);
    }
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_backend_is_spoken_to_in_its_format() {
        let plain = Caps::default();
        let codex = Caps {
            responses_only: true,
            ..Caps::default()
        };
        let gen = |k, c, caps| outbound(k, c, Op::Generate, caps).unwrap();
        assert_eq!(
            gen(BackendKind::OpenAi, Shape::Responses, plain),
            Wire::Responses
        );
        assert_eq!(
            gen(BackendKind::OpenAi, Shape::Anthropic, plain),
            Wire::OpenAi
        );
        assert_eq!(
            gen(BackendKind::OpenAi, Shape::Anthropic, codex),
            Wire::Responses,
            "a Responses-only model is reached through /v1/responses"
        );
        assert_eq!(
            gen(BackendKind::Mistral, Shape::Responses, plain),
            Wire::OpenAi
        );
        assert_eq!(gen(BackendKind::Demo, Shape::Gemini, plain), Wire::Gemini);
        assert!(outbound(BackendKind::Anthropic, Shape::OpenAi, Op::Embed, plain).is_err());
        assert!(outbound(BackendKind::Mistral, Shape::Responses, Op::Compact, plain).is_err());
    }

    #[test]
    fn endpoints_follow_each_base_url_convention() {
        let e = |k, base, out, op| endpoint(k, base, out, op, "m-1", true);
        assert_eq!(
            e(
                BackendKind::Demo,
                "http://127.0.0.1:9/v1",
                Wire::Gemini,
                Op::Generate
            ),
            "http://127.0.0.1:9/v1beta/models/m-1:streamGenerateContent?alt=sse"
        );
        assert_eq!(
            e(
                BackendKind::Ollama,
                "http://localhost:11434",
                Wire::OpenAi,
                Op::Embed
            ),
            "http://localhost:11434/v1/embeddings"
        );
        assert_eq!(
            e(
                BackendKind::Gemini,
                "https://g/v1beta",
                Wire::OpenAi,
                Op::Embed
            ),
            "https://g/v1beta/openai/embeddings"
        );
        assert_eq!(
            e(
                BackendKind::OpenAi,
                "https://api.openai.com/v1/",
                Wire::Responses,
                Op::Generate
            ),
            "https://api.openai.com/v1/responses"
        );
    }
}
