use super::*;
use crate::Store;
use crate::{Dimension, UsageTotals};

const ALL: (i64, i64) = (0, i64::MAX);

fn rec(i: usize, backend: &str, cost: Option<f64>) -> RequestRecord {
    RequestRecord {
        id: format!("r{i}"),
        // Three days, every hour, minutes varying; one row on an exact hour boundary.
        started_at: format!(
            "2026-11-{:02}T{:02}:{:02}:{:02}.5Z",
            19 + i % 3,
            i % 24,
            (i * 7) % 60,
            i % 60
        ),
        token_name: (!i.is_multiple_of(4)).then(|| format!("tool{}", i % 3)),
        inbound: ["openai", "responses", "anthropic", "gemini"][i % 4].into(),
        route: (i.is_multiple_of(5)).then(|| "fast".to_string()),
        requested_model: format!("{backend}-asked"),
        backend: (!i.is_multiple_of(11)).then(|| backend.to_string()),
        model: (!i.is_multiple_of(7)).then(|| format!("{backend}-model")),
        status: if i.is_multiple_of(10) { 503 } else { 200 },
        attempts: 1,
        latency_ms: 100,
        input_tokens: 1000 + i as u64,
        output_tokens: 10 * i as u64,
        cost_usd: cost,
        cache: (i.is_multiple_of(2)).then(|| "miss".to_string()),
        ..Default::default()
    }
}

/// 240 requests; the "House" backend's have no price.
fn ledger() -> Vec<RequestRecord> {
    (0..240usize)
        .map(|i| {
            let house = i.is_multiple_of(3);
            let backend = if house { "House" } else { "OpenAI" };
            rec(i, backend, (!house).then_some(0.001 * i as f64))
        })
        .collect()
}

/// The price the test sets for House's models: $1 per M input, $4 per M output.
fn house_price(r: &RequestRecord) -> Option<f64> {
    (r.backend.as_deref() == Some("House") || r.requested_model == "House-asked")
        .then_some(r.input_tokens as f64 * 1e-6 + r.output_tokens as f64 * 4e-6)
}

fn any(_: &str, _: &str) -> bool {
    true
}

type Breakdown = Vec<(String, UsageTotals)>;

/// Everything the Costs and Cache pages read.
fn views(s: &Store) -> (UsageTotals, Vec<Breakdown>, Vec<(i64, String, UsageTotals)>) {
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
    let series = s
        .ledger()
        .usage_series(ALL.0, ALL.1, 3_600_000, 0, Some(Dimension::Model))
        .unwrap();
    (s.ledger().usage_totals(ALL.0, ALL.1).unwrap(), by, series)
}

fn assert_same(a: &UsageTotals, b: &UsageTotals, what: &str) {
    assert!(
        (a.cost_usd - b.cost_usd).abs() < 1e-9,
        "{what}: {a:?} vs {b:?}"
    );
    assert_eq!(
        UsageTotals {
            cost_usd: 0.0,
            ..*a
        },
        UsageTotals {
            cost_usd: 0.0,
            ..*b
        },
        "{what}"
    );
}

/// Every page's figures of `got` equal `want`'s.
fn same_views(got: &Store, want: &Store) {
    let (got, want) = (views(got), views(want));
    assert_same(&got.0, &want.0, "totals");
    assert_eq!(got.0.unpriced, want.0.unpriced);
    for (g, w) in got.1.iter().zip(&want.1) {
        assert_eq!(g.len(), w.len());
        for ((gk, gt), (wk, wt)) in g.iter().zip(w) {
            assert_eq!(gk, wk);
            assert_same(gt, wt, gk);
        }
    }
    assert_eq!(got.2.len(), want.2.len());
    for (g, w) in got.2.iter().zip(&want.2) {
        assert_eq!((g.0, &g.1), (w.0, &w.1));
        assert_same(&g.2, &w.2, &g.1);
    }
}

