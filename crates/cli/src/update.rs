//! `switchyard update check | apply [--from URL]`: updates without a window (a server, SSH, a
//! team replica), with the checks the app's window makes: the release manifest over HTTPS (or
//! from 127.0.0.1), only a newer version, the package's signature against the release key built
//! into this copy (so `--from` a mirror can withhold an update, never forge one), then installed
//! the way this copy was installed, or a message saying how it is updated instead. What the
//! manifest says (notes, quoted values) arrives printable from `switchyard-release`, so nothing a
//! mirror writes reaches the terminal as an escape sequence. The package is saved in the data
//! folder when it exists (private to the user; the system's temp folder may be memory).
//!
//! Exit codes: `check` 0 up to date, 100 an update is available (as `dnf check-update`), 1 it
//! could not check; `apply` 0 installed or already up to date, 1 refused or failed (nothing
//! installed).
#![allow(
    clippy::print_stdout,
    reason = "this module is the command-line interface"
)]

use std::cmp::Ordering;
use std::io::IsTerminal;
use std::process::ExitCode;
use switchyard_release::{install, Check, Offer, Target, UpdateError, Updater, DEFAULT_MANIFEST};

#[derive(Debug, clap::Subcommand)]
pub enum UpdateCommand {
    /// Say whether a newer release exists (exit 0 up to date, 100 available)
    Check(UpdateArgs),
    /// Download, verify and install the newer release
    Apply(UpdateArgs),
}

#[derive(Debug, clap::Args)]
pub struct UpdateArgs {
    /// Read the release manifest (latest.json) here: a mirror over HTTPS, or plain HTTP from
    /// 127.0.0.1. Signatures are still checked against the key built into this copy.
    #[arg(long, value_name = "URL", default_value = DEFAULT_MANIFEST)]
    from: String,
    /// Print the result as JSON
    #[arg(long)]
    json: bool,
}

impl UpdateCommand {
    pub async fn run(&self) -> ExitCode {
        let (apply, args) = match self {
            UpdateCommand::Check(a) => (false, a),
            UpdateCommand::Apply(a) => (true, a),
        };
        match go(apply, args).await {
            Ok(code) => code,
            Err(e) => {
                if args.json {
                    println!("{}", serde_json::json!({ "error": e.to_string() }));
                } else {
                    eprintln!("switchyard: {e}");
                }
                ExitCode::from(1)
            }
        }
    }
}

async fn go(apply: bool, args: &UpdateArgs) -> Result<ExitCode, UpdateError> {
    let exe = std::env::current_exe().map_err(|e| UpdateError::Install(e.to_string()))?;
    let installer = install::detect(&exe);
    let mut updater = Updater::new(
        env!("CARGO_PKG_VERSION"),
        Target::current(installer.clone()),
    )?;
    // An existing data folder only: `sudo switchyard update apply` must not create one owned
    // by root in a user's home.
    if let Some(paths) = switchyard_runtime::paths::AppPaths::from_env() {
        if paths.data_dir.is_dir() {
            updater = updater.downloads_in(paths.data_dir);
        }
    }
    let offer = match updater.check(&args.from).await? {
        Check::UpToDate { running, latest }
            if apply && latest.cmp_precedence(&running) == Ordering::Less =>
        {
            return Err(UpdateError::NotNewer {
                offered: latest.to_string(),
                running: running.to_string(),
            })
        }
        Check::UpToDate { running, latest } => {
            say(
                args.json,
                serde_json::json!({ "running": running.to_string(), "latest": latest.to_string(), "available": false }),
                &format!("Switchyard {running} is up to date (the newest release is {latest})."),
            );
            return Ok(ExitCode::SUCCESS);
        }
        Check::Available(offer) => offer,
    };
    if !apply {
        say(args.json, offer_json(&offer), &offer_text(&offer));
        return Ok(ExitCode::from(100));
    }
    if !args.json {
        println!("{}", offer_text(&offer));
    }
    let shown = std::io::stderr().is_terminal() && !args.json;
    let mut last = 0;
    let verified = updater
        .download(&offer, &mut |got, total| {
            let Some(total) = total.filter(|t| *t > 0) else {
                return;
            };
            let percent = got * 100 / total;
            if shown && percent >= last + 10 {
                last = percent;
                eprintln!("  downloaded {percent}%");
            }
        })
        .await?;
    let done = install::install(&installer, &verified.path, &exe, offer.package.url.as_str())?;
    say(
        args.json,
        serde_json::json!({ "installed": offer.version.to_string(), "how": done.how }),
        &format!(
            "Switchyard {} installed ({}), its signature verified. Restart Switchyard to run it: what is running now keeps serving until then.",
            offer.version, done.how
        ),
    );
    Ok(ExitCode::SUCCESS)
}

fn say(json: bool, value: serde_json::Value, text: &str) {
    if json {
        println!("{value}");
    } else {
        println!("{text}");
    }
}

fn offer_json(offer: &Offer) -> serde_json::Value {
    serde_json::json!({
        "running": offer.running.to_string(),
        "latest": offer.version.to_string(),
        "available": true,
        "notes": offer.notes,
        "pubDate": offer.pub_date,
        "package": offer.package.url.as_str(),
    })
}

fn offer_text(offer: &Offer) -> String {
    let mut text = format!(
        "Switchyard {} is available (this is {}).",
        offer.version, offer.running
    );
    if let Some(notes) = offer.notes.as_deref().filter(|n| !n.trim().is_empty()) {
        text += &format!("\n\n{}\n", notes.trim());
    }
    text
}
