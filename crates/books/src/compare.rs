//! The ledger set beside a provider's books: per UTC day, key and model, and the usage on the
//! user's keys that nothing Switchyard saw accounts for.
//!
//! Each token is counted once: a gateway row on a key is that key's; a tool's own record of a
//! request that never passed the gateway (its ledger-less rows) names no key, so it accounts for
//! provider usage of its day and model on whichever of the user's keys the gateway does not
//! explain, in the keys' order. What is left on a user's key is unrouted.

use crate::span::Span;
use std::collections::BTreeMap;
use switchyard_domain::books::{redacted_matches, Books, BooksProvider};
use switchyard_domain::reconcile::{KeyMatch, ReconciledDay, ReconciledLine, Reconciliation, Side};

/// The gateway's figures for one day, key (resolved from its row's label) and model.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerLine {
    pub day: String,
    /// `None`: a key no longer kept (its label matches none).
    pub key_id: Option<String>,
    pub model: String,
    pub side: Side,
}

/// A tool's own records of requests that never passed the gateway, for one day and model.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectLine {
    pub day: String,
    pub model: String,
    pub side: Side,
}

/// One of the user's keys of the backend.
#[derive(Debug, Clone, PartialEq)]
pub struct UserKey {
    pub id: String,
    pub label: String,
    /// Its masked hint (`sk-…abcd`).
    pub hint: String,
}

/// Everything a reconciliation reads.
pub struct Input<'a> {
    pub backend_id: &'a str,
    pub backend: &'a str,
    pub provider: BooksProvider,
    pub span: Span,
    pub books: &'a Books,
    pub ledger: &'a [LedgerLine],
    pub direct: &'a [DirectLine],
    pub keys: &'a [UserKey],
    /// (provider key id, user key id): the user's choices.
    pub choices: &'a [(String, String)],
}

/// A model's name without a trailing snapshot date (`gpt-4o-mini-2024-07-18`,
/// `claude-sonnet-4-5-20250929`), lower-case: the ledger keeps the name as answered, the
/// books sometimes the snapshot.
pub fn model_key(model: &str) -> String {
    let m = model.trim().to_ascii_lowercase();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some((head, date)) = m.rsplit_once('-') {
        if date.len() == 8 && digits(date) {
            return head.to_string();
        }
    }
    let parts: Vec<&str> = m.rsplitn(4, '-').collect();
    if parts.len() == 4
        && parts[0].len() == 2
        && parts[1].len() == 2
        && parts[2].len() == 4
        && parts[..3].iter().all(|p| digits(p))
    {
        return parts[3].to_string();
    }
    m
}

/// Which of the user's keys each provider key is: the user's choice, else the user's key whose
/// id it carries (a key read with itself: OpenRouter's `/key`), else the one key whose hint fits
/// its redacted value; several fitting → none, with the candidates.
pub fn match_keys(books: &Books, keys: &[UserKey], choices: &[(String, String)]) -> Vec<KeyMatch> {
    books
        .keys
        .iter()
        .map(|pk| {
            let chosen = choices
                .iter()
                .find(|(p, k)| *p == pk.id && keys.iter().any(|u| u.id == *k))
                .map(|(_, k)| k.clone());
            let own = keys.iter().find(|u| u.id == pk.id).map(|u| u.id.clone());
            let fits: Vec<String> = keys
                .iter()
                .filter(|u| redacted_matches(&pk.redacted, &u.hint))
                .map(|u| u.id.clone())
                .collect();
            let key_id = chosen
                .clone()
                .or(own)
                .or_else(|| (fits.len() == 1).then(|| fits[0].clone()));
            KeyMatch {
                provider_key_id: pk.id.clone(),
                redacted: pk.redacted.clone(),
                name: pk.name.clone(),
                candidates: if key_id.is_none() && fits.len() > 1 {
                    fits
                } else {
                    vec![]
                },
                key_id,
                chosen: chosen.is_some(),
            }
        })
        .collect()
}

/// Which key a line belongs to: one of the user's, or a provider key that is not.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Owner {
    User(String),
    Other(String),
    Unknown,
}

type Grain = (String, Owner, String);

