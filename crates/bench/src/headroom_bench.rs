//! `headroom-bench`: what reading a provider's rate-limit headers costs the gateway per answer
//! (issue 42). Side by side in one run, over a realistic OpenAI answer's 16 headers (6 of them
//! `x-ratelimit-*`) and an Anthropic answer's 18 (10 of them `anthropic-ratelimit-*`):
//!
//! - the floor: cloning the answer's header map, which forwarding any answer already does;
//! - the pass-through: picking the rate-limit headers a caller of the same format gets;
//! - the reading: finding the rate-limit headers and parsing them into a `Headroom` (what the
//!   gateway keeps per key);
//! - an answer without rate-limit headers: the one scan that finds none.
#![allow(clippy::print_stdout, reason = "a benchmark prints its numbers")]

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use std::hint::black_box;
use std::time::{Instant, SystemTime};
use switchyard_policy::{is_rate_limit_header, Headroom};

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
fn ns(mut f: impl FnMut()) -> f64 {
    (0..3)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..ROUNDS {
                f();
            }
            started.elapsed().as_nanos() as f64 / f64::from(ROUNDS)
        })
        .fold(f64::INFINITY, f64::min)
}

/// The gateway's pass-through (`crates/gateway/src/headroom.rs`, `passed`).
fn passed(headers: &HeaderMap, prefix: &str) -> Vec<(HeaderName, HeaderValue)> {
    headers
        .iter()
        .filter(|(n, _)| n.as_str().starts_with(prefix) || n.as_str() == "retry-after")
        .map(|(n, v)| (n.clone(), v.clone()))
        .collect()
}

/// The gateway's reading (`heard`): find the headers, parse them.
fn heard(headers: &HeaderMap) -> Option<Headroom> {
    if !headers.keys().any(|n| is_rate_limit_header(n.as_str())) {
        return None;
    }
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .filter(|(n, _)| is_rate_limit_header(n.as_str()))
        .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?)))
        .collect();
    Headroom::parse(&pairs, SystemTime::now())
}

fn main() {
    let plain = map(&COMMON);
    let answers = [
        (
            "OpenAI",
            map(&[&COMMON[..], &OPENAI[..]].concat()),
            "x-ratelimit-",
        ),
        (
            "Anthropic",
            map(&[&COMMON[..], &ANTHROPIC[..]].concat()),
            "anthropic-ratelimit-",
        ),
    ];
    println!("headroom-bench: {ROUNDS} rounds, best of 3, ns per answer");
    println!(
        "{:<10} {:>8} {:>13} {:>9} {:>14}",
        "answer", "floor", "pass-through", "reading", "(x the floor)"
    );
    for (name, h, prefix) in &answers {
        assert!(heard(h).is_some(), "{name}: the headers must parse");
        let floor = ns(|| {
            black_box(black_box(h).clone());
        });
        let pass = ns(|| {
            black_box(passed(black_box(h), prefix));
        });
        let read = ns(|| {
            black_box(heard(black_box(h)));
        });
        println!(
            "{name:<10} {floor:>8.0} {pass:>13.0} {read:>9.0} {:>14}",
            format!("{:.1} + {:.1}", pass / floor, read / floor)
        );
    }
    let floor = ns(|| {
        black_box(black_box(&plain).clone());
    });
    let none = ns(|| {
        black_box(heard(black_box(&plain)));
    });
    println!(
        "{:<10} {floor:>8.0} {:>13} {none:>9.0} {:>14}",
        "none",
        "-",
        format!("{:.2}", none / floor)
    );
}
