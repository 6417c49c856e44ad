use super::*;
use switchyard_domain::books::{BookCost, BookLine, BookTokens, ProviderKey};
use time::macros::date;

const DAY: &str = "2026-11-28";

fn span() -> Span {
    Span {
        first: date!(2026 - 11 - 27),
        last: date!(2026 - 11 - 28),
    }
}

fn tokens(input: u64, output: u64) -> BookTokens {
    BookTokens {
        input,
        output,
        ..Default::default()
    }
}

fn user_keys() -> Vec<UserKey> {
    vec![
        UserKey {
            id: "k1".into(),
            label: "main".into(),
            hint: "sk-proj-…1111".into(),
        },
        UserKey {
            id: "k2".into(),
            label: "spare".into(),
            hint: "sk-proj-…2222".into(),
        },
    ]
}

fn pkey(id: &str, redacted: &str) -> ProviderKey {
    ProviderKey {
        id: id.into(),
        name: None,
        redacted: redacted.into(),
    }
}

fn line(key: &str, requests: u64, t: BookTokens) -> BookLine {
    BookLine {
        day: DAY.into(),
        key_id: Some(key.into()),
        model: Some("gpt-4o-mini-2024-07-18".into()),
        requests: Some(requests),
        tokens: t,
        cost_usd: None,
    }
}

fn books() -> Books {
    Books {
        lines: vec![
            line("pk1", 3, tokens(300, 30)),
            line("pk2", 1, tokens(100, 10)),
            line("pk3", 1, tokens(50, 0)),
        ],
        costs: vec![BookCost {
            day: DAY.into(),
            model: Some("gpt-4o-mini".into()),
            key_id: None,
            cost_usd: 0.98,
        }],
        keys: vec![
            pkey("pk1", "sk-proj-aaa...1111"),
            pkey("pk2", "sk-proj-bbb...2222"),
            pkey("pk3", "sk-proj-ccc...3333"),
        ],
    }
}

fn side(requests: u64, t: BookTokens, cost: f64) -> Side {
    Side {
        requests: Some(requests),
        tokens: t,
        cost_usd: Some(cost),
    }
}

fn run(
    books: &Books,
    ledger: &[LedgerLine],
    direct: &[DirectLine],
    choices: &[(String, String)],
) -> Reconciliation {
    let keys = user_keys();
    reconcile(&Input {
        backend_id: "b1",
        backend: "OpenAI",
        provider: BooksProvider::OpenAi,
        span: span(),
        books,
        ledger,
        direct,
        keys: &keys,
        choices,
    })
}

#[test]
fn what_the_gateway_and_the_tools_logs_do_not_explain_is_unrouted_per_key() {
    let ledger = [LedgerLine {
        day: DAY.into(),
        key_id: Some("k1".into()),
        model: "gpt-4o-mini".into(),
        side: side(2, tokens(200, 20), 0.5),
    }];
    let direct = [DirectLine {
        day: DAY.into(),
        model: "gpt-4o-mini".into(),
        side: side(1, tokens(60, 5), 0.1),
    }];
    let r = run(&books(), &ledger, &direct, &[]);
    assert_eq!(
        r.keys
            .iter()
            .map(|k| k.key_id.as_deref())
            .collect::<Vec<_>>(),
        [Some("k1"), Some("k2"), None]
    );
    // k1: 100 input and 10 output more than the gateway saw; the tools' 60 and 5 account for
    // part; k2: all of it (nothing left in the tools' pool).
    let got: Vec<_> = r
        .unrouted
        .iter()
        .map(|u| (u.key_label.as_str(), u.tokens))
        .collect();
    assert_eq!(got, [("main", tokens(40, 5)), ("spare", tokens(100, 10))]);
    let main = &r.unrouted[0];
    let k1_cost = 0.98 * 330.0 / 490.0;
    assert!(
        (main.cost_usd.unwrap() - k1_cost * 45.0 / 330.0).abs() < 1e-9,
        "{main:?}"
    );
    assert!((main.share - 45.0 / 330.0).abs() < 1e-9);
    // The day: every line's ledger (gateway + tools) beside every provider line.
    let day = r.days.iter().find(|d| d.day == DAY).unwrap();
    assert_eq!(day.ledger.tokens, tokens(260, 25));
    assert_eq!(day.provider.tokens, tokens(450, 40));
    assert_eq!(day.provider.requests, Some(5));
    assert!((day.provider.cost_usd.unwrap() - 0.98).abs() < 1e-9);
    assert_eq!(day.unrouted_tokens, 155);
    let empty = r.days.iter().find(|d| d.day == "2026-11-27").unwrap();
    assert_eq!(
        (empty.ledger.tokens.total(), empty.provider.tokens.total()),
        (0, 0)
    );
    // The line of the key that is not the user's is shown, never called unrouted.
    let other = r
        .lines
        .iter()
        .find(|l| l.provider_key.as_deref() == Some("sk-proj-ccc...3333"))
        .unwrap();
    assert_eq!(
        (other.key_id.as_deref(), other.provider.tokens),
        (None, tokens(50, 0))
    );
}

