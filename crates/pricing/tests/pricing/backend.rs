//! Prices by backend kind (`cost_in`, `cost_per_mtok_in`, `provider_of`): what the gateway
//! records for each request and what the app reprices the ledger with. Checked against hand
//! calculations in USD per million tokens.

use switchyard_domain::BackendKind;
use switchyard_pricing::{
    cost_in, cost_per_mtok, cost_per_mtok_in, provider_of, ModelPrice, PriceTable, Provider,
};
use switchyard_wire::Usage;

use crate::assert_usd;

const PER_MILLION: f64 = 1_000_000.0;

fn usage(input: u64, output: u64) -> Usage {
    Usage {
        input_tokens: input,
        output_tokens: output,
        ..Usage::default()
    }
}

fn bundled_cost(kind: BackendKind, model: &str, u: &Usage) -> Option<f64> {
    cost_in(PriceTable::bundled(), Some(kind), Some(model), u)
}

#[test]
fn every_backend_kind_but_demo_is_priced_from_a_provider_section() {
    for kind in BackendKind::ALL {
        assert_eq!(
            provider_of(kind).is_none(),
            kind == BackendKind::Demo,
            "{kind:?}: only the Demo backend has no price-table provider"
        );
    }
    assert_eq!(
        provider_of(BackendKind::OpenAiCompatible),
        Some(Provider::Other),
        "an OpenAI-compatible endpoint of unknown vendor matches exact names only"
    );
}

#[test]
fn a_request_without_tokens_costs_nothing_even_when_nothing_is_known() {
    assert_eq!(
        cost_in(PriceTable::bundled(), None, None, &Usage::default()),
        Some(0.0),
        "a request refused before any upstream call is $0, never unpriced"
    );
    assert_eq!(
        bundled_cost(BackendKind::OpenAi, "no-such-model", &Usage::default()),
        Some(0.0)
    );
}

#[test]
fn tokens_on_an_unknown_model_or_backend_are_unpriced_not_free() {
    let u = usage(100, 10);
    assert_eq!(bundled_cost(BackendKind::OpenAi, "no-such-model", &u), None);
    assert_eq!(
        cost_in(PriceTable::bundled(), None, Some("gpt-4.1-mini"), &u),
        None,
        "no backend: the price is unknown"
    );
    assert_eq!(
        cost_in(PriceTable::bundled(), Some(BackendKind::OpenAi), None, &u),
        None,
        "no model: the price is unknown"
    );
}

#[test]
fn a_chat_request_costs_input_and_output_at_the_models_prices() {
    let u = Usage {
        input_tokens: 4_000,
        cache_read_tokens: 8_000,
        output_tokens: 500,
        ..Usage::default()
    };
    // gpt-4.1-mini: $0.40 in, $0.10 cached, $1.60 out per million.
    let expected = (4_000.0 * 0.40 + 8_000.0 * 0.10 + 500.0 * 1.60) / PER_MILLION;
    let usd = bundled_cost(BackendKind::OpenAi, "gpt-4.1-mini", &u);
    assert_usd(usd.unwrap_or(f64::NAN), expected);
}

#[test]
fn one_hour_cache_writes_are_a_part_of_all_writes_priced_at_their_own_rate() {
    // claude-sonnet-4-5: $3 in, $3.75 5m write, $6 1h write per million.
    let u = Usage {
        input_tokens: 1_000,
        cache_write_tokens: 10_000,
        cache_write_1h_tokens: 4_000,
        ..Usage::default()
    };
    let expected = (1_000.0 * 3.0 + 6_000.0 * 3.75 + 4_000.0 * 6.0) / PER_MILLION;
    let usd = bundled_cost(BackendKind::Anthropic, "claude-sonnet-4-5", &u);
    assert_usd(usd.unwrap_or(f64::NAN), expected);

    let overstated = Usage {
        cache_write_1h_tokens: 50_000,
        ..u
    };
    let capped = (1_000.0 * 3.0 + 10_000.0 * 6.0) / PER_MILLION;
    let usd = bundled_cost(BackendKind::Anthropic, "claude-sonnet-4-5", &overstated);
    assert_usd(usd.unwrap_or(f64::NAN), capped);
}

