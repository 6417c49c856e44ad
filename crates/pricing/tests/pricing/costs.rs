//! Costs of real-shaped usage blocks, each checked against a hand calculation written out in
//! USD per million tokens (the unit providers publish) so the test does not reuse the code's
//! arithmetic.

use switchyard_pricing::{Cost, ModelPrice, PriceTable, Provider, TokenUsage};

use crate::{assert_usd, price_of};

const PER_MILLION: f64 = 1_000_000.0;

fn cost(provider: Provider, model: &str, usage: &TokenUsage) -> Cost {
    let (_, price) = price_of(provider, model);
    PriceTable::bundled().cost(price, usage)
}

#[test]
fn openai_cached_prompt_tokens_are_billed_at_the_cache_read_price() {
    // OpenAI reports prompt_tokens 12_000 with prompt_tokens_details.cached_tokens 8_000 and
    // completion_tokens 500; the gateway normalises input to 12_000 − 8_000.
    let usage = TokenUsage {
        input_tokens: 4_000,
        cache_read_tokens: 8_000,
        output_tokens: 500,
        ..TokenUsage::default()
    };
    let cost = cost(Provider::OpenAi, "gpt-4.1-mini", &usage);
    // gpt-4.1-mini: $0.40 in, $0.10 cached, $1.60 out per million.
    let expected = (4_000.0 * 0.40 + 8_000.0 * 0.10 + 500.0 * 1.60) / PER_MILLION;
    assert_usd(cost.usd, expected); // $0.0032
    assert_usd(cost.breakdown.cache_read, 8_000.0 * 0.10 / PER_MILLION);
    assert!(!cost.tier_above_200k);
    assert_eq!(cost.notes, Default::default());
}

#[test]
fn anthropic_cache_reads_and_both_write_lifetimes_are_priced_separately() {
    // Anthropic usage: input_tokens 2_000, cache_read_input_tokens 50_000,
    // cache_creation: {ephemeral_5m_input_tokens: 10_000, ephemeral_1h_input_tokens: 4_000},
    // output_tokens 1_200.
    let usage = TokenUsage {
        input_tokens: 2_000,
        cache_read_tokens: 50_000,
        cache_write_5m_tokens: 10_000,
        cache_write_1h_tokens: 4_000,
        output_tokens: 1_200,
        reasoning_tokens: 0,
    };
    let cost = cost(Provider::Anthropic, "claude-sonnet-4-5-20250929", &usage);
    // Sonnet 4.5: $3 in, $0.30 cache read, $3.75 5m write, $6 1h write, $15 out per million.
    let expected =
        (2_000.0 * 3.0 + 50_000.0 * 0.30 + 10_000.0 * 3.75 + 4_000.0 * 6.0 + 1_200.0 * 15.0)
            / PER_MILLION;
    assert_usd(cost.usd, expected); // $0.1005
    assert_usd(
        cost.breakdown.cache_write,
        (10_000.0 * 3.75 + 4_000.0 * 6.0) / PER_MILLION,
    );
    assert!(
        !cost.tier_above_200k,
        "66k prompt tokens stay in the base tier"
    );
}

#[test]
fn a_gemini_prompt_over_200k_tokens_prices_the_whole_request_at_the_higher_tier() {
    // 180k fresh + 40k cached = 220k prompt tokens; 2_000 output of which 1_500 thinking.
    let usage = TokenUsage {
        input_tokens: 180_000,
        cache_read_tokens: 40_000,
        output_tokens: 2_000,
        reasoning_tokens: 1_500,
        ..TokenUsage::default()
    };
    let cost = cost(Provider::Gemini, "models/gemini-2.5-pro", &usage);
    // Gemini 2.5 Pro above 200k: $2.50 in, $0.25 cached, $15 out (thinking included).
    let expected = (180_000.0 * 2.50 + 40_000.0 * 0.25 + 2_000.0 * 15.0) / PER_MILLION;
    assert!(cost.tier_above_200k);
    assert_usd(cost.usd, expected); // $0.49
    assert_usd(cost.breakdown.reasoning, 1_500.0 * 15.0 / PER_MILLION);

    // The same request with 20k fewer fresh tokens stays at the base tier.
    let smaller = TokenUsage {
        input_tokens: 160_000,
        ..usage
    };
    let cost = self::cost(Provider::Gemini, "gemini-2.5-pro", &smaller);
    let expected = (160_000.0 * 1.25 + 40_000.0 * 0.125 + 2_000.0 * 10.0) / PER_MILLION;
    assert!(!cost.tier_above_200k);
    assert_usd(cost.usd, expected);
}

#[test]
fn reasoning_tokens_are_part_of_output_and_are_not_billed_twice() {
    // o3: completion_tokens 3_000 with completion_tokens_details.reasoning_tokens 2_500.
    let usage = TokenUsage {
        input_tokens: 1_000,
        output_tokens: 3_000,
        reasoning_tokens: 2_500,
        ..TokenUsage::default()
    };
    let cost = cost(Provider::OpenAi, "o3-2025-04-16", &usage);
    // o3: $2 in, $8 out per million; reasoning has no separate price.
    let expected = (1_000.0 * 2.0 + 3_000.0 * 8.0) / PER_MILLION;
    assert_usd(cost.usd, expected); // $0.026
    assert_usd(cost.breakdown.reasoning, 2_500.0 * 8.0 / PER_MILLION);
    assert_usd(cost.breakdown.output, 500.0 * 8.0 / PER_MILLION);
}

#[test]
fn a_listed_reasoning_price_applies_to_the_reasoning_share_of_output() {
    let price = ModelPrice {
        reasoning: Some(20e-6),
        ..ModelPrice::new(1e-6, 10e-6)
    };
    let usage = TokenUsage {
        output_tokens: 1_000,
        reasoning_tokens: 400,
        ..TokenUsage::default()
    };
    let cost = PriceTable::bundled().cost(&price, &usage);
    assert_usd(cost.usd, (600.0 * 10.0 + 400.0 * 20.0) / PER_MILLION);
}

#[test]
fn gemini_flash_thinking_tokens_cost_the_output_price() {
    let usage = TokenUsage {
        input_tokens: 10_000,
        output_tokens: 4_000,
        reasoning_tokens: 3_000,
        ..TokenUsage::default()
    };
    let cost = cost(Provider::Gemini, "gemini-2.5-flash", &usage);
    // Gemini 2.5 Flash: $0.30 in, $2.50 out and $2.50 thinking per million.
    assert_usd(cost.usd, (10_000.0 * 0.30 + 4_000.0 * 2.50) / PER_MILLION);
}

#[test]
fn an_anthropic_long_context_request_tiers_cache_prices_too() {
    let usage = TokenUsage {
        input_tokens: 10_000,
        cache_read_tokens: 150_000,
        cache_write_5m_tokens: 30_000,
        cache_write_1h_tokens: 20_000,
        output_tokens: 1_000,
        reasoning_tokens: 0,
    };
    let cost = cost(Provider::Anthropic, "claude-sonnet-4-5", &usage);
    // Sonnet 4.5 above 200k: $6 in, $0.60 read, $7.50 5m, $12 1h, $22.50 out per million.
    let expected =
        (10_000.0 * 6.0 + 150_000.0 * 0.60 + 30_000.0 * 7.50 + 20_000.0 * 12.0 + 1_000.0 * 22.50)
            / PER_MILLION;
    assert!(cost.tier_above_200k);
    assert_usd(cost.usd, expected);
}
