//! Where a stored key may go: each key is bound to the origins (`scheme://host[:port]`) the user
//! approved for it. A key added while its backend points at a host is approved for that host;
//! the user's own edit of the base URL approves the new one; anything else that moves a keyed
//! backend (an imported file) must ask first. The gateway, probes and key tests send a key
//! only to an approved origin.

use url::Url;

/// The origin of `url` as `scheme://host[:port]` (lower-case host, default port left out), or
/// `None` when it has none (not a URL, or a scheme such as `file:` with no host).
pub fn origin_of(url: &str) -> Option<String> {
    let parsed = Url::parse(url.trim()).ok()?;
    let origin = parsed.origin();
    origin.is_tuple().then(|| origin.ascii_serialization())
}

/// Scheme, host, port and path of `url` for a report or a tool to show: no user, password,
/// query or fragment (where a provider's key could sit); `(not a URL)` when it does not parse.
pub fn endpoint_shown(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.set_query(None);
            u.set_fragment(None);
            u.to_string().trim_end_matches('/').to_string()
        }
        Err(_) => "(not a URL)".into(),
    }
}

/// Whether a key approved for `hosts` may be sent to `url`.
pub fn approved_for(hosts: &[String], url: &str) -> bool {
    origin_of(url).is_some_and(|o| hosts.contains(&o))
}

/// A change of a keyed backend's origin, worth the user's explicit approval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostMove {
    pub from: String,
    pub to: String,
}

/// The move from `old_url` to `new_url` when the new origin is not yet approved for every key
/// of the backend (`keys`: each key's approved origins). `None` when nothing new would receive
/// a key: no keys, the same origin, or an origin the user already approved for all of them.
pub fn unapproved_move(keys: &[Vec<String>], old_url: &str, new_url: &str) -> Option<HostMove> {
    if keys.is_empty() {
        return None;
    }
    let to = origin_of(new_url).unwrap_or_else(|| new_url.trim().to_string());
    if keys.iter().all(|hosts| hosts.contains(&to)) {
        return None;
    }
    let from = origin_of(old_url).unwrap_or_else(|| old_url.trim().to_string());
    Some(HostMove { from, to })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_ignore_paths_case_and_default_ports() {
        assert_eq!(
            origin_of("HTTPS://API.OpenAI.com:443/v1/").as_deref(),
            Some("https://api.openai.com")
        );
        assert_eq!(
            origin_of("http://localhost:11434/v1").as_deref(),
            Some("http://localhost:11434")
        );
        assert_eq!(origin_of("file:///etc/passwd"), None, "file: has no host");
        assert_eq!(origin_of("not a url"), None);
    }

    #[test]
    fn a_key_goes_only_to_an_approved_origin() {
        let hosts = vec!["https://api.openai.com".to_string()];
        assert!(approved_for(&hosts, "https://api.openai.com/v1"));
        assert!(
            !approved_for(&hosts, "http://api.openai.com/v1"),
            "plain http is another origin: the key would cross the network in clear"
        );
        assert!(!approved_for(&hosts, "https://api.openai.com.evil.com/v1"));
        assert!(!approved_for(&hosts, "https://api.openai.com:8443/v1"));
        assert!(!approved_for(&[], "https://api.openai.com/v1"));
    }

    #[test]
    fn a_move_asks_only_when_a_key_would_reach_a_new_origin() {
        let approved = vec![vec!["https://api.openai.com".to_string()]];
        assert_eq!(
            unapproved_move(
                &approved,
                "https://api.openai.com/v1",
                "https://evil.example/v1"
            ),
            Some(HostMove {
                from: "https://api.openai.com".into(),
                to: "https://evil.example".into()
            })
        );
        assert_eq!(
            unapproved_move(
                &approved,
                "https://api.openai.com/v1",
                "https://api.openai.com/v2"
            ),
            None,
            "same origin, another path"
        );
        assert_eq!(
            unapproved_move(&[], "https://a.example/v1", "https://b.example/v1"),
            None,
            "no key, nothing to protect"
        );
        let both = vec![vec![
            "https://api.openai.com".to_string(),
            "https://eu.openai.com".to_string(),
        ]];
        assert_eq!(
            unapproved_move(
                &both,
                "https://api.openai.com/v1",
                "https://eu.openai.com/v1"
            ),
            None,
            "moving back to an origin the user approved before"
        );
    }

    #[test]
    fn endpoints_lose_credentials_and_queries() {
        assert_eq!(
            endpoint_shown("https://user:secret@llm.example:8443/v1?key=sk-abc#x"),
            "https://llm.example:8443/v1"
        );
        assert_eq!(
            endpoint_shown("http://127.0.0.1:11434"),
            "http://127.0.0.1:11434"
        );
        assert_eq!(endpoint_shown("not a url sk-abc"), "(not a URL)");
    }
}
