//! `switchyard tools | connect | disconnect | statusline`: the Tools page on the command
//! line. Nothing printed holds a key or a gateway token (a connect prints the files it changed
//! and the token's name).

use super::io::Io;
use super::values;
use switchyard_app::{AppError, Switchyard};
use switchyard_domain::{Overflow, Subscription};
use switchyard_toolconfig::ToolId;
use switchyard_tools::{ConnectChoice, ToolStatus, Tools, Way};

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
    /// A tool signed in to its vendor's plan (Claude Code to a Claude plan, Codex to a ChatGPT
    /// plan): keep its sign-in (passed to the vendor for its requests only) and, when the plan's
    /// window is used up, go on with your keys (the default when a plan sign-in is found)
    #[arg(long, conflicts_with = "keys")]
    plan: bool,
    /// With --plan: no overflow; the tool waits for the plan's reset as without Switchyard
    #[arg(long, conflicts_with_all = ["keys", "overflow"])]
    plan_only: bool,
    /// With --plan: overflow to this route instead of your keys
    #[arg(long, value_name = "ROUTE", conflicts_with = "keys")]
    overflow: Option<String>,
    /// With --plan: where the plan's sign-in goes (default: the vendor's own host)
    #[arg(long, value_name = "URL", conflicts_with = "keys")]
    plan_host: Option<String>,
    /// Use your API keys through the gateway, not the tool's plan sign-in
    #[arg(long)]
    keys: bool,
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
            way: self.way(),
            ..ConnectChoice::default()
        };
        choice.tiers.opus = self.opus.clone();
        choice.tiers.sonnet = self.sonnet.clone();
        choice.tiers.haiku = self.haiku.clone();
        let tools = Tools::new(app);
        let r = tools.connect(self.tool, choice).await?;
        let mut out = String::new();
        for f in &r.files.changed {
            out += &format!("changed {f}\n");
        }
        if let Some(plan) = r.plan.as_ref() {
            out += &plan_line(self.tool, plan);
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

impl ConnectArgs {
    fn way(&self) -> Way {
        if self.keys {
            return Way::Keys;
        }
        let overflow = match (&self.overflow, self.plan_only) {
            (Some(route), _) => Overflow::Route(route.clone()),
            (None, true) => Overflow::Off,
            (None, false) => Overflow::Keys,
        };
        let asked =
            self.plan || self.plan_only || self.overflow.is_some() || self.plan_host.is_some();
        match asked {
            true => Way::Plan {
                overflow,
                host: self.plan_host.clone(),
            },
            false => Way::Auto,
        }
    }
}

/// What a connect with a plan says: whose sign-in, where it goes, what overflows.
fn plan_line(tool: ToolId, plan: &Subscription) -> String {
    let overflow = match &plan.overflow {
        Overflow::Off => "no overflow: it waits for the plan's reset".to_string(),
        Overflow::Keys => "overflow: your keys".to_string(),
        Overflow::Route(r) => format!("overflow: route {r}"),
    };
    format!(
        "{} keeps its {} sign-in (sent to {} only); {overflow}\n",
        tool.label(),
        plan.vendor.plan_label(),
        plan.host
    )
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
        (true, false) if t.plan.is_some() => "connected (plan)".to_string(),
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
        "statusline": t.statusline, "planFound": t.plan_found, "plan": t.plan,
    })
}
