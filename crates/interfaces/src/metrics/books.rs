//! The providers' books on `/metrics` (issue 75), per backend whose books are read: yesterday's
//! tokens and cost by the ledger and by the provider (`switchyard_books_tokens{backend,side}`,
//! `switchyard_books_cost_usd{backend,side}`; yesterday is the last day every provider has
//! whole), each key's unrouted tokens over yesterday and today
//! (`switchyard_books_unrouted_tokens{backend,key}`), the age of the books shown and whether the
//! last read failed (`switchyard_books_stale`).

use super::{labels::Bounded, FloatGauge, Label};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use switchyard_domain::reconcile::Reconciliation;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SideLabels {
    backend: Label,
    /// `ledger` or `provider`.
    side: Label,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KeyLabels {
    backend: Label,
    /// The key's label, as the books' report names it.
    key: Label,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BackendLabel {
    backend: Label,
}

#[derive(Default)]
pub(super) struct BooksGauges {
    tokens: Family<SideLabels, Gauge>,
    cost: Family<SideLabels, FloatGauge>,
    unrouted: Family<KeyLabels, Gauge>,
    age: Family<BackendLabel, Gauge>,
    stale: Family<BackendLabel, Gauge>,
}

impl BooksGauges {
    pub(super) fn register(&self, r: &mut Registry) {
        register!(r,
            "books_tokens", "Yesterday's tokens (UTC) by Switchyard's ledger and by the provider's own books" => self.tokens;
            "books_cost", "Yesterday's cost (UTC) by Switchyard's ledger and by the provider's own books, where it reports one", prometheus_client::registry::Unit::Other("usd".into()) => self.cost;
            "books_unrouted_tokens", "Tokens the provider billed a key over yesterday and today that neither the gateway nor a tool's records account for" => self.unrouted;
            "books_read_age", "Time since the provider's books shown were read", prometheus_client::registry::Unit::Seconds => self.age;
            "books_stale", "1 when the last read of the provider's books failed (the books shown are older)" => self.stale;
        );
    }

    /// The gauges from `report` (the last two days, books as last read); `now_ms` for the age.
    pub(super) fn read(&self, report: &[Reconciliation], names: &Bounded, now_ms: i64) {
        self.tokens.clear();
        self.cost.clear();
        self.unrouted.clear();
        self.age.clear();
        self.stale.clear();
        for r in report {
            let backend = names.label(&r.backend);
            let b = BackendLabel {
                backend: backend.clone(),
            };
            self.stale
                .get_or_create(&b)
                .set(i64::from(r.stale.is_some()));
            if let Some(at) = r.read_at_ms {
                self.age.get_or_create(&b).set((now_ms - at).max(0) / 1000);
            }
            // The report's first day of two: yesterday.
            if let Some(day) = r.days.first() {
                for (side, figures) in [("ledger", &day.ledger), ("provider", &day.provider)] {
                    let l = SideLabels {
                        backend: backend.clone(),
                        side: names.label(side),
                    };
                    let tokens = i64::try_from(figures.tokens.total()).unwrap_or(i64::MAX);
                    self.tokens.get_or_create(&l).set(tokens);
                    if let Some(cost) = figures.cost_usd {
                        self.cost.get_or_create(&l).set(cost);
                    }
                }
            }
            for u in &r.unrouted {
                let l = KeyLabels {
                    backend: backend.clone(),
                    key: names.label(&u.key_label),
                };
                let tokens = i64::try_from(u.tokens.total()).unwrap_or(i64::MAX);
                self.unrouted.get_or_create(&l).inc_by(tokens);
            }
        }
    }
}
