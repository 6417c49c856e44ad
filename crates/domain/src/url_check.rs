//! Base-URL rules: parseable http(s), https unless the host is this machine, no credentials,
//! query or fragment, and the version segment each kind expects (offered, never forced).

use crate::issue::{Field, Issue, IssueCode};
use crate::kind::BackendKind;
use url::{Host, Url};

/// The longest base URL accepted (browsers and servers commonly stop at 2,048).
pub const MAX_URL_CHARS: usize = 2048;

/// True for hosts that never leave this machine, where plain http is acceptable.
pub fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost") || d.ends_with(".localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Whether a release (its manifest or package) may be read from `url`: HTTPS anywhere, plain
/// HTTP only to this machine (a mirror on 127.0.0.1). The update source setting and every read
/// and redirect of `switchyard-release` apply this one rule.
pub fn is_readable_release(url: &Url) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => is_loopback_host(url),
        _ => false,
    }
}

/// Why an update source was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceRefused {
    #[error("That is not a valid address: {0}.")]
    NotAnAddress(String),
    #[error("That is plain HTTP to another machine: updates are read over HTTPS (plain HTTP only from this machine, 127.0.0.1).")]
    PlainHttp,
    #[error("Updates are read over HTTPS (or plain HTTP from this machine), not {0}.")]
    Scheme(String),
}

/// The update source the user typed, parsed and held to [`is_readable_release`].
pub fn release_source(text: &str) -> Result<Url, SourceRefused> {
    let url = Url::parse(text).map_err(|e| SourceRefused::NotAnAddress(e.to_string()))?;
    match url.scheme() {
        _ if is_readable_release(&url) => Ok(url),
        "http" => Err(SourceRefused::PlainHttp),
        other => Err(SourceRefused::Scheme(format!("{other}:"))),
    }
}

pub(crate) fn check_base_url(kind: BackendKind, raw: &str) -> Vec<Issue> {
    let spec = kind.spec();
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        let issue = Issue::error(Field::BaseUrl, IssueCode::Required, "Base URL is required.");
        return vec![match spec.default_base_url {
            "" => issue,
            default => issue.replace_with(default),
        }];
    }
    if raw.chars().count() > MAX_URL_CHARS {
        return vec![Issue::error(
            Field::BaseUrl,
            IssueCode::TooLong,
            format!("Base URL is too long (at most {MAX_URL_CHARS} characters)."),
        )];
    }
    let mut issues = Vec::new();
    if trimmed.len() != raw.len() {
        issues.push(
            Issue::error(
                Field::BaseUrl,
                IssueCode::Format,
                "Base URL has spaces around it.",
            )
            .replace_with(trimmed),
        );
    }
    if !trimmed.contains("://") {
        let rest = strip_broken_scheme(trimmed);
        let scheme = if looks_local(rest) { "http" } else { "https" };
        issues.push(
            Issue::error(
                Field::BaseUrl,
                IssueCode::Format,
                "Base URL must start with https:// (or http:// for localhost).",
            )
            .replace_with(format!("{scheme}://{rest}")),
        );
        return issues;
    }
    let url = match Url::parse(trimmed) {
        Ok(url) => url,
        Err(e) => {
            issues.push(Issue::error(
                Field::BaseUrl,
                IssueCode::Format,
                format!("Not a valid URL: {e}."),
            ));
            return issues;
        }
    };
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        issues.push(Issue::error(
            Field::BaseUrl,
            IssueCode::Format,
            "Base URL must be an http(s) address with a host.",
        ));
        return issues;
    }
    if !url.username().is_empty() || url.password().is_some() {
        issues.push(Issue::error(
            Field::BaseUrl,
            IssueCode::LooksLikeKey,
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
                IssueCode::Format,
                "Base URL must not have a query string or fragment.",
            )
            .replace_with(strip_slash(clean.as_str())),
        );
        return issues;
    }
    if url.scheme() == "http" && !is_loopback_host(&url) {
        if url.host() == Some(Host::Ipv4(std::net::Ipv4Addr::UNSPECIFIED)) {
            // 0.0.0.0 is a bind address; as a destination it means this machine.
            let mut local = url.clone();
            let _ = local.set_host(Some("127.0.0.1"));
            issues.push(
                Issue::error(
                    Field::BaseUrl,
                    IssueCode::Format,
                    "0.0.0.0 is a listening address; connect to 127.0.0.1.",
                )
                .replace_with(strip_slash(local.as_str())),
            );
            return issues;
        }
        let https = match trimmed.strip_prefix("http://") {
            Some(rest) => format!("https://{rest}"),
            None => {
                let mut u = url.clone();
                let _ = u.set_scheme("https");
                strip_slash(u.as_str())
            }
        };
        issues.push(
            Issue::error(
                Field::BaseUrl,
                IssueCode::Unsafe,
                "Use https://: plain http is only allowed for localhost.",
            )
            .replace_with(https),
        );
        return issues;
    }
    let normalised = strip_slash(trimmed);
    if normalised.len() != trimmed.len() {
        issues.push(
            Issue::warning(
                Field::BaseUrl,
                IssueCode::Format,
                "Trailing slash is not needed.",
            )
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
                IssueCode::Format,
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
                    IssueCode::Format,
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
    if s.starts_with("[::1]") {
        return true;
    }
    let host = s.split(['/', ':']).next().unwrap_or("");
    host.eq_ignore_ascii_case("localhost") || host.starts_with("127.") || host == "0.0.0.0"
}

/// `https:/x`, `https:x`, `http//x` → `x`: a scheme typed with the wrong punctuation.
fn strip_broken_scheme(s: &str) -> &str {
    for scheme in ["https", "http"] {
        let Some(rest) = s
            .get(..scheme.len())
            .filter(|p| p.eq_ignore_ascii_case(scheme))
            .map(|_| &s[scheme.len()..])
        else {
            continue;
        };
        if rest.starts_with([':', '/']) {
            return rest.trim_start_matches([':', '/']);
        }
    }
    s
}
