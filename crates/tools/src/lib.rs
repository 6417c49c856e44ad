//! The Tools feature, above the core (`switchyard-tools`): finds the coding tools on this
//! machine (Claude Code, Codex, Gemini CLI, opencode, aider), connects each to the gateway — this
//! machine's or the attached team's — with its own token, editing only the keys it needs,
//! reversibly ([`connect`], [`journal`]); shows each tool's usage today and installs Claude
//! Code's status line ([`statusline`]). Built from the core's public face ([`Tools::new`]); the
//! key sweep and the file helpers it shares with connecting stay in the core
//! (`switchyard_app::tools`).
//!
//! Invariants: a tool's config file is parsed before anything is written and refused whole when
//! it cannot be; nothing returned or logged here holds a key or a gateway token; a token made for
//! a tool is a connected tool's (`TokenScope::Generate`: generation and the model list, nothing
//! of the user's data), since a program squatting the tool's port could capture it.

mod choices;
mod codex_template;
mod connect;
mod detect;
mod fault;
mod folders;
mod journal;
pub mod plan_notices;
mod relist;
mod repoint;
mod service;
mod statusline;
mod target;
mod team;
mod views;
mod way;

pub use connect::FilesReport;
pub use detect::parse_version;
pub use service::Tools;
pub use views::{ConnectChoice, ToolReport, ToolStatus};
pub use way::{plan_found, plan_vendor, Way};

use choices::{default_model, model_choices};
use std::path::Path;
use switchyard_app::tools::files;
use switchyard_app::{AppError, OffThread};
use switchyard_domain::{free_name, TokenScope};
use switchyard_toolconfig::{plans, ConnectParams, Home, TierModels, ToolId};

/// Connection id of Claude Code's status line (a connection without a token).
pub const STATUSLINE_ID: &str = "claude-code:statusline";

impl Tools {
    /// Every supported tool with its state and usage today.
    pub async fn list(&self) -> Result<Vec<ToolStatus>, AppError> {
        let home = self.place.home()?;
        let path_var = self.place.path();
        let found = detect::detect_all(path_var, home.home.clone()).await;
        let root = self.gateway_root().await;
        // No gateway of this data folder runs (the CLI with the app closed): where the tools
        // point cannot be compared, so it is not called stale. A gateway that could not hold
        // its port is known, and every tool pointing at that port is stale.
        let unknown = matches!(
            root,
            Err(AppError::Unavailable(switchyard_app::Unavailable::Gateway))
        );
        let root = root.ok();
        let team_root = self.team.url().await.ok().flatten();
        self.blocking(move |inner| {
            let connections = inner.connections.list_connections()?;
            let tokens = inner.token_rows.list_tokens()?;
            let usage = statusline::usage_today_by_token(inner)?;
            let mut out = Vec::new();
            let base_url_var = ["COPILOT_PROVIDER_BASE_URL".to_string()];
            for (tool, installed) in found {
                let row = connections.iter().find(|c| c.id == tool.as_str());
                let token_name = row
                    .and_then(|r| r.token_id.as_deref())
                    .and_then(|id| tokens.iter().find(|t| t.id == id))
                    .map(|t| t.name.clone());
                // The environment store holds only Copilot CLI's variables; its base URL is the
                // one read.
                let read = |p: &Path| target::read(inner, p, &base_url_var).ok().flatten();
                let points_at = plans::current_base_url(tool, &home, &read);
                let connected = row.is_some_and(|r| r.state == journal::CONNECTED);
                let via_team = row
                    .and_then(|r| r.token_id.as_deref())
                    .is_some_and(|id| team::team_token(id).is_some());
                // A team token is the replica's to check; this machine's are here.
                let token_active = via_team
                    || row.and_then(|r| r.token_id.as_deref()).is_some_and(|id| {
                        tokens.iter().any(|t| t.id == id && t.revoked_at.is_none())
                    });
                let target = if via_team { &team_root } else { &root };
                let here = match (&points_at, target) {
                    (Some(p), Some(r)) => p.trim_end_matches("/v1").trim_end_matches('/') == r,
                    (_, None) => unknown && !via_team,
                    _ => false,
                };
                // By the token's name; a disconnected tool by the name its token had.
                let usage_name = token_name.as_deref().unwrap_or(tool.as_str());
                let (requests_today, cost_today_usd) = usage
                    .iter()
                    .find(|(name, _, _)| name == usage_name)
                    .map_or((0, 0.0), |(_, n, c)| (*n, *c));
                out.push(ToolStatus {
                    tool,
                    label: tool.label().to_string(),
                    installed: installed.path.is_some(),
                    version: installed.version,
                    program: installed.path.map(|p| p.display().to_string()),
                    connected,
                    needs_reconnect: connected && (!here || !token_active),
                    via_team,
                    points_at,
                    config_files: plans::config_files(tool, &home)
                        .iter()
                        .map(|(p, _)| files::shown(&home.home, p))
                        .collect(),
                    model: row.and_then(|r| r.model.clone()),
                    token_name,
                    requests_today,
                    cost_today_usd,
                    statusline: (tool == ToolId::ClaudeCode)
                        .then(|| connections.iter().any(|c| c.id == STATUSLINE_ID)),
                    plan_vendor: way::plan_vendor(tool),
                    plan_found: way::plan_found(tool, &home),
                    plan: row
                        .and_then(|r| r.token_id.as_deref())
                        .and_then(|id| tokens.iter().find(|t| t.id == id))
                        .filter(|_| connected)
                        .and_then(|t| t.subscription.clone()),
                });
            }
            Ok(out)
        })
        .await
    }

