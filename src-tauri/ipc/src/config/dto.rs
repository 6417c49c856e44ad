//! The configuration import's approval, as the page sends it back: exactly the lists of changes
//! it showed (keys to new hosts, the gateway opened wider). What the import would do travels as
//! the core's own `ImportOutcome` (TS `ConfigImport`).

use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_app::config_file::{Approved, ExposureChange, HostChange};

/// What the user approved in the import dialog: the lists it showed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConfigApproval {
    pub host_changes: Vec<HostChange>,
    pub exposure_changes: Vec<ExposureChange>,
}

impl From<ConfigApproval> for Approved {
    fn from(approval: ConfigApproval) -> Self {
        let ConfigApproval {
            host_changes,
            exposure_changes,
        } = approval;
        Approved::Listed {
            hosts: host_changes,
            exposure: exposure_changes,
        }
    }
}
