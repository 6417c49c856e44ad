//! The two breakers around each attempt of the loop (`forward`): the key's permission before
//! it goes out, and the outcome fed to the backend's and the key's breakers after.

use super::Attempt;
use crate::attempt::{announce, Outcome};
use std::time::Duration;

impl Attempt<'_> {
    /// The key breaker's permission: `Some(None)` for a backend without keys, `None` when the
    /// key's circuit is open.
    pub(super) fn key_permit(
        &self,
        key: Option<&crate::table::KeyRef>,
    ) -> Option<Option<switchyard_policy::Permit>> {
        let Some(k) = key else {
            return Some(None);
        };
        match self.state.health.acquire(&k.id, self.state.clock.now()) {
            Ok(p) => {
                if let Some(tr) = p.transition() {
                    announce(self.state, &self.cand.target.id, Some(&k.id), tr);
                }
                Some(Some(p))
            }
            Err(_) => None,
        }
    }

    /// Feeds the outcome to both breakers: provider trouble counts against the backend, a refused
    /// or rate-limited key against the key; an outcome that says nothing about one is not counted.
    pub(super) fn report(
        &self,
        key: Option<&crate::table::KeyRef>,
        key_permit: Option<switchyard_policy::Permit>,
        permit: switchyard_policy::Permit,
        outcome: &Outcome,
        took: Duration,
    ) {
        let (state, id) = (self.state, &self.cand.target.id);
        let now = state.clock.now();
        let (backend_ok, key_ok) = match outcome {
            // A refused flag is an answer: the backend and the key are fine.
            Outcome::Served(_) | Outcome::Final(_) | Outcome::DropBetas(_) => {
                (Some(true), Some(true))
            }
            Outcome::NextKey(_) => (None, Some(false)),
            Outcome::Retry(..) => (Some(false), None),
        };
        match backend_ok {
            Some(ok) => {
                if let Some(tr) = state.health.report(id, permit, ok, Some(took), now) {
                    announce(state, id, None, &tr);
                    crate::shared::opened(state, &self.cand.target.name, &tr, now);
                }
            }
            None => drop(permit),
        }
        if let (Some(k), Some(p), Some(ok)) = (key, key_permit, key_ok) {
            if let Some(tr) = state.health.report(&k.id, p, ok, Some(took), now) {
                announce(state, id, Some(&k.id), &tr);
            }
        }
    }
}