pub fn reconcile(input: &Input<'_>) -> Reconciliation {
    let keys = match_keys(input.books, input.keys, input.choices);
    let owner_of = |provider_key: &Option<String>| match provider_key {
        None => Owner::Unknown,
        Some(id) => keys
            .iter()
            .find(|m| m.provider_key_id == *id)
            .and_then(|m| m.key_id.clone())
            .map_or(Owner::Other(id.clone()), Owner::User),
    };
    let in_span = |day: &str| {
        day >= span_day(input.span, true).as_str() && day <= span_day(input.span, false).as_str()
    };

    // The provider's lines per grain, with the provider key's redacted value.
    let mut provider: BTreeMap<Grain, (Side, Option<String>)> = BTreeMap::new();
    for l in input.books.lines.iter().filter(|l| in_span(&l.day)) {
        let model = model_key(l.model.as_deref().unwrap_or(""));
        let grain = (l.day.clone(), owner_of(&l.key_id), model);
        let shown = l
            .key_id
            .as_ref()
            .and_then(|id| input.books.keys.iter().find(|k| k.id == *id))
            .map(|k| k.redacted.clone());
        let entry = provider
            .entry(grain)
            .or_insert_with(|| (Side::default(), shown));
        entry.0.add(&Side {
            requests: l.requests,
            tokens: l.tokens,
            cost_usd: l.cost_usd,
        });
    }
    apportion_costs(input.books, &mut provider, &in_span);

    let mut ledger: BTreeMap<Grain, Side> = BTreeMap::new();
    for l in input.ledger.iter().filter(|l| in_span(&l.day)) {
        let owner = l.key_id.clone().map_or(Owner::Unknown, Owner::User);
        ledger
            .entry((l.day.clone(), owner, model_key(&l.model)))
            .or_default()
            .add(&l.side);
    }
    let mut direct: BTreeMap<(String, String), Side> = BTreeMap::new();
    for d in input.direct.iter().filter(|d| in_span(&d.day)) {
        direct
            .entry((d.day.clone(), model_key(&d.model)))
            .or_default()
            .add(&d.side);
    }

    let unrouted = unrouted(input.keys, &provider, &ledger, &direct);
    let lines = lines(input.keys, &provider, &ledger, &direct);
    let days = input
        .span
        .days()
        .into_iter()
        .map(|day| {
            let mut l = Side::default();
            let mut p = Side::default();
            for line in lines.iter().filter(|x| x.day == day) {
                l.add(&line.ledger);
                p.add(&line.provider);
            }
            let unrouted_tokens = unrouted
                .iter()
                .filter(|u| u.day == day)
                .map(|u| u.tokens.total())
                .sum();
            ReconciledDay {
                day,
                ledger: l,
                provider: p,
                unrouted_tokens,
            }
        })
        .collect();
    Reconciliation {
        backend_id: input.backend_id.to_string(),
        backend: input.backend.to_string(),
        provider: input.provider,
        first_day: span_day(input.span, true),
        last_day: span_day(input.span, false),
        read_at_ms: None,
        stale: None,
        days,
        lines,
        unrouted,
        keys,
        people: vec![],
    }
}

fn span_day(span: Span, first: bool) -> String {
    crate::span::day(if first { span.first } else { span.last })
}

/// The provider's cost lines put on its usage lines: one naming a key and model goes to that
/// line; one naming only a day (and model) is shared among that day's (model's) lines by tokens.
fn apportion_costs(
    books: &Books,
    provider: &mut BTreeMap<Grain, (Side, Option<String>)>,
    in_span: &dyn Fn(&str) -> bool,
) {
    for c in books.costs.iter().filter(|c| in_span(&c.day)) {
        let model = c.model.as_deref().map(model_key);
        let fits = |g: &Grain| {
            g.0 == c.day
                && model.as_ref().is_none_or(|m| g.2 == *m)
                && c.key_id.as_ref().is_none_or(|k| match &g.1 {
                    Owner::Other(id) => id == k,
                    _ => false,
                })
        };
        let total: u64 = provider
            .iter()
            .filter(|(g, _)| fits(g))
            .map(|(_, (s, _))| s.tokens.total())
            .sum();
        let n = provider.keys().filter(|g| fits(g)).count();
        for (g, (side, _)) in provider.iter_mut() {
            if !fits(g) {
                continue;
            }
            let part = if total > 0 {
                side.tokens.total() as f64 / total as f64
            } else {
                1.0 / n as f64
            };
            side.cost_usd = Some(side.cost_usd.unwrap_or(0.0) + c.cost_usd * part);
        }
    }
}

fn label_of(keys: &[UserKey], id: &str) -> String {
    keys.iter()
        .find(|k| k.id == id)
        .map_or_else(|| id.to_string(), |k| k.label.clone())
}

/// Every grain either side has, ledger and provider beside each other; a day and model's direct
/// tool records as a line of their own (no key).
fn lines(
    keys: &[UserKey],
    provider: &BTreeMap<Grain, (Side, Option<String>)>,
    ledger: &BTreeMap<Grain, Side>,
    direct: &BTreeMap<(String, String), Side>,
) -> Vec<ReconciledLine> {
    let mut grains: Vec<&Grain> = provider.keys().chain(ledger.keys()).collect();
    grains.sort();
    grains.dedup();
    let mut out: Vec<ReconciledLine> = grains
        .into_iter()
        .map(|g| {
            let (p, shown) = provider.get(g).cloned().unwrap_or_default();
            let key_id = match &g.1 {
                Owner::User(id) => Some(id.clone()),
                _ => None,
            };
            ReconciledLine {
                day: g.0.clone(),
                key_label: key_id.as_deref().map(|id| label_of(keys, id)),
                key_id,
                provider_key: shown,
                model: g.2.clone(),
                ledger: ledger.get(g).cloned().unwrap_or_default(),
                provider: p,
            }
        })
        .collect();
    for ((day, model), side) in direct {
        out.push(ReconciledLine {
            day: day.clone(),
            key_id: None,
            key_label: None,
            provider_key: None,
            model: model.clone(),
            ledger: side.clone(),
            provider: Side::default(),
        });
    }
    out.sort_by(|a, b| (&a.day, &a.model, &a.key_label).cmp(&(&b.day, &b.model, &b.key_label)));
    out
}

#[path = "compare_unrouted.rs"]
mod unrouted;
use unrouted::unrouted;

#[cfg(test)]
#[path = "compare_tests.rs"]
mod tests;
