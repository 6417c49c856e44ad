use super::*;
use crate::usage::ms_of;
use crate::{RequestRecord, Store};

/// 600 requests, one every 7 min 13.517 s from 2025-11-20 00:00:07.123 UTC (three days), some
/// unpriced, every third with reasoning.
fn ledger() -> Vec<RequestRecord> {
    (0..600u64)
        .map(|i| {
            let ms = 1_763_596_807_123 + i as i64 * 433_517;
            RequestRecord {
                id: format!("r{i:04}"),
                started_at: as_gateway_writes(ms),
                inbound: "responses".into(),
                requested_model: "gpt-5".into(),
                backend: Some("OpenAI".into()),
                model: Some("gpt-5".into()),
                status: if i % 10 == 0 { 429 } else { 200 },
                input_tokens: 1000 + i,
                output_tokens: 10 * i,
                cache_read_tokens: i % 7,
                cache_write_tokens: i % 5,
                reasoning_tokens: (i % 3 == 0).then_some(i),
                cost_usd: (i % 4 != 0).then_some(0.001 * i as f64),
                ..Default::default()
            }
        })
        .collect()
}

/// The time as the gateway writes it (RFC 3339, a zero fraction left out).
fn as_gateway_writes(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// The usage report's empty `gateway` row.
fn nothing() -> ToolUsageRow {
    ToolUsageRow {
        group: "gateway".into(),
        ..ToolUsageRow::default()
    }
}

fn brute(rows: &[RequestRecord], since: i64, until: i64) -> ToolUsageRow {
    let mut s = nothing();
    for r in rows {
        let at = ms_of(&r.started_at).unwrap();
        if at < since || at >= until {
            continue;
        }
        s.requests += 1;
        s.input_tokens += r.input_tokens;
        s.output_tokens += r.output_tokens;
        s.cache_read_tokens += r.cache_read_tokens;
        s.cache_write_tokens += r.cache_write_tokens;
        s.reasoning_tokens += r.reasoning_tokens.unwrap_or(0);
        s.cost_usd += r.cost_usd.unwrap_or(0.0);
        s.unpriced += u64::from(r.cost_usd.is_none());
    }
    s
}

#[test]
fn the_gateway_row_is_exact_to_the_millisecond_over_short_and_long_ranges() {
    let s = Store::open_in_memory().unwrap();
    let rows = ledger();
    s.ledger().insert_requests(&rows).unwrap();
    let start = 1_763_596_807_123i64;
    // Minutes and odd milliseconds: under a day (rows only) and over (hours and edge rows).
    // Bounds are a millisecond before a row or over a second after one: the ledger's text
    // leaves out trailing zeros of the fraction, so a row compares as up to a second later.
    let ranges = [
        (start + 60_000, start + 30 * 60_000),
        (start - 5, start + 1_500),
        (start + 433_516, start + 433_517 + 1_001),
        (start + 3_599_999, start + 7_200_001),
        (start + 17, start + 86_400_000 - 1),
        (start + 1_234_567, start + 86_400_000 + 1_234_567),
        (start + 60_000, start + 2 * 86_400_000 + 3_333),
        (0, i64::MAX / 4),
    ];
    for (since, until) in ranges {
        let got = s.ledger().gateway_spend(since, until).unwrap();
        let want = brute(&rows, since, until);
        assert!(
            (got.cost_usd - want.cost_usd).abs() < 1e-9,
            "{since}..{until}: {got:?} vs {want:?}"
        );
        assert_eq!(
            ToolUsageRow {
                cost_usd: 0.0,
                ..got
            },
            ToolUsageRow {
                cost_usd: 0.0,
                ..want
            },
            "{since}..{until}"
        );
    }
    // A range with nothing in it, and an empty one.
    assert_eq!(s.ledger().gateway_spend(0, 1000).unwrap(), nothing());
    assert_eq!(s.ledger().gateway_spend(start, start).unwrap(), nothing());
}
