//! Routes, backend limits and the request ledger against a real SQLite database.

use super::*;
use switchyard_domain::AttemptRecord;

fn record(id: &str, at: &str, backend: &str, status: u16) -> RequestRecord {
    RequestRecord {
        id: id.into(),
        started_at: at.into(),
        token_name: Some("cursor".into()),
        inbound: "openai".into(),
        requested_model: "demo-chat".into(),
        backend: Some(backend.into()),
        model: Some("demo-chat".into()),
        status,
        error_class: (status >= 400).then_some(switchyard_domain::ErrorClass::Upstream5xx),
        reason: Some("priority 1 of 1".into()),
        attempts: 1,
        latency_ms: 12,
        ttfb_ms: Some(3),
        input_tokens: 10,
        output_tokens: 20,
        attempt_list: vec![AttemptRecord {
            n: 1,
            backend: backend.into(),
            key_label: None,
            model: "demo-chat".into(),
            status: Some(status),
            error_class: None,
            latency_ms: 12,
        }],
        ..Default::default()
    }
}

/// An in-memory store whose ledger holds `records`.
fn store_with(records: &[RequestRecord]) -> Store {
    let store = Store::open_in_memory().unwrap();
    store.ledger().insert_requests(records).unwrap();
    store
}

/// Up to ten of the newest requests `filter` lets through.
fn ten_newest(store: &Store, filter: RequestFilter) -> Vec<RequestRecord> {
    let filter = RequestFilter {
        limit: 10,
        ..filter
    };
    store.ledger().recent_requests(&filter).unwrap()
}

/// The ids of [`ten_newest`].
fn ten_newest_ids(store: &Store, filter: RequestFilter) -> Vec<String> {
    ten_newest(store, filter)
        .into_iter()
        .map(|r| r.id)
        .collect()
}

