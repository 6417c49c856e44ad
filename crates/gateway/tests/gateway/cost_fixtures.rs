//! Cost fixtures: real-shaped provider answers (`tests/fixtures/usage/`) run end to end through
//! the gateway from both caller formats, the ledger's `cost_usd` checked against an independent
//! reference to 1e-9 USD (a ten-millionth of a cent).
//!
//! The reference never touches `switchyard_pricing` or `switchyard_wire`: it reads the model's
//! raw per-token prices from `crates/pricing/data/prices.json` with serde_json and applies each
//! provider's documented billing to the fixture's raw usage numbers:
//! - OpenAI: `prompt_tokens` includes `cached_tokens`; `completion_tokens` includes
//!   `reasoning_tokens`. Cost = (prompt − cached)·input + cached·cache_read + completion·output.
//! - Anthropic: `input_tokens`, `cache_read_input_tokens` and `cache_creation_input_tokens`
//!   (split into `ephemeral_5m` / `ephemeral_1h`) are disjoint. Cost = input·input +
//!   read·cache_read + 5m·cache_write + 1h·cache_write_1h + output·output.
//! - Gemini: `promptTokenCount` includes `cachedContentTokenCount`; `thoughtsTokenCount` is
//!   outside `candidatesTokenCount` and billed as output. Cost = (prompt − cached)·input +
//!   cached·cache_read + (candidates + thoughts)·output.
//! - Long context: when the whole prompt (Anthropic: input + cache reads + cache writes;
//!   Gemini: `promptTokenCount`) exceeds 200,000 tokens, every rate is the model's
//!   `…_above_200k_tokens` rate.
//!
//! Streams and cancelled streams are in `cost_fixtures_stream.rs`.

use super::*;
use serde_json::Value;

/// Required agreement between the ledger and the reference, in USD.
pub const TOLERANCE_USD: f64 = 1e-9;

/// The bundled price file, read as plain JSON.
const PRICES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../pricing/data/prices.json");

/// The text of a fixture file under `tests/fixtures/usage/`.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/usage/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

/// A token count at `pointer` in a raw usage object (absent counts are 0).
pub fn count(usage: &Value, pointer: &str) -> f64 {
    usage.pointer(pointer).and_then(Value::as_u64).unwrap_or(0) as f64
}

/// One model's raw entry in the bundled price file, at its base or long-context rates.
pub struct Rates {
    key: String,
    entry: Value,
    tier: bool,
}

impl Rates {
    pub fn of(key: &str, above_200k: bool) -> Rates {
        let file: Value = serde_json::from_str(&std::fs::read_to_string(PRICES).unwrap()).unwrap();
        let entry = file["models"][key].clone();
        assert!(entry.is_object(), "{key} is in the bundled price file");
        Rates {
            key: key.into(),
            entry,
            tier: above_200k,
        }
    }

    /// USD per token for a LiteLLM price field; in the long-context tier its
    /// `_above_200k_tokens` variant, which the fixture's model must list.
    pub fn usd(&self, field: &str) -> f64 {
        let name = if self.tier {
            format!("{field}_above_200k_tokens")
        } else {
            field.to_string()
        };
        self.entry[&name]
            .as_f64()
            .unwrap_or_else(|| panic!("{} lists {name}", self.key))
    }

    /// The reference prices reasoning as output: true only if no separate price is listed.
    fn bills_reasoning_as_output(&self) -> bool {
        self.entry.get("output_cost_per_reasoning_token").is_none()
    }
}

/// OpenAI's bill for a raw `usage` object (none of the fixtures' models has a 200k tier).
pub fn openai_reference(key: &str, usage: &Value) -> f64 {
    let r = Rates::of(key, false);
    assert!(r.bills_reasoning_as_output());
    let prompt = count(usage, "/prompt_tokens");
    let cached = count(usage, "/prompt_tokens_details/cached_tokens");
    let completion = count(usage, "/completion_tokens");
    (prompt - cached) * r.usd("input_cost_per_token")
        + cached * r.usd("cache_read_input_token_cost")
        + completion * r.usd("output_cost_per_token")
}

/// Anthropic's bill for a raw `usage` object.
pub fn anthropic_reference(key: &str, usage: &Value) -> f64 {
    let input = count(usage, "/input_tokens");
    let read = count(usage, "/cache_read_input_tokens");
    let written = count(usage, "/cache_creation_input_tokens");
    let written_5m = count(usage, "/cache_creation/ephemeral_5m_input_tokens");
    let written_1h = count(usage, "/cache_creation/ephemeral_1h_input_tokens");
    assert_eq!(
        written_5m + written_1h,
        written,
        "the split covers every write"
    );
    let output = count(usage, "/output_tokens");
    let r = Rates::of(key, input + read + written > 200_000.0);
    input * r.usd("input_cost_per_token")
        + read * r.usd("cache_read_input_token_cost")
        + written_5m * r.usd("cache_creation_input_token_cost")
        + written_1h * r.usd("cache_creation_input_token_cost_above_1hr")
        + output * r.usd("output_cost_per_token")
}

