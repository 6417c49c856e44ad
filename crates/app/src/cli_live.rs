//! `switchyard drill live ROUTE [--requests N] [--yes | --max-usd USD] [--json [FILE]]
//! [--junit FILE] [--html FILE]`: the failover drill on the route's real providers. It spends
//! real tokens, so it first prints what it will do and the most it can cost, then runs only when
//! confirmed: `--yes`, `--max-usd` at least that maximum, or "y" typed at the prompt in a
//! terminal. Exit codes as for `switchyard drill` (0 passed, 2 failed, 3 not run).

use crate::cli_check::{parse_outputs, write_reports, Outputs};
use crate::cli_io::Io;
use crate::drills::live::usd;
use crate::{LivePlan, Switchyard, MAX_LIVE_REQUESTS};

pub(crate) const USAGE: &str =
    "usage: switchyard drill live ROUTE [--requests N] [--yes | --max-usd USD]
                             [--json [FILE]] [--junit FILE] [--html FILE]
  spends real tokens: at most N (default 3, at most 10) one-word requests on the route's
  candidates after its first, which is made unreachable";

/// How the user confirms the spend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Confirm {
    /// Ask in the terminal.
    Ask,
    Yes,
    /// At most this many billionths of a dollar.
    UpToNanoUsd(u64),
}

/// `switchyard drill live …`, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveArgs {
    route: String,
    requests: u32,
    confirm: Confirm,
    outputs: Outputs,
    /// Standard input is a terminal, so the confirmation may be asked there.
    pub(crate) interactive: bool,
}

impl LiveArgs {
    /// Parses the words after `drill live`; `Err` is the message with the usage.
    pub fn parse(rest: &[&str]) -> Result<LiveArgs, String> {
        parse(rest).map_err(|e| format!("switchyard: {e}\n{USAGE}"))
    }
}

fn parse(rest: &[&str]) -> Result<LiveArgs, String> {
    let Some((route, mut rest)) = rest.split_first() else {
        return Err("name the route to drill".into());
    };
    if route.starts_with("--") {
        return Err("name the route to drill first".into());
    }
    let (mut requests, mut confirm) = (3, Confirm::Ask);
    let mut report_flags = Vec::new();
    while let Some((flag, tail)) = rest.split_first() {
        let value = tail.first().copied();
        match *flag {
            "--requests" => {
                requests = value
                    .and_then(|v| v.parse().ok())
                    .filter(|n| (1..=MAX_LIVE_REQUESTS).contains(n))
                    .ok_or(format!("--requests takes 1 to {MAX_LIVE_REQUESTS}"))?;
                rest = &tail[1..];
            }
            "--max-usd" => {
                let max = value
                    .and_then(|v| v.parse::<f64>().ok())
                    .filter(|v| v.is_finite() && *v >= 0.0)
                    .ok_or("--max-usd takes an amount in USD, like 0.01")?;
                confirm = Confirm::UpToNanoUsd((max * 1e9).round() as u64);
                rest = &tail[1..];
            }
            "--yes" => {
                confirm = Confirm::Yes;
                rest = tail;
            }
            other => {
                report_flags.push(other);
                rest = tail;
            }
        }
    }
    Ok(LiveArgs {
        route: (*route).to_string(),
        requests,
        confirm,
        outputs: parse_outputs(&report_flags)?,
        interactive: false,
    })
}

/// What the drill will do, for the confirmation.
fn describe(plan: &LivePlan) -> String {
    let mut out = format!(
        "Live drill of route “{}”: {} is made unreachable, then {} requests (one-word answers, at most {} output tokens each) go to the real providers:\n",
        plan.route, plan.dead, plan.requests, plan.max_output_tokens
    );
    for t in &plan.takers {
        out.push_str(&format!(
            "  {} ({}): at most {} per call\n",
            t.backend,
            t.model,
            usd(t.usd_per_call)
        ));
    }
    out.push_str(&format!(
        "The most it can spend: {} (every request tried {} times on every provider).\n",
        usd(plan.max_usd),
        plan.attempts_per_taker
    ));
    out
}

