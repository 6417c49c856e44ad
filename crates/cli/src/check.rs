//! `switchyard check [--json [FILE]] [--junit FILE] [--html FILE]`: the readiness checks without a
//! window. Prints a scorecard (or, with a bare `--json`, the report as JSON), writes the report
//! to each file asked for (`switchyard_report`: JSON in `docs/report-schema.json`, JUnit XML,
//! self-contained HTML), and exits 0 READY, 1 DEGRADED, 2 BLOCKED (3 when the checks could not
//! run or a report could not be written). Its gateway listens on a free port, so a running app on
//! the usual port is not disturbed. With `SWITCHYARD_TEAM_DATABASE_URL` set it checks as a team
//! replica would: the team's database, Redis and ledger too.
#![allow(
    clippy::print_stdout,
    reason = "this module is the command-line interface"
)]

use super::report_flags::ReportFlags;
use std::process::ExitCode;
use switchyard_domain::readiness::ComponentStatus;
use switchyard_readiness::{Readiness, ReadinessRun};

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    report: ReportFlags,
}

pub async fn check(args: CheckArgs) -> ExitCode {
    let outputs = args.report;
    let mut config = switchyard_app::GatewayConfig::default();
    config.bind.set_port(0);
    // With a team database in the environment, the checks cover the team's servers too.
    let team = match super::team_servers::from_env() {
        Ok(Some(opts)) => match switchyard_app::team::Team::connect(&opts).await {
            Ok(team) => Some(team),
            Err(e) => {
                eprintln!("switchyard: {}", super::team_servers::explain(e, &opts));
                return ExitCode::from(3);
            }
        },
        Ok(None) => None,
        Err(e) => {
            eprintln!("switchyard: {e}");
            return ExitCode::from(3);
        }
    };
    let (app, _guard) = match super::io::open_with(Some(config), true, false, true, team).await {
        Ok(a) => a,
        Err(e) => {
            eprintln!("switchyard: {e}");
            return ExitCode::from(3);
        }
    };
    let run = match Readiness::new(&app).run().await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("switchyard: the checks could not run: {e}");
            return ExitCode::from(3);
        }
    };
    app.shutdown(std::time::Duration::from_secs(5)).await;
    let report = run.report();
    if outputs.json_stdout() {
        println!("{}", switchyard_report::json(&report));
    } else {
        print!("{}", human(&run));
    }
    if let Err(e) = outputs.write(&report) {
        eprintln!("switchyard: the report could not be written: {e}");
        return ExitCode::from(3);
    }
    ExitCode::from(run.card.verdict.exit_code())
}

/// The scorecard as plain text.
pub fn human(run: &ReadinessRun) -> String {
    let card = &run.card;
    let mut out = format!(
        "Switchyard readiness: {} (score {:.1}/10, {} ms)\n\n",
        card.verdict.as_str().to_uppercase(),
        card.score,
        run.duration_ms
    );
    for c in &card.components {
        let (mark, word) = match c.status {
            ComponentStatus::Operational => ("ok", "operational"),
            ComponentStatus::Degraded => ("!!", "degraded"),
            ComponentStatus::Down => ("XX", "down"),
        };
        let optional = if c.required { "" } else { " (optional)" };
        out.push_str(&format!(
            "[{mark}] {:<28} {:>4.1}/10  {word}{optional}\n",
            c.name, c.score
        ));
        for k in c.checks.iter().filter(|k| !k.passed) {
            out.push_str(&format!("       - {}: {}\n", k.label, k.detail));
            if let Some(fix) = &k.fix {
                out.push_str(&format!("         fix: {fix}\n"));
            }
        }
    }
    if !card.blockers.is_empty() {
        out.push_str("\nBlockers:\n");
        for b in &card.blockers {
            out.push_str(&format!("  - {}: {}\n", b.component, b.message));
        }
    }
    if let Some(p) = &run.previous {
        out.push_str(&format!(
            "\nPrevious run {}: {} ({:.1}/10)\n",
            p.started_at,
            p.verdict.as_str().to_uppercase(),
            p.score
        ));
    }
    out
}