/// Gemini's bill for a raw `usageMetadata` object.
pub fn gemini_reference(key: &str, usage: &Value) -> f64 {
    let prompt = count(usage, "/promptTokenCount");
    let cached = count(usage, "/cachedContentTokenCount");
    let candidates = count(usage, "/candidatesTokenCount");
    let thoughts = count(usage, "/thoughtsTokenCount");
    let r = Rates::of(key, prompt > 200_000.0);
    assert!(r.bills_reasoning_as_output());
    (prompt - cached) * r.usd("input_cost_per_token")
        + cached * r.usd("cache_read_input_token_cost")
        + (candidates + thoughts) * r.usd("output_cost_per_token")
}

/// An upstream answering every request with `body`; returns its base URL for `kind`.
pub async fn stub(kind: BackendKind, body: String, content_type: &'static str) -> String {
    let app = axum::Router::new().fallback(move || {
        let body = body.clone();
        async move { ([("content-type", content_type)], body) }
    });
    serve(kind, app).await
}

/// Serves `app` on 127.0.0.1; the base URL as a `kind` target expects it.
pub async fn serve(kind: BackendKind, app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let version = match kind {
        BackendKind::Anthropic => "",
        BackendKind::Gemini => "/v1beta",
        _ => "/v1",
    };
    format!("http://{addr}{version}")
}

/// A gateway whose only backend is the upstream at `url`.
pub async fn gateway_over(kind: BackendKind, url: &str) -> Harness {
    let t = target("Fixture", kind, url, &[("k", "k")]);
    start(vec![t], &[("k", "sk-fixture-key")]).await
}

/// The two caller formats.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CallerFormat {
    OpenAi,
    Anthropic,
}

pub const CALLER_FORMATS: [CallerFormat; 2] = [CallerFormat::OpenAi, CallerFormat::Anthropic];

/// Sends a chat request for `model` in `caller`'s format (streams ask for usage).
pub async fn send(
    h: &Harness,
    caller: CallerFormat,
    model: &str,
    stream: bool,
) -> reqwest::Response {
    let req = match caller {
        CallerFormat::OpenAi => {
            let mut body = openai_chat(model, stream);
            if stream {
                body["stream_options"] = serde_json::json!({"include_usage": true});
            }
            client()
                .post(format!("{}/v1/chat/completions", h.base))
                .bearer_auth(TOKEN)
                .json(&body)
        }
        CallerFormat::Anthropic => client()
            .post(format!("{}/v1/messages", h.base))
            .header("x-api-key", TOKEN)
            .json(&anthropic_msg(model, stream)),
    };
    req.send().await.unwrap()
}

/// Serves `file` from a `kind` upstream, calls `model` once from each caller format, and
/// returns (caller, body, ledger record) for each.
pub async fn run_fixture(
    kind: BackendKind,
    file: &str,
    model: &str,
    stream: bool,
) -> Vec<(CallerFormat, String, RequestRecord)> {
    let content_type = if stream {
        "text/event-stream"
    } else {
        "application/json"
    };
    let url = stub(kind, fixture(file), content_type).await;
    let h = gateway_over(kind, &url).await;
    let mut bodies = Vec::new();
    for caller in CALLER_FORMATS {
        let resp = send(&h, caller, model, stream).await;
        assert_eq!(resp.status(), 200, "{caller:?} caller is served {file}");
        bodies.push((caller, resp.text().await.unwrap()));
    }
    let recs = h.ledger.wait_for(CALLER_FORMATS.len()).await;
    assert_eq!(
        recs.len(),
        CALLER_FORMATS.len(),
        "one ledger row per request"
    );
    bodies
        .into_iter()
        .zip(recs)
        .map(|((caller, body), rec)| (caller, body, rec))
        .collect()
}

/// The recorded cost matches the reference to [`TOLERANCE_USD`].
pub fn assert_cost(rec: &RequestRecord, reference: f64, what: &str) {
    let recorded = rec.cost_usd.unwrap_or_else(|| panic!("{what}: priced"));
    assert!(
        (recorded - reference).abs() <= TOLERANCE_USD,
        "{what}: ledger ${recorded:.12} vs reference ${reference:.12} (Δ {:e})",
        recorded - reference
    );
}

