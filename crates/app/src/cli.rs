//! The headless commands of the `switchyard` binary, Tauri-free:
//! `switchyard serve [--port N]` runs the gateway without a window (same data folder, same
//! keychain), `switchyard token create|list|revoke` manages gateway tokens and scrape tokens
//! ([`crate::cli_token`]), `switchyard backend
//! add|list` manages backends ([`crate::cli_backend`]) and `switchyard requests` reads the
//! ledger ([`crate::cli_requests`]).
//!
//! Invariants: arguments are parsed before anything is opened, so a usage error (exit 2) never
//! creates a data folder; commands other than `serve` and `check` open the core without a
//! gateway or monitor, so they run next to a `serve` or desktop app on the same data folder
//! (SQLite WAL); nothing printed quotes a key.
#![allow(
    clippy::print_stdout,
    reason = "this module is the command-line interface"
)]

use crate::paths::AppPaths;
use crate::{gateway_config_from_env, Switchyard};
use std::process::ExitCode;

pub const USAGE: &str = "usage:
  switchyard                       open the desktop app
  switchyard serve [--port N]      run the gateway without a window (Ctrl+C stops it)
  switchyard token create NAME [--metrics-only]
                                   create a gateway token for a tool (shown once); with
                                   --metrics-only, a scrape token that reads only /metrics
  switchyard token list            list gateway tokens
  switchyard token revoke NAME     revoke a gateway token
  switchyard backend add NAME --kind KIND --base-url URL [--model MODEL]
                     [--key-stdin] [--key-label LABEL]
                                   add an enabled backend (prints its id); with --key-stdin,
                                   its first key is read from one line of stdin
  switchyard backend list [--json] list backends
  switchyard backend show|remove|enable|disable|test NAME
  switchyard backend edit NAME [--name NEW] [--base-url URL] [--model MODEL]
  switchyard import-env [--dotenv FILE] [--dry-run]
                                   move provider keys from the environment (and a .env file)
                                   into the keychain, creating their backends
  switchyard key add BACKEND [--label L] | list [BACKEND] | remove BACKEND LABEL | test BACKEND [LABEL]
                                   keys (a new key is read from stdin, never from an argument)
  switchyard route add NAME --candidate BACKEND=MODEL[*WEIGHT]… [--strategy S] | list | remove NAME
  switchyard budget add NAME --limit USD [--period day|month] [--backend B|--route R] [--hard-stop]
                                   | list | remove NAME
  switchyard config export [FILE] | import FILE [--dry-run] [--json]
                                   the whole configuration as TOML, no secrets (docs/CONFIG.md)
  switchyard requests [--limit N] [--json]
                                   the newest N (default 20, at most 1000) recorded requests
  switchyard usage [--since 7d|24h|YYYY-MM-DD] [--by source|tool|model|day|project|session]
                   [--json] [--rescan]
                                   spend through the gateway and by the tools' own records
                                   (Claude Code, Codex, Gemini CLI, opencode), each counted once
  switchyard usage windows [--json]
                                   subscription windows: used, burn rate, when they reset
  switchyard prices check [--url URL] [--json] | apply | rollback | reprice [--days N]
                                   fetch a newer price file (default: LiteLLM's price map),
                                   see what it changes, apply it, or go back; reprice the last
                                   N days (default 30) of recorded requests at the prices in force
  switchyard models [BACKEND] [--refresh] [--json]
                                   each backend's model list (from its provider), when it was
                                   read, and each model's price; --refresh reads it again
  switchyard models check MODEL [--json]
                                   what a model name reaches and whether it has a known price
  switchyard tools | connect TOOL | disconnect TOOL | statusline | keys find
                                   connect coding tools, find plaintext keys (`switchyard tools help`)
  switchyard check [--json [FILE]] [--junit FILE] [--html FILE]
                                   run the readiness checks (exit 0 ready, 1 degraded, 2 blocked);
                                   the report as JSON (stdout or FILE), JUnit XML or HTML
  switchyard drill [NAME…] [--json [FILE]] [--junit FILE] [--html FILE]
                                   prove failover on a shadow of this configuration (no tokens
                                   spent; exit 0 passed, 2 failed); NAME: failover, breaker,
                                   rate-limit, recovery, distribution, stampede, configuration
  switchyard drill live ROUTE [--requests N] [--yes | --max-usd USD] [report flags]
                                   fail over on the route's real providers (spends tokens: shows
                                   the most it can cost and runs only when confirmed)
  switchyard start-at-login [on|off]
                                   the desktop app's login entry (XDG autostart, the Run key,
                                   a launch agent): show it, or turn it on or off
  switchyard mcp                   an MCP server on stdin/stdout (tools ask, status, costs,
                                   readiness, list_backends, list_routes); also at /mcp on the
                                   gateway with a token
  switchyard --version";

