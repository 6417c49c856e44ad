//! Cost fixtures for streams: a whole OpenAI stream (usage in its final chunk) and a whole
//! Anthropic stream (input side in `message_start`, output total in `message_delta`), and the
//! same streams cut off by a client that hangs up. The reference is the one in
//! `cost_fixtures.rs`: raw prices from `prices.json`, the provider's own billing arithmetic.
//!
//! A cancelled stream is priced from what the ledger recorded: the input side the provider
//! reported before the cut, and the output it reported, or, when it reported none, the
//! gateway's estimate from the text it forwarded (4 characters a token, rounded up).

use super::cost_fixtures::*;
use super::*;
use bytes::Bytes;
use futures_util::StreamExt;
use serde_json::Value;
use std::time::Duration;

/// The JSON payloads of an SSE text (`[DONE]` skipped).
fn sse_data(sse: &str) -> Vec<Value> {
    sse.lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .filter(|d| *d != "[DONE]")
        .map(|d| serde_json::from_str(d).unwrap())
        .collect()
}

/// Characters of answer text in an SSE text, as either provider streams them.
fn text_chars(sse: &str) -> usize {
    sse_data(sse)
        .iter()
        .filter_map(|v| {
            v.pointer("/delta/text")
                .or_else(|| v.pointer("/choices/0/delta/content"))
                .and_then(Value::as_str)
        })
        .map(|t| t.chars().count())
        .sum()
}

/// The text of `file` before the first line containing `marker`.
fn before(file: &str, marker: &str) -> String {
    let sse = fixture(file);
    let at = sse
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {file}"));
    let line_start = sse[..at].rfind('\n').map_or(0, |i| i + 1);
    sse[..line_start].to_string()
}

/// An upstream that sends `prefix`, then `keepalive` every 20 ms and never ends: a provider
/// still thinking when the client gives up.
async fn hanging_stub(kind: BackendKind, prefix: String, keepalive: &'static str) -> String {
    let app = axum::Router::new().fallback(move || {
        let prefix = Bytes::from(prefix.clone());
        async move {
            let head = futures_util::stream::once(async move { prefix });
            let tail = futures_util::stream::unfold((), move |()| async move {
                tokio::time::sleep(Duration::from_millis(20)).await;
                Some((Bytes::from_static(keepalive.as_bytes()), ()))
            });
            let body = head.chain(tail).map(Ok::<_, std::convert::Infallible>);
            (
                [("content-type", "text/event-stream")],
                axum::body::Body::from_stream(body),
            )
        }
    });
    serve(kind, app).await
}

