//! Repricing the ledger from the providers' own costs, on the user's request only (issue 75):
//! where a provider's books say what a day's requests on one of the user's keys and one model
//! cost, that cost is the truth, and the gateway's rows of that grain are scaled to it (the
//! ledger and its rollups together: `LedgerTable::reprice_from_books`).
//!
//! Only lines with a user key, a model, a provider cost and a ledger cost above zero are
//! repriced; a ledger already within 0.1 % of the provider is left as it is, and so is a key's
//! day with unrouted usage (the provider's cost there includes what Switchyard never saw). Tools' own records
//! are never repriced, and a team's ledger is refused (the team database is not this store).

use crate::{Reconcile, ReconcileError};
use switchyard_books::compare::model_key;
use switchyard_books::Span;
use switchyard_domain::reconcile::{ReconciledLine, Reconciliation};
use switchyard_store::BooksFactor;
pub use switchyard_store::RepricedFromBooks;

/// Within this share of the provider's cost, a ledger is left as it is.
const CLOSE_ENOUGH: f64 = 0.001;

/// The factor that brings `line`'s ledger cost to the provider's, when it should be repriced.
fn factor(line: &ReconciledLine) -> Option<f64> {
    line.key_label.as_ref()?;
    if line.model.is_empty() {
        return None;
    }
    let (provider, ledger) = (line.provider.cost_usd?, line.ledger.cost_usd?);
    if ledger.is_nan() || ledger <= 0.0 || (ledger - provider).abs() <= CLOSE_ENOUGH * ledger {
        return None;
    }
    let f = provider / ledger;
    (f.is_finite() && f > 0.0).then_some(f)
}

/// The grains of the ledger to scale, from every backend's report. A key's day with usage
/// outside Switchyard (unrouted) is left as it is: the provider's cost there is not the
/// gateway's rows' alone.
fn grains(report: &[Reconciliation]) -> Vec<BooksFactor> {
    report
        .iter()
        .flat_map(|r| {
            let outside = |l: &ReconciledLine| {
                r.unrouted
                    .iter()
                    .any(|u| u.day == l.day && Some(&u.key_label) == l.key_label.as_ref())
            };
            r.lines.iter().filter(move |l| !outside(l)).filter_map(|l| {
                Some(BooksFactor {
                    day: l.day.clone(),
                    backend: r.backend.clone(),
                    key_label: l.key_label.clone()?,
                    model: model_key(&l.model),
                    factor: factor(l)?,
                })
            })
        })
        .collect()
}

impl Reconcile {
    /// Scales the ledger's costs in `span` to the providers' own, from the books last read.
    pub async fn reprice_from_books(
        &self,
        span: Span,
    ) -> Result<RepricedFromBooks, ReconcileError> {
        if self.team.is_some() {
            return Err(ReconcileError::Team(
                "A team's ledger is not repriced from the providers' books: reprice on the machine that keeps the ledger (`--local`).".into(),
            ));
        }
        let report = self.report(span).await?;
        let grains = grains(&report);
        if grains.is_empty() {
            return Ok(RepricedFromBooks::default());
        }
        self.blocking(move |me| Ok(me.books.reprice_from_books(&grains, model_key)?))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchyard_domain::reconcile::Side;

    fn line(ledger: Option<f64>, provider: Option<f64>, label: Option<&str>) -> ReconciledLine {
        ReconciledLine {
            day: "2026-11-29".into(),
            key_id: label.map(|l| format!("id-{l}")),
            key_label: label.map(str::to_string),
            provider_key: None,
            model: "gpt-4o-mini".into(),
            ledger: Side {
                cost_usd: ledger,
                ..Side::default()
            },
            provider: Side {
                cost_usd: provider,
                ..Side::default()
            },
        }
    }

    #[test]
    fn only_lines_with_a_key_both_costs_and_a_real_difference_are_repriced() {
        assert_eq!(factor(&line(Some(2.0), Some(3.0), Some("main"))), Some(1.5));
        assert_eq!(factor(&line(Some(2.0), Some(3.0), None)), None);
        assert_eq!(factor(&line(Some(2.0), None, Some("main"))), None);
        assert_eq!(factor(&line(Some(0.0), Some(3.0), Some("main"))), None);
        assert_eq!(factor(&line(None, Some(3.0), Some("main"))), None);
        assert_eq!(factor(&line(Some(2.0), Some(0.0), Some("main"))), None);
        assert_eq!(factor(&line(Some(2.0), Some(2.0019), Some("main"))), None);
        assert_eq!(factor(&line(Some(2.0), Some(f64::NAN), Some("main"))), None);
    }
}
