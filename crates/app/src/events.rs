//! Domain events the shell forwards to the UI. Emitted on transitions only.

use crate::probe::ProbeResult;

#[derive(Debug, Clone, PartialEq)]
pub enum DomainEvent {
    /// Backends, keys or their checks changed: lists should reload.
    BackendsChanged,
    /// A key (or keyless backend) was tested.
    KeyChecked {
        backend_id: String,
        key_id: Option<String>,
        result: ProbeResult,
    },
}
