//! `switchyard check [--json [FILE]] [--junit FILE] [--html FILE]`: the readiness checks without a
//! window. Prints a scorecard (or, with a bare `--json`, the report as JSON), writes the report
//! to each file asked for (`switchyard_report`: JSON in `docs/report-schema.json`, JUnit XML,
//! self-contained HTML), and exits 0 READY, 1 DEGRADED, 2 BLOCKED (3 when the checks could not
//! run or a report could not be written). Its gateway listens on a free port, so a running app on
//! the usual port is not disturbed.
#![allow(
    clippy::print_stdout,
    reason = "this module is the command-line interface"
)]

use crate::ReadinessRun;
use std::path::PathBuf;
use std::process::ExitCode;
use switchyard_core::readiness::ComponentStatus;

const USAGE: &str = "usage: switchyard check [--json [FILE]] [--junit FILE] [--html FILE]";

/// Where the report goes: stdout as JSON, and/or files.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Outputs {
    pub json_stdout: bool,
    pub json: Option<PathBuf>,
    pub junit: Option<PathBuf>,
    pub html: Option<PathBuf>,
}

/// Parses the report flags; a flag given twice or without its file is a usage error.
pub(crate) fn parse_outputs(rest: &[&str]) -> Result<Outputs, String> {
    let mut out = Outputs::default();
    let mut i = 0;
    while i < rest.len() {
        let file = rest
            .get(i + 1)
            .filter(|f| !f.starts_with("--"))
            .map(PathBuf::from);
        let slot = match rest[i] {
            "--json" => {
                if out.json_stdout || out.json.is_some() {
                    return Err("--json is given twice".into());
                }
                match file {
                    Some(f) => out.json = Some(f),
                    None => out.json_stdout = true,
                }
                i += if out.json.is_some() { 2 } else { 1 };
                continue;
            }
            "--junit" => &mut out.junit,
            "--html" => &mut out.html,
            other => return Err(format!("unknown argument “{other}”")),
        };
        if slot.is_some() {
            return Err(format!("{} is given twice", rest[i]));
        }
        *slot = Some(file.ok_or_else(|| format!("{} needs a file", rest[i]))?);
        i += 2;
    }
    Ok(out)
}

/// Writes the report to every file in `outputs` (each replaced atomically).
pub(crate) fn write_reports(
    report: &switchyard_report::Report,
    outputs: &Outputs,
) -> Result<(), String> {
    let files = [
        (&outputs.json, switchyard_report::json as fn(&_) -> String),
        (&outputs.junit, switchyard_report::junit),
        (&outputs.html, switchyard_report::html),
    ];
    for (path, render) in files {
        if let Some(path) = path {
            crate::tools::files::write_atomic(path, &render(report)).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

pub async fn check(rest: &[&str]) -> ExitCode {
    let outputs = match parse_outputs(rest) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("switchyard: {e}\n{USAGE}");
            return ExitCode::from(3);
        }
    };
    let mut config = crate::GatewayConfig::default();
    config.bind.set_port(0);
    let (app, _guard) = match crate::cli_io::open(Some(config), true, false).await {
        Ok(a) => a,
        Err(e) => {
            eprintln!("switchyard: {e}");
            return ExitCode::from(3);
        }
    };
    let run = match app.readiness().run().await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("switchyard: the checks could not run: {e}");
            return ExitCode::from(3);
        }
    };
    app.shutdown(std::time::Duration::from_secs(5)).await;
    let report = run.report();
    if outputs.json_stdout {
        println!("{}", switchyard_report::json(&report));
    } else {
        print!("{}", human(&run));
    }
    if let Err(e) = write_reports(&report, &outputs) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_flags_parse_and_mistakes_are_usage_errors() {
        assert_eq!(parse_outputs(&[]), Ok(Outputs::default()));
        let all = parse_outputs(&["--junit", "a.xml", "--json", "--html", "r.html"]).unwrap();
        assert!(all.json_stdout && all.json.is_none());
        assert_eq!(all.junit, Some(PathBuf::from("a.xml")));
        assert_eq!(all.html, Some(PathBuf::from("r.html")));
        let file = parse_outputs(&["--json", "r.json"]).unwrap();
        assert_eq!(
            (file.json_stdout, file.json),
            (false, Some("r.json".into()))
        );
        for (bad, says) in [
            (&["--junit"][..], "--junit needs a file"),
            (&["--junit", "--html", "x"][..], "--junit needs a file"),
            (&["--json", "--json"][..], "--json is given twice"),
            (&["--html", "a", "--html", "b"][..], "--html is given twice"),
            (&["--verbose"][..], "unknown argument “--verbose”"),
        ] {
            assert_eq!(parse_outputs(bad), Err(says.to_string()), "{bad:?}");
        }
    }
}
