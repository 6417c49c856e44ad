//! `catalogue-bench [IDS]`: reading a `/models` list of IDS ids (default 100,000; issue 53,
//! finding 7). Builds an OpenAI-shape list once, then measures, side by side in one run:
//!
//! - the floor: parsing the body into a JSON tree and doing nothing with it;
//! - the catalogue's read: `parse_page` (capped at `MAX_MODELS`) and the linear merge;
//! - the merge alone on IDS ids arriving in pages of `MAX_MODELS` (every id looked up once);
//! - the old merge (a search of the kept models per id, no cap) on a quarter and half of IDS,
//!   to show its growth: four times the time for twice the ids.
#![allow(clippy::print_stdout, reason = "a benchmark prints its numbers")]

use std::time::{Duration, Instant};
use switchyard_domain::catalogue::{parse_page, ListedModel, Merged, Page, MAX_MODELS};
use switchyard_domain::BackendKind;

fn body(ids: usize) -> Vec<u8> {
    let data: Vec<serde_json::Value> = (0..ids)
        .map(|i| serde_json::json!({ "id": format!("model-{i:07}"), "object": "model" }))
        .collect();
    serde_json::json!({ "object": "list", "data": data })
        .to_string()
        .into_bytes()
}

fn model(i: usize) -> ListedModel {
    ListedModel {
        id: format!("model-{i:07}"),
        name: None,
        context_tokens: None,
        output_tokens: None,
        listed_price: None,
    }
}

/// The merge before the fix: every id searched for among those kept.
fn old_merge(all: Vec<ListedModel>) -> Vec<ListedModel> {
    let mut models: Vec<ListedModel> = Vec::new();
    for m in all {
        if !models.iter().any(|known| known.id == m.id) {
            models.push(m);
        }
    }
    models
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let ids: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let body = body(ids);
    println!(
        "{ids} ids, {:.1} MB body, cap {MAX_MODELS}",
        body.len() as f64 / 1e6
    );

    let t = Instant::now();
    let tree: Result<serde_json::Value, _> = serde_json::from_slice(&body);
    let floor = t.elapsed();
    drop(tree);
    println!("floor (JSON tree only)        {:>9.1} ms", ms(floor));

    let t = Instant::now();
    let mut merged = Merged::default();
    match parse_page(BackendKind::OpenAiCompatible, &body) {
        Ok(page) => merged.add(page),
        Err(e) => println!("the list did not parse: {e}"),
    }
    let read = t.elapsed();
    println!(
        "parse_page + merge            {:>9.1} ms  ({:.2}x the floor; {} kept, cut {})",
        ms(read),
        read.as_secs_f64() / floor.as_secs_f64(),
        merged.len(),
        merged.cut()
    );

    let pages: Vec<Page> = (0..ids.div_ceil(MAX_MODELS))
        .map(|p| Page {
            models: (0..MAX_MODELS.min(ids)).map(|i| model(p * 7 + i)).collect(),
            next: None,
            cut: false,
        })
        .collect();
    let t = Instant::now();
    let mut merged = Merged::default();
    for p in pages {
        merged.add(p);
    }
    println!(
        "merge alone, {ids} ids in pages  {:>9.1} ms",
        ms(t.elapsed())
    );

    for n in [ids / 4, ids / 2] {
        let all: Vec<ListedModel> = (0..n).map(model).collect();
        let t = Instant::now();
        let kept = old_merge(all).len();
        println!(
            "old merge, {n} ids            {:>9.1} ms  ({kept} kept)",
            ms(t.elapsed())
        );
    }
}
