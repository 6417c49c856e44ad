//! The one gate a provider key passes to reach the network (issue 53). A key read from the
//! keychain is a bare [`SecretString`]; the only thing that puts one into a request is
//! [`key_header`], and it takes a [`Cleared`] key, never a bare one. A [`Cleared`] is made only by
//! [`Cleared::check`] (or [`Cleared::approval`] before the key is read, then
//! [`Approval::clear`]), from the origins the user approved for that key (its stored row's
//! `hosts`) and the URL it is about to be sent to; it remembers that origin, and [`key_header`]
//! refuses it for any other URL. Outside this crate nothing can read the value back out of a
//! [`Cleared`]: the proof and the send are the same call path.
//!
//! A key the user has not stored yet (one found in a tool's file, tested before it is moved)
//! is approved for the address the user is shown: its kind's official host or a backend the
//! user already trusts with a key (`backends::home_for_found_key` in the app), and passes the
//! same check with that one origin.
//!
//! `crates/guard/tests/sites/egress_sites.rs` keeps the rest honest: every `Cleared::check` call
//! and every `.expose()` of a secret in the workspace is on a reviewed list.

use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION};
use switchyard_domain::AuthStyle;
use switchyard_secrets::SecretString;
use zeroize::Zeroizing;

/// Why a key was not sent. Never quotes the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Withheld {
    /// The destination's origin is not one the user approved for this key.
    #[error("the key is not approved for {origin}")]
    NotApproved { origin: String },
    /// The key holds characters no HTTP header can carry.
    #[error("the stored key has characters that cannot be sent")]
    Unsendable,
}

/// A provider key with the proof that the user approved it for one origin.
#[derive(Clone)]
pub struct Cleared {
    key: SecretString,
    origin: String,
}

impl std::fmt::Debug for Cleared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cleared")
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

/// The gate's answer before a key is read: the origin a key may go to for a URL. The key is
/// read only once this is known, so one that may not go there never leaves the keychain;
/// [`Approval::clear`] then makes the [`Cleared`] key.
/// Not `Clone`: one approval clears one key.
#[derive(Debug, PartialEq, Eq)]
pub struct Approval {
    origin: String,
}

impl Approval {
    /// The key, cleared for this approval's origin.
    pub fn clear(self, key: SecretString) -> Cleared {
        Cleared {
            key,
            origin: self.origin,
        }
    }
}

impl Cleared {
    /// The gate: `key` may go to `url` when `url`'s origin is one of `approved` (the origins
    /// the user approved for this key). A URL without an origin is never approved.
    pub fn check(key: SecretString, approved: &[String], url: &str) -> Result<Cleared, Withheld> {
        Ok(Self::approval(approved, url)?.clear(key))
    }

    /// The same gate before the key is read: its answer clears the key once read.
    pub fn approval(approved: &[String], url: &str) -> Result<Approval, Withheld> {
        if let Some(origin) = approved.iter().find(|o| starts_at_origin(url, o)) {
            return Ok(Approval {
                origin: origin.clone(),
            });
        }
        match switchyard_domain::origin_of(url) {
            Some(origin) if approved.contains(&origin) => Ok(Approval { origin }),
            Some(origin) => Err(Withheld::NotApproved { origin }),
            None => Err(Withheld::NotApproved {
                origin: url.trim().to_string(),
            }),
        }
    }

    /// The origin this key was approved for.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The value, for this crate's header and scrubber only, and only for a URL of the origin
    /// it was cleared for.
    pub(crate) fn expose_to(&self, url: &str) -> Result<&SecretString, Withheld> {
        if starts_at_origin(url, &self.origin) {
            return Ok(&self.key);
        }
        match switchyard_domain::origin_of(url) {
            Some(o) if o == self.origin => Ok(&self.key),
            other => Err(Withheld::NotApproved {
                origin: other.unwrap_or_else(|| url.trim().to_string()),
            }),
        }
    }

    /// The value for scrubbing echoes out of what came back from the origin it went to.
    pub(crate) fn sent(&self) -> &SecretString {
        &self.key
    }
}

/// Whether `url` is `origin` (an origin as `origin_of` writes it: lower-case, no default port)
/// followed by its path, query or nothing: then its origin is `origin` without parsing it. Any
/// other spelling (`HTTPS://…`, `:443`, a user part, a longer host) is not decided here: the
/// caller parses it. The authority ends at the first `/`, `?` or `#`, so nothing after them can
/// change the host.
fn starts_at_origin(url: &str, origin: &str) -> bool {
    url.strip_prefix(origin)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?', '#']))
}

