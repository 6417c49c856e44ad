//! Loading newer price files (both formats), rejecting malformed ones with typed errors, and
//! user overrides winning over the table.

use switchyard_pricing::{ModelPrice, PriceError, PriceTable, Provider};

fn load(json: &str) -> Result<PriceTable, PriceError> {
    PriceTable::from_json(json.as_bytes())
}

/// A LiteLLM-format file with one Groq model whose input price is `input` (raw JSON text).
fn litellm_with_input(input: &str) -> String {
    format!(
        r#"{{"groq/m": {{"litellm_provider": "groq", "mode": "chat",
            "input_cost_per_token": {input}, "output_cost_per_token": 1e-6}}}}"#
    )
}

#[test]
fn a_full_litellm_file_loads_and_skips_the_sample_spec() {
    let table = load(
        r#"{"sample_spec": {"input_cost_per_token": 0.0, "litellm_provider": "see docs"},
            "gpt-4o": {"litellm_provider": "openai", "mode": "chat",
                       "input_cost_per_token": 2.5e-6, "output_cost_per_token": 1e-5,
                       "cache_read_input_token_cost": 1.25e-6, "supports_vision": true}}"#,
    )
    .unwrap();
    assert_eq!(table.len(), 1);
    let (_, price) = table.lookup(Provider::OpenAi, "gpt-4o-2024-08-06").unwrap();
    assert_eq!(price.cache_read, Some(1.25e-6));
    assert_eq!(table.snapshot_date(), None);
}

#[test]
fn the_bundled_format_round_trips_from_its_own_text() {
    let text = include_str!("../../data/prices.json");
    let table = load(text).unwrap();
    assert_eq!(table.len(), PriceTable::bundled().len());
}

#[test]
fn invalid_json_is_a_json_error() {
    assert!(matches!(load("{\"gpt-4o\": "), Err(PriceError::Json(_))));
    assert!(matches!(
        load(&litellm_with_input("NaN")),
        Err(PriceError::Json(_))
    ));
}

#[test]
fn a_negative_price_is_out_of_range() {
    let err = load(&litellm_with_input("-1e-6")).unwrap_err();
    assert!(
        matches!(err, PriceError::OutOfRange { ref model, value, .. }
        if model == "groq/m" && value == -1e-6)
    );
}

#[test]
fn an_absurd_price_of_five_dollars_per_token_is_out_of_range() {
    assert!(matches!(
        load(&litellm_with_input("5")),
        Err(PriceError::OutOfRange { .. })
    ));
}

#[test]
fn a_price_that_is_not_a_number_is_named_in_the_error() {
    let err = load(&litellm_with_input("\"abc\"")).unwrap_err();
    assert!(matches!(
        err,
        PriceError::NotANumber {
            field: "input_cost_per_token",
            ..
        }
    ));
    assert!(err.to_string().contains("groq/m"), "{err}");
}

#[test]
fn files_that_are_not_price_maps_are_rejected() {
    assert!(matches!(load("[1, 2]"), Err(PriceError::Shape(_))));
    assert!(matches!(load("{}"), Err(PriceError::NoModels)));
    assert!(matches!(
        load(r#"{"m": 3}"#),
        Err(PriceError::InvalidEntry { .. })
    ));
    assert!(matches!(
        load(r#"{"header": {}, "models": []}"#),
        Err(PriceError::Shape(_))
    ));
}

#[test]
fn garbage_bytes_never_panic() {
    for bytes in [
        &b""[..],
        b"\xff\xfe",
        b"null",
        b"\"text\"",
        b"{\"header\": 1}",
    ] {
        assert!(PriceTable::from_json(bytes).is_err());
    }
}

#[test]
fn an_override_wins_over_the_table_and_its_aliases() {
    let negotiated = ModelPrice::new(1e-6, 4e-6);
    let table = PriceTable::bundled().with_overrides(&[("gpt-4o".to_owned(), negotiated)]);
    let (key, price) = table.lookup(Provider::OpenAi, "gpt-4o-2024-08-06").unwrap();
    assert_eq!((key, price), ("gpt-4o", &negotiated));
    // The bundled table itself is untouched.
    assert_ne!(
        PriceTable::bundled()
            .lookup(Provider::OpenAi, "gpt-4o")
            .unwrap()
            .1,
        &negotiated
    );
}

#[test]
fn an_override_can_price_a_model_the_table_does_not_know() {
    let gpu_cost = ModelPrice::new(1e-8, 1e-8);
    let table =
        PriceTable::bundled().with_overrides(&[("ollama/qwen2.5-coder:7b".to_owned(), gpu_cost)]);
    assert_eq!(
        table.lookup(Provider::Ollama, "Qwen2.5-Coder:7b"),
        Some(("ollama/qwen2.5-coder:7b", &gpu_cost))
    );
    assert_eq!(
        table.lookup(Provider::Groq, "qwen2.5-coder:7b"),
        None,
        "prefix scopes it"
    );
}

#[test]
fn later_overrides_win_over_earlier_ones() {
    let first = ModelPrice::new(1e-6, 1e-6);
    let second = ModelPrice::new(2e-6, 2e-6);
    let table = PriceTable::bundled()
        .with_overrides(&[("o3".to_owned(), first)])
        .with_overrides(&[("o3".to_owned(), second)]);
    assert_eq!(table.lookup(Provider::OpenAi, "o3").unwrap().1, &second);
}

/// Set SWITCHYARD_LITELLM_JSON to the upstream file to check that loading it yields the same
/// table as the bundled snapshot generated from it.
#[test]
fn the_upstream_file_loads_to_the_bundled_table_when_provided() {
    let Ok(path) = std::env::var("SWITCHYARD_LITELLM_JSON") else {
        return;
    };
    let bytes = std::fs::read(path).unwrap();
    let upstream = PriceTable::from_json(&bytes).unwrap();
    assert_eq!(upstream.len(), PriceTable::bundled().len());
    for (provider, model) in [
        (Provider::Anthropic, "claude-sonnet-4-5"),
        (Provider::Gemini, "gemini-2.5-pro"),
        (Provider::OpenAi, "gpt-5-codex"),
        (Provider::Mistral, "mistral-embed"),
    ] {
        assert_eq!(
            upstream.lookup(provider, model),
            PriceTable::bundled().lookup(provider, model)
        );
        assert_eq!(
            upstream.info(provider, model),
            PriceTable::bundled().info(provider, model)
        );
    }
}
