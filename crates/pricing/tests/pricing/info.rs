//! Model info (`info`, `mode_of`): the API mode the gateway routes by, reasoning support and the
//! context window, found with the price lookup's alias rules; embedding models priced on input
//! only; files written before these fields existed still loading.

use switchyard_pricing::{
    Mode, ModelInfo, ModelPrice, PriceError, PriceTable, Provider, TokenUsage,
};

use crate::{assert_usd, price_of};

fn info(provider: Provider, model: &str) -> ModelInfo {
    PriceTable::bundled()
        .info(provider, model)
        .unwrap_or_else(|| panic!("{model} should have info for {provider:?}"))
}

fn load(json: &str) -> Result<PriceTable, PriceError> {
    PriceTable::from_json(json.as_bytes())
}

#[test]
fn responses_only_models_report_the_responses_mode() {
    for model in ["gpt-5-codex", "gpt-5-pro", "o3-pro", "codex-mini-latest"] {
        assert_eq!(
            PriceTable::bundled().mode_of(Provider::OpenAi, model),
            Some(Mode::Responses),
            "{model} is only served by /v1/responses, so Chat Completions callers must be routed there"
        );
    }
    assert_eq!(
        PriceTable::bundled().mode_of(Provider::OpenAi, "o3-pro-2025-06-10"),
        Some(Mode::Responses),
        "dated ids carry their model's mode"
    );
}

#[test]
fn chat_models_report_the_chat_mode() {
    assert_eq!(info(Provider::OpenAi, "gpt-4.1").mode, Mode::Chat);
    assert_eq!(
        info(Provider::Groq, "llama-3.3-70b-versatile").mode,
        Mode::Chat
    );
}

#[test]
fn reasoning_support_is_true_only_where_litellm_says_so() {
    for (provider, model) in [
        (Provider::Anthropic, "claude-sonnet-4-5"),
        (Provider::OpenAi, "o4-mini"),
        (Provider::Gemini, "gemini-2.5-pro"),
    ] {
        assert!(
            info(provider, model).supports_reasoning,
            "{model} takes reasoning parameters"
        );
    }
    assert!(
        !info(Provider::OpenAi, "gpt-4.1").supports_reasoning,
        "gpt-4.1 rejects reasoning parameters, so the gateway must not send them"
    );
}

#[test]
fn embedding_models_are_kept_with_their_input_limit_and_input_price() {
    let small = info(Provider::OpenAi, "text-embedding-3-small");
    assert_eq!(small.mode, Mode::Embedding);
    assert_eq!(
        small.max_input_tokens,
        Some(8191),
        "the gateway refuses longer inputs"
    );
    let (_, price) = price_of(Provider::OpenAi, "text-embedding-3-small");
    assert_usd(price.input * 1e6, 0.02); // $0.02 per million input tokens
    assert_eq!(price.output, 0.0);
    let usage = TokenUsage {
        input_tokens: 1_000_000,
        ..TokenUsage::default()
    };
    assert_usd(PriceTable::bundled().cost(price, &usage).usd, 0.02);

    for (provider, model) in [
        (Provider::OpenAi, "text-embedding-3-large"),
        (Provider::OpenAi, "text-embedding-ada-002"),
        (Provider::Gemini, "gemini-embedding-001"),
        (Provider::Mistral, "mistral-embed"),
        (Provider::Mistral, "codestral-embed"),
    ] {
        assert_eq!(info(provider, model).mode, Mode::Embedding, "{model}");
    }
    // LiteLLM lists no output price for Mistral's embeddings; they cost 0 per output token.
    assert_eq!(price_of(Provider::Mistral, "mistral-embed").1.output, 0.0);
}

#[test]
fn info_follows_the_lookup_alias_and_provider_rules() {
    let table = PriceTable::bundled();
    assert_eq!(
        table.info(Provider::Anthropic, "claude-sonnet-4-5-20250929"),
        table.info(Provider::Anthropic, "Claude-Sonnet-4-5-20250929")
    );
    assert_eq!(
        table.info(Provider::Gemini, "models/gemini-2.5-pro"),
        table.info(Provider::Gemini, "gemini/gemini-2.5-pro")
    );
    assert_eq!(
        table.info(Provider::Groq, "gpt-5-codex"),
        None,
        "another provider's model"
    );
    assert_eq!(table.info(Provider::OpenAi, "gpt-9-ultra"), None);
    assert_eq!(table.info(Provider::OpenAi, " "), None);
}

