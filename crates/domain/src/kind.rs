//! Backend kinds and the defaults each one carries: base URL, default model, how the key is sent,
//! and the zero-cost endpoint that proves a key works without spending a token.

use serde::{Deserialize, Serialize};

/// Every provider family Switchyard knows how to talk to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "Kind"))]
#[serde(rename_all = "camelCase")]
pub enum BackendKind {
    OpenAi,
    Anthropic,
    Gemini,
    Mistral,
    Groq,
    OpenRouter,
    Ollama,
    OpenAiCompatible,
    Demo,
}

/// How a key travels to the provider. Never in a URL query string: URLs end up in logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "Auth"))]
#[serde(rename_all = "camelCase")]
pub enum AuthStyle {
    /// `Authorization: Bearer <key>`
    Bearer,
    /// `x-api-key: <key>` plus `anthropic-version`
    XApiKey,
    /// `x-goog-api-key: <key>`
    GoogApiKey,
    /// No key at all (local servers, the Demo backend).
    None,
}

/// The static description of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindSpec {
    pub kind: BackendKind,
    pub label: &'static str,
    /// Empty when the user must supply one (OpenAI-compatible) or it is assigned at run time (Demo).
    pub default_base_url: &'static str,
    pub default_model: &'static str,
    pub auth: AuthStyle,
    /// Appended to the base URL for the zero-cost key test (a model list or key-info endpoint).
    pub probe_path: &'static str,
    /// Whether a backend of this kind is useless without a key.
    pub needs_key: bool,
    /// Prefixes real keys of this kind start with, most specific first.
    pub key_prefixes: &'static [&'static str],
    /// A version segment the base URL is expected to end with, if any.
    pub base_suffix: Option<&'static str>,
    /// Environment variables that hold a key (or, for Ollama, the host) of this kind.
    pub env_vars: &'static [&'static str],
}

impl BackendKind {
    pub const ALL: [BackendKind; 9] = [
        BackendKind::OpenAi,
        BackendKind::Anthropic,
        BackendKind::Gemini,
        BackendKind::Mistral,
        BackendKind::Groq,
        BackendKind::OpenRouter,
        BackendKind::Ollama,
        BackendKind::OpenAiCompatible,
        BackendKind::Demo,
    ];

