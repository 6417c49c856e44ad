//! `switchyard drill [NAME…] [--json [FILE]] [--junit FILE] [--html FILE]`: the drills on a
//! shadow of this configuration (no token spent, nothing of the user's changed). Prints each
//! drill's verdict, failed criteria and numbers (or, with a bare `--json`, the report), writes
//! the report files asked for, and exits 0 when every drill passed, 2 when one failed (3 when
//! the drills could not run or a report could not be written).
#![allow(
    clippy::print_stdout,
    reason = "this module is the command-line interface"
)]

pub(super) mod live;

use super::report_flags::ReportFlags;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use live::LiveArgs;
use std::process::ExitCode;
use switchyard_drills::{DrillName, DrillOptions, Drills};
use switchyard_report::Report;

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct DrillArgs {
    /// The drills to run (all when none is given)
    #[arg(value_name = "NAME", value_parser = drill_name())]
    names: Vec<DrillName>,
    #[command(flatten)]
    report: ReportFlags,
    #[command(subcommand)]
    live: Option<DrillLive>,
}

#[derive(Debug, clap::Subcommand)]
enum DrillLive {
    /// Fail over on the route's real providers: spends tokens, so it shows the most it can cost
    /// and runs only when confirmed
    Live(LiveArgs),
}

/// A drill's name, one of [`DrillName::ALL`] (listed in `--help` and the completions).
fn drill_name() -> impl TypedValueParser<Value = DrillName> {
    PossibleValuesParser::new(DrillName::ALL.map(DrillName::as_str))
        .try_map(|s| DrillName::parse(&s).ok_or("no such drill"))
}

impl DrillArgs {
    /// `drill live …`, when that is the command.
    pub fn live(&self) -> Option<&LiveArgs> {
        match &self.live {
            Some(DrillLive::Live(a)) => Some(a),
            None => None,
        }
    }

    /// Whether the live drill may ask for its confirmation on this terminal.
    pub fn set_interactive(&mut self, on: bool) {
        if let Some(DrillLive::Live(a)) = &mut self.live {
            a.interactive = on;
        }
    }
}

pub async fn drill(args: DrillArgs) -> ExitCode {
    let mut names = Vec::new();
    for n in args.names {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let outputs = args.report;
    let (app, _guard) = match super::io::open(None, true, false).await {
        Ok(a) => a,
        Err(e) => {
            eprintln!("switchyard: {e}");
            return ExitCode::from(3);
        }
    };
    let report = Drills::new(&app)
        .run(&names, &DrillOptions::default())
        .await;
    app.shutdown(std::time::Duration::from_secs(5)).await;
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            eprintln!("switchyard: the drills could not run: {e}");
            return ExitCode::from(3);
        }
    };
    if outputs.json_stdout() {
        println!("{}", switchyard_report::json(&report));
    } else {
        print!("{}", human(&report));
    }
    if let Err(e) = outputs.write(&report) {
        eprintln!("switchyard: the report could not be written: {e}");
        return ExitCode::from(3);
    }
    ExitCode::from(report.exit_code)
}

/// The run as plain text.
pub fn human(report: &Report) -> String {
    let live = report.suites.iter().any(|s| s.id == "live-failover");
    let mut out = format!(
        "Switchyard drills: {} ({} ms, {})\n\n",
        report.verdict.to_uppercase(),
        report.duration_ms,
        if live {
            "live: on the real providers, tokens spent"
        } else {
            "on a shadow of this configuration: no tokens spent"
        }
    );
    for s in &report.suites {
        let mark = if s.status == "passed" { "ok" } else { "XX" };
        out.push_str(&format!("[{mark}] {:<16} {}\n", s.name, s.status));
        for c in s
            .cases
            .iter()
            .filter(|c| !c.passed && c.importance != "info")
        {
            out.push_str(&format!("       - {}: {}\n", c.name, c.detail));
            if let Some(fix) = &c.fix {
                out.push_str(&format!("         fix: {fix}\n"));
            }
        }
        for m in &s.measurements {
            out.push_str(&format!("       {:<48} {} {}\n", m.name, m.value, m.unit));
        }
    }
    out
}
