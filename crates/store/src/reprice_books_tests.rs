use super::*;
use crate::{Dimension, RequestFilter, Store, UsageTotals};

const ALL: (i64, i64) = (0, i64::MAX);

/// The books' name for a model (as `switchyard_books::compare::model_key`, for the test).
fn key_of(model: &str) -> String {
    let m = model.to_ascii_lowercase();
    for tail in ["-2024-07-18", "-20250929"] {
        if let Some(head) = m.strip_suffix(tail) {
            return head.to_string();
        }
    }
    m
}

/// 200 requests over two days and every hour: two keys, three model names (two of them the
/// same model for the books), some failed, cache hits and shares, count_tokens, unpriced.
fn ledger() -> Vec<RequestRecord> {
    (0..200usize)
        .map(|i| RequestRecord {
            id: format!("r{i}"),
            started_at: format!(
                "2026-11-{:02}T{:02}:{:02}:{:02}.25Z",
                19 + i % 2,
                i % 24,
                (i * 7) % 60,
                i % 60
            ),
            token_name: Some(format!("tool{}", i % 3)),
            inbound: if i % 13 == 0 {
                "count_tokens"
            } else {
                "openai"
            }
            .into(),
            route: (i % 5 == 0).then(|| "fast".to_string()),
            requested_model: "gpt".into(),
            backend: Some(if i % 9 == 0 { "Other" } else { "OpenAI" }.into()),
            key_label: Some(if i % 4 == 0 { "b" } else { "a" }.into()),
            model: Some(["gpt-4o-mini", "gpt-4o-mini-2024-07-18", "gpt-4o"][i % 3].to_string()),
            status: if i % 10 == 7 { 500 } else { 200 },
            attempts: 1,
            latency_ms: 100,
            input_tokens: 1000 + i as u64,
            output_tokens: 10 * i as u64,
            cost_usd: (i % 17 != 0).then_some(0.001 * (i + 1) as f64),
            cache: match i % 7 {
                1 => Some("hit".to_string()),
                3 => Some("shared".to_string()),
                5 => Some("miss".to_string()),
                _ => None,
            },
            ..Default::default()
        })
        .collect()
}

type Breakdown = Vec<(String, UsageTotals)>;

/// Costs and totals from every rollup the pages read, and the rows themselves.
fn views(s: &Store) -> (UsageTotals, Vec<Breakdown>, Vec<RequestRecord>) {
    let by = [
        Dimension::Backend,
        Dimension::Model,
        Dimension::Route,
        Dimension::Token,
        Dimension::Inbound,
    ]
    .into_iter()
    .map(|d| s.ledger().usage_by(d, ALL.0, ALL.1).unwrap())
    .chain([s.ledger().cache_usage_by_route(ALL.0, ALL.1).unwrap()])
    .collect();
    let mut rows = s
        .ledger()
        .recent_requests(&RequestFilter {
            limit: 1000,
            ..Default::default()
        })
        .unwrap();
    rows.sort_by(|a, b| a.id.cmp(&b.id));
    (s.ledger().usage_totals(ALL.0, ALL.1).unwrap(), by, rows)
}

fn close(a: f64, b: f64, what: &str) {
    assert!((a - b).abs() < 1e-9, "{what}: {a} vs {b}");
}

#[test]
fn the_books_grains_rows_and_their_rollups_are_scaled_together_and_nothing_else() {
    let s = Store::open_in_memory().unwrap();
    let rows = ledger();
    s.ledger().insert_requests(&rows).unwrap();
    let grain = |day: &str, label: &str, model: &str, factor: f64| BooksFactor {
        day: day.into(),
        backend: "OpenAI".into(),
        key_label: label.into(),
        model: model.into(),
        factor,
    };
    let grains = [
        grain("2026-11-20", "a", "gpt-4o-mini", 1.5),
        grain("2026-11-19", "b", "gpt-4o", 0.5),
        // Skipped: not a factor a cost can be scaled by.
        grain("2026-11-19", "a", "gpt-4o", f64::NAN),
        grain("2026-11-19", "a", "gpt-4o-mini", 0.0),
    ];
    let done = s.ledger().reprice_from_books(&grains, key_of).unwrap();
    // What it should have done, row by row.
    let factor = |r: &RequestRecord| {
        let counted = r.status < 400
            && r.inbound != "count_tokens"
            && !matches!(r.cache.as_deref(), Some("hit" | "shared"))
            && r.backend.as_deref() == Some("OpenAI");
        let model = key_of(r.model.as_deref().unwrap_or_default());
        let label = r.key_label.as_deref().unwrap_or_default();
        match (counted, &r.started_at[..10], label, model.as_str()) {
            (true, "2026-11-20", "a", "gpt-4o-mini") => Some(1.5),
            (true, "2026-11-19", "b", "gpt-4o") => Some(0.5),
            _ => None,
        }
    };
    let want: Vec<RequestRecord> = rows
        .iter()
        .map(|r| RequestRecord {
            cost_usd: r.cost_usd.map(|c| c * factor(r).unwrap_or(1.0)),
            ..r.clone()
        })
        .collect();
    let touched: Vec<&RequestRecord> = rows
        .iter()
        .filter(|r| r.cost_usd.is_some() && factor(r).is_some())
        .collect();
    assert!(touched.len() > 10, "the test's grains hold rows");
    // Both model names of the same model were scaled.
    assert!(touched
        .iter()
        .any(|r| r.model.as_deref() == Some("gpt-4o-mini-2024-07-18")));
    assert_eq!(done.rows, touched.len() as u64);
    let before: f64 = touched.iter().filter_map(|r| r.cost_usd).sum();
    let after: f64 = touched
        .iter()
        .filter_map(|r| Some(r.cost_usd? * factor(r)?))
        .sum();
    close(done.before_usd, before, "before");
    close(done.after_usd, after, "after");

    // The rows and every rollup are as if the new costs had been recorded at once.
    let reference = Store::open_in_memory().unwrap();
    reference.ledger().insert_requests(&want).unwrap();
    let (got, want) = (views(&s), views(&reference));
    close(got.0.cost_usd, want.0.cost_usd, "totals");
    assert_eq!(
        got.0.unpriced, want.0.unpriced,
        "unpriced rows stay unpriced"
    );
    for (g, w) in got.1.iter().zip(&want.1) {
        assert_eq!(g.len(), w.len());
        for ((gk, gt), (wk, wt)) in g.iter().zip(w) {
            assert_eq!(gk, wk);
            close(gt.cost_usd, wt.cost_usd, gk);
            assert_eq!(gt.unpriced, wt.unpriced, "{gk}");
        }
    }
    assert_eq!(got.2.len(), want.2.len());
    for (g, w) in got.2.iter().zip(&want.2) {
        assert_eq!(g.cost_usd.is_some(), w.cost_usd.is_some(), "{}", g.id);
        close(g.cost_usd.unwrap_or(0.0), w.cost_usd.unwrap_or(0.0), &g.id);
        // Everything else (other keys, models, days, cache hits) is exactly as it was.
        if factor(w).is_none() {
            assert_eq!(g, w);
        }
    }
}
