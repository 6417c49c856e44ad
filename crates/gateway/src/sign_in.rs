//! A tool's own plan sign-in on its way through the gateway (issue 74): taken out of the request
//! at the door ([`take_sign_in`], called by the guard for every request whose Switchyard token
//! came in [`TOKEN_HEADER`]), kept only for a token connected with a plan, and put into the
//! plan's request only through the egress gate ([`Pass::header`]). What a plan does with it is
//! `subscription`'s.

use axum::http::{header, HeaderMap, HeaderName, HeaderValue};
use std::sync::Arc;
use switchyard_domain::{AuthStyle, Vendor};
use switchyard_secrets::SecretString;

/// The header carrying the Switchyard token when the tool's own sign-in travels beside it.
pub use switchyard_domain::subscription::TOKEN_HEADER;

/// The key label a plan's requests are recorded with.
pub const SIGN_IN_LABEL: &str = "sign-in";

/// The account header a ChatGPT sign-in travels with: bound to the sign-in, taken out with it.
const ACCOUNT: &str = "chatgpt-account-id";

/// What Codex sends the ChatGPT backend beside its sign-in (its name and version, the session):
/// passed to the plan's host only, as the client sent them.
const CODEX_CLIENT: [&str; 9] = [
    "originator",
    "version",
    "session-id",
    "session_id",
    "thread-id",
    "x-client-request-id",
    "x-codex-window-id",
    "x-codex-turn-metadata",
    "x-codex-beta-features",
];

/// The tool's own sign-in, as it came, with the account it names (ChatGPT's). `Debug` hides it.
pub struct SignIn {
    value: SecretString,
    style: AuthStyle,
    account: Option<HeaderValue>,
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignIn")
            .field("style", &self.style)
            .finish_non_exhaustive()
    }
}

/// Takes the tool's own sign-in (`Authorization: Bearer …` or `x-api-key`) out of a request
/// whose Switchyard token came in [`TOKEN_HEADER`], and the token header with it. Called by the
/// guard for every request carrying [`TOKEN_HEADER`], whoever it is from.
pub(crate) fn take_sign_in(headers: &mut HeaderMap) -> Option<SignIn> {
    headers.remove(TOKEN_HEADER);
    let account = headers.remove(ACCOUNT);
    let bearer = headers.remove(header::AUTHORIZATION);
    let api_key = headers.remove("x-api-key");
    let text = |v: axum::http::HeaderValue| v.to_str().ok().map(|s| s.trim().to_string());
    let bearer = bearer.and_then(text).and_then(|v| {
        let (scheme, rest) = v.split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| rest.trim().to_string())
    });
    let (value, style) = match (bearer, api_key.and_then(text)) {
        (Some(v), _) => (v, AuthStyle::Bearer),
        (None, Some(v)) => (v, AuthStyle::XApiKey),
        (None, None) => return None,
    };
    (!value.is_empty()).then(|| SignIn {
        value: SecretString::from(value),
        style,
        account,
    })
}

impl SignIn {
    /// Whether this is a sign-in to `vendor`'s plan: a ChatGPT one is a bearer naming its
    /// account (Codex signed in with an API key sends the key alone: that is no plan).
    pub(crate) fn fits(&self, vendor: Vendor) -> bool {
        match vendor {
            Vendor::Anthropic => true,
            Vendor::ChatGpt => self.style == AuthStyle::Bearer && self.account.is_some(),
        }
    }
}

/// A request's plan: the sign-in it came with and where it may go.
#[derive(Clone)]
pub struct Pass {
    sign_in: Arc<SignIn>,
    pub(crate) vendor: Vendor,
    host: String,
    /// No overflow can serve: the plan is tried even while cooling down, and its refusal
    /// reaches the tool unchanged.
    pub alone: bool,
}

impl std::fmt::Debug for Pass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pass")
            .field("vendor", &self.vendor)
            .field("host", &self.host)
            .field("alone", &self.alone)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Pass {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.sign_in, &other.sign_in) && self.alone == other.alone
    }
}

impl Pass {
    pub(crate) fn new(sign_in: Arc<SignIn>, vendor: Vendor, host: &str, alone: bool) -> Pass {
        Pass {
            sign_in,
            vendor,
            host: host.to_string(),
            alone,
        }
    }

    /// Puts the sign-in into `out` for `url`, through the egress gate (only for the plan's
    /// host), with what the vendor's client sent beside it: ChatGPT's account and Codex's own
    /// headers from `inbound`. The cleared sign-in is returned for the answer's scrubber.
    pub(crate) fn put(
        &self,
        url: &str,
        inbound: &HeaderMap,
        out: &mut HeaderMap,
    ) -> Result<crate::egress::Cleared, String> {
        let approved = [self.host.clone()];
        let cleared = crate::egress::Cleared::check(self.sign_in.value.clone(), &approved, url)
            .map_err(|e| format!("the plan's sign-in: {e}"))?;
        let (name, value) = crate::egress::key_header(self.sign_in.style, &cleared, url)
            .map_err(|e| e.to_string())?;
        out.insert(name, value);
        if self.vendor == Vendor::ChatGpt {
            if let Some(account) = &self.sign_in.account {
                out.insert(HeaderName::from_static(ACCOUNT), account.clone());
            }
            for name in CODEX_CLIENT {
                if let Some(v) = inbound.get(name) {
                    out.insert(HeaderName::from_static(name), v.clone());
                }
            }
        }
        Ok(cleared)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_sign_in_is_taken_out_with_the_token_header() {
        let mut h = HeaderMap::new();
        h.insert(TOKEN_HEADER, HeaderValue::from_static("sy-tool"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer sk-ant-oat01-CANARY"),
        );
        let s = take_sign_in(&mut h).unwrap();
        assert_eq!(s.style, AuthStyle::Bearer);
        assert!(h.is_empty(), "{h:?}");
        assert!(!format!("{s:?}").contains("CANARY"));
        let mut k = HeaderMap::new();
        k.insert("x-api-key", HeaderValue::from_static("sk-ant-api-CANARY"));
        assert_eq!(take_sign_in(&mut k).unwrap().style, AuthStyle::XApiKey);
        let mut none = HeaderMap::new();
        none.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic x"));
        assert!(take_sign_in(&mut none).is_none());
        assert!(
            none.is_empty(),
            "a sign-in in another scheme is dropped too"
        );
    }
}
