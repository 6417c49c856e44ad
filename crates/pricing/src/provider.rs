//! The providers Switchyard prices, and how each maps onto LiteLLM's `litellm_provider` values
//! and key prefixes (`groq/llama-3.3-70b-versatile`).
//!
//! Invariant: the set of `litellm_provider` values here equals `SUPPORTED_PROVIDERS` in
//! `scripts/gen-prices.py`; full LiteLLM files are filtered to exactly these.

use serde::{Deserialize, Serialize};

/// The upstream a request went to, as far as pricing is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// api.openai.com.
    OpenAi,
    /// api.anthropic.com.
    Anthropic,
    /// Google AI Studio (generativelanguage.googleapis.com), not Vertex AI.
    Gemini,
    /// api.mistral.ai.
    Mistral,
    /// api.groq.com.
    Groq,
    /// openrouter.ai; model ids look like `anthropic/claude-3.5-sonnet`.
    OpenRouter,
    /// A local or cloud Ollama server.
    Ollama,
    /// Anything else (an OpenAI-compatible endpoint of unknown vendor): exact names only,
    /// matched against entries of any provider.
    Other,
}

impl Provider {
    /// Every provider with its own section of the price table (all but [`Provider::Other`]).
    pub const PRICED: [Provider; 7] = [
        Provider::OpenAi,
        Provider::Anthropic,
        Provider::Gemini,
        Provider::Mistral,
        Provider::Groq,
        Provider::OpenRouter,
        Provider::Ollama,
    ];

    /// LiteLLM's `litellm_provider` value for this provider; `None` for [`Provider::Other`].
    pub const fn litellm_provider(self) -> Option<&'static str> {
        match self {
            Provider::OpenAi => Some("openai"),
            Provider::Anthropic => Some("anthropic"),
            Provider::Gemini => Some("gemini"),
            Provider::Mistral => Some("mistral"),
            Provider::Groq => Some("groq"),
            Provider::OpenRouter => Some("openrouter"),
            Provider::Ollama => Some("ollama"),
            Provider::Other => None,
        }
    }

    /// The prefix LiteLLM puts before this provider's model names (without the `/`).
    pub const fn key_prefix(self) -> Option<&'static str> {
        // LiteLLM's prefixes coincide with its provider names for every provider we price.
        self.litellm_provider()
    }

    /// Whether a table entry recorded under `entry_provider` may price this provider's
    /// requests. `None` (a user override) matches every provider.
    pub(crate) fn accepts(self, entry_provider: Option<&str>) -> bool {
        match (self.litellm_provider(), entry_provider) {
            (None, _) | (_, None) => true,
            (Some(ours), Some(theirs)) => ours == theirs,
        }
    }

    /// The provider whose `litellm_provider` is `name`, if Switchyard prices it.
    pub(crate) fn from_litellm(name: &str) -> Option<Provider> {
        Provider::PRICED
            .into_iter()
            .find(|p| p.litellm_provider() == Some(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_priced_provider_round_trips_through_its_litellm_name() {
        for p in Provider::PRICED {
            let name = p.litellm_provider().unwrap();
            assert_eq!(Provider::from_litellm(name), Some(p));
        }
        assert_eq!(Provider::Other.litellm_provider(), None);
        assert_eq!(Provider::from_litellm("vertex_ai-language-models"), None);
    }

    #[test]
    fn other_accepts_any_entry_and_overrides_accept_any_provider() {
        assert!(Provider::Other.accepts(Some("deepseek")));
        assert!(Provider::Groq.accepts(None));
        assert!(Provider::Groq.accepts(Some("groq")));
        assert!(!Provider::Groq.accepts(Some("openai")));
    }
}
