//! The one way the readers reach a provider: a GET whose key goes through the egress gate
//! (`switchyard_gateway::key_header`), a 429 waited out once within its `Retry-After`, the status
//! mapped to a [`BooksError`], the body read up to [`MAX_BODY`] and decoded into the documented
//! shape; and [`Pages`], which follows a cursor to the end without looping.
//!
//! Nothing here quotes a key: the provider's messages are cut to [`MAX_MESSAGE`] characters and
//! anything shaped like a key is replaced (an echo of the key itself included, whatever its
//! shape, when the provider quotes it with a key prefix).

use std::collections::HashSet;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue, ACCEPT, RETRY_AFTER};
use serde::de::DeserializeOwned;
use switchyard_domain::books::BooksProvider;
use switchyard_domain::AuthStyle;
use switchyard_gateway::{key_header, Cleared};

use crate::BooksError;

/// The most a report answer may hold (a month of days × keys × models is far less).
pub(crate) const MAX_BODY: usize = 16 * 1024 * 1024;
/// The longest `Retry-After` waited out (seconds); a longer one is reported instead.
pub(crate) const MAX_WAIT_S: u64 = 60;
/// The most pages one listing may have before its cursor is taken for a loop.
pub(crate) const MAX_PAGES: usize = 1000;
/// The most characters of a provider's message quoted in an error.
pub(crate) const MAX_MESSAGE: usize = 200;

/// One provider's address book: the client, the cleared key and how it is sent.
pub(crate) struct Gate<'a> {
    pub http: &'a reqwest::Client,
    pub key: &'a Cleared,
    pub style: AuthStyle,
    pub provider: BooksProvider,
    /// Headers every request carries besides the key (`anthropic-version`).
    pub extra: &'static [(&'static str, &'static str)],
}

impl Gate<'_> {
    /// GET `url` and decode its JSON as `T`; `what` names the endpoint in errors.
    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        url: &str,
        what: &str,
    ) -> Result<T, BooksError> {
        let body = self.fetch(url, what).await?;
        serde_json::from_slice(&body).map_err(|e| self.malformed(what, &e.to_string()))
    }

    /// The body of a 2xx answer to GET `url`, after at most one wait for a 429.
    async fn fetch(&self, url: &str, what: &str) -> Result<Vec<u8>, BooksError> {
        let mut waited = false;
        loop {
            // The gate: refused here (nothing sent) unless `url` is of the key's origin.
            let (name, value) = key_header(self.style, self.key, url)?;
            let mut request = self
                .http
                .get(url)
                .header(name, value)
                .header(ACCEPT, "application/json");
            for (name, value) in self.extra {
                request = request.header(
                    HeaderName::from_static(name),
                    HeaderValue::from_static(value),
                );
            }
            let response = request
                .send()
                .await
                .map_err(|e| self.unreachable(format!("{what}: {}", network_error(&e))))?;
            if !same_origin(response.url().as_str(), self.key.origin()) {
                return Err(self.unreachable(format!(
                    "{what}: the answer came from another address (a redirect), not read"
                )));
            }
            let status = response.status();
            if status.as_u16() == 429 {
                let after = retry_after(response.headers());
                match after {
                    Some(s) if !waited && s <= MAX_WAIT_S => {
                        tracing::debug!(provider = self.provider.label(), what, s, "429: waiting");
                        waited = true;
                        tokio::time::sleep(Duration::from_secs(s)).await;
                        continue;
                    }
                    _ => {
                        return Err(BooksError::RateLimited {
                            provider: self.provider,
                            retry_after_s: after,
                        })
                    }
                }
            }
            let body = read_bounded(response, what, self).await?;
            if status.is_success() {
                return Ok(body);
            }
            let message = provider_message(&body);
            return Err(match status.as_u16() {
                401 | 403 => BooksError::Refused {
                    provider: self.provider,
                    status: status.as_u16(),
                    message,
                },
                code => self.unreachable(if message.is_empty() {
                    format!("{what}: HTTP {code}")
                } else {
                    format!("{what}: HTTP {code}: {message}")
                }),
            });
        }
    }

    pub(crate) fn malformed(&self, what: &str, detail: &str) -> BooksError {
        BooksError::Malformed {
            provider: self.provider,
            what: format!("{what}: {}", scrub(detail)),
        }
    }

    fn unreachable(&self, message: String) -> BooksError {
        BooksError::Unreachable {
            provider: self.provider,
            message,
        }
    }
}