/// The header that carries `key` to `url` in `style`, marked sensitive (never printed by
/// `Debug`, kept out of HTTP/2 header compression). Refused when `url` is not of the origin
/// `key` was cleared for. The formatted value is wiped once the header holds it: the header's
/// own bytes, alive until the request is sent, are the one copy outside `Secret`.
pub fn key_header(
    style: AuthStyle,
    key: &Cleared,
    url: &str,
) -> Result<(HeaderName, HeaderValue), Withheld> {
    let key = key.expose_to(url)?;
    let (name, text) = match style {
        AuthStyle::Bearer | AuthStyle::None => (
            AUTHORIZATION,
            Zeroizing::new(format!("Bearer {}", key.expose())),
        ),
        AuthStyle::XApiKey => (
            HeaderName::from_static("x-api-key"),
            Zeroizing::new(key.expose().clone()),
        ),
        AuthStyle::GoogApiKey => (
            HeaderName::from_static("x-goog-api-key"),
            Zeroizing::new(key.expose().clone()),
        ),
    };
    let mut value = HeaderValue::from_str(&text).map_err(|_| Withheld::Unsendable)?;
    value.set_sensitive(true);
    Ok((name, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn approved() -> Vec<String> {
        vec!["https://api.openai.com".to_string()]
    }

    #[test]
    fn a_key_is_cleared_only_for_an_approved_origin() {
        let key = || SecretString::from("sk-CANARY-egress-0001");
        let ok = Cleared::check(key(), &approved(), "https://api.openai.com/v1/models").unwrap();
        assert_eq!(ok.origin(), "https://api.openai.com");
        assert!(!format!("{ok:?}").contains("CANARY"));
        let spelled = Cleared::check(key(), &approved(), "HTTPS://API.openai.com:443/v1").unwrap();
        assert_eq!(
            spelled.origin(),
            "https://api.openai.com",
            "parsed when not plain"
        );
        for url in [
            "http://api.openai.com/v1",
            "https://api.openai.com.evil.example/v1",
            "https://api.openai.com@evil.example/v1",
            "https://api.openai.com:8443/v1",
            "not a url",
        ] {
            assert!(
                matches!(
                    Cleared::check(key(), &approved(), url),
                    Err(Withheld::NotApproved { .. })
                ),
                "{url}"
            );
        }
    }

    #[test]
    fn a_cleared_key_goes_into_a_sensitive_header_for_its_origin_only() {
        let key = Cleared::check(
            SecretString::from("sk-CANARY-key-header-0001"),
            &approved(),
            "https://api.openai.com/v1",
        )
        .unwrap();
        for style in [AuthStyle::Bearer, AuthStyle::XApiKey, AuthStyle::GoogApiKey] {
            let (name, value) =
                key_header(style, &key, "https://api.openai.com/v1/chat/completions").unwrap();
            assert!(value.is_sensitive(), "{name}");
            assert!(!format!("{value:?}").contains("CANARY"), "{name}");
        }
        assert_eq!(
            key_header(AuthStyle::Bearer, &key, "https://other.example/v1").unwrap_err(),
            Withheld::NotApproved {
                origin: "https://other.example".into()
            },
            "cleared for one origin, refused at send time for another"
        );
        let bad = Cleared::check(
            SecretString::from("sk-with\nnewline"),
            &approved(),
            "https://api.openai.com/v1",
        )
        .unwrap();
        let err = key_header(AuthStyle::Bearer, &bad, "https://api.openai.com/v1").unwrap_err();
        assert!(!err.to_string().contains("newline"), "{err}");
    }

    proptest::proptest! {
        /// The fast path never says "this origin" where the URL parser (what the HTTP client
        /// uses) would find another.
        #[test]
        fn the_fast_origin_check_agrees_with_the_parser(
            origin in proptest::sample::select(vec![
                "https://api.openai.com", "http://127.0.0.1:8080", "http://localhost:11434",
            ]),
            rest in "[a-z0-9/?#@:.%\\\\\\[\\]]{0,24}",
        ) {
            let url = format!("{origin}{rest}");
            if starts_at_origin(&url, origin) {
                let parsed = switchyard_domain::origin_of(&url);
                proptest::prop_assert_eq!(parsed.as_deref(), Some(origin), "{}", url);
            }
        }
    }
}
