//! The model lists in the tools' own files follow the user's routes. opencode, Kilo CLI, Qwen
//! Code, Pi and Factory Droid never ask the gateway for its models: their pickers show the list
//! connect wrote. When routes or backends change, and with them the names a tool can use
//! ([`Tools::model_choices`]), each of those tools connected to this machine's gateway is
//! connected again — the same token and model, the new list — as [`Tools::repoint`] does for a
//! moved port. Claude Code and Codex ask the gateway itself at each start.
//!
//! Invariants: as `repoint`, only the process serving this data folder's published gateway
//! rewrites files; a revoked token is never replaced; a burst of edits rewrites once, after it
//! settles; nothing is rewritten while the names stay the same (a key check changes none).

use crate::{ConnectChoice, Tools};
use std::time::Duration;
use switchyard_app::{AppError, DomainEvent, Switchyard};
use switchyard_toolconfig::ToolId;
use tokio::sync::broadcast::error::RecvError;

/// The tools whose files hold their model list.
pub const LISTING: [ToolId; 5] = [
    ToolId::Opencode,
    ToolId::Kilo,
    ToolId::QwenCode,
    ToolId::Pi,
    ToolId::Droid,
];

/// How long changes must stop before the lists are rewritten.
const SETTLE: Duration = Duration::from_secs(2);

impl Tools {
    /// Connects again each listing tool connected to this machine's gateway (see the module);
    /// those rewritten. A tool that fails is logged and the rest go on.
    pub async fn relist(&self) -> Result<Vec<ToolId>, AppError> {
        if self.serving_published().await.is_none() {
            return Ok(Vec::new());
        }
        let mut done = Vec::new();
        for t in self.list().await? {
            let listed = LISTING.contains(&t.tool) && t.connected && !t.via_team;
            if !(listed && self.token_alive(t.tool).await?) {
                continue;
            }
            match self.connect(t.tool, ConnectChoice::default()).await {
                Ok(_) => done.push(t.tool),
                Err(e) => {
                    tracing::warn!(tool = t.tool.as_str(), error = %e, "a tool's model list was not rewritten");
                }
            }
        }
        Ok(done)
    }

    /// Rewrites the listing tools' model lists whenever the names a tool can use change, until
    /// the app's events end (run it on the process's own task supervisor).
    pub async fn follow_routes(app: Switchyard) {
        let mut events = app.subscribe();
        let tools = Tools::new(&app);
        let mut names = tools.model_choices().await.ok();
        loop {
            match events.recv().await {
                Ok(DomainEvent::RoutesChanged | DomainEvent::BackendsChanged)
                | Err(RecvError::Lagged(_)) => {}
                Ok(_) => continue,
                Err(RecvError::Closed) => return,
            }
            // Settled: no further change for a moment.
            while let Ok(Ok(_) | Err(RecvError::Lagged(_))) =
                tokio::time::timeout(SETTLE, events.recv()).await
            {}
            let now = match tools.model_choices().await {
                Ok(now) => now,
                Err(e) => {
                    tracing::debug!(error = %e, "the model names could not be read");
                    continue;
                }
            };
            if names.as_ref() == Some(&now) {
                continue;
            }
            names = Some(now);
            match tools.relist().await {
                Ok(done) if !done.is_empty() => {
                    let done: Vec<&str> = done.iter().map(|t| t.as_str()).collect();
                    tracing::info!(tools = ?done, "the tools' model lists follow the routes");
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "the tools' model lists were not rewritten"),
            }
        }
    }
}
