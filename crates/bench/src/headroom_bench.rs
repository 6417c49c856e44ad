//! `headroom-bench`: what reading a provider's rate-limit headers costs the gateway per answer
//! (issue 42). Side by side in one run, over a realistic OpenAI answer's 16 headers (6 of them
//! `x-ratelimit-*`) and an Anthropic answer's 20 (10 of them `anthropic-ratelimit-*`), with the
//! gateway's own functions:
//!
//! - the floor: cloning the answer's header map, which forwarding any answer already does;
//! - the pass-through (`passed_headroom`): the rate-limit headers a caller of the same format
//!   gets;
//! - the reading (`read_headroom`): finding the rate-limit headers, parsing them into a
//!   `Headroom` and keeping it for the key in the gateway's `Health` (its lock included);
//! - an answer without rate-limit headers: the one scan that finds none.
#![allow(clippy::print_stdout, reason = "a benchmark prints its numbers")]

mod best_of;

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use std::hint::black_box;
use switchyard_gateway::{passed_headroom, read_headroom, Health, Shape};
use switchyard_policy::{BreakerConfig, RetryBudgetConfig};

const ROUNDS: u32 = 200_000;

fn map(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        if let (Ok(k), Ok(v)) = (HeaderName::try_from(*k), HeaderValue::try_from(*v)) {
            h.append(k, v);
        }
    }
    h
}

const COMMON: [(&str, &str); 10] = [
    ("content-type", "application/json"),
    ("date", "Wed, 25 Nov 2026 16:50:00 GMT"),
    ("openai-organization", "user-abc"),
    ("openai-processing-ms", "412"),
    ("openai-version", "2020-10-01"),
    (
        "strict-transport-security",
        "max-age=31536000; includeSubDomains; preload",
    ),
    ("x-request-id", "req_7f1c2d3e4b5a69788796a5b4c3d2e1f0"),
    ("cf-cache-status", "DYNAMIC"),
    ("server", "cloudflare"),
    ("content-length", "812"),
];

const OPENAI: [(&str, &str); 6] = [
    ("x-ratelimit-limit-requests", "500"),
    ("x-ratelimit-limit-tokens", "200000"),
    ("x-ratelimit-remaining-requests", "499"),
    ("x-ratelimit-remaining-tokens", "199412"),
    ("x-ratelimit-reset-requests", "120ms"),
    ("x-ratelimit-reset-tokens", "1m27.5s"),
];

const ANTHROPIC: [(&str, &str); 10] = [
    ("anthropic-ratelimit-requests-limit", "4000"),
    ("anthropic-ratelimit-requests-remaining", "3999"),
    ("anthropic-ratelimit-requests-reset", "2026-11-25T16:50:01Z"),
    ("anthropic-ratelimit-tokens-limit", "400000"),
    ("anthropic-ratelimit-tokens-remaining", "398000"),
    ("anthropic-ratelimit-tokens-reset", "2026-11-25T16:50:03Z"),
    ("anthropic-ratelimit-unified-status", "allowed"),
    ("anthropic-ratelimit-unified-5h-utilization", "0.42"),
    ("anthropic-ratelimit-unified-5h-reset", "1795640000"),
    ("anthropic-ratelimit-unified-7d-utilization", "0.13"),
];

/// Nanoseconds per call of `f`, the best of three runs of [`ROUNDS`].
fn ns(f: impl FnMut()) -> f64 {
    best_of::ns(ROUNDS, f)
}

fn main() {
    let plain = map(&COMMON);
    let health = Health::new(BreakerConfig::default(), RetryBudgetConfig::default(), 1);
    let answers = [
        (
            "OpenAI",
            map(&[&COMMON[..], &OPENAI[..]].concat()),
            Shape::OpenAi,
        ),
        (
            "Anthropic",
            map(&[&COMMON[..], &ANTHROPIC[..]].concat()),
            Shape::Anthropic,
        ),
    ];
    println!("headroom-bench: {ROUNDS} rounds, best of 3, ns per answer");
    println!(
        "{:<10} {:>8} {:>13} {:>9} {:>14}",
        "answer", "floor", "pass-through", "reading", "(x the floor)"
    );
    for (name, h, shape) in &answers {
        read_headroom(&health, name, Some(name), h);
        assert!(
            health.room([*name], std::time::SystemTime::now()).is_some(),
            "{name}: the headers must parse"
        );
        let floor = ns(|| {
            black_box(black_box(h).clone());
        });
        let pass = ns(|| {
            black_box(passed_headroom(black_box(h), *shape));
        });
        let read = ns(|| read_headroom(&health, name, Some(name), black_box(h)));
        println!(
            "{name:<10} {floor:>8.0} {pass:>13.0} {read:>9.0} {:>14}",
            format!("{:.1} + {:.1}", pass / floor, read / floor)
        );
    }
    let floor = ns(|| {
        black_box(black_box(&plain).clone());
    });
    let none = ns(|| read_headroom(&health, "none", None, black_box(&plain)));
    println!(
        "{:<10} {floor:>8.0} {:>13} {none:>9.0} {:>14}",
        "none",
        "-",
        format!("{:.2}", none / floor)
    );
}
