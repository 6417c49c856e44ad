//! `switchyard team [--team URL] [--redis URL] token create NAME --owner PERSON | list | revoke
//! ID`, and `team usage [--by person|tool|backend|model|replica] [--days N] [--json]`: a team
//! gateway's tokens and spend, administered from any machine that reaches the team database
//! (the URLs also come from SWITCHYARD_TEAM_DATABASE_URL and SWITCHYARD_TEAM_REDIS_URL; their
//! passwords never from an argument: `team_servers`, and `team login` keeps them in the
//! keychain). A new token's value is printed once, alone on stdout; a revocation is told to
//! every replica at once through Redis, and reaches them within their reload interval without
//! it.

use super::io::{aligned, pretty, Io};
use super::team_budget::TeamBudgetCommand;
use super::team_servers::{self, Flags};
use switchyard_app::team::{team_error, Team, RELOAD_EVERY};
use switchyard_domain::TokenScope;

#[derive(Debug, clap::Args)]
pub struct TeamArgs {
    /// The team database (postgres://user@host:port/db; SWITCHYARD_TEAM_DATABASE_URL too), never
    /// with its password (refused: every account reads a command line)
    #[arg(long, value_name = "URL", global = true)]
    team: Option<String>,
    /// A file only you can read holding the team database's password on its first line (else
    /// SWITCHYARD_TEAM_DATABASE_PASSWORD, else the keychain: `switchyard team login`)
    #[arg(long, value_name = "FILE", global = true)]
    team_password_file: Option<std::path::PathBuf>,
    /// The team's Redis (redis://host:port; SWITCHYARD_TEAM_REDIS_URL too), never with its
    /// password
    #[arg(long, value_name = "URL", global = true)]
    redis: Option<String>,
    /// A file only you can read holding the team Redis's password on its first line (else
    /// SWITCHYARD_TEAM_REDIS_PASSWORD, else the keychain: `switchyard team login`)
    #[arg(long, value_name = "FILE", global = true)]
    redis_password_file: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: TeamCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum TeamCommand {
    /// The team's gateway tokens: one per person and tool
    #[command(subcommand)]
    Token(TeamTokenCommand),
    /// The team's budgets: per person or for everyone, enforced by every replica
    #[command(subcommand)]
    Budget(TeamBudgetCommand),
    /// What the team spent through its gateway, by person, tool, backend, model, replica or day
    Usage {
        /// How to group
        #[arg(long, value_enum, default_value = "person")]
        by: UsageGroup,
        /// The last this many days (1 to 366)
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u16).range(1..=366))]
        days: u16,
        /// As JSON
        #[arg(long)]
        json: bool,
    },
    /// Keep the team's passwords in this machine's keychain, for `serve` and the team commands:
    /// stdin's first line is the database's, its second the Redis's (an empty line: unchanged).
    /// Each is tried on its server first; nothing is kept when one is refused
    Login,
    /// Remove the team's passwords from this machine's keychain
    Logout,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum UsageGroup {
    Person,
    Tool,
    Backend,
    Model,
    Replica,
    Day,
}

impl From<UsageGroup> for switchyard_team::UsageBy {
    fn from(g: UsageGroup) -> Self {
        match g {
            UsageGroup::Person => Self::Person,
            UsageGroup::Tool => Self::Tool,
            UsageGroup::Backend => Self::Backend,
            UsageGroup::Model => Self::Model,
            UsageGroup::Replica => Self::Replica,
            UsageGroup::Day => Self::Day,
        }
    }
}

