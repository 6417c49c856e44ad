//! Model catalogues against real HTTP servers on 127.0.0.1 (the mock posing as each kind): every
//! kind's list is read with its key in a header, cached with its time, priced as the ledger will
//! price it, and a chosen model with no known price is flagged; a failed refresh keeps the last
//! good list and says why.

use super::*;
use switchyard_app::{ModelList, Pricing};
use switchyard_app_testing::catalogue::{add, mock};
use switchyard_mock::MockServer;

fn ids(l: &ModelList) -> Vec<&str> {
    l.models.iter().map(|m| m.id.as_str()).collect()
}

fn pricing_of(l: &ModelList, id: &str) -> Pricing {
    l.models.iter().find(|m| m.id == id).unwrap().pricing
}

#[tokio::test]
async fn every_kind_lists_its_models_priced_as_the_ledger_will_price_them() {
    let h = start().await;
    let openai = mock(&["gpt-4.1-mini", "acme-unknown-model"], &[]).await;
    let router = mock(
        &["openai/gpt-4.1-mini", "acme/listed-only"],
        &[
            ("openai/gpt-4.1-mini", 0.4, 1.6),
            ("acme/listed-only", 2.0, 8.0),
        ],
    )
    .await;
    let gemini = mock(&["gemini-2.5-flash"], &[]).await;
    let anthropic = mock(&["claude-haiku-4-5"], &[]).await;
    let local = mock(&["llama3.2", "qwen3:8b"], &[]).await;
    let cases = [
        (
            BackendKind::OpenAi,
            "OpenAI",
            format!("{}/v1", openai.base_url()),
            Some("sk-test-openai-000000000001"),
        ),
        (
            BackendKind::OpenRouter,
            "OpenRouter",
            format!("{}/v1", router.base_url()),
            Some("sk-or-v1-test-000000000002"),
        ),
        (
            BackendKind::Gemini,
            "Gemini",
            format!("{}/v1beta", gemini.base_url()),
            Some("AIzaTest00000000000000000000000000000003"),
        ),
        (
            BackendKind::Anthropic,
            "Anthropic",
            anthropic.base_url(),
            Some("sk-ant-test-000000000000004"),
        ),
        (BackendKind::Ollama, "Ollama", local.base_url(), None),
        (
            BackendKind::OpenAiCompatible,
            "vLLM",
            format!("{}/v1", local.base_url()),
            None,
        ),
    ];
    let mut lists = Vec::new();
    for (kind, name, base, k) in &cases {
        let id = add(&h, *kind, name, base, *k).await;
        let cached = h.app.catalogue().list(id.clone()).await.unwrap();
        assert_eq!(
            (cached.fetched_at_ms, cached.models.len()),
            (None, 0),
            "{name}: nothing read yet"
        );
        let l = h.app.catalogue().refresh(id).await.unwrap();
        assert_eq!(l.error, None, "{name}");
        assert!(l.fetched_at_ms.is_some(), "{name}");
        lists.push(l);
    }
    let [openai_l, router_l, gemini_l, anthropic_l, ollama_l, compat_l] = &lists[..] else {
        unreachable!()
    };
    assert_eq!(ids(openai_l), ["gpt-4.1-mini", "acme-unknown-model"]);
    assert_eq!(pricing_of(openai_l, "gpt-4.1-mini"), Pricing::Priced);
    assert!(openai_l.models[0].price_per_mtok.unwrap() > 0.0);
    assert_eq!(pricing_of(openai_l, "acme-unknown-model"), Pricing::Unknown);

    let listed = router_l
        .models
        .iter()
        .find(|m| m.id == "acme/listed-only")
        .unwrap();
    assert_eq!(listed.pricing, Pricing::ListedOnly);
    let lp = listed.listed_price.unwrap();
    assert!((lp.input_per_mtok - 2.0).abs() < 1e-9 && (lp.output_per_mtok - 8.0).abs() < 1e-9);
    assert_eq!(listed.context_tokens, Some(switchyard_mock::LISTED_CONTEXT));

    assert_eq!(ids(gemini_l), ["gemini-2.5-flash"]);
    assert_eq!(
        (
            gemini_l.models[0].context_tokens,
            gemini_l.models[0].output_tokens
        ),
        (Some(32_768), Some(8_192))
    );
    assert_eq!(pricing_of(gemini_l, "gemini-2.5-flash"), Pricing::Priced);

    assert_eq!(ids(anthropic_l), ["claude-haiku-4-5"]);
    assert_eq!(
        anthropic_l.models[0].name.as_deref(),
        Some("Claude Haiku 4 5")
    );
    assert_eq!(pricing_of(anthropic_l, "claude-haiku-4-5"), Pricing::Priced);

    assert_eq!(ids(ollama_l), ["llama3.2:latest", "qwen3:8b"]);
    assert_eq!(pricing_of(ollama_l, "qwen3:8b"), Pricing::Free);
    assert_eq!(ids(compat_l), ["llama3.2", "qwen3:8b"]);
    assert_eq!(pricing_of(compat_l, "qwen3:8b"), Pricing::Unknown);

    // The Demo backend lists its own models, at its stated price.
    let demo = h.find_backend(|b| b.row.kind == BackendKind::Demo).await;
    let d = h.app.catalogue().refresh(demo.row.id).await.unwrap();
    assert_eq!(ids(&d), ["demo-chat", "demo-fast"]);
    assert_eq!(pricing_of(&d, "demo-chat"), Pricing::Priced);

    // The keys went in headers the mock checked; none is in any file.
    for (_, _, _, k) in &cases {
        if let Some(k) = k {
            assert!(files_containing(h.dir.path(), k).is_empty(), "{k} leaked");
        }
    }
    // The cached list reads back as it was refreshed.
    let again = h
        .app
        .catalogue()
        .list(lists[0].backend_id.clone())
        .await
        .unwrap();
    assert_eq!(again, lists[0]);
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_last_good_list_and_says_why() {
    let h = start().await;
    let mut cfg = MockConfig::instant();
    cfg.models = vec!["gpt-4.1-mini".into()];
    cfg.accepted_keys = Some(vec!["sk-test-good-00000000000001".into()]);
    let server = MockServer::start(cfg).await.unwrap();
    let base = format!("{}/v1", server.base_url());
    let id = add(
        &h,
        BackendKind::OpenAi,
        "OpenAI",
        &base,
        Some("sk-test-good-00000000000001"),
    )
    .await;
    let good = h.app.catalogue().refresh(id.clone()).await.unwrap();
    assert_eq!(ids(&good), ["gpt-4.1-mini"]);

    // The key is swapped for one the provider refuses.
    let b = h.app.backends().get(&id).await.unwrap();
    h.app.keys().delete(b.keys[0].row.id.clone()).await.unwrap();
    h.app
        .keys()
        .add(id.clone(), key("bad", "sk-test-bad-000000000000002"))
        .await
        .unwrap();
    let bad = h.app.catalogue().refresh(id.clone()).await.unwrap();
    assert!(
        bad.error
            .as_deref()
            .unwrap()
            .contains("refused the key (HTTP 401)"),
        "{bad:?}"
    );
    assert_eq!(ids(&bad), ["gpt-4.1-mini"], "the last good list stays");
    assert_eq!(bad.fetched_at_ms, good.fetched_at_ms);

    // A base URL with no list, a server that is gone, and a backend with no key.
    let nowhere = add(
        &h,
        BackendKind::OpenAiCompatible,
        "Nowhere",
        &format!("{}/nothing", server.base_url()),
        None,
    )
    .await;
    let e = h
        .app
        .catalogue()
        .refresh(nowhere)
        .await
        .unwrap()
        .error
        .unwrap();
    assert!(
        e.contains("HTTP 404") && e.contains("check the base URL"),
        "{e}"
    );
    let gone = add(
        &h,
        BackendKind::OpenAiCompatible,
        "Gone",
        "http://127.0.0.1:9/v1",
        None,
    )
    .await;
    let e = h
        .app
        .catalogue()
        .refresh(gone)
        .await
        .unwrap()
        .error
        .unwrap();
    assert!(e.starts_with("could not connect to 127.0.0.1:9"), "{e}");
    let keyless = add(&h, BackendKind::Mistral, "Mistral", &base, None).await;
    let e = h
        .app
        .catalogue()
        .refresh(keyless)
        .await
        .unwrap()
        .error
        .unwrap();
    assert!(e.contains("add a key"), "{e}");
    assert!(h.app.catalogue().list("no-such-id".into()).await.is_err());
}