/// True when the arguments name a headless command (so the window is not opened).
pub fn is_command(args: &[String]) -> bool {
    matches!(
        args.first().map(String::as_str),
        Some(
            "serve"
                | "mcp"
                | "key"
                | "route"
                | "budget"
                | "config"
                | "import-env"
                | "token"
                | "backend"
                | "requests"
                | "usage"
                | "prices"
                | "models"
                | "tools"
                | "connect"
                | "disconnect"
                | "statusline"
                | "keys"
                | "check"
                | "drill"
                | "start-at-login"
                | "help"
                | "--help"
                | "-h"
                | "--version"
                | "-V"
        )
    )
}

/// Runs a headless command and returns the process exit code.
pub fn main(args: &[String]) -> ExitCode {
    if matches!(args, [only] if only == "statusline") {
        // Claude Code runs this after every turn: no runtime, no core, read-only SQLite. It pipes
        // its session JSON in; the line does not need it.
        match AppPaths::from_env() {
            Some(paths) => println!("{}", crate::tools::statusline::line(&paths.db_file)),
            None => println!("Switchyard · no data folder"),
        }
        return ExitCode::SUCCESS;
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start the async runtime: {e}")),
    };
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["--version" | "-V"] => {
            println!("switchyard {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        ["serve", rest @ ..] => rt.block_on(serve(rest)),
        ["mcp", rest @ ..] => rt.block_on(crate::cli_mcp::mcp(rest)),
        ["check", rest @ ..] => rt.block_on(crate::cli_check::check(rest)),
        ["drill", "live", ..] => rt.block_on(core_command(&words)),
        ["drill", rest @ ..] => rt.block_on(crate::cli_drill::drill(rest)),
        // Every other command word `is_command` knows needs only the core (one list of words,
        // so a new command cannot be recognised and then not dispatched).
        _ if is_command(args) => rt.block_on(core_command(&words)),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

use crate::cli_io::open;
pub use crate::cli_io::Io;

/// A command that needs only the core, parsed (a usage error is found before anything opens).
#[derive(Debug, Clone, PartialEq)]
pub enum CoreCommand {
    BackendAdd(crate::cli_backend::AddArgs),
    BackendList { json: bool },
    Requests(crate::cli_requests::RequestsArgs),
    Usage(crate::cli_usage::UsageCommand),
    Prices(crate::cli_prices::PricesCommand),
    Models(crate::cli_models::ModelsCommand),
    Tools(crate::cli_tools::ToolsCommand),
    DrillLive(crate::cli_live::LiveArgs),
    Keys(crate::cli_keys::KeyCommand),
    Routes(crate::cli_routes::RouteCommand),
    Config(crate::cli_config::ConfigCommand),
    Tokens(crate::cli_token::TokenCommand),
    StartAtLogin(Option<bool>),
}

impl CoreCommand {
    /// Parses `backend …` / `requests …`; `Err` is the usage message for that command.
    pub fn parse(args: &[&str]) -> Result<CoreCommand, String> {
        match args {
            ["backend", "add", rest @ ..] => {
                crate::cli_backend::AddArgs::parse(rest).map(CoreCommand::BackendAdd)
            }
            ["backend", "list"] => Ok(CoreCommand::BackendList { json: false }),
            ["backend", "list", "--json"] => Ok(CoreCommand::BackendList { json: true }),
            ["backend", "list", ..] => Err("usage: switchyard backend list [--json]".into()),
            ["backend", "show" | "remove" | "enable" | "disable" | "test" | "edit", ..]
            | ["key" | "import-env", ..] => {
                crate::cli_keys::KeyCommand::parse(args).map(CoreCommand::Keys)
            }
            ["config", ..] => {
                crate::cli_config::ConfigCommand::parse(args).map(CoreCommand::Config)
            }
            ["token", ..] => crate::cli_token::TokenCommand::parse(args).map(CoreCommand::Tokens),
            ["route" | "budget", ..] => {
                crate::cli_routes::RouteCommand::parse(args).map(CoreCommand::Routes)
            }
            ["backend", ..] => Err(crate::cli_backend::USAGE.into()),
            ["requests", rest @ ..] => {
                crate::cli_requests::RequestsArgs::parse(rest).map(CoreCommand::Requests)
            }
            ["prices", rest @ ..] => {
                crate::cli_prices::PricesCommand::parse(rest).map(CoreCommand::Prices)
            }
            ["models", rest @ ..] => {
                crate::cli_models::ModelsCommand::parse(rest).map(CoreCommand::Models)
            }
            ["usage", rest @ ..] => {
                crate::cli_usage::UsageCommand::parse(rest, crate::clock::now_ms())
                    .map(CoreCommand::Usage)
            }
            ["tools" | "connect" | "disconnect" | "statusline" | "keys", ..] => {
                crate::cli_tools::ToolsCommand::parse(args).map(CoreCommand::Tools)
            }
            ["drill", "live", rest @ ..] => {
                crate::cli_live::LiveArgs::parse(rest).map(CoreCommand::DrillLive)
            }
            ["start-at-login", rest @ ..] => {
                crate::cli_login::parse(rest).map(CoreCommand::StartAtLogin)
            }
            _ => Err(USAGE.into()),
        }
    }

    /// Runs the command against an open core and returns the exit code.
    pub async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
        match self {
            CoreCommand::BackendAdd(args) => crate::cli_backend::add(app, args, io).await,
            CoreCommand::BackendList { json } => crate::cli_backend::list(app, *json, io).await,
            CoreCommand::Requests(args) => crate::cli_requests::run(app, args, io).await,
            CoreCommand::Usage(cmd) => cmd.run(app, io).await,
            CoreCommand::Prices(cmd) => cmd.run(app, io).await,
            CoreCommand::Models(cmd) => cmd.run(app, io).await,
            CoreCommand::Tools(cmd) => cmd.run(app, io).await,
            CoreCommand::DrillLive(args) => crate::cli_live::run(app, args, io).await,
            CoreCommand::Keys(cmd) => cmd.run(app, io).await,
            CoreCommand::Routes(cmd) => cmd.run(app, io).await,
            CoreCommand::Config(cmd) => cmd.run(app, io).await,
            CoreCommand::Tokens(cmd) => cmd.run(app, io).await,
            CoreCommand::StartAtLogin(set) => crate::cli_login::run(app, *set, io).await,
        }
    }
}

/// Parses and runs a core command against `app` (the seam the tests use, with an in-memory
/// keychain): exit 2 on a usage error, else the command's code.
pub async fn run(app: &Switchyard, args: &[&str], io: &mut Io<'_>) -> u8 {
    match CoreCommand::parse(args) {
        Ok(cmd) => cmd.run(app, io).await,
        Err(usage) => {
            let _ = writeln!(io.stderr, "{usage}");
            2
        }
    }
}

async fn core_command(args: &[&str]) -> ExitCode {
    let mut cmd = match CoreCommand::parse(args) {
        Ok(c) => c,
        Err(usage) => {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
    };
    if matches!(&cmd, CoreCommand::BackendAdd(a) if a.key_stdin)
        && std::io::IsTerminal::is_terminal(&std::io::stdin())
    {
        eprintln!("Paste the key and press Enter (it is shown as typed; to hide it, pipe it in: printf %s \"$KEY\" | switchyard backend add …):");
    }
    if let CoreCommand::DrillLive(live) = &mut cmd {
        live.interactive = std::io::IsTerminal::is_terminal(&std::io::stdin());
    }
    let (app, _guard) = match open(None, false, false).await {
        Ok(a) => a,
        Err(e) => return fail(&e),
    };
    // Unlocked stdout/stderr: a log line from another thread must never wait for this one.
    let mut io = Io {
        stdin: &mut std::io::stdin().lock(),
        stdout: &mut std::io::stdout(),
        stderr: &mut std::io::stderr(),
    };
    let code = cmd.run(&app, &mut io).await;
    ExitCode::from(code)
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("switchyard: {msg}");
    ExitCode::FAILURE
}

/// How long `serve` lets in-flight requests finish after SIGINT or SIGTERM.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

async fn serve(rest: &[&str]) -> ExitCode {
    // First: a stop asked for while the core starts still ends in the clean shutdown.
    let mut stop = switchyard_os::QuitRequests::listen();
    let mut config = match gateway_config_from_env() {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let mut port_fixed = std::env::var_os(crate::GATEWAY_PORT_ENV).is_some();
    match rest {
        [] => {}
        ["--port", port] => match port.parse::<u16>() {
            Ok(p) => {
                config.bind.set_port(p);
                port_fixed = true;
            }
            Err(_) => return fail(&format!("--port takes a number, not “{port}”")),
        },
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    }
    let (app, _guard) = match open(Some(config), port_fixed, true).await {
        Ok(a) => a,
        Err(e) => return fail(&e),
    };
    let addr = match app.gateway_addr() {
        Ok(a) => a,
        Err(e) => return fail(&format!("the gateway could not start: {e}")),
    };
    println!("Switchyard gateway listening on http://{addr}");
    println!("  OpenAI-shaped:    base_url = http://{addr}/v1");
    println!("  Anthropic-shaped: base_url = http://{addr}");
    println!("  Gemini-shaped:    base_url = http://{addr}");
    println!("  data: {}", app.paths().data_dir.display());
    let request = stop.next().await;
    tracing::info!(request, "asked to stop");
    println!("stopping: finishing in-flight requests (up to {SHUTDOWN_GRACE:?})");
    app.shutdown(SHUTDOWN_GRACE).await;
    let (_, lost) = app.ledger_queue();
    if lost > 0 {
        eprintln!("{lost} requests could not be recorded in the ledger (see the log)");
    }
    println!("stopped");
    ExitCode::SUCCESS
}