/// The body, refused past [`MAX_BODY`] bytes.
async fn read_bounded(
    mut response: reqwest::Response,
    what: &str,
    gate: &Gate<'_>,
) -> Result<Vec<u8>, BooksError> {
    if response
        .content_length()
        .is_some_and(|n| n > MAX_BODY as u64)
    {
        return Err(gate.malformed(what, "the answer is larger than 16 MiB"));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| gate.unreachable(format!("{what}: {}", network_error(&e))))?
    {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(gate.malformed(what, "the answer is larger than 16 MiB"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A network failure in words, without the URL's query or anything the server said.
fn network_error(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "the answer broke off"
    } else {
        "network error"
    };
    kind.to_string()
}

/// `Retry-After` in whole seconds (the delta form; an HTTP date is not waited for).
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<u64> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(s) = text.parse::<u64>() {
        return Some(s);
    }
    // Some servers send fractional seconds; round up.
    text.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| s.ceil() as u64)
}

fn same_origin(url: &str, origin: &str) -> bool {
    switchyard_domain::origin_of(url).is_some_and(|o| o == origin)
        || url
            .strip_prefix(origin)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?', '#']))
}

/// What a provider said in an error answer: `error.message` (OpenAI, Anthropic and OpenRouter
/// all use it), else the text itself; scrubbed and cut short.
pub(crate) fn provider_message(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let message = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| {
            let error = v.get("error")?;
            error
                .get("message")
                .and_then(|m| m.as_str())
                .or_else(|| error.as_str())
                .map(str::to_string)
        })
        .unwrap_or_else(|| text.trim().to_string());
    scrub(&message)
}

/// `text` with every word shaped like a key replaced, cut to [`MAX_MESSAGE`] characters.
pub(crate) fn scrub(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_MESSAGE + 8));
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if keyish(word) {
            out.push_str("[redacted]");
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '/' | '=') {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(if c.is_control() { ' ' } else { c });
        }
    }
    flush(&mut word, &mut out);
    let out = out.trim();
    if out.chars().count() > MAX_MESSAGE {
        let cut: String = out.chars().take(MAX_MESSAGE).collect();
        format!("{cut}…")
    } else {
        out.to_string()
    }
}

/// A word that may be a key: a provider key prefix, a long mixed run of letters and digits, or
/// anything long without a gap (a redacted hint `sk-abc...wxyz` is kept: it shows no secret).
fn keyish(word: &str) -> bool {
    let word = word.trim_matches(['.', '/', '=']);
    if word.contains("...") {
        return false;
    }
    switchyard_domain::looks_like_key(word, true)
        || (word.starts_with("sk-") && word.len() >= 12)
        || (word.len() >= 40 && word.chars().any(|c| c.is_ascii_digit()))
}

/// A query-string value, percent-encoded (RFC 3986 unreserved characters kept).
pub(crate) fn enc(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A cursor followed to the end of a listing: refused when it repeats or the listing runs past
/// [`MAX_PAGES`] pages, so a provider's bug cannot keep Switchyard asking forever.
pub(crate) struct Pages {
    what: &'static str,
    seen: HashSet<String>,
    pages: usize,
}

impl Pages {
    pub(crate) fn new(what: &'static str) -> Pages {
        Pages {
            what,
            seen: HashSet::new(),
            pages: 0,
        }
    }

    /// The cursor of the next page, `None` at the end.
    pub(crate) fn next(
        &mut self,
        gate: &Gate<'_>,
        has_more: bool,
        cursor: Option<String>,
    ) -> Result<Option<String>, BooksError> {
        self.pages += 1;
        if !has_more {
            return Ok(None);
        }
        let Some(cursor) = cursor.filter(|c| !c.is_empty()) else {
            return Err(gate.malformed(self.what, "has_more is true but no cursor is given"));
        };
        if !self.seen.insert(cursor.clone()) {
            return Err(gate.malformed(self.what, "the next-page cursor repeats"));
        }
        if self.pages >= MAX_PAGES {
            return Err(gate.malformed(self.what, "more than 1000 pages"));
        }
        Ok(Some(cursor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_drops_keys_and_cuts_long_messages() {
        let said = "Incorrect API key provided: sk-proj-AbCdEf0123456789xyzXYZ. See docs.";
        let out = scrub(said);
        assert!(!out.contains("AbCdEf0123456789"), "{out}");
        assert!(out.contains("[redacted]"), "{out}");
        assert!(out.starts_with("Incorrect API key provided"), "{out}");
        let ant = scrub("invalid x-api-key sk-ant-admin01-QWERTYuiop1234567890asdfgh");
        assert!(!ant.contains("QWERTY"), "{ant}");
        assert_eq!(
            scrub("key sk-abc...wxyz is fine"),
            "key sk-abc...wxyz is fine"
        );
        let long = "x ".repeat(500);
        assert!(scrub(&long).chars().count() <= MAX_MESSAGE + 1);
    }

    #[test]
    fn provider_message_reads_error_message() {
        let body = br#"{"error":{"message":"Only management keys can fetch activity","code":403}}"#;
        assert_eq!(
            provider_message(body),
            "Only management keys can fetch activity"
        );
        assert_eq!(provider_message(b"plain\ntext"), "plain text");
    }

    #[test]
    fn enc_keeps_unreserved_only() {
        assert_eq!(enc("page_AAAA+/b="), "page_AAAA%2B%2Fb%3D");
        assert_eq!(enc("2025-08-01T00:00:00Z"), "2025-08-01T00%3A00%3A00Z");
    }

    #[test]
    fn retry_after_reads_seconds() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("1"));
        assert_eq!(retry_after(&h), Some(1));
        h.insert(RETRY_AFTER, HeaderValue::from_static("0.4"));
        assert_eq!(retry_after(&h), Some(1));
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), None);
    }
}
