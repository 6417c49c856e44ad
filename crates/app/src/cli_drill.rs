//! `switchyard drill [NAME…] [--json [FILE]] [--junit FILE] [--html FILE]`: the drills on a
//! shadow of this configuration (no token spent, nothing of the user's changed). Prints each
//! drill's verdict, failed criteria and numbers (or, with a bare `--json`, the report), writes
//! the report files asked for, and exits 0 when every drill passed, 2 when one failed (3 when
//! the drills could not run or a report could not be written).
#![allow(
    clippy::print_stdout,
    reason = "this module is the command-line interface"
)]

use crate::cli_check::{parse_outputs, write_reports};
use crate::{DrillName, DrillOptions};
use std::process::ExitCode;
use switchyard_report::Report;

const USAGE: &str = "usage: switchyard drill [NAME…] [--json [FILE]] [--junit FILE] [--html FILE]
  NAME: failover, breaker, rate-limit, recovery, distribution, stampede, configuration
  (all when none is given)
       switchyard drill live ROUTE [--requests N] [--yes | --max-usd USD] [report flags]
  (spends real tokens on the route's providers: see `switchyard drill live`)";

/// The drill names before the first flag, each known.
fn parse_names(words: &[&str]) -> Result<(Vec<DrillName>, usize), String> {
    let mut names = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if w.starts_with("--") {
            return Ok((names, i));
        }
        let name = DrillName::parse(w).ok_or_else(|| format!("there is no drill “{w}”"))?;
        if !names.contains(&name) {
            names.push(name);
        }
    }
    Ok((names, words.len()))
}

pub async fn drill(rest: &[&str]) -> ExitCode {
    let parsed =
        parse_names(rest).and_then(|(names, flags)| Ok((names, parse_outputs(&rest[flags..])?)));
    let (names, outputs) = match parsed {
        Ok(p) => p,
        Err(e) => {
            eprintln!("switchyard: {e}\n{USAGE}");
            return ExitCode::from(3);
        }
    };
    let (app, _guard) = match crate::cli_io::open(None, true, false).await {
        Ok(a) => a,
        Err(e) => {
            eprintln!("switchyard: {e}");
            return ExitCode::from(3);
        }
    };
    let report = app.drills().run(&names, &DrillOptions::default()).await;
    app.shutdown(std::time::Duration::from_secs(5)).await;
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            eprintln!("switchyard: the drills could not run: {e}");
            return ExitCode::from(3);
        }
    };
    if outputs.json_stdout {
        println!("{}", switchyard_report::json(&report));
    } else {
        print!("{}", human(&report));
    }
    if let Err(e) = write_reports(&report, &outputs) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_before_the_flags_and_must_exist() {
        assert_eq!(parse_names(&[]), Ok((vec![], 0)));
        for name in DrillName::ALL {
            assert_eq!(
                parse_names(&[name.as_str()]),
                Ok((vec![name], 1)),
                "{name:?}"
            );
        }
        assert_eq!(
            parse_names(&["failover", "failover", "--junit", "x"]),
            Ok((vec![DrillName::Failover], 2))
        );
        assert_eq!(
            parse_names(&["chaos-monkey"]),
            Err("there is no drill “chaos-monkey”".to_string())
        );
    }
}
