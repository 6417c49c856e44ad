//! A team replica's books: the team ledger's rows as the report reads the ledger, and the
//! spend per day and person beside the provider's bill.

use std::collections::BTreeMap;
use switchyard_domain::books::BookTokens;
use switchyard_domain::reconcile::{PersonDay, Side};
use switchyard_store::LedgerDay;
use switchyard_team::TeamBookDay;

fn tokens(r: &TeamBookDay) -> BookTokens {
    let [input, cached_input, cache_write, output] = r.tokens;
    BookTokens {
        input,
        cached_input,
        cache_write,
        output,
    }
}

/// A team ledger row as one of the ledger's days (the person is summed away).
pub(crate) fn ledger_day(r: &TeamBookDay) -> LedgerDay {
    LedgerDay {
        day: r.day.clone(),
        backend: Some(r.backend.clone()),
        key_label: r.key_label.clone(),
        provider: None,
        model: r.model.clone(),
        requests: r.requests,
        tokens: tokens(r),
        cost_usd: r.cost_usd,
        unpriced: r.unpriced,
    }
}

/// The spend per day and person on `backend`.
pub(crate) fn people(rows: &[TeamBookDay], backend: &str) -> Vec<PersonDay> {
    let mut per: BTreeMap<(String, Option<String>), Side> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.backend == backend) {
        per.entry((r.day.clone(), r.person.clone()))
            .or_default()
            .add(&Side {
                requests: Some(r.requests),
                tokens: tokens(r),
                cost_usd: Some(r.cost_usd),
            });
    }
    per.into_iter()
        .map(|((day, person), ledger)| PersonDay {
            day,
            person,
            ledger,
        })
        .collect()
}
