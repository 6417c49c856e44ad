//! Output-affecting request parameters that the canonical model does not carry, read from the
//! raw body of each format ([`OutputExtras`]), and whether a request may use the cache at all
//! ([`is_cacheable`]). Extras are part of the cache key; absent and `null` fields are left out,
//! and Gemini's are stored under the other formats' names, so bodies that mean the same give
//! the same key.

use serde_json::Value;
use std::collections::BTreeMap;
use switchyard_wire::ChatRequest;

/// OpenAI body fields that change the output but are not in the canonical model.
const OPENAI_EXTRAS: &[&str] = &[
    "n",
    "seed",
    "logprobs",
    "top_logprobs",
    "frequency_penalty",
    "presence_penalty",
    "logit_bias",
    "modalities",
    "audio",
    "prediction",
    "verbosity",
    "web_search_options",
];

/// Anthropic body fields that change the output but are not in the canonical model.
const ANTHROPIC_EXTRAS: &[&str] = &["top_k", "thinking", "container", "mcp_servers"];

/// Responses body fields that change the output but are not in the canonical model.
const RESPONSES_EXTRAS: &[&str] = &["top_logprobs", "truncation"];

/// Gemini `generationConfig` fields that change the output but are not in the canonical model,
/// under the names the other formats use where they have one (`candidateCount` is `n`).
const GEMINI_EXTRAS: &[(&str, &str)] = &[
    ("topK", "top_k"),
    ("seed", "seed"),
    ("candidateCount", "n"),
    ("presencePenalty", "presence_penalty"),
    ("frequencyPenalty", "frequency_penalty"),
    ("responseLogprobs", "logprobs"),
    ("logprobs", "top_logprobs"),
    ("responseModalities", "modalities"),
];

/// Output-affecting request parameters that the canonical [`ChatRequest`] drops, taken from the
/// raw inbound body. Absent and `null` fields are left out, so a body without any of them gives
/// the same key in either format.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OutputExtras(pub BTreeMap<String, Value>);

impl OutputExtras {
    /// No extras.
    pub fn none() -> Self {
        Self::default()
    }

    /// The extras of an OpenAI Chat Completions body.
    pub fn from_openai_body(body: &Value) -> Self {
        Self::pick(body, OPENAI_EXTRAS)
    }

    /// The extras of an Anthropic Messages body.
    pub fn from_anthropic_body(body: &Value) -> Self {
        Self::pick(body, ANTHROPIC_EXTRAS)
    }

    /// The extras of an OpenAI Responses body.
    pub fn from_responses_body(body: &Value) -> Self {
        Self::pick(body, RESPONSES_EXTRAS)
    }

    /// The extras of a Gemini `generateContent` body (camelCase or snake_case).
    pub fn from_gemini_body(body: &Value) -> Self {
        let config = body
            .get("generationConfig")
            .or_else(|| body.get("generation_config"));
        let Some(Value::Object(config)) = config else {
            return Self::none();
        };
        let map = GEMINI_EXTRAS
            .iter()
            .filter_map(|&(field, name)| {
                let v = config
                    .get(field)
                    .or_else(|| config.get(&switchyard_wire::gemini::snake_case(field)))?;
                (!v.is_null()).then(|| (name.to_owned(), v.clone()))
            })
            .collect();
        OutputExtras(map)
    }

    fn pick(body: &Value, names: &[&str]) -> Self {
        let map = names
            .iter()
            .filter_map(|&n| match body.get(n) {
                None | Some(Value::Null) => None,
                Some(v) => Some((n.to_owned(), v.clone())),
            })
            .collect();
        OutputExtras(map)
    }

    /// OpenAI `n` (choices wanted), when sent.
    pub fn choices(&self) -> Option<u64> {
        self.0.get("n").and_then(Value::as_u64)
    }

    /// Whether the answer would carry something the stored canonical reply cannot: log
    /// probabilities, audio, or Anthropic thinking blocks (which a client must send back
    /// verbatim). Replaying such an answer without them would be a wrong answer.
    pub fn needs_more_than_text(&self) -> bool {
        let get = |k: &str| self.0.get(k);
        get("logprobs").and_then(Value::as_bool) == Some(true)
            || get("top_logprobs").is_some()
            || get("audio").is_some()
            || get("modalities")
                .and_then(Value::as_array)
                .is_some_and(|m| m.iter().any(|v| v.as_str() == Some("audio")))
            || get("thinking")
                .is_some_and(|t| t.get("type").and_then(Value::as_str) != Some("disabled"))
    }
}

/// Whether a request may be answered from (and stored in) the cache: deterministic
/// (`temperature` exactly 0) or explicitly opted in, and never when more than one choice is
/// asked for (`n > 1`) or the answer would carry more than the canonical reply holds (see
/// [`OutputExtras::needs_more_than_text`]). Tools are allowed.
pub fn is_cacheable(req: &ChatRequest, extras: &OutputExtras, opt_in: bool) -> bool {
    if extras.choices().is_some_and(|n| n > 1) || extras.needs_more_than_text() {
        return false;
    }
    opt_in || req.temperature == Some(0.0)
}