#[test]
fn a_ledger_that_explains_everything_leaves_nothing_unrouted() {
    let ledger = [
        LedgerLine {
            day: DAY.into(),
            key_id: Some("k1".into()),
            model: "gpt-4o-mini".into(),
            side: side(3, tokens(300, 30), 0.6),
        },
        LedgerLine {
            day: DAY.into(),
            key_id: Some("k2".into()),
            model: "GPT-4o-mini".into(),
            side: side(1, tokens(100, 10), 0.2),
        },
    ];
    let r = run(&books(), &ledger, &[], &[]);
    assert!(r.unrouted.is_empty(), "{:?}", r.unrouted);
    let main = r
        .lines
        .iter()
        .find(|l| l.key_id.as_deref() == Some("k1"))
        .unwrap();
    assert_eq!(main.ledger.requests, main.provider.requests);
    assert_eq!(main.model, "gpt-4o-mini");
}

#[test]
fn a_redacted_value_several_keys_fit_waits_for_the_users_choice() {
    let b = books();
    let k = UserKey {
        id: "k3".into(),
        label: "third".into(),
        hint: "sk-proj-…1111".into(),
    };
    let mut keys = user_keys();
    keys.push(k);
    let matched = match_keys(&b, &keys, &[]);
    assert_eq!(
        matched[0].key_id, None,
        "two of the user's keys end in 1111"
    );
    assert_eq!(matched[0].candidates, ["k1", "k3"]);
    assert_eq!(matched[1].key_id.as_deref(), Some("k2"));
    let chosen = match_keys(&b, &keys, &[("pk1".into(), "k3".into())]);
    assert_eq!(
        (chosen[0].key_id.as_deref(), chosen[0].chosen),
        (Some("k3"), true)
    );
    // A choice naming a key no longer kept counts for nothing.
    let gone = match_keys(&b, &keys, &[("pk1".into(), "k9".into())]);
    assert_eq!(gone[0].key_id, None);
}

#[test]
fn snapshot_dates_are_not_part_of_the_model() {
    assert_eq!(model_key("gpt-4o-mini-2024-07-18"), "gpt-4o-mini");
    assert_eq!(model_key("claude-sonnet-4-5-20250929"), "claude-sonnet-4-5");
    assert_eq!(model_key("Claude-Haiku-4-5"), "claude-haiku-4-5");
    assert_eq!(model_key("gpt-4.1"), "gpt-4.1");
    assert_eq!(model_key("openai/gpt-4o"), "openai/gpt-4o");
}

/// A key's spend as OpenRouter's `/key` gives it: today's cost, no tokens, no model.
fn spent(key: &str, usd: f64) -> BookLine {
    BookLine {
        day: DAY.into(),
        key_id: Some(key.into()),
        model: None,
        requests: None,
        tokens: BookTokens::default(),
        cost_usd: Some(usd),
    }
}

fn gateway(key: &str, model: &str, cost: f64) -> LedgerLine {
    LedgerLine {
        day: DAY.into(),
        key_id: Some(key.into()),
        model: model.into(),
        side: side(1, tokens(10, 10), cost),
    }
}

