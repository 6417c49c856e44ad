//! Reading over the network: HTTPS, or plain HTTP only to this machine (a mirror on
//! 127.0.0.1), checked for the address given and every redirect; bodies bounded, with progress.

use crate::UpdateError;
use std::net::IpAddr;
use std::time::Duration;
use url::Url;

/// Whether `url` may be read: HTTPS anywhere, HTTP only to a loopback address or `localhost`.
pub fn allowed(url: &Url) -> Result<(), UpdateError> {
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(UpdateError::Insecure {
            url: url.to_string(),
        }),
    }
}

/// Parses `text` as an address that may be read.
pub fn parse(text: &str) -> Result<Url, UpdateError> {
    let url = Url::parse(text).map_err(|e| UpdateError::BadUrl {
        url: text.to_string(),
        reason: e.to_string(),
    })?;
    allowed(&url)?;
    Ok(url)
}

/// The client: a redirect is followed only to an address [`allowed`] accepts (so an HTTPS
/// mirror cannot hand the download to plain HTTP elsewhere), at most five.
pub fn client() -> Result<reqwest::Client, UpdateError> {
    let policy = reqwest::redirect::Policy::custom(|attempt| {
        if attempt.previous().len() >= 5 {
            attempt.error("too many redirects")
        } else if allowed(attempt.url()).is_err() {
            let to = attempt.url().to_string();
            attempt.error(format!("redirected to {to}, which is not HTTPS"))
        } else {
            attempt.follow()
        }
    });
    reqwest::Client::builder()
        .redirect(policy)
        .connect_timeout(Duration::from_secs(15))
        .read_timeout(Duration::from_secs(60))
        .user_agent(concat!("Switchyard/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| UpdateError::Install(format!("cannot build the HTTP client: {e}")))
}

/// The body at `url`, at most `limit` bytes; `progress(received, total)` after each chunk.
pub async fn get(
    client: &reqwest::Client,
    url: &Url,
    limit: u64,
    progress: &mut (dyn FnMut(u64, Option<u64>) + Send),
) -> Result<Vec<u8>, UpdateError> {
    allowed(url)?;
    let shown = url.to_string();
    let unreachable = |e: reqwest::Error| UpdateError::Unreachable {
        url: shown.clone(),
        reason: causes(&e),
    };
    let mut response = client.get(url.clone()).send().await.map_err(unreachable)?;
    let status = response.status();
    if !status.is_success() {
        return Err(UpdateError::Status {
            url: shown,
            status: status.as_u16(),
        });
    }
    let too_large = || UpdateError::TooLarge {
        url: shown.clone(),
        limit,
    };
    let total = response.content_length();
    if total.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let mut body = Vec::with_capacity(total.unwrap_or(0).min(limit) as usize);
    while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
        if body.len() as u64 + chunk.len() as u64 > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
        progress(body.len() as u64, total);
    }
    Ok(body)
}

/// The error and its causes (reqwest's own text is only "error sending request").
fn causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text += &format!(": {cause}");
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_read_only_from_this_machine() {
        for ok in [
            "https://example.org/latest.json",
            "http://127.0.0.1:8080/latest.json",
            "http://[::1]:8080/latest.json",
            "http://localhost/latest.json",
        ] {
            assert!(parse(ok).is_ok(), "{ok} may be read");
        }
        for refused in [
            "http://example.org/latest.json",
            "http://192.168.1.10/latest.json",
            "ftp://127.0.0.1/latest.json",
            "file:///tmp/latest.json",
        ] {
            assert!(
                matches!(parse(refused), Err(UpdateError::Insecure { .. })),
                "{refused} is refused"
            );
        }
    }
}
