use super::*;
use serde_json::json;

fn page(kind: BackendKind, v: serde_json::Value) -> Page {
    parse_page(kind, v.to_string().as_bytes()).expect("a page")
}

#[test]
fn openai_lists_ids_and_ignores_blank_or_odd_ones() {
    let p = page(
        BackendKind::OpenAi,
        json!({"object": "list", "data": [
            {"id": "gpt-4.1-mini", "object": "model"},
            {"id": "", "object": "model"},
            {"id": "has space"},
            {"object": "model"}
        ]}),
    );
    assert_eq!(p.models.len(), 1);
    assert_eq!(p.models[0].id, "gpt-4.1-mini");
    assert_eq!(p.models[0].listed_price, None);
    assert_eq!(p.next, None);
}

#[test]
fn openrouter_prices_are_per_token_strings_read_per_million() {
    let p = page(
        BackendKind::OpenRouter,
        json!({"data": [
            {"id": "openai/gpt-4.1-mini", "name": "OpenAI: GPT-4.1 Mini", "context_length": 1047576,
             "pricing": {"prompt": "0.0000004", "completion": "0.0000016"},
             "top_provider": {"context_length": 1047576, "max_completion_tokens": 32768}},
            {"id": "openrouter/auto", "pricing": {"prompt": "-1", "completion": "-1"}}
        ]}),
    );
    let m = &p.models[0];
    assert_eq!(m.name.as_deref(), Some("OpenAI: GPT-4.1 Mini"));
    assert_eq!(m.context_tokens, Some(1_047_576));
    assert_eq!(m.output_tokens, Some(32_768));
    let price = m.listed_price.expect("listed");
    assert!((price.input_per_mtok - 0.4).abs() < 1e-9);
    assert!((price.output_per_mtok - 1.6).abs() < 1e-9);
    // A router's "-1" is no price, not a negative one.
    assert_eq!(p.models[1].listed_price, None);
}

#[test]
fn anthropic_pages_by_last_id() {
    let p = page(
        BackendKind::Anthropic,
        json!({"data": [{"type": "model", "id": "claude-haiku-4-5", "display_name": "Claude Haiku 4.5"}],
               "has_more": true, "first_id": "claude-haiku-4-5", "last_id": "claude-haiku-4-5"}),
    );
    assert_eq!(p.models[0].name.as_deref(), Some("Claude Haiku 4.5"));
    assert_eq!(
        p.next.as_deref(),
        Some("limit=1000&after_id=claude-haiku-4-5")
    );
    let last = page(
        BackendKind::Anthropic,
        json!({"data": [], "has_more": false, "last_id": null}),
    );
    assert_eq!(last.next, None);
}

#[test]
fn gemini_strips_the_prefix_keeps_limits_skips_embedding_only_and_pages() {
    let p = page(
        BackendKind::Gemini,
        json!({"models": [
            {"name": "models/gemini-2.5-flash", "displayName": "Gemini 2.5 Flash",
             "inputTokenLimit": 1048576, "outputTokenLimit": 65536,
             "supportedGenerationMethods": ["generateContent", "countTokens"]},
            {"name": "models/text-embedding-004", "supportedGenerationMethods": ["embedContent"]}
        ], "nextPageToken": "a/b="}),
    );
    assert_eq!(p.models.len(), 1);
    let m = &p.models[0];
    assert_eq!(m.id, "gemini-2.5-flash");
    assert_eq!(
        (m.context_tokens, m.output_tokens),
        (Some(1_048_576), Some(65_536))
    );
    assert_eq!(p.next.as_deref(), Some("pageSize=1000&pageToken=a%2Fb%3D"));
    // An account with no models answers `{}`.
    assert!(page(BackendKind::Gemini, json!({})).models.is_empty());
}

#[test]
fn ollama_tags_and_the_latest_tag() {
    let p = page(
        BackendKind::Ollama,
        json!({"models": [{"name": "llama3.2:latest", "model": "llama3.2:latest"}, {"model": "qwen3:8b"}]}),
    );
    let ids: Vec<&str> = p.models.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["llama3.2:latest", "qwen3:8b"]);
    assert!(lists(&p.models, "llama3.2"));
    assert!(lists(&p.models, "qwen3:8b"));
    assert!(!lists(&p.models, "qwen3"));
}

#[test]
fn a_broken_answer_is_a_typed_error() {
    assert_eq!(
        parse_page(BackendKind::OpenAi, b"<html>"),
        Err(CatalogueError::NotJson)
    );
    assert_eq!(
        parse_page(BackendKind::OpenAi, b"{\"models\": []}"),
        Err(CatalogueError::Shape("data"))
    );
    assert_eq!(
        parse_page(BackendKind::Ollama, b"[]"),
        Err(CatalogueError::Shape("models"))
    );
}

#[test]
fn paths_per_kind() {
    assert_eq!(models_path(BackendKind::Anthropic), "/v1/models");
    assert_eq!(models_path(BackendKind::Ollama), "/api/tags");
    assert_eq!(models_path(BackendKind::OpenRouter), "/models");
    assert_eq!(models_path(BackendKind::Gemini), "/models");
}

#[test]
fn an_anthropic_alias_and_a_gemini_path_name_the_listed_model() {
    let p = page(
        BackendKind::Anthropic,
        json!({"data": [{"id": "claude-haiku-4-5-20251001", "display_name": "Claude Haiku 4.5"},
                        {"id": "claude-haiku-4-5-extended"}], "has_more": false}),
    );
    let found = find(&p.models, "claude-haiku-4-5").map(|m| m.id.as_str());
    assert_eq!(
        found,
        Some("claude-haiku-4-5-20251001"),
        "Anthropic lists dated ids; tools and the default model use the alias"
    );
    assert!(
        !lists(&p.models, "claude-haiku-4"),
        "only a date completes an alias"
    );
    let g = page(
        BackendKind::Gemini,
        json!({"models": [{"name": "models/gemini-2.5-flash", "supportedGenerationMethods": ["generateContent"]}]}),
    );
    assert!(lists(&g.models, "gemini-2.5-flash"));
    assert!(lists(&g.models, "models/gemini-2.5-flash"));
}

#[test]
fn only_models_that_chat_are_offered_to_tools() {
    for id in [
        "gpt-4o",
        "claude-haiku-4-5",
        "gemini-2.5-flash",
        "llama3.2:latest",
    ] {
        assert!(chats(id), "{id} chats");
    }
    for id in [
        "text-embedding-3-small",
        "tts-1-hd",
        "whisper-1",
        "gpt-4o-transcribe",
        "dall-e-3",
        "gpt-image-1",
        "omni-moderation-latest",
        "gpt-4o-realtime-preview",
        "gpt-4o-audio-preview",
    ] {
        assert!(!chats(id), "{id} is not a chat model");
    }
}
