//! Lookup: every alias form resolves to a real entry of the bundled table, and unknown models
//! stay unknown (never $0).

use switchyard_pricing::{PriceTable, Provider};

use crate::price_of;

fn key(provider: Provider, model: &str) -> Option<&'static str> {
    PriceTable::bundled()
        .lookup(provider, model)
        .map(|(k, _)| k)
}

#[test]
fn an_exact_key_matches_itself() {
    assert_eq!(key(Provider::OpenAi, "gpt-4.1-mini"), Some("gpt-4.1-mini"));
    assert_eq!(
        key(Provider::OpenAi, "gpt-4o-2024-08-06"),
        Some("gpt-4o-2024-08-06")
    );
    assert_eq!(
        key(Provider::Anthropic, "claude-sonnet-4-5-20250929"),
        Some("claude-sonnet-4-5-20250929")
    );
}

#[test]
fn provider_prefixed_keys_are_found_from_the_bare_model_id() {
    assert_eq!(
        key(Provider::Groq, "llama-3.3-70b-versatile"),
        Some("groq/llama-3.3-70b-versatile")
    );
    assert_eq!(
        key(Provider::Mistral, "mistral-small-latest"),
        Some("mistral/mistral-small-latest")
    );
    assert_eq!(
        key(Provider::Gemini, "gemini-2.5-flash"),
        Some("gemini/gemini-2.5-flash")
    );
    assert_eq!(
        key(Provider::OpenRouter, "anthropic/claude-3.5-sonnet"),
        Some("openrouter/anthropic/claude-3.5-sonnet")
    );
    assert_eq!(key(Provider::Ollama, "llama3"), Some("ollama/llama3"));
}

#[test]
fn an_already_prefixed_model_id_also_matches() {
    assert_eq!(
        key(Provider::Gemini, "gemini/gemini-2.5-flash"),
        Some("gemini/gemini-2.5-flash")
    );
    assert_eq!(key(Provider::OpenAi, "openai/gpt-4o"), Some("gpt-4o"));
}

#[test]
fn a_dated_id_the_table_lacks_falls_back_to_the_undated_model() {
    assert_eq!(
        key(Provider::Anthropic, "claude-sonnet-4-6-20260217"),
        Some("claude-sonnet-4-6")
    );
    assert_eq!(key(Provider::OpenAi, "gpt-5.6-2026-06-30"), Some("gpt-5.6"));
}

#[test]
fn an_undated_id_the_table_lacks_falls_back_to_the_newest_dated_model() {
    assert_eq!(
        key(Provider::Anthropic, "claude-3-7-sonnet"),
        Some("claude-3-7-sonnet-20250219")
    );
    assert_eq!(
        key(Provider::Anthropic, "claude-sonnet-4"),
        Some("claude-sonnet-4-20250514")
    );
}

#[test]
fn gemini_models_slash_ids_are_stripped() {
    assert_eq!(
        key(Provider::Gemini, "models/gemini-2.5-flash"),
        Some("gemini/gemini-2.5-flash")
    );
}

#[test]
fn lookups_ignore_case_and_return_the_key_as_spelled_in_the_table() {
    assert_eq!(key(Provider::OpenAi, "GPT-4o"), Some("gpt-4o"));
    assert_eq!(
        key(Provider::Ollama, "mistral-7b-instruct-v0.1"),
        Some("ollama/mistral-7B-Instruct-v0.1")
    );
}

#[test]
fn latest_suffixes_resolve_whichever_side_the_table_lacks() {
    // Anthropic's alias; the table only has the dated model.
    assert_eq!(
        key(Provider::Anthropic, "claude-3-7-sonnet-latest"),
        Some("claude-3-7-sonnet-20250219")
    );
    // A plain family name; the table only has the `-latest` alias.
    assert_eq!(
        key(Provider::Mistral, "mistral-large"),
        Some("mistral/mistral-large-latest")
    );
    // Ollama's default tag.
    assert_eq!(
        key(Provider::Ollama, "llama3:latest"),
        Some("ollama/llama3")
    );
}

#[test]
fn ollama_models_are_free_only_because_the_table_says_zero() {
    let (_, price) = price_of(Provider::Ollama, "llama3");
    assert_eq!((price.input, price.output), (0.0, 0.0));
    assert_eq!(
        key(Provider::Ollama, "qwen2.5-coder:7b"),
        None,
        "missing means unknown, not free"
    );
}

#[test]
fn unknown_models_are_none() {
    assert_eq!(key(Provider::OpenAi, "gpt-9-ultra"), None);
    assert_eq!(key(Provider::Anthropic, ""), None);
    assert_eq!(key(Provider::Other, "my-finetune"), None);
}

#[test]
fn another_providers_entry_does_not_price_a_request() {
    assert_eq!(key(Provider::Groq, "gpt-4o"), None);
    assert_eq!(key(Provider::Gemini, "gemini-2.5-pro-vertex"), None);
}

#[test]
fn other_providers_match_exact_names_of_any_provider() {
    assert_eq!(key(Provider::Other, "gpt-4o"), Some("gpt-4o"));
    assert_eq!(
        key(Provider::Other, "groq/llama-3.3-70b-versatile"),
        Some("groq/llama-3.3-70b-versatile")
    );
}