/// The maximum to confirm, or why the drill does not run.
fn confirmed(plan: &LivePlan, args: &LiveArgs, io: &mut Io<'_>) -> Result<Option<f64>, String> {
    match args.confirm {
        Confirm::Yes => Ok(plan.max_usd),
        Confirm::UpToNanoUsd(nano) => {
            let max = nano as f64 / 1e9;
            match plan.max_usd {
                Some(need) if need <= max + 1e-12 => Ok(Some(need)),
                Some(need) => Err(format!(
                    "it can spend up to ${need:.6}, more than --max-usd {max}; nothing was spent"
                )),
                None => Err("a model has no price, so the most it can spend is unknown: confirm with --yes, or add a price in Costs; nothing was spent".into()),
            }
        }
        Confirm::Ask if args.interactive => {
            let _ = write!(
                io.stdout,
                "Spend at most {} on real providers? [y/N] ",
                usd(plan.max_usd)
            );
            let _ = io.stdout.flush();
            let mut line = String::new();
            let _ = io.stdin.read_line(&mut line);
            if matches!(line.trim(), "y" | "Y" | "yes") {
                Ok(plan.max_usd)
            } else {
                Err("not confirmed; nothing was spent".into())
            }
        }
        Confirm::Ask => Err(
            "confirm with --yes or --max-usd (there is no terminal to ask in); nothing was spent"
                .into(),
        ),
    }
}

/// Runs the live drill against `app`: 0 passed, 2 failed, 3 not run.
pub(crate) async fn run(app: &Switchyard, args: &LiveArgs, io: &mut Io<'_>) -> u8 {
    let drills = app.drills();
    let outcome = match drills.live_plan(args.route.clone(), args.requests).await {
        Ok(plan) => {
            let _ = write!(io.stdout, "{}", describe(&plan));
            match confirmed(&plan, args, io) {
                Ok(max) => drills
                    .run_live(args.route.clone(), args.requests, max)
                    .await
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e.to_string()),
    };
    let report = match outcome {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(io.stderr, "switchyard: the live drill did not run: {e}");
            return 3;
        }
    };
    let text = if args.outputs.json_stdout {
        format!("{}\n", switchyard_report::json(&report))
    } else {
        crate::cli_drill::human(&report)
    };
    let _ = write!(io.stdout, "{text}");
    if let Err(e) = write_reports(&report, &args.outputs) {
        let _ = writeln!(
            io.stderr,
            "switchyard: the report could not be written: {e}"
        );
        return 3;
    }
    report.exit_code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_route_comes_first_and_the_confirmation_is_parsed() {
        let a = parse(&[
            "fast",
            "--requests",
            "5",
            "--max-usd",
            "0.01",
            "--junit",
            "x.xml",
        ])
        .unwrap();
        assert_eq!((a.route.as_str(), a.requests), ("fast", 5));
        assert_eq!(a.confirm, Confirm::UpToNanoUsd(10_000_000));
        assert!(a.outputs.junit.is_some());
        assert_eq!(parse(&["fast", "--yes"]).unwrap().confirm, Confirm::Yes);
        assert_eq!(parse(&["fast"]).unwrap().confirm, Confirm::Ask);
        for bad in [
            &["--yes"][..],
            &[][..],
            &["fast", "--requests", "11"][..],
            &["fast", "--max-usd", "-1"][..],
            &["fast", "--max-usd"][..],
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_ceiling_below_the_maximum_or_an_unknown_price_is_refused() {
        let plan = |max_usd| LivePlan {
            route: "r".into(),
            dead: "A".into(),
            takers: vec![],
            requests: 3,
            attempts_per_taker: 2,
            max_output_tokens: 8,
            max_usd,
        };
        let (mut input, mut out, mut err) = (&b"y\n"[..], Vec::new(), Vec::new());
        let mut io = Io {
            stdin: &mut input,
            stdout: &mut out,
            stderr: &mut err,
        };
        let args = |words: &[&str]| parse(words).unwrap();
        let up_to = args(&["r", "--max-usd", "0.01"]);
        assert_eq!(
            confirmed(&plan(Some(0.002)), &up_to, &mut io),
            Ok(Some(0.002))
        );
        let refused = confirmed(&plan(Some(0.02)), &up_to, &mut io).unwrap_err();
        assert!(refused.contains("more than --max-usd 0.01"), "{refused}");
        assert!(confirmed(&plan(None), &up_to, &mut io).is_err());
        assert_eq!(
            confirmed(&plan(None), &args(&["r", "--yes"]), &mut io),
            Ok(None)
        );
        let ask = args(&["r"]);
        assert!(confirmed(&plan(Some(0.1)), &ask, &mut io)
            .unwrap_err()
            .contains("no terminal"));
        let at_a_terminal = LiveArgs {
            interactive: true,
            ..ask
        };
        assert_eq!(
            confirmed(&plan(Some(0.1)), &at_a_terminal, &mut io),
            Ok(Some(0.1))
        );
        assert!(String::from_utf8_lossy(&out).contains("Spend at most $0.100000"));
    }
}
