//! `switchyard tools | connect | disconnect | statusline`: the Tools page on the command
//! line. Nothing printed holds a key or a gateway token (a connect prints the files it changed
//! and the token's name).

use super::io::Io;
use super::values;
use switchyard_app::{AppError, Switchyard};
use switchyard_toolconfig::ToolId;
use switchyard_tools::{ConnectChoice, ToolStatus, Tools};

#[derive(Debug, clap::Args)]
pub struct ToolsArgs {
    /// As JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ConnectArgs {
    /// The tool
    #[arg(value_parser = values::tool())]
    tool: ToolId,
    /// The model it asks for (a route, or Backend/model; default: the tool picks its models
    /// when its own provider is enabled, else the first route or backend)
    #[arg(long)]
    model: Option<String>,
    /// Claude Code's opus tier
    #[arg(long, value_name = "MODEL")]
    opus: Option<String>,
    /// Claude Code's sonnet tier
    #[arg(long, value_name = "MODEL")]
    sonnet: Option<String>,
    /// Claude Code's haiku tier
    #[arg(long, value_name = "MODEL")]
    haiku: Option<String>,
    /// To the team gateway this desktop is attached to (Settings → Team gateway), with a team
    /// token of its own, rather than to this machine's gateway
    #[arg(long)]
    team: bool,
}

#[derive(Debug, clap::Args)]
pub struct DisconnectArgs {
    /// The tool
    #[arg(value_parser = values::tool())]
    tool: ToolId,
}

#[derive(Debug, clap::Args)]
pub struct StatuslineArgs {
    /// Set Claude Code's statusLine to this command, or put the old one back (without: print
    /// the line)
    #[arg(value_enum)]
    action: Option<StatuslineAction>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum StatuslineAction {
    Install,
    Uninstall,
}

impl ToolsArgs {
    pub async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
        let tools = match Tools::new(app).list().await {
            Ok(t) => t,
            Err(e) => return io.report(&e),
        };
        let text = if self.json {
            let rows: Vec<_> = tools.iter().map(tool_json).collect();
            format!("{}\n", serde_json::Value::Array(rows))
        } else {
            tools.iter().map(|t| tool_line(t) + "\n").collect()
        };
        io.out(&text)
    }
}

impl ConnectArgs {
    pub async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
        let done = self.go(app).await;
        io.finish(done)
    }

    async fn go(&self, app: &Switchyard) -> Result<String, AppError> {
        let mut choice = ConnectChoice {
            model: self.model.clone(),
            team: self.team,
            ..ConnectChoice::default()
        };
        choice.tiers.opus = self.opus.clone();
        choice.tiers.sonnet = self.sonnet.clone();
        choice.tiers.haiku = self.haiku.clone();
        let r = Tools::new(app).connect(self.tool, choice).await?;
        let mut out = String::new();
        for f in &r.files.changed {
            out += &format!("changed {f}\n");
        }
        if r.files.changed.is_empty() {
            out += "already connected; nothing to change\n";
        }
        out += &format!(
            "{} → Switchyard (token “{}”{})\n",
            self.tool.label(),
            r.token_name.unwrap_or_default(),
            r.model
                .as_ref()
                .map(|m| format!(", model {m}"))
                .unwrap_or_default()
        );
        // Flagged where it is chosen: a model the ledger cannot price, or nothing serves.
        if let Some(m) = r.model {
            if let Ok(switchyard_app::ModelCheck {
                warning: Some(w), ..
            }) = app.catalogue().check(m).await
            {
                out += &format!("note: {w}\n");
            }
        }
        Ok(out)
    }
}

impl DisconnectArgs {
    pub async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
        let done = async {
            let r = Tools::new(app).disconnect(self.tool).await?;
            let mut out = String::new();
            for f in &r.files.changed {
                out += &format!("restored {f}\n");
            }
            for k in &r.files.kept {
                out += &format!("kept {k} (changed since connecting)\n");
            }
            if let Some(t) = r.token_name {
                out += &format!("revoked token “{t}”\n");
            }
            Ok(out)
        };
        let done = done.await;
        io.finish(done)
    }
}

impl StatuslineArgs {
    pub async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
        let tools = Tools::new(app);
        let changed = match self.action {
            None => {
                let line = switchyard_app::statusline::line(&app.paths().db_file);
                return io.out(&format!("{line}\n"));
            }
            Some(StatuslineAction::Install) => tools.install_statusline().await,
            Some(StatuslineAction::Uninstall) => tools.uninstall_statusline().await,
        };
        let done = changed.map(|r| r.changed.iter().map(|f| format!("changed {f}\n")).collect());
        io.finish(done)
    }
}

fn tool_line(t: &ToolStatus) -> String {
    let installed = match (&t.installed, &t.version) {
        (true, Some(v)) => format!("installed {v}"),
        (true, None) => "installed".into(),
        (false, _) => "not installed".into(),
    };
    let state = match (t.connected, t.needs_reconnect) {
        (true, false) => "connected".to_string(),
        (true, true) => "connected, needs reconnect".to_string(),
        (false, _) => "not connected".to_string(),
    };
    format!(
        "{:<12} {:<20} {:<28} {} req ${:.4} today  {}",
        t.tool.as_str(),
        installed,
        state,
        t.requests_today,
        t.cost_today_usd,
        t.config_files.join(", ")
    )
}

fn tool_json(t: &ToolStatus) -> serde_json::Value {
    serde_json::json!({
        "id": t.tool.as_str(), "label": t.tool.label(), "installed": t.installed,
        "version": t.version, "program": t.program, "connected": t.connected,
        "needsReconnect": t.needs_reconnect, "pointsAt": t.points_at,
        "configFiles": t.config_files, "model": t.model, "tokenName": t.token_name,
        "requestsToday": t.requests_today, "costTodayUsd": t.cost_today_usd,
        "statusline": t.statusline,
    })
}
