//! Reading price files: the trimmed bundled format written by `scripts/gen-prices.py` and
//! LiteLLM's full `model_prices_and_context_window.json`.
//!
//! Bundled format: `{"header": {"entries": N, "snapshot_date": "...", ...}, "models": {key:
//! {"provider": "...", <LiteLLM price fields>, "max_input_tokens": n, "max_output_tokens": n,
//! "mode": "...", "supports_reasoning": true}}}`. It is strict: every entry needs a provider and input/output
//! prices, a `mode` when present must be one the table keeps, and `header.entries` must match.
//! `mode` (absent = chat; the generator omits it for chat) and `supports_reasoning` (absent =
//! false; the generator writes it only when true) were added later: older files without them
//! still load, every entry then being a chat model without reasoning.
//!
//! Full LiteLLM format: a map of model key to entry. It is filtered exactly as the generator
//! filters it (supported providers, the modes of [`Mode`], token prices present), so loading a
//! newer upstream file yields the same kind of table as the bundled one. `sample_spec` is
//! skipped.
//!
//! Both formats: an absent or `null` mode is chat. An embedding entry without an output price
//! has output price 0 (embeddings produce no output tokens; Mistral's omit the field); every
//! other mode still needs one. Metadata (`max_input_tokens`, `max_output_tokens`,
//! `supports_reasoning`) with an odd value is dropped, not fatal.
//!
//! Invariant: every price that reaches a table passed `price::check_range`; a kept entry with a
//! bad price rejects the whole file (a half-loaded price file would misprice silently).

use serde_json::{Map, Value};

use crate::price::{check_range, field};
use crate::{Mode, ModelInfo, ModelPrice, PriceError, Provider};

/// The LiteLLM key documenting the format; not a model.
const DOC_KEY: &str = "sample_spec";

/// One model as read from a file, key spelled as in the file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub key: String,
    /// `litellm_provider`; `None` only for user overrides.
    pub provider: Option<String>,
    pub max_input_tokens: Option<u64>,
    pub max_output_tokens: Option<u64>,
    /// `Chat` for user overrides, which carry no info.
    pub mode: Mode,
    pub supports_reasoning: bool,
    pub price: ModelPrice,
}

impl Entry {
    /// What the entry says about its model besides the price.
    pub fn info(&self) -> ModelInfo {
        ModelInfo {
            mode: self.mode,
            supports_reasoning: self.supports_reasoning,
            max_input_tokens: self.max_input_tokens,
            max_output_tokens: self.max_output_tokens,
        }
    }
}

/// A parsed file: its entries and, for the bundled format, the source snapshot date.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub entries: Vec<Entry>,
    pub snapshot_date: Option<String>,
}

/// Parses either format; see the module docs for the rules.
pub(crate) fn parse(bytes: &[u8]) -> Result<Parsed, PriceError> {
    let root: Value = serde_json::from_slice(bytes)?;
    let Value::Object(root) = root else {
        return Err(PriceError::Shape("top level is not a JSON object"));
    };
    let parsed = if root.contains_key("header") {
        parse_bundled(&root)?
    } else {
        parse_litellm(&root)?
    };
    if parsed.entries.is_empty() {
        return Err(PriceError::NoModels);
    }
    Ok(parsed)
}

fn parse_bundled(root: &Map<String, Value>) -> Result<Parsed, PriceError> {
    let Some(Value::Object(header)) = root.get("header") else {
        return Err(PriceError::Shape("\"header\" is not an object"));
    };
    let Some(Value::Object(models)) = root.get("models") else {
        return Err(PriceError::Shape("\"models\" is missing or not an object"));
    };
    let mut entries = Vec::with_capacity(models.len());
    for (key, value) in models {
        let obj = as_entry(key, value)?;
        let provider = ["provider", "litellm_provider"]
            .iter()
            .find_map(|name| obj.get(*name).and_then(Value::as_str))
            .ok_or_else(|| invalid(key, "missing \"provider\""))?;
        let mode = mode_of(obj).ok_or_else(|| invalid(key, "unsupported \"mode\""))?;
        let input = required_price(obj, key, field::INPUT)?;
        let output = output_price(obj, key, mode)?.ok_or_else(|| PriceError::MissingPrice {
            model: key.clone(),
            field: field::OUTPUT,
        })?;
        entries.push(entry(obj, key, provider, mode, input, output)?);
    }
    if let Some(declared) = header.get("entries") {
        let declared = declared
            .as_u64()
            .ok_or(PriceError::Shape("\"header.entries\" is not a count"))?;
        if usize::try_from(declared).ok() != Some(entries.len()) {
            return Err(PriceError::CountMismatch {
                declared,
                actual: entries.len(),
            });
        }
    }
    let snapshot_date = header
        .get("snapshot_date")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok(Parsed {
        entries,
        snapshot_date,
    })
}

