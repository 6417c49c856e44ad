//! `POST /v1/embeddings` checks before any backend is asked: the input must be a string, a
//! non-empty list of strings, a list of token ids or a list of token-id lists, and no item may be
//! over the model's input limit (from the price table; text is estimated at four bytes a
//! token, token lists are exact). Refusals are 400s in OpenAI's shape naming the field. The
//! request itself then goes through the same resolve, cache, attempt loop, limits, breakers,
//! budgets and ledger as a chat request ([`crate::inbound::Op::Embed`]).

use serde_json::Value;
use switchyard_pricing::PriceTable;

use crate::resolve::Plan;

/// Why an embeddings body is refused: (message, field).
pub type Refusal = (String, String);

/// Checks `body`'s `input` against its shape and the first candidate's input limit.
pub fn check(body: &Value, plan: &Plan, prices: &PriceTable) -> Result<(), Refusal> {
    let items = items(body)?;
    let limit = plan.candidates.iter().find_map(|c| {
        let provider = switchyard_pricing::provider_of(c.target.kind)?;
        prices.info(provider, &c.model)?.max_input_tokens
    });
    if let Some(limit) = limit {
        for (i, (tokens, exact)) in items.iter().enumerate() {
            if *tokens > limit {
                let about = if *exact { "" } else { "about " };
                let field = if items.len() == 1 && body["input"].is_string() {
                    "input".to_string()
                } else {
                    format!("input[{i}]")
                };
                let msg = format!(
                    "`{field}` is {about}{tokens} tokens; the model takes at most {limit} per input."
                );
                return Err((msg, field));
            }
        }
    }
    Ok(())
}

/// Each input item's token count and whether it is exact (a token list) or estimated (text).
fn items(body: &Value) -> Result<Vec<(u64, bool)>, Refusal> {
    let bad = |field: &str, what: &str| (format!("`{field}` {what}."), field.to_string());
    let text = |s: &str| (s.len() as u64).div_ceil(4);
    match body.get("input") {
        None | Some(Value::Null) => Err(bad("input", "is required")),
        Some(Value::String(s)) if s.is_empty() => Err(bad("input", "must not be empty")),
        Some(Value::String(s)) => Ok(vec![(text(s), false)]),
        Some(Value::Array(list)) if list.is_empty() => {
            Err(bad("input", "must not be an empty list"))
        }
        Some(Value::Array(list)) if list.iter().all(Value::is_u64) => {
            Ok(vec![(list.len() as u64, true)])
        }
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(s) if !s.is_empty() => Ok((text(s), false)),
                Value::Array(tokens) if !tokens.is_empty() && tokens.iter().all(Value::is_u64) => {
                    Ok((tokens.len() as u64, true))
                }
                _ => Err(bad(
                    &format!("input[{i}]"),
                    "must be a non-empty string or a non-empty list of token ids",
                )),
            })
            .collect(),
        Some(_) => Err(bad(
            "input",
            "must be a string, a list of strings or a list of token ids",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::Candidate;
    use crate::table::{Limits, RouteCache, Target};
    use serde_json::json;
    use switchyard_domain::BackendKind;
    use switchyard_policy::Strategy;

    fn plan(model: &str) -> Plan {
        Plan {
            route: None,
            pass: None,
            cache: RouteCache::default(),
            strategy: Strategy::Priority,
            candidates: vec![Candidate {
                target: Target {
                    id: "b".into(),
                    name: "OpenAI".into(),
                    kind: BackendKind::OpenAi,
                    base_url: String::new(),
                    default_model: String::new(),
                    keys: vec![],
                    withheld_keys: 0,
                    limits: Limits::default(),
                },
                model: model.into(),
                weight: 1,
            }],
        }
    }

    #[test]
    fn inputs_of_every_shape_pass_and_malformed_ones_name_their_field() {
        let p = plan("text-embedding-3-small");
        let t = PriceTable::bundled();
        for ok in [
            json!("hi"),
            json!(["a", "b"]),
            json!([1, 2, 3]),
            json!([[1], [2, 3]]),
        ] {
            assert!(check(&json!({"input": ok}), &p, t).is_ok(), "{ok}");
        }
        let err = check(&json!({"input": ["a", 5]}), &p, t).unwrap_err();
        assert_eq!(err.1, "input[1]");
        assert_eq!(check(&json!({}), &p, t).unwrap_err().1, "input");
        assert_eq!(check(&json!({"input": []}), &p, t).unwrap_err().1, "input");
    }

    #[test]
    fn an_input_over_the_models_limit_is_refused_before_any_call() {
        let p = plan("text-embedding-3-small");
        let long = "word ".repeat(8000);
        let err = check(&json!({"input": ["ok", long]}), &p, PriceTable::bundled()).unwrap_err();
        assert_eq!(err.1, "input[1]");
        assert!(err.0.contains("8191"), "{}", err.0);
        let unknown = plan("my-own-embedder");
        assert!(
            check(
                &json!({"input": "word ".repeat(8000)}),
                &unknown,
                PriceTable::bundled()
            )
            .is_ok(),
            "no known limit, no refusal"
        );
    }
}
