//! Keys echoed back by a provider never reach the caller. Some OpenAI-compatible servers and
//! proxies quote the key they were sent in an error ("bad request for key sk-…"); every upstream
//! body and stream event the gateway passes on is first scrubbed of the key the attempt used,
//! each occurrence replaced by the key's masked hint (`sk-…abcd`). The gateway sends upstream
//! headers to no one, so bodies and events are the whole surface.

use bytes::{Bytes, BytesMut};
use switchyard_secrets::SecretString;

/// Keys shorter than this are not searched for (a local server's placeholder such as `ollama`
/// would otherwise be "scrubbed" out of ordinary text).
const MIN_KEY_LEN: usize = 8;

/// The key one attempt used, and what replaces it.
#[derive(Clone)]
pub struct Scrub {
    key: SecretString,
    hint: String,
}

impl Scrub {
    /// `None` when there is no key, or it is too short to search for.
    pub fn of(key: Option<&crate::egress::Cleared>) -> Option<Scrub> {
        let key = key?.sent();
        (key.expose().len() >= MIN_KEY_LEN).then(|| Scrub {
            hint: switchyard_domain::mask_key(key.expose()),
            key: key.clone(),
        })
    }

    /// `bytes` with every occurrence of the key replaced by its hint (no copy when absent).
    pub fn bytes(&self, bytes: Bytes) -> Bytes {
        let needle = self.key.expose().as_bytes();
        let Some(first) = find(&bytes, needle) else {
            return bytes;
        };
        let mut out = BytesMut::with_capacity(bytes.len());
        let mut rest = &bytes[..];
        let mut at = Some(first);
        while let Some(i) = at {
            out.extend_from_slice(&rest[..i]);
            out.extend_from_slice(self.hint.as_bytes());
            rest = &rest[i + needle.len()..];
            at = find(rest, needle);
        }
        out.extend_from_slice(rest);
        out.freeze()
    }

    /// `text` with every occurrence of the key replaced by its hint (no copy when absent).
    pub fn text(&self, text: String) -> String {
        let key = self.key.expose().as_str();
        if text.contains(key) {
            text.replace(key, &self.hint)
        } else {
            text
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let first = *needle.first()?;
    let mut from = 0;
    while let Some(i) = haystack[from..].iter().position(|&b| b == first) {
        let at = from + i;
        if haystack[at..].starts_with(needle) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cleared(key: &str) -> crate::egress::Cleared {
        let to = "https://api.openai.com";
        crate::egress::Cleared::check(SecretString::from(key), &[to.to_string()], to).unwrap()
    }

    #[test]
    fn every_occurrence_becomes_the_hint() {
        let s = Scrub::of(Some(&cleared("sk-proj-CANARYCANARY1234"))).unwrap();
        let body = Bytes::from_static(
            b"{\"error\":\"bad key sk-proj-CANARYCANARY1234 (sk-proj-CANARYCANARY1234)\"}",
        );
        let out = s.bytes(body);
        let out = std::str::from_utf8(&out).unwrap();
        assert!(!out.contains("CANARY"), "{out}");
        assert_eq!(out.matches("…1234").count(), 2, "{out}");
        assert_eq!(
            s.text("x sk-proj-CANARYCANARY1234 y".into()),
            "x sk-proj-…1234 y"
        );
        let clean = Bytes::from_static(b"nothing here");
        assert_eq!(s.bytes(clean.clone()), clean);
        assert!(Scrub::of(Some(&cleared("ollama"))).is_none());
        assert!(Scrub::of(None).is_none());
    }
}