#[derive(Debug, clap::Subcommand)]
pub enum TeamTokenCommand {
    /// Create a token for a person's tool; its value is printed once, alone on stdout
    Create {
        /// The tool it is for
        name: String,
        /// Whose it is (a name or an e-mail address)
        #[arg(long)]
        owner: String,
        /// A scrape token that reads only GET /metrics
        #[arg(long, conflicts_with = "admin")]
        metrics_only: bool,
        /// An admin token: also opens the team's administration API (a desktop attaches with it)
        #[arg(long)]
        admin: bool,
    },
    /// List the team's tokens (never their values)
    List {
        /// As JSON
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token on every replica
    Revoke {
        /// The token's id (from `list`)
        id: String,
    },
}

impl TeamArgs {
    /// `switchyard token …` with the team's database set: the same on the team's tokens.
    pub(super) fn for_tokens(command: &super::token::TokenCommand) -> Result<TeamArgs, String> {
        use super::token::TokenCommand as Local;
        let command = match command {
            Local::Create { owner: None, .. } => {
                return Err("with the team's database set (SWITCHYARD_TEAM_DATABASE_URL), a token is the team's: say whose it is with --owner PERSON".into())
            }
            Local::Create { panel: true, .. } => {
                return Err("a panel token is this machine's: make it without the team's database set; on a team replica an admin signs in to the panel with their admin token".into())
            }
            Local::Create {
                generate_only: true,
                ..
            } => {
                return Err("--generate-only makes this machine's tokens: make it without the team's database set".into())
            }
            Local::Create {
                name,
                metrics_only,
                owner: Some(owner),
                panel: false,
                generate_only: false,
            } => TeamTokenCommand::Create {
                name: name.clone(),
                owner: owner.clone(),
                metrics_only: *metrics_only,
                admin: false,
            },
            Local::List { json } => TeamTokenCommand::List { json: *json },
            Local::Revoke { name } => TeamTokenCommand::Revoke { id: name.clone() },
        };
        Ok(TeamArgs {
            team: None,
            team_password_file: None,
            redis: None,
            redis_password_file: None,
            command: TeamCommand::Token(command),
        })
    }

    /// Refuses a password in `--team` or `--redis` (at parse time: nothing is opened yet).
    pub(super) fn check(&self) -> Result<(), clap::Error> {
        team_servers::check_flags("team", self.team.as_deref(), self.redis.as_deref())
    }

    fn flags(&self) -> Flags {
        Flags {
            team: self.team.clone(),
            redis: self.redis.clone(),
            team_password_file: self.team_password_file.clone(),
            redis_password_file: self.redis_password_file.clone(),
        }
    }

