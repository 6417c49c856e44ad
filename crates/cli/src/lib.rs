//! The `switchyard` command line, Tauri-free. One clap definition ([`Cli`]) gives the parser,
//! every `--help`, the shell completions (`switchyard completions SHELL`) and the man page
//! (`switchyard man`); each command group lives in its own file and runs through the same
//! services as the window.
//!
//! Invariants:
//! - arguments are parsed before anything is opened, so a usage error never creates a data
//!   folder; it exits 2 (3 for `check` and `drill`, whose 2 means blocked or failed);
//! - an argument that looks like a provider key is refused before parsing and never echoed
//!   (keys come from stdin only);
//! - `serve`, `mcp`, `check` and `drill` open their own core; every other command opens the
//!   core without a gateway or monitor, so it runs next to a `serve` or the desktop app on the
//!   same data folder (SQLite WAL);
//! - nothing printed quotes a key.
#![allow(
    clippy::print_stdout,
    reason = "this module is the command-line interface"
)]

mod backend;
mod backend_edit;
mod backend_limits;
mod budget;
mod check;
mod completions;
mod config;
mod drill;
mod import_env;
mod io;
mod key;
mod login;
mod mcp;
mod models;
mod prices;
mod reconcile;
mod report_flags;
mod requests;
mod route;
mod serve;
pub use serve::{with_ui as serve_with_ui, ServeArgs};
mod sweep;
mod sync;
mod team;
mod team_budget;
mod team_config;
mod team_login;
mod team_servers;
mod token;
mod tools;
mod update;
mod usage;
mod values;

use clap::{CommandFactory, Parser, Subcommand};
use std::process::ExitCode;
use switchyard_app::Switchyard;
use switchyard_runtime::paths::AppPaths;

pub use io::Io;

/// `switchyard`: the desktop app without a command; with one, the command line.
#[derive(Debug, Parser)]
#[command(
    name = "switchyard",
    version,
    about = "One loopback gateway and a control panel for your LLM providers",
    long_about = "One loopback gateway and a control panel for your LLM providers. Without a \
                  command, `switchyard` opens the desktop app; the commands below work without a \
                  window, on the same data folder and keychain.",
    after_help = "Keys are read from stdin, never from an argument. `switchyard COMMAND --help` \
                  says more about each command."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Every command, in the order `--help` lists them.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the gateway without a window (Ctrl+C stops it)
    Serve(serve::ServeArgs),
    /// A team gateway's shared state: its tokens, budgets and spend; `login` keeps its passwords
    Team(team::TeamArgs),
    /// Gateway tokens: one per tool, shown once, revocable
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Backends: add, list, show, edit, enable, disable, test, remove
    #[command(subcommand)]
    Backend(backend::BackendCommand),
    /// A backend's keys (a new key is read from stdin, never from an argument)
    #[command(subcommand)]
    Key(key::KeyCommand),
    /// Move provider keys from the environment and a .env file into the keychain
    ImportEnv(import_env::ImportEnvArgs),
    /// Routes: a model name served by candidate backends in a strategy's order
    #[command(subcommand)]
    Route(route::RouteCommand),
    /// Spending limits per day or month, with an optional hard stop
    #[command(subcommand)]
    Budget(budget::BudgetCommand),
    /// The whole configuration as one TOML file, without secrets
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// My machines: backends, routes, budgets and tool tokens follow between your machines
    #[command(subcommand)]
    Sync(sync::SyncCommand),
    /// The newest recorded requests
    Requests(requests::RequestsArgs),
    /// Spend through the gateway and by the tools' own records, each counted once
    Usage(usage::UsageArgs),
    /// The ledger beside each provider's own books, and usage on your keys outside Switchyard
    Reconcile(reconcile::ReconcileArgs),
    /// Newer price files (LiteLLM's map by default): check, apply, roll back, reprice
    #[command(subcommand)]
    Prices(prices::PricesCommand),
    /// Each backend's model list from its provider, with prices
    Models(models::ModelsArgs),
    /// The coding tools on this machine and their state
    Tools(tools::ToolsArgs),
    /// Point a coding tool at the gateway (its own token; reversible)
    Connect(tools::ConnectArgs),
    /// Undo `connect`: only Switchyard's settings go, its token is revoked
    Disconnect(tools::DisconnectArgs),
    /// One status line for Claude Code, or install it there
    Statusline(tools::StatuslineArgs),
    /// Provider keys left in shell profiles, tool configs and .env files
    #[command(subcommand)]
    Keys(sweep::KeysCommand),
    /// Run the readiness checks (exit 0 ready, 1 degraded, 2 blocked)
    Check(check::CheckArgs),
    /// Prove failover on a shadow of this configuration (exit 0 passed, 2 failed)
    Drill(drill::DrillArgs),
    /// Start the app at login, in the tray: show, on or off
    StartAtLogin(login::StartAtLoginArgs),
    /// Updates from signed releases: check, or download, verify and install
    #[command(subcommand)]
    Update(update::UpdateCommand),
    /// An MCP server on stdin/stdout (also at /mcp on the gateway, with a token)
    Mcp,
    /// Print a shell completion script
    Completions(completions::CompletionsArgs),
    /// Print the man page (roff)
    Man,
}

