//! Specification of `switchyard-pricing` against the bundled snapshot: aliases (`lookup`),
//! request costs checked by hand calculation (`costs`), costs by backend kind (`backend`), price
//! files and overrides (`files`), and model info: mode, reasoning support, embeddings (`info`).
//! One test binary; the modules live in `tests/pricing/`.

#[path = "pricing/backend.rs"]
mod backend;
#[path = "pricing/costs.rs"]
mod costs;
#[path = "pricing/files.rs"]
mod files;
#[path = "pricing/info.rs"]
mod info;
#[path = "pricing/lookup.rs"]
mod lookup;

use switchyard_pricing::{ModelPrice, PriceTable, Provider};

/// The bundled entry `provider`/`model` resolves to; panics (test failure) when unknown.
fn price_of(provider: Provider, model: &str) -> (&'static str, &'static ModelPrice) {
    PriceTable::bundled()
        .lookup(provider, model)
        .unwrap_or_else(|| panic!("{model} should be priced for {provider:?}"))
}

/// Float equality for money computed two ways (to a billionth of a cent).
fn assert_usd(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() < 1e-11,
        "expected ${expected}, got ${actual}"
    );
}

#[test]
fn the_bundled_table_loads_with_its_snapshot_header() {
    let table = PriceTable::bundled();
    assert!(table.len() > 300, "only {} models", table.len());
    assert_eq!(table.snapshot_date(), Some("2026-08-01"));
    assert_eq!(table.max_input_tokens("gpt-4.1-mini"), Some(1_047_576));
    // The longest answer too, for a budget's worst case when a request names none.
    let info = |p, m| table.info(p, m).and_then(|i| i.max_output_tokens);
    assert_eq!(info(Provider::OpenAi, "gpt-4.1"), Some(32_768));
    assert_eq!(info(Provider::Anthropic, "claude-sonnet-4-5"), Some(64_000));
}

#[test]
fn every_priced_provider_has_models_in_the_bundled_table() {
    let probes = [
        (Provider::OpenAi, "gpt-4o"),
        (Provider::Anthropic, "claude-sonnet-4-5"),
        (Provider::Gemini, "gemini-2.5-pro"),
        (Provider::Mistral, "mistral-small-latest"),
        (Provider::Groq, "llama-3.3-70b-versatile"),
        (Provider::OpenRouter, "anthropic/claude-3.5-sonnet"),
        (Provider::Ollama, "llama3"),
    ];
    for (provider, model) in probes {
        price_of(provider, model);
    }
}
