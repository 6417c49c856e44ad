//! Owns API-key extraction from request headers and the accept / reject / rate-limit decision.

use axum::http::{HeaderMap, Uri};

use crate::config::MockConfig;
use crate::error::{ApiError, ErrorKind, Shape};

/// The key a client sent, read only from the header its provider uses: OpenAI-shaped APIs
/// `Authorization: Bearer K`, Anthropic `x-api-key`, Gemini `x-goog-api-key`. A key in the wrong
/// header counts as missing, as it would at the real provider. Empty values count as missing.
pub(crate) fn extract_key(headers: &HeaderMap, shape: Shape) -> Option<&str> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let key = match shape {
        Shape::OpenAi => header("authorization").and_then(|v| {
            let (scheme, rest) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then_some(rest.trim())
        }),
        Shape::Anthropic => header("x-api-key"),
        Shape::Gemini => header("x-goog-api-key"),
    };
    key.filter(|k| !k.is_empty())
}

/// A Gemini request's key: the `x-goog-api-key` header, else the `?key=` query parameter (Gemini
/// accepts both).
pub(crate) fn gemini_key<'a>(headers: &'a HeaderMap, uri: &'a Uri) -> Option<&'a str> {
    extract_key(headers, Shape::Gemini).or_else(|| query_param(uri, "key"))
}

/// The first non-empty value of the query parameter `name`, taken verbatim (no percent-decoding).
pub(crate) fn query_param<'a>(uri: &'a Uri, name: &str) -> Option<&'a str> {
    uri.query()?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(n, value)| *n == name && !value.is_empty())
        .map(|(_, value)| value)
}

/// True when the request looks like it comes from an Anthropic client.
pub(crate) fn is_anthropic_style(headers: &HeaderMap) -> bool {
    headers.contains_key("anthropic-version") || headers.contains_key("x-api-key")
}

/// Decides whether `key` may use the server. A rate-limited key is a known key: it gets 429 even
/// when it is not in `accepted_keys`. The admin key of books mode is refused (401).
pub(crate) fn check(config: &MockConfig, key: Option<&str>, shape: Shape) -> Result<(), ApiError> {
    if key.is_some() && key == config.admin_key.as_deref() {
        // An admin key only reads the organization's books; the providers refuse it elsewhere.
        return Err(ApiError::new(shape, ErrorKind::Unauthorized));
    }
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
    fn keys_are_read_only_from_the_providers_header() {
        let mut h = HeaderMap::new();
        h.insert("x-goog-api-key", HeaderValue::from_static("g"));
        h.insert("x-api-key", HeaderValue::from_static("a"));
        h.insert("authorization", HeaderValue::from_static("bearer  b "));
        assert_eq!(extract_key(&h, Shape::OpenAi), Some("b"));
        assert_eq!(extract_key(&h, Shape::Anthropic), Some("a"));
        assert_eq!(extract_key(&h, Shape::Gemini), Some("g"));
        h.insert("authorization", HeaderValue::from_static("Bearer "));
        assert_eq!(
            extract_key(&h, Shape::OpenAi),
            None,
            "an empty bearer is missing"
        );
    }

    #[test]
    fn gemini_keys_come_from_the_header_or_the_query() {
        let uri: Uri = "/v1beta/models/m:generateContent?alt=sse&key=q"
            .parse()
            .unwrap();
        let mut h = HeaderMap::new();
        assert_eq!(gemini_key(&h, &uri), Some("q"));
        h.insert("x-goog-api-key", HeaderValue::from_static("g"));
        assert_eq!(gemini_key(&h, &uri), Some("g"), "the header wins");
        assert_eq!(query_param(&uri, "alt"), Some("sse"));
        let empty: Uri = "/x?key=&alt".parse().unwrap();
        assert_eq!(query_param(&empty, "key"), None);
        assert_eq!(query_param(&empty, "alt"), None);
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
