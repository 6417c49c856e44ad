//! `WebhookNotifier`: a Slack-compatible incoming webhook (`POST {"text": …}`), which Slack,
//! Mattermost, Rocket.Chat and Discord's `/slack` endpoints all accept.
//!
//! Invariants: the URL is validated before use (http(s) only; https unless the host is loopback);
//! the URL is a secret, so errors and `Debug` show only [`mask_url`]'s `scheme://host/…`; every
//! request is bounded by a timeout (default [`WEBHOOK_TIMEOUT`]); redirects are not followed (a
//! webhook that redirects is misconfigured, and the body should not travel to a second host).

use std::error::Error as _;
use std::time::Duration;

use futures_util::future::BoxFuture;
use serde::Serialize;
use url::{Host, Url};

use crate::{Notification, Notifier, NotifyError};

/// Default bound on one webhook request, connect included.
pub const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(5);

/// Checks a user-supplied webhook URL: absolute, http or https, with a host; plain http only for
/// `localhost`, `127.0.0.0/8` and `::1`. Error reasons never repeat the input.
pub fn validate_webhook_url(raw: &str) -> Result<Url, NotifyError> {
    let invalid = |reason: &str| NotifyError::InvalidWebhookUrl {
        reason: reason.to_owned(),
    };
    let url = Url::parse(raw.trim()).map_err(|_| invalid("not an absolute http(s) URL"))?;
    let Some(host) = url.host() else {
        return Err(invalid("the URL has no host"));
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&host) => Ok(url),
        "http" => Err(invalid(
            "use https: plain http is allowed only for localhost",
        )),
        _ => Err(invalid("only http and https URLs are allowed")),
    }
}

/// `scheme://host[:port]/…` — what errors and logs may show of a webhook URL. Path, query,
/// fragment and credentials are dropped (a Slack webhook's path is its secret).
pub fn mask_url(url: &Url) -> String {
    let host = url.host_str().unwrap_or("?");
    match url.port() {
        Some(port) => format!("{}://{host}:{port}/…", url.scheme()),
        None => format!("{}://{host}/…", url.scheme()),
    }
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// Posts notifications to one webhook URL.
#[derive(Clone)]
pub struct WebhookNotifier {
    url: Url,
    http: reqwest::Client,
    timeout: Duration,
}

impl std::fmt::Debug for WebhookNotifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookNotifier")
            .field("url", &self.endpoint())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// The Slack incoming-webhook body.
#[derive(Debug, Serialize)]
struct Payload<'a> {
    text: String,
    username: &'a str,
}

impl WebhookNotifier {
    /// Validates `url` and builds its own HTTP client (rustls, no redirects; never through a
    /// proxy for a loopback URL, whose plain-http path, the secret, a proxy would read).
    pub fn new(url: &str) -> Result<Self, NotifyError> {
        let url = validate_webhook_url(url)?;
        let builder = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
        let builder = match url.host() {
            Some(host) if is_loopback(&host) => builder.no_proxy(),
            _ => builder,
        };
        let http = builder
            .build()
            .map_err(|e| NotifyError::WebhookUnreachable {
                endpoint: mask_url(&url),
                reason: format!("cannot build the HTTP client: {}", describe(&e, &url)),
            })?;
        Ok(Self::with_client(url, http))
    }

    /// Shares an existing client; `url` should come from [`validate_webhook_url`].
    pub fn with_client(url: Url, http: reqwest::Client) -> Self {
        Self {
            url,
            http,
            timeout: WEBHOOK_TIMEOUT,
        }
    }

    /// Bound on each request (default [`WEBHOOK_TIMEOUT`]).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The masked URL, for display.
    pub fn endpoint(&self) -> String {
        mask_url(&self.url)
    }

    async fn post(&self, n: &Notification) -> Result<(), NotifyError> {
        let payload = Payload {
            text: slack_text(n),
            username: "Switchyard",
        };
        let response = self
            .http
            .post(self.url.clone())
            .timeout(self.timeout)
            .json(&payload)
            .send()
            .await;
        match response {
            Ok(r) if r.status().is_success() => Ok(()),
            Ok(r) => Err(NotifyError::WebhookStatus {
                endpoint: self.endpoint(),
                status: r.status().as_u16(),
            }),
            Err(e) if e.is_timeout() => Err(NotifyError::WebhookTimeout {
                endpoint: self.endpoint(),
                timeout_ms: u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX),
            }),
            Err(e) => Err(NotifyError::WebhookUnreachable {
                endpoint: self.endpoint(),
                reason: describe(&e, &self.url),
            }),
        }
    }
}

impl Notifier for WebhookNotifier {
    fn send<'a>(&'a self, n: &'a Notification) -> BoxFuture<'a, Result<(), NotifyError>> {
        Box::pin(async move {
            let result = self.post(n).await;
            if let Err(e) = &result {
                tracing::debug!(error = %e, kind = n.kind.as_str(), "webhook notification not sent");
            }
            result
        })
    }
}

/// `*summary*\nbody` in Slack mrkdwn, with `&`, `<`, `>` escaped as Slack requires.
fn slack_text(n: &Notification) -> String {
    let summary = slack_escape(&n.summary);
    if n.body.is_empty() {
        format!("*{summary}*")
    } else {
        format!("*{summary}*\n{}", slack_escape(&n.body))
    }
}

fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The error and its causes, without the URL: reqwest's `Display` includes it, so it is
/// stripped, and as a second line of defence any leftover copy of the URL or its path is masked.
fn describe(e: &reqwest::Error, url: &Url) -> String {
    let mut parts = Vec::new();
    let mut source: Option<&dyn std::error::Error> = e.source();
    while let Some(cause) = source {
        parts.push(cause.to_string());
        source = cause.source();
    }
    let head = if e.is_connect() {
        "connection failed"
    } else if e.is_request() {
        "request failed"
    } else {
        "HTTP error"
    };
    let mut text = std::iter::once(head.to_owned())
        .chain(parts)
        .collect::<Vec<_>>()
        .join(": ");
    let masked = mask_url(url);
    text = text.replace(url.as_str(), &masked);
    if url.path().len() > 1 {
        text = text.replace(url.path(), "/…");
    }
    if let Some(q) = url.query() {
        text = text.replace(q, "…");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Kind, Urgency};

    #[test]
    fn slack_text_bolds_the_summary_and_escapes_control_characters() {
        let n = Notification::new(
            Kind::AlertOpened,
            Urgency::Critical,
            "Backend <Demo> is down",
            "5xx & timeouts",
        );
        assert_eq!(
            slack_text(&n),
            "*Backend &lt;Demo&gt; is down*\n5xx &amp; timeouts"
        );
    }

    #[test]
    fn slack_text_without_body_is_just_the_summary() {
        let n = Notification::new(Kind::Test, Urgency::Low, "Hello", "");
        assert_eq!(slack_text(&n), "*Hello*");
    }

    #[test]
    fn masked_url_keeps_scheme_host_and_port_only() {
        let url = Url::parse("https://user:pw@hooks.example.com:8443/services/T0/B0/sEcReT?x=1#f")
            .unwrap();
        assert_eq!(mask_url(&url), "https://hooks.example.com:8443/…");
    }
}