/// Two keys whose hints are the same (`sk-or-…` and the same last four): only their ids tell
/// them apart.
fn openrouter_keys() -> Vec<UserKey> {
    ["k1", "k2"]
        .into_iter()
        .map(|id| UserKey {
            id: id.into(),
            label: format!("label {id}"),
            hint: "sk-or-…1c96".into(),
        })
        .collect()
}

fn by_cost(books: &Books, ledger: &[LedgerLine], direct: &[DirectLine]) -> Reconciliation {
    let keys = openrouter_keys();
    reconcile(&Input {
        backend_id: "b1",
        backend: "OpenRouter",
        provider: BooksProvider::OpenRouter,
        span: span(),
        books,
        ledger,
        direct,
        keys: &keys,
        choices: &[],
    })
}

fn cost_books(k1: f64, k2: f64) -> Books {
    Books {
        lines: vec![spent("k1", k1), spent("k2", k2)],
        costs: vec![],
        keys: ["k1", "k2"]
            .into_iter()
            .map(|id| pkey(id, "sk-or-…1c96"))
            .collect(),
    }
}

#[test]
fn a_key_read_with_itself_is_that_key_whatever_its_hint() {
    let r = by_cost(&cost_books(0.01, 0.01), &[], &[]);
    let matched: Vec<_> = r.keys.iter().map(|k| k.key_id.as_deref()).collect();
    assert_eq!(matched, [Some("k1"), Some("k2")], "{:?}", r.keys);
    assert!(r.keys.iter().all(|k| k.candidates.is_empty() && !k.chosen));
}

#[test]
fn a_cost_without_tokens_is_unrouted_by_cost_beyond_half_a_cent() {
    // k1: the gateway's two models explain all but rounding; k2: $0.02 of $0.03 unexplained.
    let ledger = [
        gateway("k1", "openai/gpt-4o-mini", 0.03),
        gateway("k1", "anthropic/claude-3-haiku", 0.0198),
        gateway("k2", "openai/gpt-4o-mini", 0.01),
    ];
    let r = by_cost(&cost_books(0.05, 0.03), &ledger, &[]);
    assert_eq!(r.unrouted.len(), 1, "{:?}", r.unrouted);
    let u = &r.unrouted[0];
    assert_eq!((u.day.as_str(), u.key_id.as_str()), (DAY, "k2"));
    assert_eq!(u.key_label, "label k2");
    assert_eq!(u.tokens, BookTokens::default());
    assert!((u.cost_usd.unwrap() - 0.02).abs() < 1e-12, "{u:?}");
    assert!((u.share - 0.02 / 0.03).abs() < 1e-12);
    let day = r.days.iter().find(|d| d.day == DAY).unwrap();
    assert!((day.provider.cost_usd.unwrap() - 0.08).abs() < 1e-12);
    assert!((day.ledger.cost_usd.unwrap() - 0.0598).abs() < 1e-12);
    assert_eq!(day.unrouted_tokens, 0);

    // A tool's own records of that day account for part of it; spending less than the ledger
    // says is not unrouted.
    let direct = [DirectLine {
        day: DAY.into(),
        model: "openai/gpt-4o-mini".into(),
        side: side(1, tokens(5, 5), 0.004),
    }];
    let r = by_cost(&cost_books(0.01, 0.03), &ledger, &direct);
    assert_eq!(r.unrouted.len(), 1, "{:?}", r.unrouted);
    assert!((r.unrouted[0].cost_usd.unwrap() - 0.016).abs() < 1e-12);
}

#[test]
fn a_key_with_tokens_on_the_provider_side_is_still_unrouted_by_tokens() {
    let mut books = cost_books(0.0, 0.03);
    books.lines[1] = BookLine {
        model: Some("m".into()),
        requests: Some(2),
        tokens: tokens(100, 10),
        ..spent("k2", 0.03)
    };
    let r = by_cost(&books, &[gateway("k2", "m", 0.001)], &[]);
    assert_eq!(r.unrouted.len(), 1, "{:?}", r.unrouted);
    assert_eq!(r.unrouted[0].tokens, tokens(90, 0));
    assert!((r.unrouted[0].cost_usd.unwrap() - 0.03 * 90.0 / 110.0).abs() < 1e-12);
}
