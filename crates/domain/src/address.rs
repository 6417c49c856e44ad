//! Where a backend is called: every URL the code sends a request to (generation in each format,
//! embeddings, compaction, token counts, the model list, the zero-cost probe, the deep probe,
//! the account's credits), built in one place from the backend's kind and base URL. The gateway,
//! the prober, the key test and the catalogue all ask an [`Address`]; none joins paths itself.
//!
//! The Demo backend has no stored base: it is served by the built-in mock at a root the app
//! knows, and its base is that root's `/v1` ([`Address::of`]). A base keeps its version segment
//! as the user gave it (`https://api.openai.com/v1`), except Ollama's, which is the server root.

use crate::BackendKind;
use std::borrow::Cow;

/// One backend's address. Borrows its base where it can, so the gateway builds one per attempt
/// without copying it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address<'a> {
    kind: BackendKind,
    base: Cow<'a, str>,
}

impl<'a> Address<'a> {
    /// A backend of `kind` whose effective base URL is `base` (for the Demo backend, the mock's
    /// root followed by `/v1`, as [`Address::of`] builds it).
    pub fn new(kind: BackendKind, base: &'a str) -> Address<'a> {
        Address {
            kind,
            base: Cow::Borrowed(base.trim().trim_end_matches('/')),
        }
    }

    /// A stored backend: its own base URL, or for the Demo backend the base under the Demo
    /// server's root `demo_server`.
    pub fn of(kind: BackendKind, stored_base: &'a str, demo_server: &str) -> Address<'a> {
        match kind {
            BackendKind::Demo => Address {
                kind,
                base: Cow::Owned(format!("{}/v1", demo_server.trim().trim_end_matches('/'))),
            },
            _ => Address::new(kind, stored_base),
        }
    }

    pub fn kind(&self) -> BackendKind {
        self.kind
    }

    /// The effective base URL, without a trailing `/`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Where OpenAI-style paths start, as (base, suffix): Ollama's base is the server root, every
    /// other OpenAI-style base already ends in its version. Pieces, so each URL is one `format!`
    /// (the gateway builds one per attempt).
    fn openai(&self) -> (&str, &'static str) {
        match self.kind {
            BackendKind::Ollama => (&self.base, "/v1"),
            _ => (&self.base, ""),
        }
    }

    /// Where Anthropic-style paths start: the Demo base already ends in `/v1`.
    fn anthropic(&self) -> (&str, &'static str) {
        match self.kind {
            BackendKind::Demo => (&self.base, ""),
            _ => (&self.base, "/v1"),
        }
    }

    /// Where Gemini-style paths start: the Demo serves Gemini's API beside its `/v1`.
    fn gemini_root(&self) -> (&str, &'static str) {
        match self.kind {
            BackendKind::Demo => (
                self.base.strip_suffix("/v1").unwrap_or(&self.base),
                "/v1beta",
            ),
            _ => (&self.base, ""),
        }
    }

    /// OpenAI Chat Completions.
    pub fn chat(&self) -> String {
        let (base, v) = self.openai();
        format!("{base}{v}/chat/completions")
    }

    /// OpenAI Responses.
    pub fn responses(&self) -> String {
        let (base, v) = self.openai();
        format!("{base}{v}/responses")
    }

    /// OpenAI's Responses compaction (OpenAI and the Demo only).
    pub fn compact(&self) -> String {
        format!("{}/responses/compact", self.base)
    }

    /// Anthropic Messages.
    pub fn messages(&self) -> String {
        let (base, v) = self.anthropic();
        format!("{base}{v}/messages")
    }

    /// Gemini's generate call for `model` (streamed as SSE when `stream`).
    pub fn gemini(&self, model: &str, stream: bool) -> String {
        let (root, v) = self.gemini_root();
        format!("{root}{v}{}", gemini_model_path(model, stream))
    }

    /// Embeddings, in OpenAI's format (Gemini's through its OpenAI-compatible endpoint).
    pub fn embeddings(&self) -> String {
        match self.kind {
            BackendKind::Gemini => format!("{}/openai/embeddings", self.base),
            _ => {
                let (base, v) = self.openai();
                format!("{base}{v}/embeddings")
            }
        }
    }

    /// Anthropic's token count.
    pub fn messages_count(&self) -> String {
        let (base, v) = self.anthropic();
        format!("{base}{v}/messages/count_tokens")
    }

    /// OpenAI Responses' input-token count.
    pub fn responses_count(&self) -> String {
        format!("{}/responses/input_tokens", self.base)
    }

    /// Gemini's token count for `model`.
    pub fn gemini_count(&self, model: &str) -> String {
        self.gemini(model, false)
            .replace(":generateContent", ":countTokens")
    }

    /// The model list's first page (without its query; see `catalogue::first_query`).
    pub fn models(&self) -> String {
        format!("{}{}", self.base, crate::catalogue::models_path(self.kind))
    }

    /// The zero-cost probe (a model list, or OpenRouter's key endpoint).
    pub fn probe(&self) -> String {
        format!("{}{}", self.base, self.kind.spec().probe_path)
    }

    /// The opt-in deep probe: where a one-token completion of `model` goes.
    pub fn deep_probe(&self, model: &str) -> String {
        match self.kind {
            BackendKind::Anthropic => self.messages(),
            BackendKind::Gemini => self.gemini(model, false),
            _ => self.chat(),
        }
    }

    /// The account's credits (OpenRouter's `GET /credits`, for a management key).
    pub fn credits(&self) -> String {
        format!("{}/credits", self.base)
    }
}

/// Gemini's generate path for `model`: `/models/{model}:generateContent`, or
/// `:streamGenerateContent?alt=sse` when `stream`. A leading `models/` is dropped; characters
/// outside `[A-Za-z0-9._-]` are percent-encoded, so a model name can never add path segments or a
/// query.
fn gemini_model_path(model: &str, stream: bool) -> String {
    let model = model.strip_prefix("models/").unwrap_or(model);
    let mut encoded = String::with_capacity(model.len());
    for byte in model.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    if stream {
        format!("/models/{encoded}:streamGenerateContent?alt=sse")
    } else {
        format!("/models/{encoded}:generateContent")
    }
}

#[cfg(test)]
#[path = "address_tests.rs"]
mod tests;
