//! `switchyard token create NAME [--metrics-only | --generate-only | --panel] | list | revoke
//! NAME`: gateway tokens from the command line. A new token's value is printed once, alone on
//! stdout (so `$(…)` captures it); what to do with it goes to stderr. `--metrics-only` makes a
//! scrape token: it reads `GET /metrics` (Prometheus' `authorization: credentials:`) and is
//! refused everywhere else. `--generate-only` makes a token as `connect` makes for a tool: it
//! generates and lists models and reads nothing else. `--panel` makes a panel token: it signs a
//! browser in to `switchyard serve --ui`'s control panel and opens nothing else.

use super::io::{pretty, Io};
use switchyard_app::Switchyard;
use switchyard_domain::TokenScope;

#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Create a token for a tool; its value is printed once, alone on stdout
    Create {
        /// A name for the tool that will use it
        name: String,
        /// A scrape token that reads only GET /metrics
        #[arg(long, conflicts_with_all = ["panel", "generate_only"])]
        metrics_only: bool,
        /// A token that generates and lists models and reads nothing else (not /metrics, not
        /// /mcp), as `connect` makes for a tool: worth less to whoever captures it
        #[arg(long, conflicts_with = "panel")]
        generate_only: bool,
        /// A panel token: signs a browser in to the control panel (`switchyard serve --ui`), and
        /// opens nothing else
        #[arg(long)]
        panel: bool,
        /// Whose it is: with the team's database set (SWITCHYARD_TEAM_DATABASE_URL) the token is
        /// the team's, for this person
        #[arg(long)]
        owner: Option<String>,
    },
    /// List tokens (never their values)
    List {
        /// As JSON
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token: every request with it is refused from now on
    Revoke {
        /// The token's name (a team's token: its id, from `list`)
        name: String,
    },
}

impl TokenCommand {
    /// Runs the command: exit 0, or 1 with the reason on stderr.
    pub async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
        let done = match self {
            TokenCommand::Create { owner: Some(_), .. } => Err(
                "--owner is for a team's tokens: set SWITCHYARD_TEAM_DATABASE_URL (or use `switchyard team token create`)".into(),
            ),
            TokenCommand::Create {
                name,
                metrics_only,
                generate_only,
                panel,
                owner: None,
            } => {
                let scope = match (*metrics_only, *generate_only, *panel) {
                    (true, _, _) => TokenScope::Metrics,
                    (false, true, _) => TokenScope::Generate,
                    (false, false, true) => TokenScope::Panel,
                    (false, false, false) => TokenScope::Gateway,
                };
                create(app, name, scope, io).await
            }
            TokenCommand::List { json } => list(app, *json, io).await,
            TokenCommand::Revoke { name } => match app.tokens().revoke(name.clone()).await {
                Ok(t) => writeln!(io.stdout, "revoked {}", t.name).map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            },
        };
        match done {
            Ok(()) => 0,
            Err(e) => io.refuse(&e),
        }
    }
}

async fn create(
    app: &Switchyard,
    name: &str,
    scope: TokenScope,
    io: &mut Io<'_>,
) -> Result<(), String> {
    let t = app
        .tokens()
        .create_scoped(name.to_string(), scope)
        .await
        .map_err(|e| e.to_string())?;
    let w = |e: std::io::Error| e.to_string();
    writeln!(io.stdout, "{}", t.token.expose()).map_err(w)?;
    match scope {
        TokenScope::Gateway | TokenScope::Admin | TokenScope::Generate => writeln!(
            io.stderr,
            "Token “{}” created. It is shown only once: paste it into the tool's API key setting.",
            t.row.name
        )
        .map_err(w),
        TokenScope::Panel => {
            let at = gateway_address(app).await;
            writeln!(
                io.stderr,
                "Panel token “{}” created. It is shown only once: paste it into the panel's sign-in\n\
                 at http://{at}/panel/ (`switchyard serve --ui`). It opens the panel and nothing else;\n\
                 `switchyard token revoke {}` ends every session it signed in.",
                t.row.name, t.row.name
            )
            .map_err(w)
        }
        TokenScope::Metrics => {
            let at = gateway_address(app).await;
            writeln!(
                io.stderr,
                "Scrape token “{}” created. It is shown only once, and reads only /metrics.\n\
                 In prometheus.yml (the token above as the credentials, or in a credentials_file):\n\
                 \x20 - job_name: switchyard\n\
                 \x20   authorization:\n\
                 \x20     credentials: sy-…\n\
                 \x20   static_configs: [{{ targets: [\"{at}\"] }}]",
                t.row.name
            )
            .map_err(w)
        }
    }
}

/// Where this data folder's running gateway is, proven (`host:port`), for the addresses a new
/// token's advice names; with none running, a placeholder that says so (never a guessed port:
/// a port this app does not hold may be another account's).
async fn gateway_address(app: &Switchyard) -> String {
    match switchyard_tools::Tools::new(app).gateway_root().await {
        Ok(root) => root.trim_start_matches("http://").to_string(),
        Err(_) => "<the gateway's address: start Switchyard, then see `switchyard tools`>".into(),
    }
}

async fn list(app: &Switchyard, json: bool, io: &mut Io<'_>) -> Result<(), String> {
    let tokens = app.tokens().list().await.map_err(|e| e.to_string())?;
    if json {
        let rows: Vec<_> = tokens
            .iter()
            .map(|t| {
                serde_json::json!({
                    "name": t.name, "prefix": t.prefix, "scope": t.scope,
                    "createdAt": t.created_at, "lastUsedAt": t.last_used_at,
                    "revokedAt": t.revoked_at,
                })
            })
            .collect();
        return write!(io.stdout, "{}", pretty(&rows)).map_err(|e| e.to_string());
    }
    for t in tokens {
        let state = match (&t.revoked_at, &t.last_used_at) {
            (Some(at), _) => format!("revoked {at}"),
            (None, Some(at)) => format!("last used {at}"),
            (None, None) => "never used".to_string(),
        };
        let scope = match t.scope {
            TokenScope::Gateway => "",
            TokenScope::Metrics => "  metrics only",
            TokenScope::Admin => "  admin",
            TokenScope::Panel => "  panel",
            TokenScope::Generate => "  generate only",
        };
        writeln!(
            io.stdout,
            "{:<24} {}…  created {}  {state}{scope}",
            t.name, t.prefix, t.created_at
        )
        .map_err(|e| e.to_string())?;
    }
    Ok(())
}
