//! Owns API-key extraction from request headers and the accept / reject / rate-limit decision.

use axum::http::HeaderMap;

use crate::config::MockConfig;
use crate::error::{ApiError, ErrorKind, Shape};

/// The key a client sent: `Authorization: Bearer K`, else `x-api-key`, else `x-goog-api-key`.
/// Empty values count as missing.
pub(crate) fn extract_key(headers: &HeaderMap) -> Option<&str> {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, rest) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then_some(rest.trim())
        });
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    [bearer, header("x-api-key"), header("x-goog-api-key")]
        .into_iter()
        .flatten()
        .find(|k| !k.is_empty())
}

/// True when the request looks like it comes from an Anthropic client.
pub(crate) fn is_anthropic_style(headers: &HeaderMap) -> bool {
    headers.contains_key("anthropic-version") || headers.contains_key("x-api-key")
}

/// Decides whether `key` may use the server. A rate-limited key is a known key: it gets 429 even
/// when it is not in `accepted_keys`.
pub(crate) fn check(config: &MockConfig, key: Option<&str>, shape: Shape) -> Result<(), ApiError> {
    if let Some(key) = key {
        if config.rate_limited_keys.iter().any(|k| k == key) {
            return Err(ApiError::new(shape, ErrorKind::RateLimited));
        }
    }
    match (&config.accepted_keys, key) {
        (None, _) => Ok(()),
        (Some(list), Some(key)) if list.iter().any(|k| k == key) => Ok(()),
        (Some(_), _) => Err(ApiError::new(shape, ErrorKind::Unauthorized)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn extracts_keys_in_order() {
        let mut h = HeaderMap::new();
        assert_eq!(extract_key(&h), None);
        h.insert("x-goog-api-key", HeaderValue::from_static("g"));
        assert_eq!(extract_key(&h), Some("g"));
        h.insert("x-api-key", HeaderValue::from_static("a"));
        assert_eq!(extract_key(&h), Some("a"));
        h.insert("authorization", HeaderValue::from_static("bearer  b "));
        assert_eq!(extract_key(&h), Some("b"));
        h.insert("authorization", HeaderValue::from_static("Bearer "));
        assert_eq!(extract_key(&h), Some("a"));
    }

    #[test]
    fn rate_limit_wins_over_accept_list() {
        let mut c = MockConfig::instant();
        c.accepted_keys = Some(vec!["good".into()]);
        c.rate_limited_keys = vec!["slow".into()];
        assert!(check(&c, Some("good"), Shape::OpenAi).is_ok());
        assert_eq!(
            check(&c, Some("slow"), Shape::OpenAi).map_err(|e| e.kind),
            Err(ErrorKind::RateLimited)
        );
        assert_eq!(
            check(&c, None, Shape::OpenAi).map_err(|e| e.kind),
            Err(ErrorKind::Unauthorized)
        );
    }
}
