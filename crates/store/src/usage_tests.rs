use super::*;
use crate::migrations::MIGRATIONS;
use crate::Store;

fn rec(id: usize, at: &str, backend: &str, model: &str, cost: Option<f64>) -> RequestRecord {
    RequestRecord {
        id: format!("r{id}"),
        started_at: at.into(),
        token_name: Some("cli".into()),
        inbound: "openai".into(),
        route: id.is_multiple_of(3).then(|| "fast".to_string()),
        requested_model: model.into(),
        backend: Some(backend.into()),
        model: Some(model.into()),
        status: if id.is_multiple_of(10) { 503 } else { 200 },
        attempts: 1,
        latency_ms: 100 + id as u32,
        input_tokens: 1000 + id as u64,
        output_tokens: 10 * id as u64,
        cache_read_tokens: id as u64 % 7,
        cache_write_tokens: id as u64 % 5,
        cost_usd: cost,
        cache: id.is_multiple_of(4).then(|| "hit".to_string()),
        saved_usd: id.is_multiple_of(4).then_some(0.5),
        ..Default::default()
    }
}

/// 300 requests over two days, three backends, some unpriced.
fn ledger() -> Vec<RequestRecord> {
    (0..300)
        .map(|i| {
            let at = format!(
                "2026-11-{:02}T{:02}:{:02}:00Z",
                20 + i / 150,
                (i / 7) % 24,
                i % 60
            );
            let backend = ["OpenAI", "Anthropic", "Groq"][i % 3];
            let cost = (backend != "Groq").then_some(0.001 * i as f64);
            rec(i, &at, backend, &format!("{backend}-model"), cost)
        })
        .collect()
}

