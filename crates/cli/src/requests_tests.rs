//! `requests`' argument parsing and its table, without a core.

use super::*;

fn record(inbound: &str, cost_usd: Option<f64>) -> RequestRecord {
    RequestRecord {
        id: "r1".into(),
        started_at: "2026-05-01T09:30:12.345Z".into(),
        token_name: Some("codex".into()),
        inbound: inbound.into(),
        requested_model: "gpt-4.1-mini".into(),
        backend: Some("OpenAI".into()),
        key_label: Some("default".into()),
        model: Some("gpt-4.1-mini".into()),
        status: 200,
        attempts: 1,
        latency_ms: 120,
        ttfb_ms: Some(80),
        input_tokens: 1200,
        output_tokens: 48,
        cost_usd,
        ..Default::default()
    }
}

#[test]
fn the_table_has_one_aligned_line_per_request() {
    let refused = RequestRecord {
        backend: None,
        status: 404,
        requested_model: "nope".into(),
        input_tokens: 0,
        output_tokens: 0,
        ..record("count_tokens", Some(0.0))
    };
    let text = table(&[record("responses", Some(0.00123)), refused]);
    assert_eq!(
        text,
        "STARTED               API           MODEL         BACKEND  STATUS  TOKENS   COST\n\
         2026-05-01 09:30:12Z  responses     gpt-4.1-mini  OpenAI   200     1200/48  $0.0012\n\
         2026-05-01 09:30:12Z  count_tokens  nope          -        404     0/0      $0.00\n"
    );
}

#[test]
fn an_unknown_price_is_never_shown_as_free() {
    assert_eq!(cost(None), "unknown");
    assert_eq!(cost(Some(f64::NAN)), "unknown");
    assert_eq!(cost(Some(0.0)), "$0.00");
    assert_eq!(cost(Some(0.00001)), "<$0.0001");
    assert_eq!(cost(Some(12.5)), "$12.50");
}

#[test]
fn json_rows_are_camel_case_with_the_ledger_rows_fields() {
    let v = serde_json::to_value([record("gemini", None)]).unwrap();
    let row = &v[0];
    for field in [
        "inbound",
        "inputTokens",
        "outputTokens",
        "costUsd",
        "status",
        "backend",
        "model",
        "requestedModel",
        "tokenName",
        "cache",
        "attemptList",
    ] {
        assert!(row.get(field).is_some(), "{field} missing from {row}");
    }
    assert_eq!(row["inbound"], "gemini");
    assert_eq!(row["inputTokens"], 1200, "tokens are plain integers");
    assert!(row["costUsd"].is_null(), "unpriced is null, never 0");
}
