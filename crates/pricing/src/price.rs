//! One model's prices, USD per token, and the LiteLLM field names they are read from.
//!
//! Invariant: a `ModelPrice` held by a `PriceTable` passed [`ModelPrice::validate`]: every
//! present price is finite, ≥ 0 and < [`MAX_PRICE_PER_TOKEN`].

use serde::{Deserialize, Serialize};

use crate::PriceError;

/// Prices at or above this many USD per token are rejected as absurd (real ones are < $0.001).
pub const MAX_PRICE_PER_TOKEN: f64 = 1.0;

/// LiteLLM field names, shared with `scripts/gen-prices.py` (`PRICE_FIELDS`).
pub(crate) mod field {
    pub const INPUT: &str = "input_cost_per_token";
    pub const OUTPUT: &str = "output_cost_per_token";
    pub const CACHE_READ: &str = "cache_read_input_token_cost";
    pub const CACHE_WRITE_5M: &str = "cache_creation_input_token_cost";
    pub const CACHE_WRITE_1H: &str = "cache_creation_input_token_cost_above_1hr";
    pub const REASONING: &str = "output_cost_per_reasoning_token";
    pub const INPUT_ABOVE_200K: &str = "input_cost_per_token_above_200k_tokens";
    pub const OUTPUT_ABOVE_200K: &str = "output_cost_per_token_above_200k_tokens";
    pub const CACHE_READ_ABOVE_200K: &str = "cache_read_input_token_cost_above_200k_tokens";
    pub const CACHE_WRITE_5M_ABOVE_200K: &str = "cache_creation_input_token_cost_above_200k_tokens";
    pub const CACHE_WRITE_1H_ABOVE_200K: &str =
        "cache_creation_input_token_cost_above_1hr_above_200k_tokens";
}

/// What one model charges, in USD per token. `None` means the source does not list that price;
/// the cost rules in [`crate::cost`] say what stands in for it.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct ModelPrice {
    /// Uncached input (prompt) tokens.
    pub input: f64,
    /// Output (completion) tokens, reasoning included.
    pub output: f64,
    /// Input tokens served from the prompt cache.
    pub cache_read: Option<f64>,
    /// Input tokens written to the cache with the default (5-minute) lifetime.
    pub cache_write_5m: Option<f64>,
    /// Input tokens written to the cache with a 1-hour lifetime (Anthropic).
    pub cache_write_1h: Option<f64>,
    /// Reasoning ("thinking") output tokens, when priced apart from output.
    pub reasoning: Option<f64>,
    /// `input` for requests whose prompt exceeds 200k tokens.
    pub input_above_200k: Option<f64>,
    /// `output` for requests whose prompt exceeds 200k tokens.
    pub output_above_200k: Option<f64>,
    /// `cache_read` for requests whose prompt exceeds 200k tokens.
    pub cache_read_above_200k: Option<f64>,
    /// `cache_write_5m` for requests whose prompt exceeds 200k tokens.
    pub cache_write_5m_above_200k: Option<f64>,
    /// `cache_write_1h` for requests whose prompt exceeds 200k tokens.
    pub cache_write_1h_above_200k: Option<f64>,
}

impl ModelPrice {
    /// A price with only input and output set.
    pub const fn new(input: f64, output: f64) -> ModelPrice {
        ModelPrice {
            input,
            output,
            cache_read: None,
            cache_write_5m: None,
            cache_write_1h: None,
            reasoning: None,
            input_above_200k: None,
            output_above_200k: None,
            cache_read_above_200k: None,
            cache_write_5m_above_200k: None,
            cache_write_1h_above_200k: None,
        }
    }

    /// Whether any above-200k price is listed, i.e. long prompts switch to a higher tier.
    pub fn has_long_context_tier(&self) -> bool {
        [
            self.input_above_200k,
            self.output_above_200k,
            self.cache_read_above_200k,
            self.cache_write_5m_above_200k,
            self.cache_write_1h_above_200k,
        ]
        .iter()
        .any(Option::is_some)
    }

    /// Checks every present price is finite, ≥ 0 and < [`MAX_PRICE_PER_TOKEN`]; `model` names
    /// the entry in the error.
    pub fn validate(&self, model: &str) -> Result<(), PriceError> {
        for (name, value) in self.fields() {
            if let Some(value) = value {
                check_range(model, name, value)?;
            }
        }
        Ok(())
    }

    fn fields(&self) -> [(&'static str, Option<f64>); 11] {
        [
            (field::INPUT, Some(self.input)),
            (field::OUTPUT, Some(self.output)),
            (field::CACHE_READ, self.cache_read),
            (field::CACHE_WRITE_5M, self.cache_write_5m),
            (field::CACHE_WRITE_1H, self.cache_write_1h),
            (field::REASONING, self.reasoning),
            (field::INPUT_ABOVE_200K, self.input_above_200k),
            (field::OUTPUT_ABOVE_200K, self.output_above_200k),
            (field::CACHE_READ_ABOVE_200K, self.cache_read_above_200k),
            (
                field::CACHE_WRITE_5M_ABOVE_200K,
                self.cache_write_5m_above_200k,
            ),
            (
                field::CACHE_WRITE_1H_ABOVE_200K,
                self.cache_write_1h_above_200k,
            ),
        ]
    }
}

/// The single range rule for every price: finite, ≥ 0, < [`MAX_PRICE_PER_TOKEN`].
pub(crate) fn check_range(model: &str, field: &'static str, value: f64) -> Result<f64, PriceError> {
    if value.is_finite() && (0.0..MAX_PRICE_PER_TOKEN).contains(&value) {
        Ok(value)
    } else {
        Err(PriceError::OutOfRange {
            model: model.to_owned(),
            field,
            value,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_is_a_valid_price_and_a_dollar_per_token_is_not() {
        assert!(ModelPrice::new(0.0, 0.0).validate("free").is_ok());
        let absurd = ModelPrice::new(1.0, 0.0);
        assert!(matches!(
            absurd.validate("m"),
            Err(PriceError::OutOfRange {
                field: field::INPUT,
                ..
            })
        ));
    }

    #[test]
    fn optional_prices_are_validated_too() {
        let price = ModelPrice {
            cache_write_1h: Some(f64::NAN),
            ..ModelPrice::new(1e-6, 2e-6)
        };
        assert!(matches!(
            price.validate("m"),
            Err(PriceError::OutOfRange {
                field: field::CACHE_WRITE_1H,
                ..
            })
        ));
        let negative = ModelPrice {
            reasoning: Some(-1e-6),
            ..ModelPrice::new(1e-6, 2e-6)
        };
        assert!(negative.validate("m").is_err());
    }

    #[test]
    fn any_above_200k_price_means_a_long_context_tier() {
        assert!(!ModelPrice::new(1e-6, 2e-6).has_long_context_tier());
        let tiered = ModelPrice {
            cache_read_above_200k: Some(1e-7),
            ..ModelPrice::new(1e-6, 2e-6)
        };
        assert!(tiered.has_long_context_tier());
    }
}