fn parse_litellm(root: &Map<String, Value>) -> Result<Parsed, PriceError> {
    let mut entries = Vec::new();
    for (key, value) in root {
        if key == DOC_KEY {
            continue;
        }
        let obj = as_entry(key, value)?;
        let Some(provider) = obj.get("litellm_provider").and_then(Value::as_str) else {
            continue;
        };
        if Provider::from_litellm(provider).is_none() {
            continue;
        }
        let Some(mode) = mode_of(obj) else {
            continue;
        };
        // No token price at all (e.g. a per-session container) means "not a token-priced model".
        let (Some(input), Some(output)) = (
            optional_price(obj, key, field::INPUT)?,
            output_price(obj, key, mode)?,
        ) else {
            continue;
        };
        entries.push(entry(obj, key, provider, mode, input, output)?);
    }
    Ok(Parsed {
        entries,
        snapshot_date: None,
    })
}

fn entry(
    obj: &Map<String, Value>,
    key: &str,
    provider: &str,
    mode: Mode,
    input: f64,
    output: f64,
) -> Result<Entry, PriceError> {
    let opt = |name| optional_price(obj, key, name);
    let price = ModelPrice {
        input,
        output,
        cache_read: opt(field::CACHE_READ)?,
        cache_write_5m: opt(field::CACHE_WRITE_5M)?,
        cache_write_1h: opt(field::CACHE_WRITE_1H)?,
        reasoning: opt(field::REASONING)?,
        input_above_200k: opt(field::INPUT_ABOVE_200K)?,
        output_above_200k: opt(field::OUTPUT_ABOVE_200K)?,
        cache_read_above_200k: opt(field::CACHE_READ_ABOVE_200K)?,
        cache_write_5m_above_200k: opt(field::CACHE_WRITE_5M_ABOVE_200K)?,
        cache_write_1h_above_200k: opt(field::CACHE_WRITE_1H_ABOVE_200K)?,
    };
    Ok(Entry {
        key: key.to_owned(),
        provider: Some(provider.to_owned()),
        // Context size is metadata, not money: an odd value is dropped, not fatal.
        max_input_tokens: obj.get("max_input_tokens").and_then(Value::as_u64),
        max_output_tokens: obj.get("max_output_tokens").and_then(Value::as_u64),
        // Only an explicit `true` counts: sending reasoning parameters to a model that does
        // not take them fails the request upstream.
        supports_reasoning: obj.get("supports_reasoning").and_then(Value::as_bool) == Some(true),
        mode,
        price,
    })
}

/// The entry's mode: absent or `null` is chat; `None` for a mode the table does not keep.
fn mode_of(obj: &Map<String, Value>) -> Option<Mode> {
    match obj.get("mode") {
        None | Some(Value::Null) => Some(Mode::Chat),
        Some(mode) => mode.as_str().and_then(Mode::from_litellm),
    }
}

/// The output price; an embedding entry that lists none costs 0 per output token.
fn output_price(
    obj: &Map<String, Value>,
    key: &str,
    mode: Mode,
) -> Result<Option<f64>, PriceError> {
    let listed = optional_price(obj, key, field::OUTPUT)?;
    Ok(listed.or((!mode.is_text()).then_some(0.0)))
}

fn as_entry<'a>(key: &str, value: &'a Value) -> Result<&'a Map<String, Value>, PriceError> {
    value
        .as_object()
        .ok_or_else(|| invalid(key, "entry is not a JSON object"))
}

fn invalid(key: &str, reason: &'static str) -> PriceError {
    PriceError::InvalidEntry {
        model: key.to_owned(),
        reason,
    }
}

fn required_price(
    obj: &Map<String, Value>,
    key: &str,
    name: &'static str,
) -> Result<f64, PriceError> {
    optional_price(obj, key, name)?.ok_or_else(|| PriceError::MissingPrice {
        model: key.to_owned(),
        field: name,
    })
}

