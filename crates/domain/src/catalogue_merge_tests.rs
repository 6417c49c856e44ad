//! The catalogue's bounds: a page is read up to [`MAX_MODELS`], pages merge in linear time
//! keeping each id's first listing, and nothing past the cap is kept.

use super::*;
use std::time::{Duration, Instant};

fn model(id: String) -> ListedModel {
    ListedModel {
        id,
        name: None,
        context_tokens: None,
        output_tokens: None,
        listed_price: None,
    }
}

fn ids(range: std::ops::Range<usize>) -> Vec<ListedModel> {
    range.map(|i| model(format!("model-{i:08}"))).collect()
}

fn page_of(models: Vec<ListedModel>) -> Page {
    Page {
        models,
        next: None,
        cut: false,
    }
}

#[test]
fn pages_merge_keeping_each_ids_first_listing_in_order() {
    let mut merged = Merged::default();
    merged.add(page_of(ids(0..3)));
    let mut again = ids(1..4);
    again[0].name = Some("a later listing".into());
    merged.add(page_of(again));
    assert!(!merged.cut(), "four models are far below the cap");
    let kept = merged.into_models();
    let got: Vec<&str> = kept.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        got,
        [
            "model-00000000",
            "model-00000001",
            "model-00000002",
            "model-00000003"
        ],
        "an id listed twice is kept once, where it was first listed"
    );
    assert_eq!(kept[1].name, None, "the first listing of an id wins");
}

#[test]
fn a_hundred_thousand_ids_merge_in_linear_time_and_stop_at_the_cap() {
    // A merge that searched the kept models for every id (the old `Vec::any`) does ~10^9
    // comparisons here: tens of seconds. A hash set does 10^5 look-ups: milliseconds, so the
    // bound below is generous on any machine and still far below the quadratic time.
    let pages: Vec<Page> = (0..5)
        .map(|p| page_of(ids(p * 20_000..(p + 1) * 20_000)))
        .chain([page_of(ids(0..20_000))])
        .collect();
    let started = Instant::now();
    let mut merged = Merged::default();
    for p in pages {
        merged.add(p);
    }
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(5),
        "merging 120,000 listings took {took:?}: the merge is not linear"
    );
    assert!(
        merged.cut(),
        "ids past the cap were dropped, and that is said"
    );
    let kept = merged.into_models();
    assert_eq!(kept.len(), MAX_MODELS, "exactly the cap is kept");
    assert_eq!(
        kept.last().map(|m| m.id.as_str()),
        Some("model-00019999"),
        "the first ids listed are the ones kept"
    );
}

#[test]
fn a_page_longer_than_the_cap_is_read_up_to_it_and_marked_cut() {
    let data: Vec<serde_json::Value> = (0..MAX_MODELS + 5)
        .map(|i| serde_json::json!({ "id": format!("m-{i}") }))
        .collect();
    let body = serde_json::json!({ "data": data }).to_string();
    let page = parse_page(BackendKind::OpenAiCompatible, body.as_bytes()).expect("a page");
    assert_eq!(
        page.models.len(),
        MAX_MODELS,
        "a page keeps at most the cap"
    );
    assert!(
        page.cut,
        "the models past the cap were dropped, and that is said"
    );
    let mut merged = Merged::default();
    merged.add(page);
    assert!(merged.cut(), "a cut page makes a cut catalogue");
}

#[test]
fn a_page_at_the_cap_is_not_cut() {
    let data: Vec<serde_json::Value> = (0..MAX_MODELS)
        .map(|i| serde_json::json!({ "name": format!("m-{i}") }))
        .collect();
    let body = serde_json::json!({ "models": data }).to_string();
    let page = parse_page(BackendKind::Ollama, body.as_bytes()).expect("a page");
    assert_eq!(page.models.len(), MAX_MODELS);
    assert!(!page.cut, "exactly the cap loses nothing");
}
