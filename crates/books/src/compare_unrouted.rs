//! Unrouted usage: what the provider reports on one of the user's keys that neither the
//! gateway's rows on that key nor the tools' own direct records account for, per day and key.
//!
//! By tokens where the provider gives them; by cost where it gives only a cost for the key and
//! day (OpenRouter's `/key`: what a key spent today), the ledger's cost on that key and day
//! (all models) set against it, less the day's direct records' cost, in the keys' order.

use super::{label_of, Grain, Owner, UserKey};
use std::collections::BTreeMap;
use switchyard_domain::books::BookTokens;
use switchyard_domain::reconcile::{Side, Unrouted};

/// Unrouted cost at or below this (USD) is the two sides' rounding, not usage.
pub(super) const COST_TOLERANCE_USD: f64 = 0.005;

/// Per day and user key: the provider's tokens the gateway's rows on that key do not explain,
/// less what the day and model's direct tool records account for (in the keys' order).
pub(super) fn unrouted(
    keys: &[UserKey],
    provider: &BTreeMap<Grain, (Side, Option<String>)>,
    ledger: &BTreeMap<Grain, Side>,
    direct: &BTreeMap<(String, String), Side>,
) -> Vec<Unrouted> {
    let mut pools: BTreeMap<(String, String), BookTokens> =
        direct.iter().map(|(k, s)| (k.clone(), s.tokens)).collect();
    // (day, key) → (unrouted tokens, their cost, the provider's tokens on the key that day)
    let mut per: BTreeMap<(String, String), (BookTokens, Option<f64>, u64)> = BTreeMap::new();
    let order = |id: &str| keys.iter().position(|k| k.id == id).unwrap_or(usize::MAX);
    let mut mine: Vec<(&Grain, &Side)> = provider
        .iter()
        .filter_map(|(g, (s, _))| matches!(g.1, Owner::User(_)).then_some((g, s)))
        .collect();
    mine.sort_by_key(|(g, _)| {
        let id = match &g.1 {
            Owner::User(id) => order(id),
            _ => usize::MAX,
        };
        (g.0.clone(), g.2.clone(), id)
    });
    for (g, p) in mine {
        let Owner::User(key) = &g.1 else { continue };
        let seen = ledger.get(g).map(|s| s.tokens).unwrap_or_default();
        let mut excess = p.tokens.less(&seen);
        if let Some(pool) = pools.get_mut(&(g.0.clone(), g.2.clone())) {
            let absorbed = min_tokens(&excess, pool);
            excess = excess.less(&absorbed);
            *pool = pool.less(&absorbed);
        }
        let entry =
            per.entry((g.0.clone(), key.clone()))
                .or_insert((BookTokens::default(), None, 0));
        entry.2 += p.tokens.total();
        if excess.total() == 0 {
            continue;
        }
        entry.0.add(&excess);
        if let Some(cost) = p.cost_usd.filter(|_| p.tokens.total() > 0) {
            let part = cost * excess.total() as f64 / p.tokens.total() as f64;
            entry.1 = Some(entry.1.unwrap_or(0.0) + part);
        }
    }
    let mut out: Vec<Unrouted> = per
        .into_iter()
        .filter(|(_, (t, ..))| t.total() > 0)
        .map(|((day, key_id), (tokens, cost_usd, seen))| Unrouted {
            key_label: label_of(keys, &key_id),
            share: tokens.total() as f64 / seen.max(1) as f64,
            day,
            key_id,
            tokens,
            cost_usd,
        })
        .collect();
    out.extend(by_cost(keys, provider, ledger, direct));
    out.sort_by(|a, b| (&a.day, &a.key_id).cmp(&(&b.day, &b.key_id)));
    out
}

/// Per day and user key whose provider side has a cost but no tokens: the provider's cost less
/// the ledger's on that key and day (all models), less what the day's direct tool records cost
/// (absorbed in the keys' order); above [`COST_TOLERANCE_USD`], with its share of the
/// provider's cost.
fn by_cost(
    keys: &[UserKey],
    provider: &BTreeMap<Grain, (Side, Option<String>)>,
    ledger: &BTreeMap<Grain, Side>,
    direct: &BTreeMap<(String, String), Side>,
) -> Vec<Unrouted> {
    // (day, key's position) → (provider tokens, provider cost, ledger cost)
    let mut sums: BTreeMap<(String, usize), (u64, f64, f64)> = BTreeMap::new();
    let position = |owner: &Owner| match owner {
        Owner::User(id) => keys.iter().position(|k| k.id == *id),
        _ => None,
    };
    for (g, (s, _)) in provider {
        if let Some(at) = position(&g.1) {
            let e = sums.entry((g.0.clone(), at)).or_default();
            e.0 += s.tokens.total();
            e.1 += s.cost_usd.unwrap_or(0.0);
        }
    }
    for (g, s) in ledger {
        if let Some(at) = position(&g.1) {
            if let Some(e) = sums.get_mut(&(g.0.clone(), at)) {
                e.2 += s.cost_usd.unwrap_or(0.0);
            }
        }
    }
    let mut pools: BTreeMap<&str, f64> = BTreeMap::new();
    for ((day, _), s) in direct {
        *pools.entry(day.as_str()).or_default() += s.cost_usd.unwrap_or(0.0);
    }
    let mut out = vec![];
    for ((day, at), (tokens, billed, seen)) in sums {
        if tokens > 0 || billed <= 0.0 {
            continue;
        }
        let mut excess = (billed - seen).max(0.0);
        if let Some(pool) = pools.get_mut(day.as_str()) {
            let absorbed = excess.min(*pool);
            excess -= absorbed;
            *pool -= absorbed;
        }
        if excess > COST_TOLERANCE_USD {
            let key = &keys[at];
            out.push(Unrouted {
                day,
                key_id: key.id.clone(),
                key_label: key.label.clone(),
                tokens: BookTokens::default(),
                cost_usd: Some(excess),
                share: excess / billed,
            });
        }
    }
    out
}

fn min_tokens(a: &BookTokens, b: &BookTokens) -> BookTokens {
    BookTokens {
        input: a.input.min(b.input),
        cached_input: a.cached_input.min(b.cached_input),
        cache_write: a.cache_write.min(b.cache_write),
        output: a.output.min(b.output),
    }
}