/// `null` and absence both mean "not listed"; anything else must be an in-range number.
fn optional_price(
    obj: &Map<String, Value>,
    key: &str,
    name: &'static str,
) -> Result<Option<f64>, PriceError> {
    let not_a_number = || PriceError::NotANumber {
        model: key.to_owned(),
        field: name,
    };
    match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => {
            let value = n.as_f64().ok_or_else(not_a_number)?;
            check_range(key, name, value).map(Some)
        }
        Some(_) => Err(not_a_number()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn litellm_format_keeps_only_supported_text_models_with_token_prices() {
        let json = br#"{
            "sample_spec": {"input_cost_per_token": "doc", "litellm_provider": "openai"},
            "gpt-x": {"input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6,
                      "litellm_provider": "openai", "mode": "chat", "max_input_tokens": 1000},
            "vertex-x": {"input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6,
                         "litellm_provider": "vertex_ai-language-models", "mode": "chat"},
            "dall-e": {"input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6,
                       "litellm_provider": "openai", "mode": "image_generation"},
            "openai/container": {"code_interpreter_cost_per_session": 0.03,
                                 "litellm_provider": "openai", "mode": "chat"},
            "no-mode": {"input_cost_per_token": 0, "output_cost_per_token": 0,
                        "litellm_provider": "ollama"}
        }"#;
        let parsed = parse(json).unwrap();
        let keys: Vec<_> = parsed.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["gpt-x", "no-mode"]);
        assert_eq!(parsed.entries[0].max_input_tokens, Some(1000));
        assert_eq!(parsed.entries[0].max_output_tokens, None);
        assert_eq!(parsed.snapshot_date, None);
    }

    #[test]
    fn bundled_format_requires_input_and_output_prices() {
        let json = br#"{"header": {"entries": 1},
            "models": {"m": {"provider": "openai", "input_cost_per_token": 1e-6}}}"#;
        assert!(matches!(
            parse(json),
            Err(PriceError::MissingPrice {
                field: field::OUTPUT,
                ..
            })
        ));
    }

    #[test]
    fn bundled_format_rejects_a_truncated_file() {
        let json = br#"{"header": {"entries": 2},
            "models": {"m": {"provider": "openai", "input_cost_per_token": 1e-6,
                             "output_cost_per_token": 2e-6}}}"#;
        assert!(matches!(
            parse(json),
            Err(PriceError::CountMismatch {
                declared: 2,
                actual: 1
            })
        ));
    }

    #[test]
    fn litellm_format_keeps_embeddings_and_reads_mode_and_reasoning() {
        let json = br#"{
            "mistral/mistral-embed": {"input_cost_per_token": 1e-7, "litellm_provider": "mistral",
                                      "mode": "embedding", "max_input_tokens": 8192},
            "gpt-5-codex": {"input_cost_per_token": 1e-6, "output_cost_per_token": 1e-5,
                            "litellm_provider": "openai", "mode": "responses",
                            "supports_reasoning": true},
            "odd": {"input_cost_per_token": 1e-6, "output_cost_per_token": 1e-6,
                    "litellm_provider": "openai", "mode": null, "supports_reasoning": "yes"}
        }"#;
        let parsed = parse(json).unwrap();
        let got: Vec<_> = parsed
            .entries
            .iter()
            .map(|e| (e.key.as_str(), e.mode, e.supports_reasoning, e.price.output))
            .collect();
        assert_eq!(
            got,
            [
                ("gpt-5-codex", Mode::Responses, true, 1e-5),
                ("mistral/mistral-embed", Mode::Embedding, false, 0.0),
                ("odd", Mode::Chat, false, 1e-6),
            ]
        );
    }

    #[test]
    fn bundled_format_rejects_a_mode_the_table_does_not_keep() {
        let json = br#"{"header": {"entries": 1},
            "models": {"m": {"provider": "openai", "input_cost_per_token": 1e-6,
                             "output_cost_per_token": 0, "mode": "image_generation"}}}"#;
        assert!(matches!(
            parse(json),
            Err(PriceError::InvalidEntry { ref model, .. }) if model == "m"
        ));
    }

    #[test]
    fn null_optional_prices_mean_not_listed() {
        let json = br#"{"m": {"litellm_provider": "groq", "input_cost_per_token": 1e-6,
                              "output_cost_per_token": 2e-6, "cache_read_input_token_cost": null}}"#;
        let parsed = parse(json).unwrap();
        assert_eq!(parsed.entries[0].price.cache_read, None);
    }
}
