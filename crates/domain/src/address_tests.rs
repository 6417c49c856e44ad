use super::*;

#[test]
fn each_kind_is_called_where_its_provider_serves() {
    let openai = Address::new(BackendKind::OpenAi, "https://api.openai.com/v1/");
    assert_eq!(openai.chat(), "https://api.openai.com/v1/chat/completions");
    assert_eq!(openai.responses(), "https://api.openai.com/v1/responses");
    assert_eq!(
        openai.compact(),
        "https://api.openai.com/v1/responses/compact"
    );
    assert_eq!(openai.embeddings(), "https://api.openai.com/v1/embeddings");
    assert_eq!(
        openai.responses_count(),
        "https://api.openai.com/v1/responses/input_tokens"
    );
    assert_eq!(openai.models(), "https://api.openai.com/v1/models");
    assert_eq!(openai.probe(), "https://api.openai.com/v1/models");

    let anthropic = Address::new(BackendKind::Anthropic, "https://api.anthropic.com");
    assert_eq!(
        anthropic.messages(),
        "https://api.anthropic.com/v1/messages"
    );
    assert_eq!(
        anthropic.messages_count(),
        "https://api.anthropic.com/v1/messages/count_tokens"
    );
    assert_eq!(anthropic.models(), "https://api.anthropic.com/v1/models");
    assert_eq!(
        anthropic.deep_probe("claude"),
        "https://api.anthropic.com/v1/messages"
    );

    let ollama = Address::new(BackendKind::Ollama, "http://localhost:11434");
    assert_eq!(ollama.chat(), "http://localhost:11434/v1/chat/completions");
    assert_eq!(ollama.embeddings(), "http://localhost:11434/v1/embeddings");
    assert_eq!(ollama.models(), "http://localhost:11434/api/tags");

    let gemini = Address::new(
        BackendKind::Gemini,
        "https://generativelanguage.googleapis.com/v1beta",
    );
    assert_eq!(
        gemini.gemini("gemini-2.5-pro", true),
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse"
    );
    assert_eq!(
        gemini.gemini_count("models/gemini-2.5-pro"),
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:countTokens"
    );
    assert_eq!(
        gemini.embeddings(),
        "https://generativelanguage.googleapis.com/v1beta/openai/embeddings"
    );

    let openrouter = Address::new(BackendKind::OpenRouter, "https://openrouter.ai/api/v1");
    assert_eq!(openrouter.probe(), "https://openrouter.ai/api/v1/key");
    assert_eq!(openrouter.credits(), "https://openrouter.ai/api/v1/credits");
}

#[test]
fn the_demo_backend_lives_under_its_servers_root() {
    let demo = Address::of(BackendKind::Demo, "", "http://127.0.0.1:4000/");
    assert_eq!(demo.base(), "http://127.0.0.1:4000/v1");
    assert_eq!(demo.chat(), "http://127.0.0.1:4000/v1/chat/completions");
    assert_eq!(demo.messages(), "http://127.0.0.1:4000/v1/messages");
    assert_eq!(
        demo.messages_count(),
        "http://127.0.0.1:4000/v1/messages/count_tokens"
    );
    assert_eq!(
        demo.gemini("demo-chat", false),
        "http://127.0.0.1:4000/v1beta/models/demo-chat:generateContent"
    );
    assert_eq!(
        Address::of(
            BackendKind::OpenAi,
            "https://a.example/v1",
            "http://ignored"
        ),
        Address::new(BackendKind::OpenAi, "https://a.example/v1"),
        "only the Demo backend takes the Demo server's address"
    );
}

#[test]
fn a_model_name_cannot_add_path_segments_or_a_query() {
    assert_eq!(
        gemini_model_path("gemini-2.0-flash", false),
        "/models/gemini-2.0-flash:generateContent"
    );
    assert_eq!(
        gemini_model_path("models/gemini-2.5-pro", true),
        "/models/gemini-2.5-pro:streamGenerateContent?alt=sse",
        "a leading models/ is not doubled"
    );
    assert_eq!(
        gemini_model_path("a/../b?key=x", false),
        "/models/a%2F..%2Fb%3Fkey%3Dx:generateContent",
        "no extra segments or query can be smuggled in"
    );
    let gemini = Address::new(BackendKind::Gemini, "https://g.example/v1beta");
    assert_eq!(
        gemini.deep_probe("a/b"),
        "https://g.example/v1beta/models/a%2Fb:generateContent",
        "the deep probe encodes the model like every other call"
    );
}
