//! What a newer price table changes: models added, removed, and repriced (any price of the
//! entry differs), for the price sync's "12 models changed, 3 added" before the user applies it.

use crate::{ModelPrice, PriceTable};

/// One repriced model: its key, and the old and new prices.
#[derive(Debug, Clone, PartialEq)]
pub struct Repriced {
    pub key: String,
    pub old: ModelPrice,
    pub new: ModelPrice,
}

/// Keys as spelled in each file, sorted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PriceDiff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<Repriced>,
}

impl PriceTable {
    /// What `newer` adds, removes and reprices against this table (overrides not compared).
    pub fn diff(&self, newer: &PriceTable) -> PriceDiff {
        let mut d = PriceDiff::default();
        for (k, e) in &newer.models {
            match self.models.get(k) {
                None => d.added.push(e.key.clone()),
                Some(old) if old.price != e.price => d.changed.push(Repriced {
                    key: e.key.clone(),
                    old: old.price,
                    new: e.price,
                }),
                Some(_) => {}
            }
        }
        d.removed = self
            .models
            .iter()
            .filter(|(k, _)| !newer.models.contains_key(*k))
            .map(|(_, e)| e.key.clone())
            .collect();
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(entries: &[(&str, f64)]) -> PriceTable {
        let body: Vec<String> = entries
            .iter()
            .map(|(k, p)| format!(r#""{k}": {{"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": {p}, "output_cost_per_token": {p}}}"#))
            .collect();
        PriceTable::from_json(format!("{{{}}}", body.join(",")).as_bytes()).unwrap()
    }

    #[test]
    fn added_removed_and_repriced_models_are_named() {
        let old = table(&[("gpt-a", 1e-6), ("gpt-b", 2e-6), ("gpt-c", 3e-6)]);
        let new = table(&[("gpt-a", 1e-6), ("gpt-b", 4e-6), ("gpt-d", 5e-6)]);
        let d = old.diff(&new);
        assert_eq!(d.added, ["gpt-d"]);
        assert_eq!(d.removed, ["gpt-c"]);
        assert_eq!(d.changed.len(), 1);
        assert_eq!(d.changed[0].key, "gpt-b");
        assert_eq!(
            (d.changed[0].old.input, d.changed[0].new.input),
            (2e-6, 4e-6)
        );
        assert_eq!(old.diff(&old), PriceDiff::default());
    }
}