    /// The routes and models a tool can be pointed at: route names first, then each enabled
    /// backend's default model as `Backend/model`, then the rest of their model lists.
    pub async fn model_choices(&self) -> Result<Vec<String>, AppError> {
        self.blocking(model_choices).await
    }

    /// Connects `tool` (or reconnects it: new port, revoked token). Idempotent.
    pub async fn connect(
        &self,
        tool: ToolId,
        choice: ConnectChoice,
    ) -> Result<ToolReport, AppError> {
        let home = self.place.home()?;
        let (root, issued) = if choice.team {
            let (base, token) = self.team.issue_tool_token(tool.as_str()).await?;
            (base, Some(token))
        } else {
            (self.gateway_root().await?, None)
        };
        let issued_id = issued.as_ref().map(|t| team::row_token_id(&t.id));
        // Codex on its plan keeps the plan's own models: its catalogue is not read for that.
        let on_plan = matches!(choice.way, Way::Plan { .. });
        let catalogue =
            tool == ToolId::Codex && !choice.team && !on_plan && self.codex_catalogue(&home).await;
        let connected = self
            .blocking(move |inner| {
                inner.secrets.check()?;
                let to = Target {
                    root: &root,
                    catalogue,
                };
                connect_blocking(inner, &home, tool, choice, to, issued)
            })
            .await;
        let (report, old_token) = match (connected, issued_id) {
            (Ok(done), _) => done,
            (Err(e), Some(id)) => {
                // The team's token is not left valid for a connect that did not happen.
                if let Err(r) = self.revoke_connection_token(id).await {
                    tracing::warn!(error = %r, "a team token of a failed connect stays valid");
                }
                return Err(e);
            }
            (Err(e), None) => return Err(e),
        };
        if let Some(old) = old_token {
            // Already revoked (that is what made the tool need a reconnect) is no error.
            self.revoke_connection_token(old).await?;
        }
        self.events.emit(switchyard_app::DomainEvent::TokensChanged);
        tracing::info!(
            tool = tool.as_str(),
            files = report.files.changed.len(),
            "tool connected"
        );
        Ok(report)
    }

    /// Disconnects `tool`: undoes its keys (keeping any the user changed) and revokes its token.
    pub async fn disconnect(&self, tool: ToolId) -> Result<ToolReport, AppError> {
        let home = self.place.home()?;
        let (files, token_id) = self
            .blocking(move |inner| {
                let token = inner
                    .connections
                    .get_connection(tool.as_str())?
                    .and_then(|r| r.token_id);
                let files = connect::disconnect(inner, tool.as_str(), &home.home)?;
                Ok((files, token))
            })
            .await?;
        let token_name = match token_id {
            Some(id) => self.revoke_connection_token(id).await?,
            None => None,
        };
        tracing::info!(tool = tool.as_str(), "tool disconnected");
        Ok(ToolReport {
            files,
            plan: None,
            token_name,
            model: None,
        })
    }

    /// Finishes or rolls back connects a crash interrupted (run once at start).
    pub async fn repair(&self) -> Result<Vec<String>, AppError> {
        self.blocking(journal::repair).await
    }

    /// [`Tools::repair`] for a binary once its core has started: a failure is logged, and the
    /// app runs on (the tools' files are as the crash left them).
    /// Then re-points the connected tools at the gateway's port if it moved ([`Tools::repoint`]).
    pub async fn repair_at_start(app: &switchyard_app::Switchyard) {
        let tools = Tools::new(app);
        if let Err(e) = tools.repair().await {
            tracing::warn!(error = %e, "interrupted tool connections not repaired");
        }
        match tools.repoint().await {
            Ok(moved) if !moved.is_empty() => {
                let moved: Vec<&str> = moved.iter().map(|t| t.as_str()).collect();
                tracing::warn!(tools = ?moved, "tools re-pointed at the gateway's new port");
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "tools not re-pointed at the gateway's port"),
        }
    }

    /// The gateway's root URL as local tools reach it: this process's gateway, else the port
    /// this data folder's running gateway proves it holds (`presence::find`: the app or `serve`
    /// beside this CLI). Never a guess: with no gateway of ours running, or ours unable to hold
    /// its port, nothing is to be written, and the error says why.
    pub async fn gateway_root(&self) -> Result<String, AppError> {
        use switchyard_app::GatewayRunning as Running;
        let port = match self.gateway.running() {
            Running::Listening(_, addr) => Some(addr.port()),
            Running::Failed(why) => {
                return Err(AppError::Conflict(format!(
                    "{why} Nothing was pointed at the gateway."
                )))
            }
            Running::Off => switchyard_gateway::presence::find(&self.place.paths.data_dir).await,
        };
        port.map(|p| format!("http://127.0.0.1:{p}"))
            .ok_or(AppError::Unavailable(switchyard_app::Unavailable::Gateway))
    }
}

