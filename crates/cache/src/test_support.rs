//! Shared test fixtures.

use crate::entry::CachedAnswer;
use crate::key::CacheKey;
use switchyard_wire::{ChatResponse, Part, StopReason, Usage};

/// A fixed origin for injected clocks.
pub(crate) const T0: i64 = 1_700_000_000_000;

/// A distinct key per `n`.
pub(crate) fn key(n: u64) -> CacheKey {
    let mut k = [0u8; 32];
    k[..8].copy_from_slice(&n.to_be_bytes());
    k[31] = 0xAB;
    CacheKey(k)
}

/// An answer with `text`, on route `r`, from model `m` / backend `b`.
pub(crate) fn answer(text: &str, r: &str, m: &str, b: &str) -> CachedAnswer {
    CachedAnswer {
        response: ChatResponse {
            id: "chatcmpl-1".into(),
            model: m.into(),
            created: 1_700_000_000,
            content: vec![
                Part::Text(text.into()),
                Part::ToolCall {
                    id: "call_1".into(),
                    name: "lookup".into(),
                    arguments_json: "{\"q\":1}".into(),
                },
            ],
            stop: StopReason::ToolUse,
            usage: Usage {
                input_tokens: 12,
                output_tokens: 34,
                ..Usage::default()
            },
        },
        stored_at_unix_ms: T0,
        cost_usd: Some(0.25),
        route: r.into(),
        model: m.into(),
        backend: b.into(),
    }
}

/// A plain answer on route `r`.
pub(crate) fn simple(text: &str) -> CachedAnswer {
    answer(text, "r", "m", "b")
}