#[test]
fn overrides_carry_no_info_and_do_not_hide_the_table_entry() {
    let price = ModelPrice::new(1e-6, 1e-6);
    let table = PriceTable::bundled().with_overrides(&[
        ("gpt-5-codex".to_owned(), price),
        ("ollama/qwen2.5-coder:7b".to_owned(), price),
    ]);
    assert_eq!(
        table.lookup(Provider::OpenAi, "gpt-5-codex").unwrap().1,
        &price
    );
    assert_eq!(
        table.mode_of(Provider::OpenAi, "gpt-5-codex"),
        Some(Mode::Responses),
        "a negotiated price does not change how the model is served"
    );
    assert!(table.lookup(Provider::Ollama, "qwen2.5-coder:7b").is_some());
    assert_eq!(
        table.info(Provider::Ollama, "qwen2.5-coder:7b"),
        None,
        "an override-only model is priced but unknown to the table"
    );
}

#[test]
fn a_bundled_file_without_mode_or_reasoning_fields_loads_as_chat_without_reasoning() {
    let table = load(
        r#"{"header": {"entries": 1, "snapshot_date": "2025-01-01"},
            "models": {"o4-mini": {"provider": "openai", "input_cost_per_token": 1.1e-6,
                                   "output_cost_per_token": 4.4e-6, "max_input_tokens": 200000}}}"#,
    )
    .unwrap();
    assert_eq!(
        table.info(Provider::OpenAi, "o4-mini"),
        Some(ModelInfo {
            mode: Mode::Chat,
            supports_reasoning: false,
            max_input_tokens: Some(200_000),
            max_output_tokens: None,
        })
    );
}

#[test]
fn a_litellm_embedding_entry_without_an_output_price_loads_with_output_zero() {
    let table = load(
        r#"{"mistral/mistral-embed": {"litellm_provider": "mistral", "mode": "embedding",
                                      "input_cost_per_token": 1e-7, "max_input_tokens": 8192}}"#,
    )
    .unwrap();
    let (_, price) = table.lookup(Provider::Mistral, "mistral-embed").unwrap();
    assert_eq!((price.input, price.output), (1e-7, 0.0));
    assert_eq!(
        table.mode_of(Provider::Mistral, "mistral-embed"),
        Some(Mode::Embedding)
    );
}

#[test]
fn a_text_entry_without_an_output_price_is_still_skipped_or_rejected() {
    let table = load(
        r#"{"m": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e-6},
            "r": {"litellm_provider": "openai", "mode": "responses", "input_cost_per_token": 1e-6},
            "kept": {"litellm_provider": "openai", "input_cost_per_token": 1e-6,
                     "output_cost_per_token": 1e-6}}"#,
    )
    .unwrap();
    assert_eq!(
        table.len(),
        1,
        "LiteLLM text entries without an output price are skipped"
    );
    assert!(table.lookup(Provider::OpenAi, "m").is_none());

    let bundled = r#"{"header": {"entries": 1},
        "models": {"r": {"provider": "openai", "mode": "responses", "input_cost_per_token": 1e-6}}}"#;
    assert!(
        matches!(
            load(bundled),
            Err(PriceError::MissingPrice {
                field: "output_cost_per_token",
                ..
            })
        ),
        "the bundled format requires an output price for every text mode"
    );
}

#[test]
fn the_bundled_file_holds_each_kept_mode() {
    let table = PriceTable::bundled();
    for (provider, model, mode) in [
        (Provider::OpenAi, "gpt-4.1", Mode::Chat),
        (Provider::OpenAi, "gpt-5-codex", Mode::Responses),
        (Provider::Ollama, "codellama", Mode::Completion),
        (Provider::OpenAi, "text-embedding-3-small", Mode::Embedding),
    ] {
        assert_eq!(table.mode_of(provider, model), Some(mode), "{model}");
    }
}
