//! `switchyard serve [--port N]`: the gateway without a window, on the same data folder and
//! keychain as the app, until SIGINT or SIGTERM; then requests in flight finish (up to
//! [`SHUTDOWN_GRACE`]) and are recorded.
#![allow(
    clippy::print_stdout,
    reason = "this module is the command-line interface"
)]

use super::io::{fail, open_with};
use super::team_servers::{self, Flags};
use std::process::ExitCode;
use switchyard_app::gateway_config_from_env;
use switchyard_app::team::Team;

/// How long `serve` lets in-flight requests finish after SIGINT or SIGTERM.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The port to listen on (default: the saved setting, else 4141; SWITCHYARD_GATEWAY_PORT too)
    #[arg(long, value_name = "N")]
    port: Option<u16>,
    /// Serve as a replica of a team gateway: the team database (postgres://user@host:port/db;
    /// SWITCHYARD_TEAM_DATABASE_URL too). Never with its password: every account on this machine
    /// reads a command line, so one here is refused; see --team-password-file
    #[arg(long, value_name = "URL")]
    team: Option<String>,
    /// A file only you can read, whose first line is the team database's password (else
    /// SWITCHYARD_TEAM_DATABASE_PASSWORD, else the keychain: `switchyard team login`)
    #[arg(long, value_name = "FILE")]
    team_password_file: Option<std::path::PathBuf>,
    /// The team's Redis, for what replicas share at once (redis://host:port;
    /// SWITCHYARD_TEAM_REDIS_URL too). Never with its password: see --redis-password-file
    #[arg(long, value_name = "URL")]
    redis: Option<String>,
    /// A file only you can read, whose first line is the team Redis's password (else
    /// SWITCHYARD_TEAM_REDIS_PASSWORD, else the keychain: `switchyard team login`)
    #[arg(long, value_name = "FILE")]
    redis_password_file: Option<std::path::PathBuf>,
    /// Also serve the control panel to a browser, at /panel/ on the gateway's address (sign in
    /// with a panel token: `switchyard token create NAME --panel`)
    #[arg(long)]
    ui: bool,
    /// Speak HTTPS too, on the same port, with this certificate (PEM: the server's, then its
    /// chain; SWITCHYARD_TLS_CERT too). Other machines reach the control panel only over HTTPS
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<std::path::PathBuf>,
    /// The certificate's private key (PEM; SWITCHYARD_TLS_KEY too)
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<std::path::PathBuf>,
}

/// The certificate for HTTPS, when no `--tls-cert` is given.
pub const TLS_CERT_ENV: &str = "SWITCHYARD_TLS_CERT";
/// Its private key, when no `--tls-key` is given.
pub const TLS_KEY_ENV: &str = "SWITCHYARD_TLS_KEY";

impl ServeArgs {
    /// Whether the panel was asked for (`--ui`).
    pub fn ui(&self) -> bool {
        self.ui
    }

    /// The gateway's settings from the environment and `--port`, and whether the port is fixed
    /// (given, so never moved to a free one).
    pub fn gateway(&self) -> Result<(switchyard_app::GatewayConfig, bool), String> {
        let mut config = gateway_config_from_env()?;
        let mut port_fixed = std::env::var_os(switchyard_app::GATEWAY_PORT_ENV).is_some();
        if let Some(p) = self.port {
            config.bind.set_port(p);
            port_fixed = true;
        }
        config.tls = self.tls()?;
        Ok((config, port_fixed))
    }

    /// The certificate and key for HTTPS: the flags, else the environment; both or neither.
    fn tls(&self) -> Result<Option<switchyard_app::TlsFiles>, String> {
        let env = |name| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(std::path::PathBuf::from)
        };
        let given = (self.tls_cert.clone(), self.tls_key.clone());
        let (cert, key) = match given {
            (None, None) => (env(TLS_CERT_ENV), env(TLS_KEY_ENV)),
            both => both,
        };
        match (cert, key) {
            (Some(cert), Some(key)) => Ok(Some(switchyard_app::TlsFiles { cert, key })),
            (None, None) => Ok(None),
            (Some(_), None) => Err(format!(
                "HTTPS needs the certificate's private key too: give --tls-key FILE (or {TLS_KEY_ENV})."
            )),
            (None, Some(_)) => Err(format!(
                "HTTPS needs the certificate too: give --tls-cert FILE (or {TLS_CERT_ENV})."
            )),
        }
    }

    /// Refuses a password in `--team` or `--redis` (at parse time: nothing is opened yet).
    pub(super) fn check(&self) -> Result<(), clap::Error> {
        team_servers::check_flags("serve", self.team.as_deref(), self.redis.as_deref())
    }

    /// The team to serve as a replica of (`--team`, the environment, the configuration file),
    /// connected; `None` to serve alone.
    pub async fn team(&self) -> Result<Option<Team>, String> {
        let flags = Flags {
            team: self.team.clone(),
            redis: self.redis.clone(),
            team_password_file: self.team_password_file.clone(),
            redis_password_file: self.redis_password_file.clone(),
        };
        match team_servers::resolve(&flags, team_servers::saved)? {
            Some(opts) => Team::connect(&opts)
                .await
                .map(Some)
                .map_err(|e| team_servers::explain(e, &opts)),
            None => Ok(None),
        }
    }
}

/// `switchyard serve …` with `--ui`, when `args` are that command: the app's core process serves
/// it (the panel is one more client of that process, beside the window).
pub fn with_ui(args: &[String]) -> Option<ServeArgs> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match super::parse(&words) {
        Ok(super::Cli {
            command: super::Command::Serve(a),
        }) if a.ui => Some(a),
        _ => None,
    }
}

pub async fn serve(args: ServeArgs) -> ExitCode {
    if args.ui {
        return fail(
            "switchyard-serve has no control panel: run `switchyard serve --ui` (the app's command; `switchyard-tray serve --ui` where no window is installed), which serves the panel beside the gateway.",
        );
    }
    // First: a stop asked for while the core starts still ends in the clean shutdown.
    let mut stop = switchyard_os::QuitRequests::listen();
    let (config, port_fixed) = match args.gateway() {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let team = match args.team().await {
        Ok(team) => team,
        Err(e) => return fail(&e),
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
    let also = if app.gateway_https() {
        " (and https://, same port)"
    } else {
        ""
    };
    println!("Switchyard gateway listening on http://{addr}{also}");
    if let Some(squat) = app.gateway_control().info().squat {
        eprintln!("switchyard: {}", squat.message);
    }
    println!("  OpenAI-shaped:    base_url = http://{addr}/v1");
    println!("  Anthropic-shaped: base_url = http://{addr}");
    println!("  Gemini-shaped:    base_url = http://{addr}");
    println!("  data: {}", app.paths().data_dir.display());
    if teamed {
        println!("  team: the team's tokens accepted, requests in its ledger, limits shared");
    }
    // The model lists in the connected tools' files follow the routes while it serves.
    let mut following = tokio::task::JoinSet::new();
    following.spawn(switchyard_tools::Tools::follow_routes(app.clone()));
    following.spawn(switchyard_tools::Tools::follow_plans(app.clone()));
    // The providers' books read daily, their unrouted usage handed to the alert rules.
    following.spawn(switchyard_reconcile::Reconcile::follow(app.clone()));
    let request = stop.next().await;
    following.abort_all();
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