#[test]
fn routes_save_update_and_delete() {
    let s = Store::open_in_memory().unwrap();
    s.routes()
        .save_route("r1", "fast", r#"{"type":"priority"}"#, "[]", "")
        .unwrap();
    s.routes()
        .save_route(
            "r1",
            "quick",
            r#"{"type":"lowestLatency"}"#,
            "[]",
            r#"{"mode":"always"}"#,
        )
        .unwrap();
    let routes = s.routes().list_routes().unwrap();
    assert_eq!(routes.len(), 1);
    assert_eq!(routes[0].name, "quick");
    assert_eq!(
        routes[0].cache, r#"{"mode":"always"}"#,
        "cache policy updated"
    );
    assert!(s.routes().delete_route("r1").unwrap());
}

#[test]
fn the_ledger_round_trips_requests_with_attempts_and_filters() {
    let mut priced = record("a", "2026-01-01T00:00:01Z", "Demo", 200);
    priced.cost_usd = Some(0.0012);
    priced.cache = Some("hit".into());
    priced.saved_usd = Some(0.0034);
    priced.provider_id = Some("msg_01XFDUDYJgAACzvnptvVoYEL".into());
    let s = store_with(&[
        priced.clone(),
        record("b", "2026-01-01T00:00:02Z", "OpenAI", 503),
    ]);
    let all = ten_newest(&s, RequestFilter::default());
    assert_eq!(
        all.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["b", "a"],
        "newest first"
    );
    assert_eq!(all[1], priced, "every field survives the round trip");
    let failed = ten_newest(
        &s,
        RequestFilter {
            failed: Some(true),
            ..Default::default()
        },
    );
    assert_eq!(failed.len(), 1);
    let demo = ten_newest(
        &s,
        RequestFilter {
            backend: Some("Demo".into()),
            ..Default::default()
        },
    );
    assert_eq!(demo[0].cost_usd, Some(0.0012));
    assert_eq!(
        all[0].cost_usd, None,
        "an unknown price stays unknown, not $0"
    );
    let by_class = |class| {
        let filter = RequestFilter {
            error_class: Some(class),
            ..Default::default()
        };
        ten_newest_ids(&s, filter)
    };
    assert_eq!(by_class(switchyard_domain::ErrorClass::Upstream5xx), ["b"]);
    assert!(by_class(switchyard_domain::ErrorClass::NoCandidate).is_empty());
    // A class a newer version wrote reads as `Other`, never as no error.
    s.with(|c| {
        Ok(c.execute(
            "UPDATE requests SET error_class = 'quantum_flux' WHERE id = 'b'",
            [],
        )?)
    })
    .unwrap();
    assert_eq!(
        by_class(switchyard_domain::ErrorClass::Other),
        Vec::<String>::new(),
        "filtered by the stored name"
    );
    let read = ten_newest(&s, RequestFilter::default());
    assert_eq!(
        read[0].error_class,
        Some(switchyard_domain::ErrorClass::Other)
    );
}

#[test]
fn a_batch_calls_back_after_each_new_request_it_writes() {
    let s = Store::open_in_memory().unwrap();
    s.ledger()
        .insert_requests(&[record("a", "2026-01-01T00:00:01Z", "Demo", 200)])
        .unwrap();
    let batch = [
        record("a", "2026-01-01T00:00:01Z", "Demo", 200),
        record("b", "2026-01-01T00:00:02Z", "Demo", 200),
        record("c", "2026-01-01T00:00:03Z", "Demo", 200),
    ];
    let mut calls = 0;
    s.ledger()
        .insert_requests_with(&batch, &mut || calls += 1)
        .unwrap();
    assert_eq!(
        calls, 4,
        "the ledger writer paces itself once per request written (none for one already there), before the rollups and before the commit"
    );
    assert_eq!(
        s.ledger().request_count().unwrap(),
        3,
        "the whole batch is written"
    );
}

#[test]
fn backend_limits_default_to_50_in_flight_and_round_trip() {
    let store = Store::open_in_memory().unwrap();
    let draft = switchyard_domain::BackendDraft {
        name: "Lim".into(),
        kind: switchyard_domain::BackendKind::OpenAi,
        base_url: "https://api.openai.com/v1".into(),
        default_model: "gpt-4.1-mini".into(),
    };
    let row = store.backends().insert_backend("b1", &draft, true).unwrap();
    assert_eq!(row.limits, crate::BackendLimits::default());
    let l = crate::BackendLimits {
        max_in_flight: 4,
        rpm: Some(60),
        tpm: None,
    };
    assert!(store.backends().set_backend_limits("b1", l).unwrap());
    assert_eq!(
        store.backends().get_backend("b1").unwrap().unwrap().limits,
        l
    );
    assert!(!store.backends().set_backend_limits("nope", l).unwrap());
}

#[test]
fn pruning_deletes_old_requests_with_their_attempts() {
    let store = store_with(&[
        record("old", "2026-01-01T00:00:00Z", "A", 200),
        record("new", "2026-03-01T00:00:00Z", "A", 200),
    ]);
    assert_eq!(
        store
            .ledger()
            .prune_requests("2026-02-01T00:00:00Z")
            .unwrap(),
        1
    );
    let left = store
        .ledger()
        .recent_requests(&RequestFilter::default())
        .unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].id, "new");
    let orphans: i64 = store
        .with(|c| {
            Ok(c.query_row(
                "SELECT COUNT(*) FROM attempts WHERE request_id = 'old'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(orphans, 0, "attempts go with their request");
}

#[test]
fn request_counts_per_backend_since_a_moment() {
    let store = store_with(&[
        record("1", "2026-01-01T00:00:00Z", "A", 200),
        record("2", "2026-01-02T00:00:00Z", "A", 200),
        record("3", "2026-01-02T01:00:00Z", "A", 503),
        record("4", "2026-01-02T02:00:00Z", "B", 200),
    ]);
    let mut counts = store
        .ledger()
        .request_counts_since("2026-01-02T00:00:00Z")
        .unwrap();
    counts.sort();
    assert_eq!(counts, [("A".to_string(), 2, 1), ("B".to_string(), 1, 0)]);
}

#[test]
fn request_counts_since_any_moment_match_the_raw_rows() {
    // Read from the hourly rollups plus the raw rows of a partial first hour: the same counts
    // as the rows themselves, whether "since" is on the hour or half past (local midnight in
    // India), and for times on and around an hour's edge.
    let at = [
        ("2026-01-01T23:59:59.999Z", "A", 200),
        ("2026-01-02T00:00:00Z", "A", 200),
        ("2026-01-02T00:29:59.5Z", "B", 502),
        ("2026-01-02T00:30:00Z", "A", 429),
        ("2026-01-02T00:45:00.25Z", "B", 200),
        ("2026-01-02T00:59:59.999999999Z", "A", 200),
        ("2026-01-02T01:00:00Z", "B", 200),
        ("2026-01-02T01:00:00.5Z", "A", 500),
        ("2026-01-02T05:10:00Z", "C", 200),
    ];
    let mut records: Vec<RequestRecord> = at
        .iter()
        .enumerate()
        .map(|(i, (t, b, s))| record(&format!("r{i}"), t, b, *s))
        .collect();
    records.push(RequestRecord {
        backend: None,
        ..record("none", "2026-01-02T02:00:00Z", "A", 503)
    });
    let store = store_with(&records);
    let ms = |t: &str| crate::usage::ms_of(t).unwrap();
    for since in [
        "2026-01-02T00:00:00Z",
        "2026-01-02T00:30:00Z",
        "2026-01-02T00:45:00Z",
        "2026-01-01T23:30:00Z",
        "2026-01-02T01:00:00Z",
    ] {
        let mut expected: Vec<(String, u64, u64)> = Vec::new();
        for r in records.iter().filter(|r| ms(&r.started_at) >= ms(since)) {
            let Some(b) = &r.backend else { continue };
            let failed = u64::from(r.status >= 400);
            match expected.iter_mut().find(|(n, _, _)| n == b) {
                Some(e) => {
                    e.1 += 1;
                    e.2 += failed;
                }
                None => expected.push((b.clone(), 1, failed)),
            }
        }
        expected.sort();
        let mut counts = store.ledger().request_counts_since(since).unwrap();
        counts.sort();
        assert_eq!(counts, expected, "since {since}");
    }
    assert!(store.ledger().request_counts_since("yesterday").is_err());
}

#[test]
fn the_ledger_filters_by_api_alone_and_with_the_other_filters() {
    let with = |id: &str, at: &str, inbound: &str, status: u16| RequestRecord {
        inbound: inbound.into(),
        ..record(id, at, "A", status)
    };
    let store = store_with(&[
        with("chat", "2026-01-01T00:00:01Z", "openai", 200),
        with("resp", "2026-01-01T00:00:02Z", "responses", 200),
        with("resp-bad", "2026-01-01T00:00:03Z", "responses", 502),
        with("count", "2026-01-01T00:00:04Z", "count_tokens", 200),
    ]);
    let ids = |f: RequestFilter| ten_newest_ids(&store, f);
    let api = |a: &str| Some(a.to_string());
    assert_eq!(
        ids(RequestFilter {
            inbound: api("responses"),
            ..Default::default()
        }),
        ["resp-bad", "resp"]
    );
    assert_eq!(
        ids(RequestFilter {
            inbound: api("responses"),
            failed: Some(false),
            ..Default::default()
        }),
        ["resp"],
        "the API filter combines with the others"
    );
    assert_eq!(
        ids(RequestFilter {
            inbound: api("count_tokens"),
            ..Default::default()
        }),
        ["count"]
    );
    assert!(ids(RequestFilter {
        inbound: api("gemini"),
        ..Default::default()
    })
    .is_empty());
    assert_eq!(ids(RequestFilter::default()).len(), 4, "no API filter: all");
}

#[test]
fn a_record_with_nul_in_every_string_is_stored_whole_with_each_nul_replaced() {
    // Issue 69: what is stored is storable, whatever the source (a caller, a route, an upstream):
    // the ledger refuses nothing, and no NUL reaches a table for SQLite's string functions to
    // stop at, or for a later copy into PostgreSQL to refuse.
    let t = |s: &str| format!("{s}\0!");
    let mut hostile = record(&t("r1"), "2026-01-02T00:00:00Z", &t("B"), 502);
    hostile.requested_model = t("demo");
    hostile.model = Some(t("demo-chat"));
    hostile.route = Some(t("fast"));
    hostile.provider_id = Some(t("chatcmpl"));
    hostile.attempt_list[0].model = t("demo-chat");
    let store = store_with(&[hostile]);
    let back = ten_newest(&store, RequestFilter::default()).remove(0);
    assert_eq!(
        (
            back.id.as_str(),
            back.requested_model.as_str(),
            back.route.as_deref()
        ),
        ("r1\u{FFFD}!", "demo\u{FFFD}!", Some("fast\u{FFFD}!")),
        "stored, each NUL kept visible as U+FFFD"
    );
    let json = serde_json::to_string(&back).unwrap();
    assert!(!json.contains("\\u0000"), "no NUL anywhere: {json}");
    assert_eq!(back.attempt_list[0].backend, "B\u{FFFD}!", "attempts too");
    let by_model = store
        .ledger()
        .usage_by(crate::usage::Dimension::Model, 0, i64::MAX)
        .unwrap();
    assert_eq!(
        by_model[0].0, "demo-chat\u{FFFD}!",
        "the rollups group the stored name"
    );
}