/// Returns the report and the token to revoke afterwards (a reconnect's old one).
/// Where a connect points the tool: the gateway's root, and whether it serves Codex's catalogue.
struct Target<'a> {
    root: &'a str,
    catalogue: bool,
}

fn connect_blocking(
    inner: &Tools,
    home: &Home,
    tool: ToolId,
    choice: ConnectChoice,
    to: Target<'_>,
    issued: Option<switchyard_team::overview::IssuedToken>,
) -> Result<(ToolReport, Option<String>), AppError> {
    let root = to.root;
    let id = tool.as_str();
    let old = inner.connections.get_connection(id)?;
    let model = match choice.model.filter(|m| !m.trim().is_empty()) {
        Some(m) => Some(m.trim().to_string()),
        // A reconnect keeps the model picked before.
        None => match old.as_ref().and_then(|r| r.model.clone()) {
            Some(m) => Some(m),
            None => default_model(inner, tool)?,
        },
    };
    // A team token is made for each connect; only this machine's own is reused.
    let reuse = old
        .as_ref()
        .filter(|_| issued.is_none())
        .and_then(|row| {
            Some((
                row.token_id.clone()?,
                journal::load_restore(inner, id).ok()??,
            ))
        })
        .and_then(|(token_id, restore)| {
            let token = restore
                .files
                .iter()
                .flat_map(|f| &f.record.edits)
                .find_map(|e| {
                    let v = e.written.as_ref()?.as_str()?;
                    (e.secret && v.starts_with(switchyard_app::TOKEN_PREFIX)).then(|| v.to_string())
                })?;
            let caller = inner.tokens.index().verify(&token)?;
            // A token that could read the user's data (one from before connected tools' tokens
            // generated only) is replaced, not reused: the new one generates only.
            let reusable = caller.token_id == token_id && caller.scope == TokenScope::Generate;
            reusable.then_some((token_id, caller.name, token))
        });
    let team = issued.is_some();
    // Before a token is made: a refused plan leaves no token behind.
    let subscription = way::subscription(inner, (tool, &choice.way), team, old.as_ref(), home)?;
    let (token_id, token_name, token, fresh) = match (issued, reuse) {
        (Some(t), _) => (team::row_token_id(&t.id), t.name, t.token, true),
        (None, Some((id, name, token))) => (id, name, token, false),
        (None, None) => {
            // The tool's files hold it, and whoever squats the port the tool points at can
            // capture it: it generates and lists models, and reads nothing of the user's.
            let name = free_token_name(inner, id)?;
            let (row, token) = inner.tokens.insert_scoped(&name, TokenScope::Generate)?;
            (row.id, row.name, token.expose().clone(), true)
        }
    };
    let tiers = match (&model, tool) {
        (Some(m), ToolId::ClaudeCode) => TierModels {
            opus: choice.tiers.opus.or_else(|| Some(m.clone())),
            sonnet: choice.tiers.sonnet.or_else(|| Some(m.clone())),
            haiku: choice.tiers.haiku.or_else(|| Some(m.clone())),
        },
        _ => choice.tiers,
    };
    let params = ConnectParams {
        gateway_root: root.to_string(),
        token,
        model: model.clone(),
        tiers,
        models: model_choices(inner)?,
        // A team's replica may run another version: its tools keep to HTTP.
        websockets: !team,
        codex_catalogue: to.catalogue,
        plan: subscription.is_some(),
    };
    let plans = plans::plan(tool, home, &params);
    let files = connect::connect(
        inner,
        id,
        &plans,
        Some(token_id.clone()),
        model.clone(),
        &home.home,
    );
    // The plan is the token's (the gateway reads it with the token); a connect with keys clears it.
    let files = files.and_then(|f| {
        if !team {
            way::keep(inner, &token_id, subscription.as_ref())?;
        }
        Ok(f)
    });
    let files = match files {
        Ok(f) => f,
        Err(e) => {
            // The caller revokes a team token (through the team's API).
            if fresh && !team {
                inner.tokens.revoke_now(&token_id)?;
            }
            return Err(e);
        }
    };
    let old_token = old
        .and_then(|r| r.token_id)
        .filter(|old| fresh && *old != token_id);
    Ok((
        ToolReport {
            files,
            plan: subscription,
            token_name: Some(token_name),
            model,
        },
        old_token,
    ))
}

/// The tool's id as its token name, or `codex-2` when another active token has it.
fn free_token_name(inner: &Tools, base: &str) -> Result<String, AppError> {
    let tokens = inner.token_rows.list_tokens()?;
    let taken: Vec<&str> = tokens
        .iter()
        .filter(|t| t.revoked_at.is_none())
        .map(|t| t.name.as_str())
        .collect();
    Ok(free_name(base, &taken, 64))
}
