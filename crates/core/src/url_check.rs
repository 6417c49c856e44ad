//! Base-URL rules: parseable http(s), https unless the host is this machine, no credentials,
//! query or fragment, and the version segment each kind expects (offered, never forced).

use crate::kind::BackendKind;
use crate::validate::{Field, Issue};
use url::{Host, Url};

/// True for hosts that never leave this machine, where plain http is acceptable.
pub fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost") || d.ends_with(".localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

pub(crate) fn check_base_url(kind: BackendKind, raw: &str) -> Vec<Issue> {
    let spec = kind.spec();
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        let issue = Issue::error(Field::BaseUrl, "Base URL is required.");
        return vec![match spec.default_base_url {
            "" => issue,
            default => issue.replace_with(default),
        }];
    }
    let mut issues = Vec::new();
    if trimmed.len() != raw.len() {
        issues.push(
            Issue::error(Field::BaseUrl, "Base URL has spaces around it.").replace_with(trimmed),
        );
    }
    if !trimmed.contains("://") {
        let scheme = if looks_local(trimmed) {
            "http"
        } else {
            "https"
        };
        issues.push(
            Issue::error(
                Field::BaseUrl,
                "Base URL must start with https:// (or http:// for localhost).",
            )
            .replace_with(format!("{scheme}://{trimmed}")),
        );
        return issues;
    }
    let url = match Url::parse(trimmed) {
        Ok(url) => url,
        Err(e) => {
            issues.push(Issue::error(
                Field::BaseUrl,
                format!("Not a valid URL: {e}."),
            ));
            return issues;
        }
    };
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        issues.push(Issue::error(
            Field::BaseUrl,
            "Base URL must be an http(s) address with a host.",
        ));
        return issues;
    }
    if !url.username().is_empty() || url.password().is_some() {
        issues.push(Issue::error(
            Field::BaseUrl,
            "Base URL must not contain credentials; put the key in the key field.",
        ));
        return issues;
    }
    if url.query().is_some() || url.fragment().is_some() {
        let mut clean = url.clone();
        clean.set_query(None);
        clean.set_fragment(None);
        issues.push(
            Issue::error(
                Field::BaseUrl,
                "Base URL must not have a query string or fragment.",
            )
            .replace_with(strip_slash(clean.as_str())),
        );
        return issues;
    }
    if url.scheme() == "http" && !is_loopback_host(&url) {
        let https = format!("https://{}", &trimmed["http://".len()..]);
        issues.push(
            Issue::error(
                Field::BaseUrl,
                "Use https://: plain http is only allowed for localhost.",
            )
            .replace_with(https),
        );
        return issues;
    }
    let normalised = strip_slash(trimmed);
    if normalised.len() != trimmed.len() {
        issues.push(
            Issue::warning(Field::BaseUrl, "Trailing slash is not needed.")
                .replace_with(&normalised),
        );
    }
    issues.extend(check_suffix(kind, &normalised, &url));
    issues
}

fn check_suffix(kind: BackendKind, normalised: &str, url: &Url) -> Option<Issue> {
    let path = url.path().trim_end_matches('/');
    match kind.spec().base_suffix {
        Some(suffix) if !ends_with_version(path) => Some(
            Issue::warning(
                Field::BaseUrl,
                format!("OpenAI-style APIs usually live under {suffix}."),
            )
            .replace_with(format!("{normalised}{suffix}")),
        ),
        None if matches!(kind, BackendKind::Anthropic | BackendKind::Ollama)
            && (path.ends_with("/v1") || path.ends_with("/api")) =>
        {
            let cut = normalised.len() - 3 - usize::from(path.ends_with("/api"));
            Some(
                Issue::warning(
                    Field::BaseUrl,
                    format!(
                        "Switchyard adds the API path for {} itself.",
                        kind.spec().label
                    ),
                )
                .replace_with(&normalised[..cut]),
            )
        }
        _ => None,
    }
}

/// `/v1`, `/v2beta`, `/openai/v1` … — any final version-like segment counts.
fn ends_with_version(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or("");
    last.len() >= 2
        && last.starts_with('v')
        && last[1..].chars().next().is_some_and(|c| c.is_ascii_digit())
}

fn strip_slash(s: &str) -> String {
    s.trim_end_matches('/').to_string()
}

fn looks_local(s: &str) -> bool {
    let host = s.split(['/', ':']).next().unwrap_or("");
    host.eq_ignore_ascii_case("localhost") || host.starts_with("127.") || host == "[::1]"
}
