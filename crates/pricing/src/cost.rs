//! The cost of one request: token usage × per-token prices, in USD.
//!
//! Usage semantics (the gateway normalises provider usage into [`TokenUsage`] before calling):
//! - `input_tokens` EXCLUDES cache reads and writes. OpenAI's `prompt_tokens` includes
//!   `cached_tokens`, so the gateway subtracts them; Anthropic already reports
//!   `cache_read_input_tokens` / `cache_creation_input_tokens` apart from `input_tokens`.
//!   Each token is therefore counted in exactly one class: never double count.
//! - `output_tokens` INCLUDES reasoning tokens (OpenAI `completion_tokens`, Gemini
//!   candidates + thoughts). `reasoning_tokens` says how many of them were reasoning; they are
//!   priced once, at the reasoning price if listed, else at the output price. Reasoning beyond
//!   `output_tokens` is clamped (noted), never added on top.
//!
//! Pricing rules:
//! - Long-context tier: when input + cache reads + cache writes > [`LONG_CONTEXT_THRESHOLD`]
//!   and the model lists any above-200k price, the WHOLE request is priced at the tier: every
//!   class uses its above-200k price where listed, else its normal price. Reasoning has no
//!   tier field; in the tier it follows the tiered output price (providers bill thinking as
//!   output).
//! - Cache reads use `cache_read`; if unlisted, the input price (noted in [`CostNotes`]).
//! - Cache writes use `cache_write_5m` / `cache_write_1h`; an unlisted 1h price falls back to
//!   the 5m price, an unlisted 5m price to the input price (each noted).
//!
//! Invariant: `usd` equals the sum of the breakdown; nothing is rounded here.

use serde::{Deserialize, Serialize};

use crate::ModelPrice;

/// Prompts (input + cache reads + cache writes) above this many tokens use the long-context
/// tier, when the model has one.
pub const LONG_CONTEXT_THRESHOLD: u64 = 200_000;

/// One request's normalised token counts; see the module docs for what each excludes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TokenUsage {
    /// Uncached prompt tokens (cache reads and writes excluded).
    pub input_tokens: u64,
    /// Completion tokens, reasoning included.
    pub output_tokens: u64,
    /// Prompt tokens served from the cache.
    pub cache_read_tokens: u64,
    /// Prompt tokens written to the cache with the default 5-minute lifetime.
    pub cache_write_5m_tokens: u64,
    /// Prompt tokens written to the cache with a 1-hour lifetime.
    pub cache_write_1h_tokens: u64,
    /// How many of `output_tokens` were reasoning.
    pub reasoning_tokens: u64,
}

impl TokenUsage {
    /// All prompt-side tokens: input + cache reads + cache writes (the tier threshold's input).
    pub fn prompt_tokens(&self) -> u64 {
        self.input_tokens
            .saturating_add(self.cache_read_tokens)
            .saturating_add(self.cache_write_5m_tokens)
            .saturating_add(self.cache_write_1h_tokens)
    }
}

/// USD per token class. Cache writes (5m + 1h) share one line.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct CostBreakdown {
    /// Uncached input.
    pub input: f64,
    /// Output excluding reasoning.
    pub output: f64,
    /// Cache reads.
    pub cache_read: f64,
    /// Cache writes, both lifetimes.
    pub cache_write: f64,
    /// Reasoning tokens.
    pub reasoning: f64,
}

/// Where a stand-in price was used because the table did not list the real one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CostNotes {
    /// Cache reads were priced at the input price (no cache-read price listed).
    pub cache_read_at_input_price: bool,
    /// 5-minute cache writes (or 1-hour ones, via the 5m fallback) were priced at the input
    /// price (no cache-write price listed).
    pub cache_write_at_input_price: bool,
    /// 1-hour cache writes were priced as 5-minute ones (no 1-hour price listed).
    pub cache_write_1h_at_5m_price: bool,
    /// `reasoning_tokens` exceeded `output_tokens` and was clamped to it.
    pub reasoning_clamped: bool,
}

/// What a request cost, in USD, unrounded.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Cost {
    /// Total: the sum of `breakdown`.
    pub usd: f64,
    /// Per token class.
    pub breakdown: CostBreakdown,
    /// Whether the long-context (above-200k) tier applied.
    pub tier_above_200k: bool,
    /// Stand-in prices used, if any.
    pub notes: CostNotes,
}