/// Streams `model` from `caller` until `needle` has arrived, then hangs up; returns the
/// ledger row the gateway writes for the abandoned request.
async fn hang_up_after(
    h: &Harness,
    caller: CallerFormat,
    model: &str,
    needle: &str,
) -> RequestRecord {
    let resp = send(h, caller, model, true).await;
    assert_eq!(resp.status(), 200, "the stream starts");
    let mut body = resp.bytes_stream();
    let mut seen = String::new();
    while !seen.contains(needle) {
        let chunk = tokio::time::timeout(Duration::from_secs(5), body.next())
            .await
            .expect("the stream keeps coming")
            .expect("the stream is not over")
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    drop(body);
    let recs = h.ledger.wait_for(1).await;
    assert_eq!(recs.len(), 1, "the abandoned request has a ledger row");
    recs.into_iter().next().unwrap()
}

#[tokio::test]
async fn an_openai_stream_is_priced_from_its_final_usage_chunk() {
    let file = "openai_gpt_4_1_stream.sse";
    let usage = sse_data(&fixture(file))
        .into_iter()
        .find_map(|v| v.get("usage").filter(|u| u.is_object()).cloned())
        .unwrap();
    let reference = openai_reference("gpt-4.1", &usage);
    for (caller, body, rec) in run_fixture(BackendKind::OpenAi, file, "gpt-4.1", true).await {
        let what = format!("gpt-4.1 stream for an {caller:?} caller");
        assert!(body.contains("right track"), "{what}: the answer arrives");
        assert!(rec.streamed && rec.status == 200, "{what}: {rec:?}");
        assert_cost(&rec, reference, &what);
        assert_eq!(
            columns(&rec),
            [2843 - 2560, 27, 2560, 0],
            "{what}: input excludes the cached tokens"
        );
    }
}

#[tokio::test]
async fn an_anthropic_stream_is_priced_from_message_start_and_message_delta() {
    let file = "anthropic_sonnet_4_5_stream.sse";
    let events = sse_data(&fixture(file));
    let mut usage = events[0]["message"]["usage"].clone();
    let delta = events
        .iter()
        .find(|v| v["type"] == "message_delta")
        .unwrap();
    // message_delta's output_tokens is the running total, replacing message_start's.
    usage["output_tokens"] = delta["usage"]["output_tokens"].clone();
    let reference = anthropic_reference("claude-sonnet-4-5", &usage);
    let runs = run_fixture(BackendKind::Anthropic, file, "claude-sonnet-4-5", true).await;
    for (caller, body, rec) in runs {
        let what = format!("claude-sonnet-4-5 stream for an {caller:?} caller");
        assert!(body.contains("routed to."), "{what}: the answer arrives");
        assert!(rec.streamed && rec.status == 200, "{what}: {rec:?}");
        assert_cost(&rec, reference, &what);
        assert_eq!(
            columns(&rec),
            [2210, 86, 16384, 3072],
            "{what}: input side from message_start, output from message_delta"
        );
    }
}

/// The Anthropic stream fixture up to its `message_delta`: everything but the final usage.
const ANTHROPIC_CUT: &str = "event: message_delta";
const PING: &str = "event: ping\ndata: {\"type\": \"ping\"}\n\n";

/// The Anthropic stream fixture up to [`ANTHROPIC_CUT`], then pings, hung up by the caller after
/// "routed to.": the part the upstream sent, and the record.
async fn cancelled_anthropic_stream() -> (String, RequestRecord) {
    let prefix = before("anthropic_sonnet_4_5_stream.sse", ANTHROPIC_CUT);
    let url = hanging_stub(BackendKind::Anthropic, prefix.clone(), PING).await;
    let h = gateway_over(BackendKind::Anthropic, &url).await;
    let model = "claude-sonnet-4-5";
    let rec = hang_up_after(&h, CallerFormat::Anthropic, model, "routed to.").await;
    (prefix, rec)
}

fn assert_abandoned_by_the_client(rec: &RequestRecord) {
    assert_eq!(
        rec.error_class.map(|c| c.as_str()),
        Some("client_disconnected"),
        "recorded as abandoned by the client: {rec:?}"
    );
}

/// The cut stream's cost is the `reference` price of what was recorded, and not zero.
fn assert_priced_and_not_free(rec: &RequestRecord, reference: f64, what: &str) {
    assert_cost(rec, reference, what);
    assert!(
        rec.cost_usd.is_some_and(|c| c > 0.0),
        "a cut stream is not free"
    );
}

#[tokio::test]
async fn a_cancelled_anthropic_stream_is_recorded_with_its_input_side_priced() {
    let (prefix, rec) = cancelled_anthropic_stream().await;
    let start_usage = sse_data(&prefix)[0]["message"]["usage"].clone();
    assert_abandoned_by_the_client(&rec);
    assert!(rec.streamed, "recorded as streamed");
    assert_eq!(
        [
            rec.input_tokens,
            rec.cache_read_tokens,
            rec.cache_write_tokens
        ],
        [2210, 16384, 3072],
        "message_start's input side is kept"
    );
    assert!(rec.output_tokens >= 1, "some output is counted: {rec:?}");
    let mut recorded = start_usage;
    recorded["output_tokens"] = rec.output_tokens.into();
    let reference = anthropic_reference("claude-sonnet-4-5", &recorded);
    assert_priced_and_not_free(&rec, reference, "cancelled Anthropic stream");
}

/// message_start's placeholder `output_tokens: 1` must not stop the forwarded-text estimate: a
/// stream cut after ~200 characters of answer counts them (it used to record 1 output token).
#[tokio::test]
async fn a_cancelled_anthropic_stream_counts_the_text_it_forwarded() {
    let (prefix, rec) = cancelled_anthropic_stream().await;
    let estimate = text_chars(&prefix).div_ceil(4) as u64;
    assert!(
        rec.output_tokens >= estimate,
        "the {estimate} tokens of text forwarded are counted, not message_start's placeholder: {rec:?}"
    );
}

#[tokio::test]
async fn a_cancelled_openai_stream_prices_the_output_estimated_from_the_forwarded_text() {
    let file = "openai_gpt_4_1_stream.sse";
    // Cut before the chunk carrying finish_reason: all the text, no usage.
    let prefix = before(file, r#""finish_reason":"stop""#);
    let estimate = text_chars(&prefix).div_ceil(4) as u64;
    let url = hanging_stub(BackendKind::OpenAi, prefix, ": keep-alive\n\n").await;
    let h = gateway_over(BackendKind::OpenAi, &url).await;

    let rec = hang_up_after(&h, CallerFormat::OpenAi, "gpt-4.1", "right track.").await;
    assert_abandoned_by_the_client(&rec);
    assert_eq!(
        [
            rec.output_tokens,
            rec.cache_read_tokens,
            rec.cache_write_tokens
        ],
        [estimate, 0, 0],
        "no usage chunk came: output is estimated from the text forwarded"
    );
    // OpenAI reports usage only at the end, so the input side is whatever the gateway recorded
    // without it (today 0: unknown, so unpriced).
    let recorded = serde_json::json!({
        "prompt_tokens": rec.input_tokens,
        "completion_tokens": rec.output_tokens,
    });
    let reference = openai_reference("gpt-4.1", &recorded);
    assert_priced_and_not_free(&rec, reference, "cancelled OpenAI stream");
}

/// A whole stream passed through, last event included, from a provider that then keeps the
/// connection open (pings): the caller, holding the whole answer, hangs up. A success, priced
/// in full — not a disconnect (Codex does this after `response.completed`).
#[tokio::test]
async fn a_caller_hanging_up_after_the_last_event_is_a_success() {
    let cases = [
        (
            BackendKind::Anthropic,
            "anthropic_sonnet_4_5_stream.sse",
            CallerFormat::Anthropic,
            "claude-sonnet-4-5",
            "message_stop",
            PING,
        ),
        (
            BackendKind::OpenAi,
            "openai_gpt_4_1_stream.sse",
            CallerFormat::OpenAi,
            "gpt-4.1",
            "[DONE]",
            ": keep-alive\n\n",
        ),
    ];
    for (kind, file, caller, model, last, keepalive) in cases {
        let url = hanging_stub(kind, fixture(file), keepalive).await;
        let h = gateway_over(kind, &url).await;
        let rec = hang_up_after(&h, caller, model, last).await;
        assert_eq!(
            (rec.status, rec.error_class),
            (200, None),
            "{file}: {rec:?}"
        );
        assert!(
            rec.output_tokens > 0 && rec.cost_usd.is_some_and(|c| c > 0.0),
            "{file}: {rec:?}"
        );
    }
    // Cut before its last event, the same caller hanging up is still a disconnect.
    let file = "anthropic_sonnet_4_5_stream.sse";
    let url = hanging_stub(
        BackendKind::Anthropic,
        before(file, "event: message_stop"),
        PING,
    )
    .await;
    let h = gateway_over(BackendKind::Anthropic, &url).await;
    let rec = hang_up_after(
        &h,
        CallerFormat::Anthropic,
        "claude-sonnet-4-5",
        "message_delta",
    )
    .await;
    assert_abandoned_by_the_client(&rec);
}
