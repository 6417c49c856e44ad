//! `anthropic-beta` at its bounds (issue 71, part 2): a hostile upstream cannot grow the
//! gateway's memory through the flags it names, and no upstream of another format is ever sent
//! the header. Recording upstreams on 127.0.0.1, as in `betas.rs`.

use super::betas::{
    ask, bad_request, holds, message, recording, refusal, Answer, CLAUDE_CODE_BETAS,
};
use super::*;
use axum::response::IntoResponse;
use serde_json::json;

#[tokio::test]
async fn a_hostile_upstream_naming_ten_thousand_flags_cannot_grow_the_gateways_memory() {
    // Names every flag it was sent, ten thousand others and a few huge ones.
    let answer: Answer = Arc::new(|beta| {
        let Some(b) = beta else { return message() };
        let mut named: Vec<String> = b.split(',').map(str::to_string).collect();
        named.extend((0..10_000).map(|i| format!("x{i}")));
        named.push("y".repeat(100_000));
        let named: Vec<&str> = named.iter().map(String::as_str).collect();
        bad_request(refusal(&named))
    });
    let (url, seen) = recording(BackendKind::Anthropic, answer).await;
    let t = target("Hostile", BackendKind::Anthropic, &url, &[("k", "k")]);
    let h = start(vec![t], &[("k", "sk-ant-CANARY-7f3a")]).await;

    // The client's own flags: many, valid, and one too long to be a flag name.
    let mut sent: Vec<String> = (0..200).map(|i| format!("flag-{i}-2025-01-01")).collect();
    sent.push("z".repeat(300));
    let resp = ask(&h, "Hostile", &sent.join(",")).await;
    assert_eq!(
        resp.status(),
        400,
        "a body past the read cap is not read as a refusal: passed on as it is"
    );
    assert_eq!(seen.lock().unwrap().len(), 1);

    // Under the read cap: every flag sent is named, and 3,000 more (the memory fills up).
    let answer_small: Answer = Arc::new(|beta| match beta {
        Some(b) if b.contains("flag-") => {
            let mut named: Vec<String> = b.split(',').map(str::to_string).collect();
            named.extend((0..3_000).map(|i| format!("x{i}")));
            let named: Vec<&str> = named.iter().map(String::as_str).collect();
            bad_request(refusal(&named))
        }
        _ => message(),
    });
    let (url2, seen2) = recording(BackendKind::Anthropic, answer_small).await;
    let t2 = target("Greedy", BackendKind::Anthropic, &url2, &[("k", "k")]);
    let h2 = start(vec![t2], &[("k", "sk-ant-CANARY-7f3a")]).await;
    let resp = ask(&h2, "Greedy", &sent.join(",")).await;
    assert_eq!(
        resp.status(),
        200,
        "every named flag is dropped for the retry"
    );
    let remembered = h2.gateway.refused_betas("id-Greedy");
    assert!(
        remembered.len() <= 64,
        "at most 64 refused flags are remembered per backend, not {}",
        remembered.len()
    );
    assert!(
        remembered.iter().all(|f| f.len() <= 64),
        "a name too long to be a flag is never remembered"
    );
    let all = seen2.lock().unwrap().clone();
    assert_eq!(all.len(), 2, "{:?}", all.len());
    assert!(
        holds(&all[1], &"z".repeat(300)),
        "a value that is not a flag name is left as the client sent it"
    );
    assert!(
        remembered.iter().all(|f| sent.contains(f)),
        "only flags the client sent are remembered, never names the upstream made up"
    );
    // The gateway is still up, and a remembered flag is no longer sent at all.
    let resp = ask(&h2, "Greedy", &remembered[0]).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        seen2.lock().unwrap().last().cloned(),
        Some(None),
        "a header left empty once refused flags are dropped is not sent"
    );
}

#[tokio::test]
async fn no_anthropic_beta_header_ever_reaches_an_openai_or_gemini_upstream() {
    // Answers in the format of the path it was called on.
    let answer = |path: &'static str| -> Answer {
        Arc::new(move |_| match path {
            "gemini" => axum::Json(json!({"candidates": [{"content": {"role": "model",
                "parts": [{"text": "ok"}]}, "finishReason": "STOP"}],
                "usageMetadata": {"promptTokenCount": 1, "candidatesTokenCount": 1,
                "totalTokenCount": 2}}))
            .into_response(),
            _ => axum::Json(
                json!({"id": "c1", "object": "chat.completion", "created": 1,
                "model": "m", "choices": [{"index": 0, "finish_reason": "stop",
                "message": {"role": "assistant", "content": "ok"}}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}),
            )
            .into_response(),
        })
    };
    let (oa_url, oa_seen) = recording(BackendKind::OpenAi, answer("openai")).await;
    let (gm_url, gm_seen) = recording(BackendKind::Gemini, answer("gemini")).await;
    let oa = target("Oa", BackendKind::OpenAi, &oa_url, &[("k", "k")]);
    let gm = target("Gm", BackendKind::Gemini, &gm_url, &[("k", "k")]);
    let h = start(vec![oa, gm], &[("k", "CANARY-7f3a-key")]).await;

    for backend in ["Oa", "Gm"] {
        let model = format!("{backend}/some-model");
        let headers = [("anthropic-beta", CLAUDE_CODE_BETAS)];
        let messages = h
            .post_as(
                "/v1/messages",
                Some(TOKEN),
                &headers,
                &anthropic_msg(&model, false),
            )
            .await;
        assert_eq!(messages.status(), 200, "{backend}: Messages caller");
        let chat = h
            .post_as(
                "/v1/chat/completions",
                Some(TOKEN),
                &headers,
                &openai_chat(&model, false),
            )
            .await;
        assert_eq!(chat.status(), 200, "{backend}: Chat caller");
    }
    for (name, seen) in [("OpenAI", oa_seen), ("Gemini", gm_seen)] {
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 2, "{name}: both callers reached it");
        assert!(
            seen.iter().all(Option::is_none),
            "anthropic-beta is Anthropic's header: {name} must never be sent it: {seen:?}"
        );
    }
}