    /// Runs the command: exit 0, or 1 with the reason on stderr.
    pub async fn run(&self, io: &mut Io<'_>) -> u8 {
        match &self.command {
            TeamCommand::Login => return super::team_login::login(&self.flags(), io).await,
            TeamCommand::Logout => return super::team_login::logout(&self.flags(), io),
            _ => {}
        }
        let opts = match team_servers::resolve(&self.flags(), || None) {
            Ok(Some(opts)) => opts,
            Ok(None) => {
                return io.refuse(
                    "no team database: give --team postgres://user@host/db or set \
                     SWITCHYARD_TEAM_DATABASE_URL",
                )
            }
            Err(e) => return io.refuse(&e),
        };
        let done = match Team::connect(&opts).await {
            Ok(team) => match &self.command {
                TeamCommand::Token(c) => c.run(&team, io).await,
                TeamCommand::Budget(c) => super::team_budget::run(c, &team, io).await,
                TeamCommand::Usage { by, days, json } => {
                    usage(&team, (*by).into(), *days, *json, io).await
                }
                TeamCommand::Login | TeamCommand::Logout => Ok(()),
            },
            Err(e) => Err(team_servers::explain(e, &opts)),
        };
        match done {
            Ok(()) => 0,
            Err(e) => io.refuse(&e),
        }
    }
}

impl TeamTokenCommand {
    async fn run(&self, team: &Team, io: &mut Io<'_>) -> Result<(), String> {
        let w = |e: std::io::Error| e.to_string();
        match self {
            TeamTokenCommand::Create {
                name,
                owner,
                metrics_only,
                admin,
            } => {
                let scope = match (*metrics_only, *admin) {
                    (true, _) => TokenScope::Metrics,
                    (false, true) => TokenScope::Admin,
                    (false, false) => TokenScope::Gateway,
                };
                let new = team
                    .db
                    .create_token(name, owner, scope)
                    .await
                    .map_err(|e| team_error(e).to_string())?;
                team.tokens_changed().await;
                writeln!(io.stdout, "{}", new.value).map_err(w)?;
                writeln!(
                    io.stderr,
                    "Team token “{}” for {} created (id {}). It is shown only once.",
                    new.token.name, new.token.owner, new.token.id
                )
                .map_err(w)
            }
            TeamTokenCommand::List { json } => {
                let tokens = team
                    .db
                    .tokens()
                    .await
                    .map_err(|e| team_error(e).to_string())?;
                let text = if *json {
                    let rows: Vec<_> = tokens
                        .iter()
                        .map(|t| {
                            serde_json::json!({
                                "id": t.id, "name": t.name, "owner": t.owner, "prefix": t.prefix,
                                "scope": t.scope, "revoked": t.revoked,
                            })
                        })
                        .collect();
                    pretty(&rows)
                } else {
                    let rows: Vec<[String; 5]> = tokens
                        .iter()
                        .map(|t| {
                            let state = match (t.revoked, t.scope) {
                                (true, _) => "revoked",
                                (false, TokenScope::Admin) => "active, admin",
                                (false, TokenScope::Metrics) => "active, metrics only",
                                (false, TokenScope::Gateway) => "active",
                                (false, TokenScope::Panel) => "active, panel",
                                (false, TokenScope::Generate) => "active, generate only",
                            };
                            [
                                t.id.clone(),
                                t.name.clone(),
                                t.owner.clone(),
                                format!("{}…", t.prefix),
                                state.into(),
                            ]
                        })
                        .collect();
                    aligned(&rows)
                };
                write!(io.stdout, "{text}").map_err(w)
            }
            TeamTokenCommand::Revoke { id } => {
                team.db
                    .revoke_token(id)
                    .await
                    .map_err(|e| team_error(e).to_string())?;
                let told = team.tokens_changed().await;
                writeln!(io.stdout, "revoked {id}").map_err(w)?;
                if !told {
                    writeln!(
                        io.stderr,
                        "Redis did not hear it: each replica refuses the token within {} s, at its next reload.",
                        RELOAD_EVERY.as_secs()
                    )
                    .map_err(w)?;
                }
                Ok(())
            }
        }
    }
}

/// `team usage`: the team ledger's totals per group, the costliest first, with a total line.
async fn usage(
    team: &Team,
    by: switchyard_team::UsageBy,
    days: u16,
    json: bool,
    io: &mut Io<'_>,
) -> Result<(), String> {
    let since = switchyard_app::now_ms() - i64::from(days) * 86_400_000;
    let rows = team
        .db
        .usage(since, by)
        .await
        .map_err(|e| team_error(e).to_string())?;
    let text = if json {
        pretty(&rows)
    } else {
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        let mut table: Vec<[String; 4]> = vec![[
            "GROUP".into(),
            "REQUESTS".into(),
            "TOKENS IN/OUT".into(),
            "COST".into(),
        ]];
        for r in &rows {
            table.push([
                r.group.clone(),
                r.requests.to_string(),
                format!("{}/{}", r.input_tokens, r.output_tokens),
                super::usage::usd(r.cost_usd, count(r.unpriced)),
            ]);
        }
        let total: f64 = rows.iter().map(|r| r.cost_usd).sum();
        let unpriced = rows.iter().map(|r| count(r.unpriced)).sum();
        let requests: i64 = rows.iter().map(|r| r.requests).sum();
        table.push([
            "total".into(),
            requests.to_string(),
            String::new(),
            super::usage::usd(total, unpriced),
        ]);
        aligned(&table)
    };
    write!(io.stdout, "{text}").map_err(|e| e.to_string())
}
