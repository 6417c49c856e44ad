//! `anthropic-beta` flags an Anthropic-format backend refused: read out of its 400, remembered
//! per backend, and taken out of what that backend is sent from then on.
//!
//! A third-party Anthropic-format host (Vertex or Bedrock behind a proxy, new-api, LiteLLM), or
//! Anthropic itself for a flag the account lacks, answers a request carrying a flag it does not
//! know with HTTP 400 "Unexpected value(s) `flag` for the `anthropic-beta` header" — and an
//! agent that sends twenty flags (Claude Code) then fails on every request. The attempt loop
//! sends such a request once more without the flags named ([`Outcome::DropBetas`] in
//! `attempt`), and this module remembers them for the backend so later requests go out once.
//!
//! Invariants (the upstream's body is hostile input):
//! - At most [`HEAD_CAP`] bytes of a 400 are read as a possible refusal; a longer body is not
//!   one, and reaches the caller whole and unchanged like any other 400.
//! - A 400 counts as a refusal only when it names the `anthropic-beta` header, says it refuses
//!   something, and names a flag that was sent: only flags the client sent can be dropped or
//!   remembered, never names the upstream makes up.
//! - Only names of at most [`MAX_FLAG_LEN`] characters of `[A-Za-z0-9._-]` are remembered, at
//!   most [`MAX_PER_BACKEND`] per backend and for at most [`MAX_BACKENDS`] backends (the
//!   routing table's ids): the memory is bounded whatever the upstream answers.
//! - The memory lives as long as the gateway (a restart forgets it); a value left empty once the
//!   refused flags are taken out is not sent at all, and a header with nothing refused in it is
//!   sent byte for byte as the client sent it.
//!
//! [`Outcome::DropBetas`]: crate::attempt::Outcome::DropBetas

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use bytes::{Bytes, BytesMut};
use std::collections::HashMap;
use std::sync::Mutex;

/// The header this module owns.
pub const ANTHROPIC_BETA: HeaderName = HeaderName::from_static("anthropic-beta");
/// The most of a 400 read as a possible refusal (a real one is a few hundred bytes).
pub const HEAD_CAP: usize = 64 * 1024;
/// The most refused flags remembered per backend.
pub const MAX_PER_BACKEND: usize = 64;
/// The longest flag name remembered (Anthropic's are under 50 characters).
pub const MAX_FLAG_LEN: usize = 64;
/// The most backends with a memory (ids come from the routing table, not the upstream).
pub const MAX_BACKENDS: usize = 1024;

/// Words that say the header was refused (Anthropic: "Unexpected value(s)"; proxies: invalid,
/// unsupported, not allowed...). Lower case.
const REFUSING: [&str; 7] = [
    "unexpected",
    "invalid",
    "unsupported",
    "not supported",
    "unknown",
    "not allowed",
    "not permitted",
];

/// The flags each backend refused, by backend id.
#[derive(Default)]
pub struct BetaMemory(Mutex<HashMap<String, Vec<String>>>);

impl BetaMemory {
    /// Takes the flags `backend_id` refused before out of `h`'s `anthropic-beta`.
    pub fn filter(&self, backend_id: &str, h: &mut HeaderMap) {
        if !h.contains_key(ANTHROPIC_BETA) {
            return;
        }
        // Under the lock, without copying the list: every Claude Code request passes here.
        let Ok(map) = self.0.lock() else {
            return;
        };
        if let Some(refused) = map.get(backend_id) {
            without(h, refused);
        }
    }

    /// The flags `backend_id` refused, in the order it refused them.
    pub fn refused(&self, backend_id: &str) -> Vec<String> {
        let Ok(map) = self.0.lock() else {
            return Vec::new();
        };
        map.get(backend_id).cloned().unwrap_or_default()
    }

    /// Remembers `flags` as refused by `backend_id`, within the bounds; whether all were kept.
    fn remember(&self, backend_id: &str, flags: &[String]) -> bool {
        let Ok(mut map) = self.0.lock() else {
            return false;
        };
        if !map.contains_key(backend_id) && map.len() >= MAX_BACKENDS {
            return false;
        }
        let known = map.entry(backend_id.to_string()).or_default();
        let mut all = true;
        for f in flags.iter().filter(|f| is_flag(f)) {
            if known.contains(f) {
                continue;
            }
            if known.len() >= MAX_PER_BACKEND {
                all = false;
                continue;
            }
            known.push(f.clone());
        }
        all
    }
}