/// The ledger's token columns: (input, output, cache read, cache write).
pub fn columns(rec: &RequestRecord) -> [u64; 4] {
    [
        rec.input_tokens,
        rec.output_tokens,
        rec.cache_read_tokens,
        rec.cache_write_tokens,
    ]
}

fn usage_of(file: &str, pointer: &str) -> Value {
    let v: Value = serde_json::from_str(&fixture(file)).unwrap();
    v.pointer(pointer).cloned().unwrap()
}

#[tokio::test]
async fn openai_cached_and_reasoning_tokens_are_each_priced_once() {
    let file = "openai_o4_mini_cached_reasoning.json";
    let usage = usage_of(file, "/usage");
    let reference = openai_reference("o4-mini", &usage);
    for (caller, _, rec) in run_fixture(BackendKind::OpenAi, file, "o4-mini", false).await {
        let what = format!("o4-mini for an {caller:?} caller");
        assert_cost(&rec, reference, &what);
        assert_eq!(
            columns(&rec),
            [5231 - 4992, 1874, 4992, 0],
            "{what}: input excludes the cached tokens, output includes reasoning"
        );
    }
}

#[tokio::test]
async fn anthropic_cache_reads_and_5m_and_1h_writes_are_priced_at_their_own_rates() {
    let file = "anthropic_sonnet_4_5_cache_5m_1h.json";
    let usage = usage_of(file, "/usage");
    let reference = anthropic_reference("claude-sonnet-4-5", &usage);
    let runs = run_fixture(BackendKind::Anthropic, file, "claude-sonnet-4-5", false).await;
    for (caller, body, rec) in runs {
        let what = format!("claude-sonnet-4-5 for an {caller:?} caller");
        assert_cost(&rec, reference, &what);
        assert_eq!(
            columns(&rec),
            [1843, 512, 24576, 6144],
            "{what}: Anthropic's counters map one to one"
        );
        if caller == CallerFormat::OpenAi {
            let v: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(
                v["usage"]["prompt_tokens"],
                1843 + 24576 + 6144,
                "{what}: the translated prompt counts every cached token once: {body}"
            );
        }
    }
}

#[tokio::test]
async fn an_anthropic_prompt_above_200k_prices_the_whole_request_at_the_long_context_tier() {
    let file = "anthropic_sonnet_4_5_long_context.json";
    let usage = usage_of(file, "/usage");
    let reference = anthropic_reference("claude-sonnet-4-5", &usage);
    let base = Rates::of("claude-sonnet-4-5", false).usd("input_cost_per_token");
    let tier = Rates::of("claude-sonnet-4-5", true).usd("input_cost_per_token");
    assert!(
        tier > base,
        "the fixture's model has a dearer long-context tier"
    );
    let runs = run_fixture(BackendKind::Anthropic, file, "claude-sonnet-4-5", false).await;
    for (caller, _, rec) in runs {
        let what = format!("205k-token prompt for an {caller:?} caller");
        assert_cost(&rec, reference, &what);
        assert_eq!(
            columns(&rec),
            [9000, 2000, 180_000, 16_000],
            "{what}: only 9,000 uncached tokens, but cache reads and writes count toward 200k"
        );
    }
}

#[tokio::test]
async fn gemini_cached_content_and_thoughts_are_each_priced_once() {
    let file = "gemini_2_5_pro_cached_thoughts.json";
    let usage = usage_of(file, "/usageMetadata");
    let reference = gemini_reference("gemini/gemini-2.5-pro", &usage);
    for (caller, _, rec) in run_fixture(BackendKind::Gemini, file, "gemini-2.5-pro", false).await {
        let what = format!("gemini-2.5-pro for an {caller:?} caller");
        assert_cost(&rec, reference, &what);
        assert_eq!(
            columns(&rec),
            [12288 - 8192, 412 + 1384, 8192, 0],
            "{what}: input excludes cached content, output adds the thoughts"
        );
    }
}

#[tokio::test]
async fn a_gemini_prompt_above_200k_prices_the_whole_request_at_the_long_context_tier() {
    let file = "gemini_2_5_pro_long_context.json";
    let usage = usage_of(file, "/usageMetadata");
    let reference = gemini_reference("gemini/gemini-2.5-pro", &usage);
    for (caller, _, rec) in run_fixture(BackendKind::Gemini, file, "gemini-2.5-pro", false).await {
        let what = format!("250k-token Gemini prompt for an {caller:?} caller");
        assert_cost(&rec, reference, &what);
        assert_eq!(
            columns(&rec),
            [50_000, 4_500, 200_000, 0],
            "{what}: the token columns"
        );
    }
}
