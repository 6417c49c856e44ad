//! Reading over the network: HTTPS, or plain HTTP only to this machine (a mirror on
//! 127.0.0.1), checked for the address given and every redirect.
//!
//! Invariants: every read is under an [`Allowance`]: an overall deadline (besides the client's
//! connect and per-read timeouts, which a server sending a byte now and then never trips) and a
//! cap on the body's bytes, announced or not. A package is written to a file as it arrives
//! ([`save`]), so memory stays bounded whatever its size.

use crate::text::printable;
use crate::UpdateError;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use url::Url;

/// Whether `url` may be read ([`switchyard_domain::is_readable_release`]): HTTPS anywhere, HTTP
/// only to this machine.
pub fn allowed(url: &Url) -> Result<(), UpdateError> {
    if switchyard_domain::is_readable_release(url) {
        Ok(())
    } else {
        Err(UpdateError::Insecure {
            url: url.to_string(),
        })
    }
}

/// Parses `text` as an address that may be read.
pub fn parse(text: &str) -> Result<Url, UpdateError> {
    let url = Url::parse(text).map_err(|e| UpdateError::BadUrl {
        url: printable(text),
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

/// How much of a server's time and bytes a read may take: `deadline` is for the whole read
/// (connecting, the answer, every byte of the body), so a server that drips a byte now and then
/// cannot hold it open; `bytes` caps the body, announced or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    pub bytes: u64,
    pub deadline: Duration,
}

/// The body at `url`, in memory: for the manifest (its allowance is a few KB's worth).
pub async fn get(
    client: &reqwest::Client,
    url: &Url,
    allowance: Allowance,
) -> Result<Vec<u8>, UpdateError> {
    let mut body = Vec::new();
    within(url, allowance, async {
        let (mut response, total) = open(client, url, allowance).await?;
        body.reserve(total.unwrap_or(0) as usize);
        while let Some(chunk) = response.chunk().await.map_err(|e| unreachable(url, &e))? {
            if body.len() as u64 + chunk.len() as u64 > allowance.bytes {
                return Err(too_large(url, allowance));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(())
    })
    .await?;
    Ok(body)
}

/// Writes the body at `url` to `file` as it arrives (never whole in memory) and returns its
/// length; `progress(received, total)` after each chunk. On an error the file holds a part.
pub async fn save(
    client: &reqwest::Client,
    url: &Url,
    allowance: Allowance,
    file: &mut tokio::fs::File,
    progress: &mut (dyn FnMut(u64, Option<u64>) + Send),
) -> Result<u64, UpdateError> {
    let written = |e: std::io::Error| UpdateError::Install(format!("cannot save {url}: {e}"));
    within(url, allowance, async {
        let (mut response, total) = open(client, url, allowance).await?;
        let mut received = 0u64;
        while let Some(chunk) = response.chunk().await.map_err(|e| unreachable(url, &e))? {
            received += chunk.len() as u64;
            if received > allowance.bytes {
                return Err(too_large(url, allowance));
            }
            file.write_all(&chunk).await.map_err(written)?;
            progress(received, total);
        }
        file.flush().await.map_err(written)?;
        Ok(received)
    })
    .await
}

/// `read`, stopped with [`UpdateError::TimedOut`] once `allowance.deadline` has passed.
async fn within<T>(
    url: &Url,
    allowance: Allowance,
    read: impl std::future::Future<Output = Result<T, UpdateError>>,
) -> Result<T, UpdateError> {
    tokio::time::timeout(allowance.deadline, read)
        .await
        .map_err(|_| UpdateError::TimedOut {
            url: url.to_string(),
            after: said(allowance.deadline),
        })?
}

/// The answer to a GET of `url`: a success whose announced length fits the allowance.
async fn open(
    client: &reqwest::Client,
    url: &Url,
    allowance: Allowance,
) -> Result<(reqwest::Response, Option<u64>), UpdateError> {
    allowed(url)?;
    let response = client
        .get(url.clone())
        .send()
        .await
        .map_err(|e| unreachable(url, &e))?;
    let status = response.status();
    if !status.is_success() {
        return Err(UpdateError::Status {
            url: url.to_string(),
            status: status.as_u16(),
        });
    }
    let total = response.content_length();
    if total.is_some_and(|n| n > allowance.bytes) {
        return Err(too_large(url, allowance));
    }
    Ok((response, total))
}

fn unreachable(url: &Url, e: &reqwest::Error) -> UpdateError {
    UpdateError::Unreachable {
        url: url.to_string(),
        reason: printable(&causes(e)),
    }
}

fn too_large(url: &Url, allowance: Allowance) -> UpdateError {
    UpdateError::TooLarge {
        url: url.to_string(),
        limit: allowance.bytes,
    }
}

/// A duration as a person reads it: `800 ms`, `30 s`, `30 min`.
fn said(d: Duration) -> String {
    match d.as_secs() {
        0 => format!("{} ms", d.as_millis()),
        s if s >= 120 && s % 60 == 0 => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
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
