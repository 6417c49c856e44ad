//! IPC shapes of the Team page and Settings → Team gateway. The team's overview travels as the
//! app's own type (`switchyard_team::overview`, the same JSON the team API sends; its UI
//! type derived behind the app's `specta` feature); only the link state is the window's.

use serde::{Deserialize, Serialize};
use specta::Type;

/// Which team gateway this desktop is attached to (`url` null: none).
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamLinkState {
    pub url: Option<String>,
}
