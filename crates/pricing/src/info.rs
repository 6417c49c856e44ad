//! What the table knows about a model besides its price: which API mode it speaks, whether it
//! takes reasoning parameters, and its context window. Read from LiteLLM's `mode`,
//! `supports_reasoning` and `max_input_tokens`.
//!
//! Invariants:
//! - Only table entries carry info; a user override is a price and nothing else.
//! - An absent `mode` means [`Mode::Chat`] (LiteLLM's convention, and the bundled file omits
//!   `"mode"` for chat entries); an absent or non-boolean `supports_reasoning` means `false`, so
//!   reasoning parameters are only ever sent to models known to accept them.

use serde::{Deserialize, Serialize};

/// The kind of API a model is served through, as LiteLLM's `mode` names it. Only the modes the
/// table keeps exist here; entries of any other mode (images, audio, …) are not in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Chat Completions (`/v1/chat/completions` and its equivalents). LiteLLM's default.
    #[default]
    Chat,
    /// Only served through OpenAI's Responses API (`/v1/responses`), e.g. `gpt-5-codex`,
    /// `o3-pro`: a Chat Completions caller must be translated.
    Responses,
    /// Legacy text completions (`/v1/completions`).
    Completion,
    /// Embeddings (`/v1/embeddings`): priced on input tokens only.
    Embedding,
}

impl Mode {
    /// Every mode the table keeps.
    pub const ALL: [Mode; 4] = [
        Mode::Chat,
        Mode::Responses,
        Mode::Completion,
        Mode::Embedding,
    ];

    /// LiteLLM's spelling of this mode (`"chat"`, `"responses"`, `"completion"`, `"embedding"`).
    pub const fn as_litellm(self) -> &'static str {
        match self {
            Mode::Chat => "chat",
            Mode::Responses => "responses",
            Mode::Completion => "completion",
            Mode::Embedding => "embedding",
        }
    }

    /// The mode LiteLLM spells `name`, if the table keeps it (`image_generation` → `None`).
    pub fn from_litellm(name: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.as_litellm() == name)
    }

    /// Whether the model generates text (chat, responses, completion), i.e. has a meaningful
    /// output price.
    pub const fn is_text(self) -> bool {
        !matches!(self, Mode::Embedding)
    }
}

/// The facts the gateway needs about a model besides its price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ModelInfo {
    /// Which API the model is served through.
    pub mode: Mode,
    /// Whether the model accepts reasoning / thinking parameters (LiteLLM
    /// `supports_reasoning: true`). `false` also when the source does not say.
    pub supports_reasoning: bool,
    /// The context window in tokens, when listed; for embedding models, the longest input.
    pub max_input_tokens: Option<u64>,
    /// The longest answer in tokens, when listed.
    pub max_output_tokens: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mode_round_trips_through_its_litellm_name() {
        for mode in Mode::ALL {
            assert_eq!(Mode::from_litellm(mode.as_litellm()), Some(mode));
        }
        assert_eq!(Mode::from_litellm("image_generation"), None);
        assert_eq!(
            Mode::from_litellm("Chat"),
            None,
            "LiteLLM spells modes lowercase"
        );
    }

    #[test]
    fn the_default_mode_is_chat_as_in_litellm() {
        assert_eq!(Mode::default(), Mode::Chat);
        assert!(Mode::Responses.is_text() && !Mode::Embedding.is_text());
    }
}