/// True when the arguments name a command (so the window is not opened).
pub fn is_command(args: &[String]) -> bool {
    let Some(first) = args.first() else {
        return false;
    };
    matches!(
        first.as_str(),
        "help" | "--help" | "-h" | "--version" | "-V"
    ) || Cli::command()
        .get_subcommands()
        .any(|c| c.get_name() == first)
}

/// Parses the words after the program name. `Err` is the exit code, with what to print: help
/// and the version go to stdout (exit 0), usage errors to stderr.
pub fn parse(words: &[&str]) -> Result<Cli, (u8, String)> {
    let code = if matches!(words.first(), Some(&("check" | "drill"))) {
        3
    } else {
        2
    };
    if words
        .iter()
        .any(|w| switchyard_domain::looks_like_key(w, false))
    {
        return Err((
            code,
            "error: a key is never given as an argument (it would stay in your shell history \
             and show in `ps`): pipe it in, e.g. printf %s \"$KEY\" | switchyard key add NAME\n"
                .into(),
        ));
    }
    let parsed = Cli::try_parse_from(std::iter::once("switchyard").chain(words.iter().copied()))
        .and_then(|cli| cli.command.check().map(|()| cli));
    parsed.map_err(|e| {
        let text = e.render().to_string();
        match e.exit_code() {
            0 => (0, text),
            _ => (code, text),
        }
    })
}

impl Command {
    /// Usage errors parsing cannot see (arguments that only make sense together).
    fn check(&self) -> Result<(), clap::Error> {
        match self {
            Command::Backend(backend::BackendCommand::Add(a)) => a.check(),
            Command::Serve(a) => a.check(),
            Command::Team(a) => a.check(),
            _ => Ok(()),
        }
    }
}