    /// The stable identifier used in the database and over IPC.
    pub fn as_str(self) -> &'static str {
        match self {
            BackendKind::OpenAi => "openAi",
            BackendKind::Anthropic => "anthropic",
            BackendKind::Gemini => "gemini",
            BackendKind::Mistral => "mistral",
            BackendKind::Groq => "groq",
            BackendKind::OpenRouter => "openRouter",
            BackendKind::Ollama => "ollama",
            BackendKind::OpenAiCompatible => "openAiCompatible",
            BackendKind::Demo => "demo",
        }
    }

    /// Parses [`BackendKind::as_str`]; `None` for anything else.
    pub fn parse(s: &str) -> Option<BackendKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// A kind as a person types it, in the CLI and the config file: its command-line name
    /// (`openai`, `openai-compatible`, …) or its stable id (`openAi`, `openAiCompatible`, …);
    /// case, `-` and `_` do not matter.
    pub fn from_name(s: &str) -> Option<BackendKind> {
        let norm = |t: &str| -> String {
            t.trim()
                .chars()
                .filter(|c| !matches!(c, '-' | '_'))
                .flat_map(char::to_lowercase)
                .collect()
        };
        let wanted = norm(s);
        Self::ALL.into_iter().find(|k| norm(k.as_str()) == wanted)
    }

    /// The name the command line and the config file write: `openai`, `openai-compatible`, …
    pub fn cli_name(self) -> &'static str {
        match self {
            BackendKind::OpenAi => "openai",
            BackendKind::Anthropic => "anthropic",
            BackendKind::Gemini => "gemini",
            BackendKind::Mistral => "mistral",
            BackendKind::Groq => "groq",
            BackendKind::OpenRouter => "openrouter",
            BackendKind::Ollama => "ollama",
            BackendKind::OpenAiCompatible => "openai-compatible",
            BackendKind::Demo => "demo",
        }
    }

    pub fn spec(self) -> KindSpec {
        let base = KindSpec {
            kind: self,
            label: "",
            default_base_url: "",
            default_model: "",
            auth: AuthStyle::Bearer,
            probe_path: "/models",
            needs_key: true,
            key_prefixes: &[],
            base_suffix: Some("/v1"),
            env_vars: &[],
        };
        match self {
            BackendKind::OpenAi => KindSpec {
                label: "OpenAI",
                default_base_url: "https://api.openai.com/v1",
                default_model: "gpt-4.1-mini",
                key_prefixes: &["sk-proj-", "sk-svcacct-", "sk-"],
                env_vars: &["OPENAI_API_KEY"],
                ..base
            },
            BackendKind::Anthropic => KindSpec {
                label: "Anthropic",
                default_base_url: "https://api.anthropic.com",
                default_model: "claude-haiku-4-5",
                auth: AuthStyle::XApiKey,
                probe_path: "/v1/models",
                key_prefixes: &["sk-ant-"],
                base_suffix: None,
                env_vars: &["ANTHROPIC_API_KEY"],
                ..base
            },
            BackendKind::Gemini => KindSpec {
                label: "Google Gemini",
                default_base_url: "https://generativelanguage.googleapis.com/v1beta",
                default_model: "gemini-2.5-flash",
                auth: AuthStyle::GoogApiKey,
                key_prefixes: &["AIza"],
                base_suffix: None,
                env_vars: &["GEMINI_API_KEY", "GOOGLE_API_KEY"],
                ..base
            },
            BackendKind::Mistral => KindSpec {
                label: "Mistral",
                default_base_url: "https://api.mistral.ai/v1",
                default_model: "mistral-small-latest",
                env_vars: &["MISTRAL_API_KEY"],
                ..base
            },
            BackendKind::Groq => KindSpec {
                label: "Groq",
                default_base_url: "https://api.groq.com/openai/v1",
                default_model: "llama-3.3-70b-versatile",
                key_prefixes: &["gsk_"],
                env_vars: &["GROQ_API_KEY"],
                ..base
            },
            BackendKind::OpenRouter => KindSpec {
                label: "OpenRouter",
                default_base_url: "https://openrouter.ai/api/v1",
                default_model: "openai/gpt-4.1-mini",
                // OpenRouter's model list is public; the key-info endpoint is what rejects bad keys.
                probe_path: "/key",
                key_prefixes: &["sk-or-"],
                env_vars: &["OPENROUTER_API_KEY"],
                ..base
            },
            BackendKind::Ollama => KindSpec {
                label: "Ollama",
                default_base_url: "http://localhost:11434",
                default_model: "llama3.2",
                auth: AuthStyle::None,
                probe_path: "/api/tags",
                needs_key: false,
                base_suffix: None,
                env_vars: &["OLLAMA_HOST"],
                ..base
            },
            BackendKind::OpenAiCompatible => KindSpec {
                label: "OpenAI-compatible",
                default_model: "",
                // Local servers (vLLM, LM Studio, llama.cpp) often take no key.
                needs_key: false,
                ..base
            },
            BackendKind::Demo => KindSpec {
                label: "Demo",
                default_model: "demo-chat",
                auth: AuthStyle::None,
                needs_key: false,
                ..base
            },
        }
    }

    /// The kind whose key format `key` matches, most specific prefix first.
    pub fn from_key_prefix(key: &str) -> Option<BackendKind> {
        // Order matters: `sk-ant-` and `sk-or-` are also `sk-`.
        const ORDER: [BackendKind; 5] = [
            BackendKind::Anthropic,
            BackendKind::OpenRouter,
            BackendKind::Groq,
            BackendKind::Gemini,
            BackendKind::OpenAi,
        ];
        ORDER
            .into_iter()
            .find(|k| k.spec().key_prefixes.iter().any(|p| key.starts_with(p)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_ids_round_trip() {
        for kind in BackendKind::ALL {
            assert_eq!(BackendKind::parse(kind.as_str()), Some(kind));
            let json = serde_json_like(kind);
            assert_eq!(
                json,
                kind.as_str(),
                "serde and as_str must agree for {kind:?}"
            );
        }
        assert_eq!(BackendKind::parse("cohere"), None);
    }

    fn serde_json_like(kind: BackendKind) -> String {
        // serde's rename_all and as_str must agree, since both reach the database and the UI.
        format!("{kind:?}")
            .chars()
            .enumerate()
            .map(|(i, c)| if i == 0 { c.to_ascii_lowercase() } else { c })
            .collect()
    }

    #[test]
    fn key_prefixes_pick_the_most_specific_kind() {
        assert_eq!(
            BackendKind::from_key_prefix("sk-ant-api03-x"),
            Some(BackendKind::Anthropic)
        );
        assert_eq!(
            BackendKind::from_key_prefix("sk-or-v1-x"),
            Some(BackendKind::OpenRouter)
        );
        assert_eq!(
            BackendKind::from_key_prefix("sk-proj-x"),
            Some(BackendKind::OpenAi)
        );
        assert_eq!(
            BackendKind::from_key_prefix("gsk_x"),
            Some(BackendKind::Groq)
        );
        assert_eq!(
            BackendKind::from_key_prefix("AIzaSyx"),
            Some(BackendKind::Gemini)
        );
        assert_eq!(BackendKind::from_key_prefix("abc123"), None);
    }

    #[test]
    fn every_keyed_kind_has_defaults() {
        for kind in BackendKind::ALL {
            let spec = kind.spec();
            assert!(!spec.label.is_empty(), "{kind:?} needs a label");
            if !matches!(kind, BackendKind::OpenAiCompatible | BackendKind::Demo) {
                assert!(
                    spec.default_base_url.starts_with("http"),
                    "{kind:?} needs a base URL"
                );
                assert!(
                    !spec.default_model.is_empty(),
                    "{kind:?} needs a default model"
                );
            }
        }
    }
}
