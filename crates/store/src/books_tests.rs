//! The providers' books: admin keys' rows, reads kept when a later one fails, and the ledger
//! summed per day, key and model against a real SQLite database.

use super::*;
use switchyard_domain::books::{BookLine, BookTokens, Books};
use switchyard_domain::{BackendDraft, BackendKind, RequestRecord};

fn store_with_backend() -> Store {
    let s = Store::open_in_memory().unwrap();
    let draft = BackendDraft {
        name: "OpenAI".into(),
        kind: BackendKind::OpenAi,
        base_url: "https://api.openai.com/v1".into(),
        default_model: "gpt-4.1-mini".into(),
    };
    s.backends().insert_backend("b1", &draft, true).unwrap();
    s
}

fn admin(id: &str) -> AdminKeyRow {
    AdminKeyRow {
        id: id.into(),
        backend_id: "b1".into(),
        label: format!("admin {id}"),
        hint: "sk-admin-…abcd".into(),
        origin: "https://api.openai.com".into(),
        created_at: String::new(),
    }
}

#[test]
fn admin_keys_are_kept_apart_from_the_gateways_keys_and_go_with_their_backend() {
    let s = store_with_backend();
    s.books().insert_admin_key(&admin("a1")).unwrap();
    let again = s.books().insert_admin_key(&AdminKeyRow {
        id: "a2".into(),
        ..admin("a1")
    });
    assert!(
        again.unwrap_err().is_unique_violation(),
        "labels are unique per backend"
    );
    assert_eq!(s.books().admin_keys().unwrap().len(), 1);
    assert!(
        s.keys().list_keys().unwrap().is_empty(),
        "not a key the gateway can use"
    );
    assert_eq!(
        s.books().admin_key("a1").unwrap().unwrap().origin,
        "https://api.openai.com"
    );
    s.backends().delete_backend("b1").unwrap();
    assert!(s.books().admin_keys().unwrap().is_empty());
    assert!(!s.books().delete_admin_key("a1").unwrap());
}

#[test]
fn a_failed_read_keeps_the_last_books_and_says_why() {
    let s = store_with_backend();
    let books = Books {
        lines: vec![BookLine {
            day: "2026-11-28".into(),
            key_id: Some("key_1".into()),
            model: Some("gpt-4o-mini".into()),
            requests: Some(2),
            tokens: BookTokens {
                input: 10,
                cached_input: 0,
                cache_write: 0,
                output: 5,
            },
            cost_usd: None,
        }],
        ..Default::default()
    };
    s.books()
        .save_read("b1", ("2026-11-22", "2026-11-28"), Ok(&books), 1_000)
        .unwrap();
    s.books()
        .save_read("b1", ("2026-11-23", "2026-11-29"), Err("429"), 2_000)
        .unwrap();
    let read = s.books().reads().unwrap().remove(0);
    assert_eq!(read.books, Some(books));
    assert_eq!(
        (read.first_day.as_str(), read.last_day.as_str()),
        ("2026-11-22", "2026-11-28")
    );
    assert_eq!((read.read_at_ms, read.tried_at_ms), (Some(1_000), 2_000));
    assert_eq!(read.error.as_deref(), Some("429"));
}

fn row(id: &str, at: &str, key: Option<&str>, status: u16, cache: Option<&str>) -> RequestRecord {
    RequestRecord {
        id: id.into(),
        started_at: at.into(),
        inbound: "openai".into(),
        requested_model: "gpt-4o-mini".into(),
        backend: Some("OpenAI".into()),
        key_label: key.map(str::to_string),
        model: Some("gpt-4o-mini".into()),
        status,
        attempts: 1,
        input_tokens: 100,
        output_tokens: 10,
        cache_read_tokens: 50,
        cache_write_tokens: 0,
        cost_usd: Some(0.5),
        cache: cache.map(str::to_string),
        ..Default::default()
    }
}

#[test]
fn the_ledger_is_summed_per_day_key_and_model_counting_only_what_reached_the_provider() {
    let s = store_with_backend();
    s.ledger()
        .insert_requests(&[
            row("r1", "2026-11-28T10:00:00Z", Some("main"), 200, None),
            row(
                "r2",
                "2026-11-28T23:59:59Z",
                Some("main"),
                200,
                Some("miss"),
            ),
            row("r3", "2026-11-28T11:00:00Z", Some("main"), 200, Some("hit")),
            row("r4", "2026-11-28T12:00:00Z", Some("main"), 500, None),
            row("r5", "2026-11-29T00:00:00Z", Some("main"), 200, None),
            row("r6", "2026-11-28T10:00:00Z", Some("spare"), 200, None),
            RequestRecord {
                inbound: "count_tokens".into(),
                ..row("r7", "2026-11-28T10:00:00Z", Some("main"), 200, None)
            },
            RequestRecord {
                cost_usd: None,
                ..row("r8", "2026-11-27T10:00:00Z", Some("main"), 200, None)
            },
        ])
        .unwrap();
    // A tool's own records: one through the gateway (it has a ledger row), one not.
    s.with(|c| {
        c.execute_batch(
            "INSERT INTO tool_usage (key, tool, at_ms, model, provider, input_tokens, output_tokens,
               cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, reasoning_tokens,
               cost_usd, ledger_id)
             VALUES ('t1', 'codex', 1795860000000, 'gpt-4o-mini', 'openai', 7, 3, 1, 2, 1, 0, 0.25, NULL),
                    ('t2', 'codex', 1795860000000, 'gpt-4o-mini', 'openai', 100, 10, 0, 0, 0, 0, 1.0, 'r1');",
        )?;
        Ok(())
    })
    .unwrap();
    let days = s.books().ledger_days("2026-11-27", "2026-11-28").unwrap();
    let got: Vec<_> = days
        .iter()
        .map(|d| {
            (
                d.day.as_str(),
                d.key_label.as_deref(),
                d.provider.as_deref(),
                d.requests,
                d.tokens.total(),
                d.unpriced,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("2026-11-27", Some("main"), None, 1, 160, 1),
            ("2026-11-28", None, Some("openai"), 1, 14, 0),
            ("2026-11-28", Some("main"), None, 2, 320, 0),
            ("2026-11-28", Some("spare"), None, 1, 160, 0),
        ]
    );
    let main = &days[2];
    assert_eq!(
        main.tokens,
        BookTokens {
            input: 200,
            cached_input: 100,
            cache_write: 0,
            output: 20
        }
    );
    assert!((main.cost_usd - 1.0).abs() < 1e-9);
    assert_eq!(
        days[1].tokens,
        BookTokens {
            input: 7,
            cached_input: 1,
            cache_write: 3,
            output: 3
        }
    );
}