/// Runs a command and returns the process exit code.
pub fn main(args: &[String]) -> ExitCode {
    if matches!(args, [only] if only == "statusline") {
        // Claude Code runs this after every turn: no runtime, no core, read-only SQLite. It pipes
        // its session JSON in; the line does not need it.
        match AppPaths::from_env() {
            Some(paths) => println!("{}", switchyard_app::statusline::line(&paths.db_file)),
            None => println!("Switchyard · no data folder"),
        }
        return ExitCode::SUCCESS;
    }
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let cli = match parse(&words) {
        Ok(cli) => cli,
        Err((0, text)) => {
            print!("{text}");
            return ExitCode::SUCCESS;
        }
        Err((code, text)) => {
            eprint!("{text}");
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Completions(a) => return completions::print(&a),
        Command::Man => return completions::man(),
        _ => {}
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return io::fail(&format!("cannot start the async runtime: {e}")),
    };
    rt.block_on(run_command(cli.command))
}

/// The process's own streams as an [`Io`] (stdin locked, stdout and stderr unlocked: a log line
/// from another thread must never wait for this one). A macro, so the temporaries it borrows
/// live as long as the `let` that binds it.
macro_rules! std_io {
    () => {
        Io {
            stdin: &mut std::io::stdin().lock(),
            stdout: &mut std::io::stdout(),
            stderr: &mut std::io::stderr(),
        }
    };
}

/// A parsed command, in a process of its own: the commands that open their own core, or the
/// core without a gateway for every other.
async fn run_command(command: Command) -> ExitCode {
    match command {
        Command::Serve(a) => serve::serve(a).await,
        Command::Team(a) => {
            let mut io = std_io!();
            ExitCode::from(a.run(&mut io).await)
        }
        Command::Token(c) if team_servers::named_in_env() => {
            let mut io = std_io!();
            match team::TeamArgs::for_tokens(&c) {
                Ok(args) => ExitCode::from(args.run(&mut io).await),
                Err(e) => ExitCode::from(io.refuse(&e)),
            }
        }
        Command::Mcp => mcp::mcp().await,
        Command::Update(c) => c.run().await,
        Command::Check(a) => check::check(a).await,
        Command::Drill(a) if a.live().is_none() => drill::drill(a).await,
        mut command => {
            if let Some(team) = team_config::target(&command) {
                let mut io = std_io!();
                return ExitCode::from(match team {
                    Ok(team) => team_config::run(&command, &team, &mut io).await,
                    Err(e) => io.refuse(&e),
                });
            }
            before_open(&mut command);
            let (app, _guard) = match io::open(None, false, false).await {
                Ok(a) => a,
                Err(e) => return io::fail(&e),
            };
            let mut io = std_io!();
            team_config::before_key(&command, &app, &mut io).await;
            ExitCode::from(on_core(&command, &app, &mut io).await)
        }
    }
}

/// What a command must know about the terminal before the core opens (the process's own
/// stdin): whether it may ask there, and the prompt for a key read from it.
fn before_open(command: &mut Command) {
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stdin());
    match command {
        Command::Backend(backend::BackendCommand::Add(a)) if a.key_stdin && terminal => {
            eprintln!("Paste the key and press Enter (it is shown as typed; to hide it, pipe it in: printf %s \"$KEY\" | switchyard backend add …):");
        }
        Command::Drill(d) => d.set_interactive(terminal),
        _ => {}
    }
}

/// Parses and runs a command against `app` (the seam the tests use, with an in-memory
/// keychain): the exit code of a usage error, else the command's.
pub async fn run(app: &Switchyard, args: &[&str], io: &mut Io<'_>) -> u8 {
    match parse(args) {
        Ok(cli) => on_core(&cli.command, app, io).await,
        Err((code, text)) => {
            let out = if code == 0 {
                &mut *io.stdout
            } else {
                &mut *io.stderr
            };
            let _ = out.write_all(text.as_bytes());
            code
        }
    }
}

/// Runs a command that needs only an open core.
async fn on_core(command: &Command, app: &Switchyard, io: &mut Io<'_>) -> u8 {
    match command {
        Command::Token(c) => c.run(app, io).await,
        Command::Backend(c) => c.run(app, io).await,
        Command::Key(c) => c.run(app, io).await,
        Command::ImportEnv(a) => a.run(app, io).await,
        Command::Route(c) => c.run(app, io).await,
        Command::Budget(c) => c.run(app, io).await,
        Command::Config(c) => c.run(app, io).await,
        Command::Sync(c) => c.run(app, io).await,
        Command::Requests(a) => a.run(app, io).await,
        Command::Usage(a) => a.run(app, io).await,
        Command::Reconcile(a) => a.run(app, io).await,
        Command::Prices(c) => c.run(app, io).await,
        Command::Models(a) => a.run(app, io).await,
        Command::Tools(a) => a.run(app, io).await,
        Command::Connect(a) => a.run(app, io).await,
        Command::Disconnect(a) => a.run(app, io).await,
        Command::Statusline(a) => a.run(app, io).await,
        Command::Keys(c) => c.run(app, io).await,
        Command::StartAtLogin(a) => a.run(app, io).await,
        Command::Drill(a) => match a.live() {
            Some(live) => drill::live::run(app, live, io).await,
            None => io::own_core(io, "drill"),
        },
        Command::Serve(_) => io::own_core(io, "serve"),
        Command::Team(a) => a.run(io).await,
        Command::Mcp => io::own_core(io, "mcp"),
        Command::Check(_) => io::own_core(io, "check"),
        Command::Update(_) => io::own_core(io, "update"),
        Command::Completions(_) | Command::Man => io::own_core(io, "completions"),
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
