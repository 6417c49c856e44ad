//! `egress-bench`: what the egress gate costs the gateway per attempt (issue 53). Side by side
//! in one run, for an OpenAI key and a chat-completions address:
//!
//! - the floor: the sensitive `Authorization` header built from the bare key, as the gateway did
//!   before the gate (format, `HeaderValue`, marked sensitive);
//! - the gate as the gateway runs it: `Cleared::check` against the key's approved origins, then
//!   `key_header` (which checks the address again);
//! - the same for an address spelled so the fast check cannot decide (`HTTPS://…:443`), which
//!   parses the URL twice;
//! - a refusal: a key approved elsewhere (parsed, refused, nothing built).
#![allow(clippy::print_stdout, reason = "a benchmark prints its numbers")]

mod best_of;

use axum::http::HeaderValue;
use std::hint::black_box;
use switchyard_domain::AuthStyle;
use switchyard_gateway::{key_header, Cleared};
use switchyard_secrets::SecretString;

const ROUNDS: u32 = 200_000;
const KEY: &str = "sk-proj-0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab";

/// Nanoseconds per call of `f`, the best of three runs of [`ROUNDS`].
fn ns(f: impl FnMut()) -> f64 {
    best_of::ns(ROUNDS, f)
}

fn main() {
    let key = SecretString::from(KEY);
    let approved = vec![
        "https://api.openai.com".to_string(),
        "https://eu.openai.com".to_string(),
    ];
    let plain = "https://api.openai.com/v1/chat/completions";
    let spelled = "HTTPS://API.openai.com:443/v1/chat/completions";
    let elsewhere = "https://collector.example/v1/chat/completions";

    let floor = ns(|| {
        let text = zeroize::Zeroizing::new(format!("Bearer {}", black_box(&key).expose()));
        let mut v = HeaderValue::from_str(&text).ok();
        if let Some(v) = v.as_mut() {
            v.set_sensitive(true);
        }
        black_box(v);
    });
    let gate = |url: &'static str| {
        ns(|| {
            let cleared = Cleared::check(black_box(&key).clone(), &approved, black_box(url));
            let header = cleared
                .as_ref()
                .ok()
                .map(|c| key_header(AuthStyle::Bearer, c, url));
            black_box(header);
        })
    };
    // The clone of the key is the gateway's too (the key cache hands out a copy).
    let clone = ns(|| {
        black_box(black_box(&key).clone());
    });
    let (fast, parsed, refused) = (gate(plain), gate(spelled), gate(elsewhere));
    println!("egress-bench: {ROUNDS} rounds, best of 3, ns per attempt");
    println!("{:<44} {:>8} {:>14}", "", "ns", "(x the floor)");
    for (what, t) in [
        ("floor: the header from the bare key", floor),
        ("the key's copy from the cache (both paths)", clone),
        ("gate + header, plain address", fast),
        ("gate + header, address parsed (HTTPS://…:443)", parsed),
        ("refusal: approved elsewhere", refused),
    ] {
        println!("{what:<44} {t:>8.0} {:>14.2}", t / floor);
    }
}