/// Whether `s` can be a flag name worth remembering.
fn is_flag(s: &str) -> bool {
    (1..=MAX_FLAG_LEN).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The flags of an `anthropic-beta` value, trimmed, empty items skipped.
fn flags(value: &HeaderValue) -> impl Iterator<Item = &str> {
    value
        .to_str()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
}

/// The client's `anthropic-beta` for an Anthropic-format upstream: its one value as it is, or
/// several values joined with commas (as Anthropic reads a repeated header).
pub fn inbound(h: &HeaderMap) -> Option<HeaderValue> {
    let mut values = h.get_all(ANTHROPIC_BETA).iter();
    let first = values.next()?;
    let rest: Vec<&HeaderValue> = values.collect();
    if rest.is_empty() {
        return Some(first.clone());
    }
    let mut joined = first.as_bytes().to_vec();
    for v in rest {
        joined.push(b',');
        joined.extend_from_slice(v.as_bytes());
    }
    HeaderValue::from_bytes(&joined).ok()
}

/// The `anthropic-beta` of headers `h` a request goes out with, when a refusal of it may still
/// be retried (`dropped`: a retry already went out without refused flags).
pub fn retriable(h: &HeaderMap, dropped: bool) -> Option<&HeaderValue> {
    h.get(ANTHROPIC_BETA).filter(|_| !dropped)
}

/// Takes `drop` out of `h`'s `anthropic-beta`; removes the header when nothing is left, and
/// leaves it untouched when none of `drop` is in it.
pub fn without(h: &mut HeaderMap, drop: &[String]) {
    let Some(value) = h.get(ANTHROPIC_BETA).filter(|_| !drop.is_empty()) else {
        return;
    };
    let all: Vec<&str> = flags(value).collect();
    let kept: Vec<&str> = all
        .iter()
        .copied()
        .filter(|f| !drop.iter().any(|d| d == f))
        .collect();
    if kept.len() == all.len() {
        return;
    }
    match HeaderValue::from_str(&kept.join(",")) {
        Ok(v) if !kept.is_empty() => {
            h.insert(ANTHROPIC_BETA, v);
        }
        _ => {
            h.remove(ANTHROPIC_BETA);
        }
    }
}

/// The flags of `sent` (the `anthropic-beta` a request went out with) that `body` (a 400's first
/// [`HEAD_CAP`] bytes) refuses; empty when it is not a refusal of that header.
pub fn refused_in(body: &[u8], sent: &HeaderValue) -> Vec<String> {
    let text = String::from_utf8_lossy(body).to_ascii_lowercase();
    let names_header = text.contains("anthropic-beta") || text.contains("anthropic_beta");
    if !names_header || !REFUSING.iter().any(|w| text.contains(w)) {
        return Vec::new();
    }
    // Every run of flag characters in the body, with the full stop that ends a sentence
    // taken off; compared case-insensitively with what was sent (the body was lowered).
    let named: std::collections::HashSet<&str> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .map(|t| t.trim_end_matches('.'))
        .filter(|t| !t.is_empty() && t.len() <= MAX_FLAG_LEN)
        .collect();
    let mut out: Vec<String> = Vec::new();
    for f in flags(sent).filter(|f| is_flag(f)) {
        if named.contains(f.to_ascii_lowercase().as_str()) && !out.iter().any(|o| o == f) {
            out.push(f.to_string());
        }
    }
    out
}

/// What a 400 from an Anthropic-format upstream turned out to be.
pub enum Read400 {
    /// A refusal of these sent flags (already remembered for the backend and logged).
    Refused(Vec<String>),
    /// Anything else: the whole body as the upstream sent it, to pass on.
    Other(Bytes),
}

/// Reads a 400 that answered a request sent with `sent` as its `anthropic-beta`: at most
/// [`HEAD_CAP`] bytes to decide, then (when it is not a refusal) the rest under the answer cap.
/// A refusal is remembered for the backend in `memory` and logged once, naming the backend and
/// the flags only.
pub async fn read_400(
    resp: crate::outbound::Answer,
    sent: &HeaderValue,
    memory: &BetaMemory,
    backend: (&str, &str),
) -> Result<Read400, String> {
    let mut body = resp.into_body();
    let mut buf = BytesMut::new();
    let whole = crate::respond::fill(&mut body, &mut buf, HEAD_CAP).await?;
    if whole {
        let refused = refused_in(&buf, sent);
        if !refused.is_empty() {
            let (id, name) = backend;
            let kept = memory.remember(id, &refused);
            tracing::warn!(
                backend = %name,
                flags = %refused.join(","),
                remembered = kept,
                "the backend refused anthropic-beta flag(s): sending the request again without \
                 them, and not sending them to this backend again"
            );
            return Ok(Read400::Refused(refused));
        }
        return Ok(Read400::Other(buf.freeze()));
    }
    if !crate::respond::fill(&mut body, &mut buf, crate::respond::MAX_ANSWER).await? {
        return Err("The provider's answer is too large.".into());
    }
    Ok(Read400::Other(buf.freeze()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hv(s: &str) -> HeaderValue {
        HeaderValue::from_str(s).unwrap()
    }

    #[test]
    fn anthropics_wording_and_proxies_nesting_of_it_are_both_read() {
        let sent = hv(
            "claude-code-20250219, prompt-caching-scope-2026-01-05,structured-outputs-2025-12-15",
        );
        let anthropic = br#"{"type":"error","error":{"type":"invalid_request_error","message":"Unexpected value(s) `prompt-caching-scope-2026-01-05`, `structured-outputs-2025-12-15` for the `anthropic-beta` header. Please consult our documentation at docs.anthropic.com or try again without the header."}}"#;
        assert_eq!(
            refused_in(anthropic, &sent),
            vec![
                "prompt-caching-scope-2026-01-05",
                "structured-outputs-2025-12-15"
            ]
        );
        // LiteLLM in front of Vertex: Anthropic's error JSON escaped inside its own.
        let litellm = br#"{"error":{"message":"{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Unexpected value(s) `claude-code-20250219` for the `anthropic-beta` header.\"}}","code":"400"}}"#;
        assert_eq!(refused_in(litellm, &sent), vec!["claude-code-20250219"]);
    }

    #[test]
    fn a_400_that_does_not_refuse_the_header_refuses_nothing() {
        let sent = hv("context-1m-2025-08-07");
        // Names the flag, but not the header.
        assert!(refused_in(b"invalid: context-1m-2025-08-07 too long", &sent).is_empty());
        // Names the header, refuses nothing.
        assert!(refused_in(b"anthropic-beta context-1m-2025-08-07 ok", &sent).is_empty());
        // Refuses the header, names no flag that was sent (Bedrock's "invalid beta flag").
        assert!(refused_in(b"invalid anthropic-beta value `other-1`", &sent).is_empty());
    }

    #[test]
    fn only_sent_refused_flags_are_taken_out_and_an_untouched_header_stays_byte_for_byte() {
        let mut h = HeaderMap::new();
        h.insert(ANTHROPIC_BETA, hv("a-1, b-2 ,c-3"));
        without(&mut h, &["x-9".to_string()]);
        assert_eq!(
            h[ANTHROPIC_BETA], "a-1, b-2 ,c-3",
            "nothing to drop: unchanged"
        );
        without(&mut h, &["b-2".to_string()]);
        assert_eq!(h[ANTHROPIC_BETA], "a-1,c-3");
        without(&mut h, &["a-1".to_string(), "c-3".to_string()]);
        assert!(
            !h.contains_key(ANTHROPIC_BETA),
            "an empty value is not sent"
        );
    }

    #[test]
    fn the_memory_is_bounded_per_backend_and_in_backends() {
        let m = BetaMemory::default();
        let many: Vec<String> = (0..1000).map(|i| format!("f-{i}")).collect();
        assert!(!m.remember("b", &many));
        assert_eq!(m.refused("b").len(), MAX_PER_BACKEND);
        assert!(m.remember("c", &["y".repeat(65), "ok-1".into()]));
        assert_eq!(
            m.refused("c"),
            vec!["ok-1"],
            "a name too long is never kept"
        );
        for i in 0..MAX_BACKENDS + 10 {
            m.remember(&format!("id-{i}"), &["f-1".to_string()]);
        }
        assert!(m.0.lock().unwrap().len() <= MAX_BACKENDS);
    }

    #[test]
    fn repeated_inbound_headers_are_joined() {
        let mut h = HeaderMap::new();
        h.append(ANTHROPIC_BETA, hv("a-1"));
        h.append(ANTHROPIC_BETA, hv("b-2"));
        assert_eq!(inbound(&h).unwrap(), "a-1,b-2");
    }
}
