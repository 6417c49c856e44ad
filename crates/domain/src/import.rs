//! Which environment variables hold which kind of key, and how `OLLAMA_HOST` becomes a base URL.

use crate::kind::BackendKind;

/// The kind an environment variable configures, if Switchyard recognises it.
pub fn kind_for_variable(name: &str) -> Option<BackendKind> {
    BackendKind::ALL
        .into_iter()
        .find(|k| k.spec().env_vars.contains(&name))
}

/// Turns an `OLLAMA_HOST` value (`0.0.0.0`, `127.0.0.1:11434`, `http://box:11434`) into a base
/// URL. The bind-all address means "this machine" to a client.
pub fn ollama_base_url(host: &str) -> Option<String> {
    let host = host.trim().trim_end_matches('/');
    if host.is_empty() || host.chars().any(char::is_whitespace) {
        return None;
    }
    let (scheme, rest) = match host.split_once("://") {
        Some((s, r)) if matches!(s, "http" | "https") => (s, r),
        Some(_) => return None,
        None => ("http", host),
    };
    let rest = rest
        .strip_prefix("0.0.0.0")
        .map_or_else(|| rest.to_string(), |r| format!("127.0.0.1{r}"));
    let has_port = rest
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.chars().all(|c| c.is_ascii_digit()));
    let rest = if has_port || scheme == "https" {
        rest
    } else {
        format!("{rest}:11434")
    };
    Some(format!("{scheme}://{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognised_variables_map_to_kinds() {
        assert_eq!(
            kind_for_variable("OPENAI_API_KEY"),
            Some(BackendKind::OpenAi)
        );
        assert_eq!(
            kind_for_variable("GOOGLE_API_KEY"),
            Some(BackendKind::Gemini)
        );
        assert_eq!(
            kind_for_variable("GEMINI_API_KEY"),
            Some(BackendKind::Gemini)
        );
        assert_eq!(kind_for_variable("OLLAMA_HOST"), Some(BackendKind::Ollama));
        assert_eq!(
            kind_for_variable("OPENROUTER_API_KEY"),
            Some(BackendKind::OpenRouter)
        );
        assert_eq!(kind_for_variable("PATH"), None);
    }

    #[test]
    fn ollama_host_forms() {
        assert_eq!(
            ollama_base_url("0.0.0.0").as_deref(),
            Some("http://127.0.0.1:11434")
        );
        assert_eq!(
            ollama_base_url("0.0.0.0:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            ollama_base_url("localhost:11434").as_deref(),
            Some("http://localhost:11434")
        );
        assert_eq!(
            ollama_base_url("http://gpu-box:11434/").as_deref(),
            Some("http://gpu-box:11434")
        );
        assert_eq!(ollama_base_url("ftp://x"), None);
        assert_eq!(ollama_base_url(" "), None);
    }
}
