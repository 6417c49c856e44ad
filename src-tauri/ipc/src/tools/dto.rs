//! The Tools page's input: a tool id from the UI. Its answers travel as the core's own types
//! (`switchyard_tools::ToolStatus` as TS `ToolInfo`, `ToolReport` as `ToolResult`, `FilesReport`
//! as `FilesChanged`, `switchyard_app::KeyMove` as `MovedKey`): findings and moves carry the
//! masked value only, with no field a raw key could travel in.

use crate::{ErrorKind, IpcError};
use switchyard_domain::Overflow;
use switchyard_toolconfig::ToolId;
use switchyard_tools::Way;

/// How a tool signed in to its vendor's plan is connected, as the Tools page asks: `auto` (its
/// plan with your keys as overflow when a plan sign-in is found, else keys), `keys`, or `plan`
/// with an overflow. The plan's host is the vendor's own from the window (the CLI may name
/// another).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", tag = "way")]
pub enum ConnectWay {
    Auto,
    Keys,
    Plan { overflow: Overflow },
}

impl From<ConnectWay> for Way {
    fn from(w: ConnectWay) -> Way {
        match w {
            ConnectWay::Auto => Way::Auto,
            ConnectWay::Keys => Way::Keys,
            ConnectWay::Plan { overflow } => Way::Plan {
                overflow,
                host: None,
            },
        }
    }
}

/// Resolves a tool id from the UI; an unknown one is a validation error, not a crash.
pub fn parse_tool(id: &str) -> Result<ToolId, IpcError> {
    ToolId::parse(id).ok_or_else(|| {
        IpcError::new(
            ErrorKind::Validation,
            format!(
                "Unknown tool “{}”.",
                id.chars().take(24).collect::<String>()
            ),
        )
    })
}