fn raw_sum(rows: &[RequestRecord]) -> UsageTotals {
    let mut t = UsageTotals::default();
    rows.iter().for_each(|r| t.add(r));
    t
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

const ALL: (i64, i64) = (0, i64::MAX);

#[test]
fn rollups_add_up_to_the_raw_ledger_and_ignore_a_repeated_batch() {
    let s = Store::open_in_memory().unwrap();
    let rows = ledger();
    s.ledger().insert_requests(&rows[..200]).unwrap();
    s.ledger().insert_requests(&rows[100..]).unwrap(); // 100 repeated ids: skipped
    let t = s.ledger().usage_totals(ALL.0, ALL.1).unwrap();
    let want = raw_sum(&rows);
    assert_eq!(
        (
            t.requests,
            t.errors,
            t.cache_hits,
            t.input_tokens,
            t.output_tokens
        ),
        (300, 30, 75, want.input_tokens, want.output_tokens)
    );
    assert_eq!(
        (t.cache_read_tokens, t.cache_write_tokens),
        (want.cache_read_tokens, want.cache_write_tokens)
    );
    assert!(close(t.cost_usd, want.cost_usd) && close(t.saved_usd, 37.5));
    assert_eq!(t.unpriced, 100, "Groq has no price: counted, not $0");
    assert_eq!(t.latency_ms_sum, want.latency_ms_sum);
    let n: i64 = s
        .with(|c| Ok(c.query_row("SELECT COUNT(*) FROM requests", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(n, 300);
}

#[test]
fn breakdowns_and_series_match_the_raw_rows() {
    let s = Store::open_in_memory().unwrap();
    let rows = ledger();
    s.ledger().insert_requests(&rows).unwrap();
    let by = s
        .ledger()
        .usage_by(Dimension::Backend, ALL.0, ALL.1)
        .unwrap();
    assert_eq!(by.len(), 3);
    for (name, t) in &by {
        let mine: Vec<_> = rows
            .iter()
            .filter(|r| r.backend.as_deref() == Some(name))
            .cloned()
            .collect();
        assert_eq!(t.requests, mine.len() as u64);
        assert!(close(t.cost_usd, raw_sum(&mine).cost_usd));
    }
    assert!(by[0].1.cost_usd >= by[1].1.cost_usd, "costliest first");
    let routes = s.ledger().usage_by(Dimension::Route, ALL.0, ALL.1).unwrap();
    assert_eq!(
        routes.iter().find(|(r, _)| r == "fast").unwrap().1.requests,
        100
    );

    // Days in UTC: 150 requests each.
    let day = 86_400_000;
    let days = s.ledger().usage_series(ALL.0, ALL.1, day, 0, None).unwrap();
    assert_eq!(
        days.iter().map(|d| d.2.requests).collect::<Vec<_>>(),
        [150, 150]
    );
    assert_eq!(days[0].0, hour_of("2026-11-20T00:00:00Z").unwrap());
    // The same hours seen from UTC-5: the day boundary moves, the total does not.
    let shifted = s
        .ledger()
        .usage_series(ALL.0, ALL.1, day, -5 * 3_600_000, None)
        .unwrap();
    assert_eq!(shifted.len(), 3);
    assert_eq!(
        shifted[0].0,
        hour_of("2026-11-19T05:00:00Z").unwrap(),
        "local midnight in UTC"
    );
    assert_eq!(shifted.iter().map(|d| d.2.requests).sum::<u64>(), 300);
    let early: u64 = rows
        .iter()
        .filter(|r| r.started_at.as_str() < "2026-11-20T05:00:00Z")
        .count() as u64;
    assert_eq!(shifted[0].2.requests, early);
    // Split by backend and limited to the first day.
    let end = hour_of("2026-11-21T00:00:00Z").unwrap();
    let split = s
        .ledger()
        .usage_series(ALL.0, end, day, 0, Some(Dimension::Backend))
        .unwrap();
    assert_eq!(split.len(), 3);
    assert_eq!(split.iter().map(|d| d.2.requests).sum::<u64>(), 150);
    assert!(matches!(
        s.ledger().usage_series(ALL.0, ALL.1, 1000, 0, None),
        Err(StoreError::Invalid(_))
    ));
}

#[test]
fn upgrading_fills_the_rollups_from_the_existing_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        for m in &MIGRATIONS[..6] {
            c.execute_batch(m).unwrap();
        }
        c.pragma_update(None, "user_version", 6).unwrap();
        for (i, at) in [
            "2026-11-20T10:15:00Z",
            "2026-11-20T10:45:00.123Z",
            "2026-11-20T11:00:00Z",
        ]
        .iter()
        .enumerate()
        {
            c.execute(
                "INSERT INTO requests (id, started_at, inbound, requested_model, backend, model,
                   status, attempts, latency_ms, input_tokens, output_tokens, cache_read_tokens,
                   cache_write_tokens, cost_usd, streamed, cache, saved_usd)
                 VALUES (?1, ?2, 'openai', 'm', 'B', 'm', 200, 1, 10, 100, 20, 0, 0, ?3, 0, NULL, NULL)",
                rusqlite::params![format!("old{i}"), at, (i != 2).then_some(0.25)],
            )
            .unwrap();
        }
    }
    let s = Store::open(&path).unwrap();
    let t = s.ledger().usage_totals(ALL.0, ALL.1).unwrap();
    assert_eq!((t.requests, t.input_tokens, t.unpriced), (3, 300, 1));
    assert!(close(t.cost_usd, 0.5));
    let hours = s
        .ledger()
        .usage_series(ALL.0, ALL.1, 3_600_000, 0, None)
        .unwrap();
    assert_eq!(
        hours.iter().map(|h| h.2.requests).collect::<Vec<_>>(),
        [2, 1]
    );
    let by_route = s.ledger().usage_by(Dimension::Route, ALL.0, ALL.1).unwrap();
    assert_eq!(
        (by_route[0].0.as_str(), by_route[0].1),
        ("", t),
        "no route, all three"
    );
    let split = s
        .ledger()
        .usage_series(ALL.0, ALL.1, 3_600_000, 0, Some(Dimension::Token))
        .unwrap();
    assert_eq!(split.len(), 2);
}

/// The ledger with each request in one of the APIs callers use.
fn ledger_by_api() -> Vec<RequestRecord> {
    let apis = [
        "openai",
        "responses",
        "anthropic",
        "gemini",
        "embeddings",
        "count_tokens",
    ];
    ledger()
        .into_iter()
        .enumerate()
        .map(|(i, r)| RequestRecord {
            inbound: apis[i % apis.len()].into(),
            ..r
        })
        .collect()
}

#[test]
fn every_new_request_lands_in_the_rollup_of_its_api() {
    let s = Store::open_in_memory().unwrap();
    let rows = ledger_by_api();
    s.ledger().insert_requests(&rows).unwrap();
    let by = s
        .ledger()
        .usage_by(Dimension::Inbound, ALL.0, ALL.1)
        .unwrap();
    assert_eq!(by.len(), 6, "one row per API: {by:?}");
    for (api, t) in &by {
        let mine: Vec<_> = rows.iter().filter(|r| &r.inbound == api).cloned().collect();
        let want = raw_sum(&mine);
        assert_eq!(
            UsageTotals {
                cost_usd: 0.0,
                saved_usd: 0.0,
                ..*t
            },
            UsageTotals {
                cost_usd: 0.0,
                saved_usd: 0.0,
                ..want
            },
            "{api}"
        );
        assert!(close(t.cost_usd, want.cost_usd), "{api}");
    }
    let total: u64 = by.iter().map(|(_, t)| t.requests).sum();
    assert_eq!(total, 300, "every request in exactly one API");
    let series = s
        .ledger()
        .usage_series(ALL.0, ALL.1, 86_400_000, 0, Some(Dimension::Inbound))
        .unwrap();
    assert_eq!(series.iter().map(|p| p.2.requests).sum::<u64>(), 300);
}

#[test]
fn upgrading_fills_the_api_rollup_exactly_as_new_requests_are_rolled_up() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v10.sqlite");
    let rows = ledger_by_api();
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        for m in &MIGRATIONS[..10] {
            c.execute_batch(m).unwrap();
        }
        c.pragma_update(None, "user_version", 10).unwrap();
        // The raw rows as version 10 kept them (its rollups are not what this test reads).
        let mut ins = c
            .prepare(&format!(
                "INSERT INTO requests ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,
                 ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
                // Version 10 had no provider or client id and no split of the tokens priced apart.
                crate::ledger::COLUMNS.trim_end_matches(
                    ", provider_id, cache_write_1h_tokens, reasoning_tokens, client_id"
                )
            ))
            .unwrap();
        for r in &rows {
            ins.execute(rusqlite::params![
                r.id,
                r.started_at,
                r.token_name,
                r.inbound,
                r.route,
                r.requested_model,
                r.backend,
                r.key_label,
                r.model,
                r.status,
                r.error_class.map(|c| c.as_str()),
                r.reason,
                r.attempts,
                r.latency_ms,
                r.ttfb_ms,
                r.input_tokens as i64,
                r.output_tokens as i64,
                r.cache_read_tokens as i64,
                r.cache_write_tokens as i64,
                r.cost_usd,
                r.streamed,
                r.cache,
                r.saved_usd
            ])
            .unwrap();
        }
        ins.execute(rusqlite::params![
            "bad",
            "yesterday",
            None::<String>,
            "openai",
            None::<String>,
            "m",
            None::<String>,
            None::<String>,
            None::<String>,
            200,
            None::<String>,
            None::<String>,
            1,
            1,
            None::<u32>,
            0,
            0,
            0,
            0,
            None::<f64>,
            false,
            None::<String>,
            None::<f64>
        ])
        .unwrap();
    }
    let upgraded = Store::open(&path).unwrap();
    let fresh = Store::open_in_memory().unwrap();
    fresh.ledger().insert_requests(&rows).unwrap();
    let (a, b) = (
        upgraded
            .ledger()
            .usage_by(Dimension::Inbound, ALL.0, ALL.1)
            .unwrap(),
        fresh
            .ledger()
            .usage_by(Dimension::Inbound, ALL.0, ALL.1)
            .unwrap(),
    );
    assert_eq!(a.len(), 6);
    for ((api_a, ta), (api_b, tb)) in a.iter().zip(&b) {
        assert_eq!(api_a, api_b);
        assert!(close(ta.cost_usd, tb.cost_usd) && close(ta.saved_usd, tb.saved_usd));
        assert_eq!(
            UsageTotals {
                cost_usd: 0.0,
                saved_usd: 0.0,
                ..*ta
            },
            UsageTotals {
                cost_usd: 0.0,
                saved_usd: 0.0,
                ..*tb
            },
            "the SQL backfill sums {api_a} as the Rust rollup does"
        );
    }
    let hours = |s: &Store| {
        s.ledger()
            .usage_series(ALL.0, ALL.1, 3_600_000, 0, Some(Dimension::Inbound))
            .unwrap()
            .into_iter()
            .map(|(h, k, t)| (h, k, t.requests))
            .collect::<Vec<_>>()
    };
    assert_eq!(hours(&upgraded), hours(&fresh), "the same hours, too");
}
