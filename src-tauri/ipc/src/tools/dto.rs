//! The Tools page's input: a tool id from the UI. Its answers travel as the core's own types
//! (`switchyard_tools::ToolStatus` as TS `ToolInfo`, `ToolReport` as `ToolResult`, `FilesReport`
//! as `FilesChanged`, `switchyard_app::KeyMove` as `MovedKey`): findings and moves carry the
//! masked value only, with no field a raw key could travel in.

use crate::{ErrorKind, IpcError};
use switchyard_toolconfig::ToolId;

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