#[test]
fn the_demo_backend_has_its_stated_price_unless_its_model_has_an_override() {
    let u = usage(1_000_000, 1_000_000);
    assert_usd(
        bundled_cost(BackendKind::Demo, "demo-chat", &u).unwrap_or(f64::NAN),
        2.5 + 10.0,
    );
    assert_usd(
        cost_per_mtok(BackendKind::Demo, "demo-anything").unwrap_or(f64::NAN),
        (3.0 * 2.5 + 10.0) / 4.0,
    );
    let table = PriceTable::bundled().with_overrides(&[(
        "demo-chat".to_string(),
        ModelPrice::new(1.0 / PER_MILLION, 2.0 / PER_MILLION),
    )]);
    let usd = cost_in(&table, Some(BackendKind::Demo), Some("demo-chat"), &u);
    assert_usd(usd.unwrap_or(f64::NAN), 3.0);
    assert_usd(
        cost_per_mtok_in(&table, BackendKind::Demo, "demo-chat").unwrap_or(f64::NAN),
        (3.0 * 1.0 + 2.0) / 4.0,
    );
}

#[test]
fn output_on_an_embedding_model_is_unpriced() {
    let embedding = usage(1_000, 0);
    let usd = bundled_cost(BackendKind::OpenAi, "text-embedding-3-small", &embedding);
    assert_usd(usd.unwrap_or(f64::NAN), 1_000.0 * 0.02 / PER_MILLION);
    assert_eq!(
        bundled_cost(
            BackendKind::OpenAi,
            "text-embedding-3-small",
            &usage(1_000, 20)
        ),
        None,
        "an embedding entry prices no output, so a chat answer under its name is unknown"
    );
}

#[test]
fn the_blended_price_weighs_input_three_to_one_against_output() {
    // gpt-4.1-mini: $0.40 in, $1.60 out → (3 × 0.40 + 1.60) / 4 = $0.70 per million.
    let blended = cost_per_mtok(BackendKind::OpenAi, "gpt-4.1-mini");
    assert_usd(blended.unwrap_or(f64::NAN), 0.70);
    assert_eq!(cost_per_mtok(BackendKind::OpenAi, "no-such-model"), None);
}

#[test]
fn a_recorded_row_reprices_to_what_the_gateway_charged() {
    use switchyard_domain::RequestRecord;
    use switchyard_pricing::recorded_usage;
    // What the gateway saw: 2,000 cache writes, 1,500 of them with the 1-hour lifetime.
    let seen = Usage {
        input_tokens: 100,
        output_tokens: 50,
        cache_write_tokens: 2_000,
        cache_write_1h_tokens: 1_500,
        ..Usage::default()
    };
    let charged = bundled_cost(BackendKind::Anthropic, "claude-sonnet-4-5", &seen).unwrap();
    let mut row = RequestRecord {
        input_tokens: 100,
        output_tokens: 50,
        cache_write_tokens: 2_000,
        cache_write_1h_tokens: Some(1_500),
        reasoning_tokens: Some(0),
        ..RequestRecord::default()
    };
    let (usage, exact) = recorded_usage(&row);
    assert!(exact);
    let again = bundled_cost(BackendKind::Anthropic, "claude-sonnet-4-5", &usage).unwrap();
    assert_usd(again, charged);

    // A row from before the ledger kept the split: an estimate, said to be one.
    row.cache_write_1h_tokens = None;
    row.reasoning_tokens = None;
    let (usage, exact) = recorded_usage(&row);
    assert!(!exact, "its 1-hour writes are unknown");
    assert!(bundled_cost(BackendKind::Anthropic, "claude-sonnet-4-5", &usage).unwrap() < charged);
    // Without tokens of the kinds priced apart, an old row is still exact.
    let plain = RequestRecord {
        input_tokens: 100,
        ..RequestRecord::default()
    };
    assert!(recorded_usage(&plain).1);
}