#[test]
fn repricing_a_period_on_request_rewrites_its_costs_and_rollups_and_nothing_outside_it() {
    let s = Store::open_in_memory().unwrap();
    let rows = ledger();
    s.ledger().insert_requests(&rows).unwrap();
    // New prices: OpenAI's at $2/$8 per M, House priced; a model still unknown keeps its cost.
    let newer = |r: &RequestRecord| match r.backend.as_deref() {
        Some("OpenAI") => Some(r.input_tokens as f64 * 2e-6 + r.output_tokens as f64 * 8e-6),
        _ => house_price(r),
    };
    // 2026-11-20 only (Unix ms of its midnight and the next).
    let (from, until) = (1_795_132_800_000, 1_795_219_200_000);
    let inside = |r: &RequestRecord| r.started_at.starts_with("2026-11-20");
    let done = s.ledger().reprice_period(from, until, newer).unwrap();
    let want_rows: Vec<RequestRecord> = rows
        .iter()
        .map(|r| RequestRecord {
            cost_usd: if inside(r) {
                newer(r).or(r.cost_usd)
            } else {
                r.cost_usd
            },
            ..r.clone()
        })
        .collect();
    assert_eq!(
        done.requests,
        rows.iter().filter(|r| inside(r)).count() as u64
    );
    let changed = rows
        .iter()
        .filter(|r| inside(r) && newer(r).is_some_and(|n| r.cost_usd != Some(n)))
        .count() as u64;
    assert_eq!(done.changed, changed);
    let before: f64 = rows.iter().filter_map(|r| r.cost_usd).sum();
    let after: f64 = want_rows.iter().filter_map(|r| r.cost_usd).sum();
    assert!((done.delta_usd - (after - before)).abs() < 1e-9, "{done:?}");
    let reference = Store::open_in_memory().unwrap();
    reference.ledger().insert_requests(&want_rows).unwrap();
    same_views(&s, &reference);
    // Again at the same prices: nothing changes.
    assert_eq!(
        s.ledger()
            .reprice_period(from, until, newer)
            .unwrap()
            .changed,
        0
    );
}

