//! Keeps the connected tools pointing at the port this data folder's gateway holds. When the
//! gateway starts somewhere else (another program held its port, so it moved; or the user saved
//! another port), every tool connected to it is re-pointed at once, with its own token and
//! model, so no tool keeps sending its token and prompts to whoever holds the old port.
//!
//! Invariants: only the process whose gateway is the data folder's published one re-points
//! (never a private gateway such as `mcp`'s); only files that point at a loopback port get
//! re-pointed (what connect wrote, not an address the user typed elsewhere); a tool whose token
//! the user revoked stays as it is (re-pointing never un-revokes by minting a new token).

use crate::{ConnectChoice, Tools};
use switchyard_app::{AppError, GatewayRunning, OffThread};
use switchyard_toolconfig::ToolId;

/// What connect writes: the gateway on this machine's loopback address.
const LOOPBACK_ROOT: &str = "http://127.0.0.1:";

impl Tools {
    /// Re-points each stale tool (see the module); returns those re-pointed. A tool that
    /// fails is logged and the rest go on.
    pub async fn repoint(&self) -> Result<Vec<ToolId>, AppError> {
        let Some(port) = self.serving_published().await else {
            return Ok(Vec::new());
        };
        let root = format!("{LOOPBACK_ROOT}{port}");
        let mut done = Vec::new();
        for t in self.list().await? {
            let stale = t.points_at.as_deref().is_some_and(|p| {
                let base = p.trim_end_matches('/').trim_end_matches("/v1");
                base.starts_with(LOOPBACK_ROOT) && base != root
            });
            if !(t.connected && !t.via_team && stale && self.token_alive(t.tool).await?) {
                continue;
            }
            match self.connect(t.tool, ConnectChoice::default()).await {
                Ok(_) => done.push(t.tool),
                Err(e) => {
                    tracing::warn!(tool = t.tool.as_str(), error = %e, "a tool was not re-pointed at the gateway");
                }
            }
        }
        Ok(done)
    }

    /// The port of this process's gateway when it is the data folder's published one (the only
    /// process that rewrites the tools' files on its own).
    pub(crate) async fn serving_published(&self) -> Option<u16> {
        let GatewayRunning::Listening(_, addr) = self.gateway.running() else {
            return None;
        };
        let published = switchyard_gateway::presence::find(&self.place.paths.data_dir).await;
        (published == Some(addr.port())).then_some(addr.port())
    }

    /// Whether the tool's token is still good (not revoked by the user).
    pub(crate) async fn token_alive(&self, tool: ToolId) -> Result<bool, AppError> {
        self.blocking(move |inner| {
            let Some(id) = inner
                .connections
                .get_connection(tool.as_str())?
                .and_then(|r| r.token_id)
            else {
                return Ok(false);
            };
            let tokens = inner.token_rows.list_tokens()?;
            Ok(tokens.iter().any(|t| t.id == id && t.revoked_at.is_none()))
        })
        .await
    }
}