impl Cost {
    /// Prices `usage` at `price` following the module's rules.
    pub fn of(price: &ModelPrice, usage: &TokenUsage) -> Cost {
        let tier = usage.prompt_tokens() > LONG_CONTEXT_THRESHOLD && price.has_long_context_tier();
        let pick = |base: Option<f64>, above: Option<f64>| match (tier, above) {
            (true, Some(above)) => Some(above),
            _ => base,
        };
        let mut notes = CostNotes::default();

        let input = pick(Some(price.input), price.input_above_200k).unwrap_or(price.input);
        let output = pick(Some(price.output), price.output_above_200k).unwrap_or(price.output);
        let cache_read = pick(price.cache_read, price.cache_read_above_200k).unwrap_or_else(|| {
            notes.cache_read_at_input_price = usage.cache_read_tokens > 0;
            input
        });
        let write_5m = pick(price.cache_write_5m, price.cache_write_5m_above_200k);
        let write_5m = write_5m.unwrap_or_else(|| {
            notes.cache_write_at_input_price =
                usage.cache_write_5m_tokens > 0 || usage.cache_write_1h_tokens > 0;
            input
        });
        let write_1h = pick(price.cache_write_1h, price.cache_write_1h_above_200k);
        let write_1h = write_1h.unwrap_or_else(|| {
            notes.cache_write_1h_at_5m_price = usage.cache_write_1h_tokens > 0;
            write_5m
        });
        let reasoning_price = match (tier, price.output_above_200k) {
            (true, Some(above)) => above,
            _ => price.reasoning.unwrap_or(output),
        };

        let reasoning_tokens = usage.reasoning_tokens.min(usage.output_tokens);
        notes.reasoning_clamped = usage.reasoning_tokens > usage.output_tokens;
        let plain_output_tokens = usage.output_tokens - reasoning_tokens;

        let tokens = |n: u64| n as f64;
        let breakdown = CostBreakdown {
            input: tokens(usage.input_tokens) * input,
            output: tokens(plain_output_tokens) * output,
            cache_read: tokens(usage.cache_read_tokens) * cache_read,
            cache_write: tokens(usage.cache_write_5m_tokens) * write_5m
                + tokens(usage.cache_write_1h_tokens) * write_1h,
            reasoning: tokens(reasoning_tokens) * reasoning_price,
        };
        let usd = breakdown.input
            + breakdown.output
            + breakdown.cache_read
            + breakdown.cache_write
            + breakdown.reasoning;
        Cost {
            usd,
            breakdown,
            tier_above_200k: tier,
            notes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRICE: ModelPrice = ModelPrice::new(1e-6, 4e-6);

    #[test]
    fn no_usage_costs_nothing_and_notes_nothing() {
        assert_eq!(Cost::of(&PRICE, &TokenUsage::default()), Cost::default());
    }

    #[test]
    fn unlisted_cache_prices_fall_back_to_input_and_are_noted() {
        let usage = TokenUsage {
            cache_read_tokens: 1_000,
            cache_write_1h_tokens: 1_000,
            ..TokenUsage::default()
        };
        let cost = Cost::of(&PRICE, &usage);
        assert_eq!(cost.breakdown.cache_read, 1_000.0 * 1e-6);
        assert_eq!(cost.breakdown.cache_write, 1_000.0 * 1e-6);
        assert!(cost.notes.cache_read_at_input_price);
        assert!(cost.notes.cache_write_at_input_price);
        assert!(cost.notes.cache_write_1h_at_5m_price);
    }

    #[test]
    fn reasoning_beyond_output_is_clamped_not_added() {
        let usage = TokenUsage {
            output_tokens: 100,
            reasoning_tokens: 500,
            ..TokenUsage::default()
        };
        let cost = Cost::of(&PRICE, &usage);
        assert_eq!(cost.usd, 100.0 * 4e-6);
        assert!(cost.notes.reasoning_clamped);
    }

    #[test]
    fn the_tier_starts_strictly_above_200k_prompt_tokens() {
        let tiered = ModelPrice {
            input_above_200k: Some(2e-6),
            ..PRICE
        };
        let at = TokenUsage {
            input_tokens: 150_000,
            cache_read_tokens: 50_000,
            ..TokenUsage::default()
        };
        assert!(!Cost::of(&tiered, &at).tier_above_200k);
        let above = TokenUsage {
            cache_write_5m_tokens: 1,
            ..at
        };
        assert!(Cost::of(&tiered, &above).tier_above_200k);
        assert!(!Cost::of(&PRICE, &above).tier_above_200k, "no tier listed");
    }
}