#[test]
fn repricing_moves_the_cost_into_every_rollup_as_if_it_had_been_priced_at_once() {
    let s = Store::open_in_memory().unwrap();
    let rows = ledger();
    s.ledger().insert_requests(&rows).unwrap();
    assert_eq!(s.ledger().usage_totals(ALL.0, ALL.1).unwrap().unpriced, 80);

    assert_eq!(s.ledger().reprice_unpriced(any, house_price).unwrap(), 80);
    assert_eq!(
        s.ledger().reprice_unpriced(any, house_price).unwrap(),
        0,
        "nothing left"
    );

    // The reference: the same ledger recorded with the price in force from the start.
    let priced: Vec<RequestRecord> = rows
        .iter()
        .map(|r| RequestRecord {
            cost_usd: r.cost_usd.or_else(|| house_price(r)),
            ..r.clone()
        })
        .collect();
    let reference = Store::open_in_memory().unwrap();
    reference.ledger().insert_requests(&priced).unwrap();
    same_views(&s, &reference);
    let mut ledger_costs: Vec<(String, Option<f64>)> = s
        .ledger()
        .recent_requests(&crate::RequestFilter {
            limit: 1000,
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|r| (r.id, r.cost_usd))
        .collect();
    ledger_costs.sort_by(|a, b| a.0.cmp(&b.0));
    let mut want_costs: Vec<(String, Option<f64>)> =
        priced.into_iter().map(|r| (r.id, r.cost_usd)).collect();
    want_costs.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(ledger_costs, want_costs);
}

#[test]
fn a_model_still_without_a_price_or_a_bad_price_stays_unpriced_and_recorded_costs_never_change() {
    let s = Store::open_in_memory().unwrap();
    let rows = ledger();
    s.ledger().insert_requests(&rows).unwrap();
    let before = s.ledger().usage_totals(ALL.0, ALL.1).unwrap();
    for bad in [None, Some(-1.0), Some(f64::NAN), Some(f64::INFINITY)] {
        assert_eq!(s.ledger().reprice_unpriced(any, |_| bad).unwrap(), 0);
    }
    assert_eq!(s.ledger().usage_totals(ALL.0, ALL.1).unwrap(), before);
    // A price for every model reprices only the unpriced rows.
    assert_eq!(s.ledger().reprice_unpriced(any, |_| Some(1.0)).unwrap(), 80);
    let after = s.ledger().usage_totals(ALL.0, ALL.1).unwrap();
    assert!((after.cost_usd - (before.cost_usd + 80.0)).abs() < 1e-9);
}

#[test]
fn only_the_pairs_said_to_be_priceable_are_read_and_priced() {
    let s = Store::open_in_memory().unwrap();
    s.ledger().insert_requests(&ledger()).unwrap();
    let asked = std::cell::RefCell::new(Vec::new());
    let priced = s
        .ledger()
        .reprice_unpriced(
            |backend, model| {
                asked
                    .borrow_mut()
                    .push((backend.to_string(), model.to_string()));
                model == "House-asked"
            },
            house_price,
        )
        .unwrap();
    // House requests with no model reported carry the asked model (one in seven of them).
    let want = ledger()
        .iter()
        .filter(|r| r.cost_usd.is_none() && r.model.is_none())
        .count() as u64;
    assert_eq!(priced, want);
    assert!(
        asked.borrow().iter().all(|(_, m)| m.starts_with("House")),
        "only unpriced pairs are asked about"
    );
    assert_eq!(
        s.ledger().usage_totals(ALL.0, ALL.1).unwrap().unpriced,
        80 - want
    );
}

#[test]
fn pruned_requests_cannot_be_repriced_and_stay_counted_as_unpriced() {
    let s = Store::open_in_memory().unwrap();
    let rows = ledger();
    s.ledger().insert_requests(&rows).unwrap();
    s.ledger().prune_requests("2026-11-20T00:00:00Z").unwrap();
    let left = rows
        .iter()
        .filter(|r| r.started_at.as_str() >= "2026-11-20" && r.cost_usd.is_none())
        .count() as u64;
    assert_eq!(s.ledger().reprice_unpriced(any, house_price).unwrap(), left);
    assert_eq!(
        s.ledger().usage_totals(ALL.0, ALL.1).unwrap().unpriced,
        80 - left
    );
}

#[test]
fn hour_text_sorts_with_the_ledger_times() {
    let h = hour_of("2026-11-20T10:00:00Z").unwrap();
    let (from, to) = (hour_text(h).unwrap(), hour_text(h + HOUR_MS).unwrap());
    assert_eq!(
        (from.as_str(), to.as_str()),
        ("2026-11-20T10:00:00", "2026-11-20T11:00:00")
    );
    for inside in [
        "2026-11-20T10:00:00Z",
        "2026-11-20T10:00:00.5Z",
        "2026-11-20T10:59:59.999Z",
    ] {
        assert!(from.as_str() <= inside && inside < to.as_str(), "{inside}");
    }
    for outside in [
        "2026-11-20T09:59:59.9Z",
        "2026-11-20T11:00:00Z",
        "2026-11-20T11:00:00.1Z",
    ] {
        assert!(
            !(from.as_str() <= outside && outside < to.as_str()),
            "{outside}"
        );
    }
}

#[test]
fn the_tokens_priced_apart_are_kept_and_old_rows_read_as_unknown() {
    let s = Store::open_in_memory().unwrap();
    let mut split = rec(1, "Claude", Some(0.01));
    split.cache_write_tokens = 2_000;
    split.cache_write_1h_tokens = Some(1_500);
    split.reasoning_tokens = Some(7);
    let old = rec(2, "Claude", Some(0.02));
    s.ledger()
        .insert_requests(&[split.clone(), old.clone()])
        .unwrap();
    let read = s
        .ledger()
        .recent_requests(&crate::RequestFilter {
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    let by_id = |id: &str| read.iter().find(|r| r.id == id).unwrap();
    assert_eq!(
        (
            by_id("r1").cache_write_1h_tokens,
            by_id("r1").reasoning_tokens
        ),
        (Some(1_500), Some(7))
    );
    assert_eq!(
        (
            by_id("r2").cache_write_1h_tokens,
            by_id("r2").reasoning_tokens
        ),
        (None, None),
        "a row without the split says so, never 0"
    );
}

#[test]
fn a_period_reprices_only_the_rows_inside_it() {
    let s = Store::open_in_memory().unwrap();
    // 10:20 and 10:40 of the same hour; the period starts at 10:30.
    let mut early = rec(1, "House", Some(1.0));
    early.started_at = "2026-11-20T10:20:00Z".into();
    let mut late = rec(2, "House", Some(1.0));
    late.started_at = "2026-11-20T10:40:00Z".into();
    s.ledger().insert_requests(&[early, late]).unwrap();
    let from = time::macros::datetime!(2026-11-20 10:30 UTC).unix_timestamp() * 1000;
    let done = s
        .ledger()
        .reprice_period(from, from + 3_600_000, |_| Some(2.0))
        .unwrap();
    assert_eq!(
        (done.requests, done.changed),
        (1, 1),
        "10:20 is before the period"
    );
}
