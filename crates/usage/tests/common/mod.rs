//! What the crate's integration tests share: a sink that keeps records as the store does.

use std::collections::BTreeMap;
use switchyard_usage::{Cursor, PlanWindow, Record, Sink};

/// Keeps records by key, the larger output winning (as the store's upsert); nothing else.
#[derive(Default)]
pub struct Memory {
    pub records: BTreeMap<String, Record>,
}

impl Sink for Memory {
    fn records(&mut self, batch: &mut [Record]) -> Result<(), String> {
        for r in batch {
            let keep = self
                .records
                .get(&r.key)
                .is_none_or(|old| old.output_tokens <= r.output_tokens);
            if keep {
                self.records.insert(r.key.clone(), r.clone());
            }
        }
        Ok(())
    }
    fn windows(&mut self, _: &[PlanWindow]) -> Result<(), String> {
        Ok(())
    }
    fn cursor(&mut self, _: &Cursor) -> Result<(), String> {
        Ok(())
    }
}
