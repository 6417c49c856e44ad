//! Property tests of every kind's model-list parser, on what a server may send: arbitrary
//! bytes, arbitrary JSON built from the fields the parsers look at, and valid lists cut or
//! mutated at any byte. None panics; what is read keeps the bounds (at most [`MAX_MODELS`]
//! models a page and a catalogue, every id usable); merging is each id's first listing, in order.

use super::*;
use proptest::prelude::*;
use serde_json::{json, Value};

const KINDS: [BackendKind; 6] = [
    BackendKind::OpenAi,
    BackendKind::OpenRouter,
    BackendKind::Anthropic,
    BackendKind::Gemini,
    BackendKind::Ollama,
    BackendKind::OpenAiCompatible,
];

/// The keys the parsers read, so arbitrary JSON reaches their branches, not just the error.
const KEYS: [&str; 18] = [
    "data",
    "models",
    "id",
    "name",
    "model",
    "display_name",
    "displayName",
    "pricing",
    "prompt",
    "completion",
    "top_provider",
    "max_completion_tokens",
    "context_length",
    "inputTokenLimit",
    "has_more",
    "last_id",
    "nextPageToken",
    "supportedGenerationMethods",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[ -~]{0,12}".prop_map(Value::String),
        "\\PC{0,8}".prop_map(Value::String),
        Just(Value::String("generateContent".into())),
        Just(Value::String("models/gemini-x".into())),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(&KEYS[..]), inner), 0..8).prop_map(
                |fields| Value::Object(
                    fields
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect()
                )
            ),
        ]
    })
}

/// A valid list in `kind`'s shape naming `ids`.
fn valid_list(kind: BackendKind, ids: &[String]) -> Value {
    match kind {
        BackendKind::Gemini => json!({
            "models": ids.iter().map(|id| json!({
                "name": format!("models/{id}"), "inputTokenLimit": 1000,
                "supportedGenerationMethods": ["generateContent"]
            })).collect::<Vec<_>>(),
            "nextPageToken": "tok/=en",
        }),
        BackendKind::Ollama => json!({
            "models": ids.iter().map(|id| json!({ "name": id, "model": id })).collect::<Vec<_>>()
        }),
        BackendKind::Anthropic => json!({
            "data": ids.iter().map(|id| json!({ "id": id, "display_name": id })).collect::<Vec<_>>(),
            "has_more": true, "last_id": ids.last(),
        }),
        _ => json!({
            "data": ids.iter().map(|id| json!({
                "id": id, "context_length": 4096,
                "pricing": { "prompt": "0.000001", "completion": "0.000002" },
                "top_provider": { "max_completion_tokens": 512 }
            })).collect::<Vec<_>>()
        }),
    }
}

/// Whatever a parse returns keeps the bounds.
fn check_bounds(kind: BackendKind, body: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(page) = parse_page(kind, body) {
        prop_assert!(
            page.models.len() <= MAX_MODELS,
            "{kind:?}: a page keeps at most the cap"
        );
        for m in &page.models {
            prop_assert!(
                id_ok(&m.id),
                "{kind:?}: an unusable id was kept: {:?}",
                m.id
            );
        }
        let mut merged = Merged::default();
        merged.add(page.clone());
        merged.add(page);
        prop_assert!(
            merged.len() <= MAX_MODELS,
            "{kind:?}: a catalogue keeps at most the cap"
        );
    }
    Ok(())
}

/// One mutation of a body: cut it, flip a byte, or put a byte in.
#[derive(Debug, Clone)]
enum Mutation {
    Cut(usize),
    Flip(usize, u8),
    Insert(usize, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Cut),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
    ]
}

fn mutate(mut body: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let n = body.len().max(1);
        match *m {
            Mutation::Cut(i) => body.truncate(i % n),
            Mutation::Flip(i, b) if !body.is_empty() => body[i % n] ^= b,
            Mutation::Flip(..) => {}
            Mutation::Insert(i, b) => body.insert(i % (body.len() + 1), b),
        }
    }
    body
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic_any_parser(body in prop::collection::vec(any::<u8>(), 0..256)) {
        for kind in KINDS {
            check_bounds(kind, &body)?;
        }
    }

    #[test]
    fn arbitrary_json_in_the_parsers_vocabulary_never_panics_or_breaks_a_bound(v in json_value()) {
        let body = v.to_string();
        for kind in KINDS {
            check_bounds(kind, body.as_bytes())?;
        }
        // The same value as a list under each kind's key.
        for key in ["data", "models"] {
            let wrapped = json!({ key: [v.clone(), v.clone()] }).to_string();
            for kind in KINDS {
                check_bounds(kind, wrapped.as_bytes())?;
            }
        }
    }

    #[test]
    fn valid_lists_cut_or_mutated_anywhere_never_panic(
        ids in prop::collection::vec("[a-z0-9./:-]{1,20}", 0..12),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        for kind in KINDS {
            let body = valid_list(kind, &ids).to_string().into_bytes();
            check_bounds(kind, &mutate(body, &mutations))?;
        }
    }

    #[test]
    fn a_valid_list_reads_back_each_id_once_in_first_listed_order(
        ids in prop::collection::vec("[a-z0-9][a-z0-9.:-]{0,11}", 0..24),
    ) {
        for kind in KINDS {
            let page = parse_page(kind, valid_list(kind, &ids).to_string().as_bytes())
                .map_err(|e| TestCaseError::fail(format!("{kind:?}: a valid list: {e}")))?;
            let mut merged = Merged::default();
            merged.add(page);
            let got: Vec<String> = merged.into_models().into_iter().map(|m| m.id).collect();
            let mut want: Vec<String> = Vec::new();
            for id in &ids {
                if !want.contains(id) {
                    want.push(id.clone());
                }
            }
            prop_assert_eq!(got, want, "{:?}: each id once, where first listed", kind);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    #[test]
    fn a_list_around_the_cap_keeps_exactly_up_to_it(extra in 0usize..4, kind in prop::sample::select(&KINDS[..])) {
        let ids: Vec<String> = (0..MAX_MODELS - 2 + extra).map(|i| format!("m{i}")).collect();
        let page = parse_page(kind, valid_list(kind, &ids).to_string().as_bytes())
            .map_err(|e| TestCaseError::fail(format!("{kind:?}: a valid list: {e}")))?;
        prop_assert_eq!(page.models.len(), ids.len().min(MAX_MODELS));
        prop_assert_eq!(page.cut, ids.len() > MAX_MODELS, "cut exactly when ids were dropped");
    }
}
