//! `switchyard serve [--port N]`: the gateway without a window, on the same data folder and
//! keychain as the app, until SIGINT or SIGTERM; then requests in flight finish (up to
//! [`SHUTDOWN_GRACE`]) and are recorded.
#![allow(
    clippy::print_stdout,
    reason = "this module is the command-line interface"
)]

use super::io::{fail, open_with};
use crate::gateway_config_from_env;
use crate::team::{Team, TeamOptions};
use std::process::ExitCode;

/// How long `serve` lets in-flight requests finish after SIGINT or SIGTERM.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The port to listen on (default: the saved setting, else 4141; SWITCHYARD_GATEWAY_PORT too)
    #[arg(long, value_name = "N")]
    port: Option<u16>,
    /// Serve as a replica of a team gateway: the team database
    /// (postgres://user@host:port/db; SWITCHYARD_TEAM_DATABASE_URL too)
    #[arg(long, value_name = "URL")]
    team: Option<String>,
    /// The team's Redis, for what replicas share at once (redis://host:port;
    /// SWITCHYARD_TEAM_REDIS_URL too)
    #[arg(long, value_name = "URL")]
    redis: Option<String>,
}

pub async fn serve(args: ServeArgs) -> ExitCode {
    // First: a stop asked for while the core starts still ends in the clean shutdown.
    let mut stop = switchyard_os::QuitRequests::listen();
    let mut config = match gateway_config_from_env() {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let mut port_fixed = std::env::var_os(crate::GATEWAY_PORT_ENV).is_some();
    if let Some(p) = args.port {
        config.bind.set_port(p);
        port_fixed = true;
    }
    // Flags, else the environment, else the configuration file's `[team]` (config import).
    let resolved = TeamOptions::resolve(args.team, args.redis).or_else(|| {
        let paths = crate::paths::AppPaths::from_env()?;
        let (database_url, redis_url) = crate::config_file::team::saved(&paths.db_file)?;
        Some(TeamOptions {
            database_url,
            redis_url: redis_url.or_else(|| std::env::var(crate::team::TEAM_REDIS_ENV).ok()),
        })
    });
    let team = match resolved {
        Some(opts) => match Team::connect(&opts).await {
            Ok(team) => Some(team),
            Err(e) => return fail(&e.to_string()),
        },
        None => None,
    };
    let teamed = team.is_some();
    let (app, _guard) = match open_with(Some(config), port_fixed, true, true, team).await {
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
    if teamed {
        println!("  team: the team's tokens accepted, requests in its ledger, limits shared");
    }
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
