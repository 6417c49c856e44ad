//! `switchyard drill live ROUTE [--requests N] [--yes | --max-usd USD] [--json [FILE]]
//! [--junit FILE] [--html FILE]`: the failover drill on the route's real providers. It spends
//! real tokens, so it first prints what it will do and the most it can cost, then runs only when
//! confirmed: `--yes`, `--max-usd` at least that maximum, or "y" typed at the prompt in a
//! terminal. Exit codes as for `switchyard drill` (0 passed, 2 failed, 3 not run).

use crate::io::Io;
use crate::report_flags::ReportFlags;
use switchyard_app::Switchyard;
use switchyard_drills::live::usd;
use switchyard_drills::{Drills, LivePlan, MAX_LIVE_REQUESTS};

/// `switchyard drill live …`.
#[derive(Debug, Clone, clap::Args)]
pub struct LiveArgs {
    /// The route to drill: its first candidate is made unreachable
    route: String,
    /// One-word requests to send (1 to 10)
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_LIVE_REQUESTS)))]
    requests: u32,
    /// Run without asking
    #[arg(long, conflicts_with = "max_usd")]
    yes: bool,
    /// Run when the most it can cost is at most USD
    #[arg(long, value_name = "USD", value_parser = switchyard_domain::words::usd)]
    max_usd: Option<f64>,
    #[command(flatten)]
    report: ReportFlags,
    /// Standard input is a terminal, so the confirmation may be asked there.
    #[arg(skip)]
    pub(crate) interactive: bool,
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
    match (args.yes, args.max_usd) {
        (true, _) => Ok(plan.max_usd),
        (false, Some(max)) => {
            match plan.max_usd {
                Some(need) if need <= max + 1e-12 => Ok(Some(need)),
                Some(need) => Err(format!(
                    "it can spend up to ${need:.6}, more than --max-usd {max}; nothing was spent"
                )),
                None => Err("a model has no price, so the most it can spend is unknown: confirm with --yes, or add a price in Costs; nothing was spent".into()),
            }
        }
        (false, None) if args.interactive => {
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
        (false, None) => Err(
            "confirm with --yes or --max-usd (there is no terminal to ask in); nothing was spent"
                .into(),
        ),
    }
}

/// Runs the live drill against `app`: 0 passed, 2 failed, 3 not run.
pub(crate) async fn run(app: &Switchyard, args: &LiveArgs, io: &mut Io<'_>) -> u8 {
    let drills = Drills::new(app);
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
    let text = if args.report.json_stdout() {
        format!("{}\n", switchyard_report::json(&report))
    } else {
        super::human(&report)
    };
    let _ = write!(io.stdout, "{text}");
    if let Err(e) = args.report.write(&report) {
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
    use clap::Parser;

    #[derive(Parser)]
    struct Live {
        #[command(flatten)]
        args: LiveArgs,
    }

    fn parse(words: &[&str]) -> Result<LiveArgs, clap::Error> {
        Live::try_parse_from(std::iter::once("live").chain(words.iter().copied())).map(|l| l.args)
    }

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
        assert_eq!((a.yes, a.max_usd), (false, Some(0.01)));
        assert!(a.report.junit.is_some());
        assert!(parse(&["fast", "--yes"]).unwrap().yes);
        assert_eq!(parse(&["fast"]).unwrap().requests, 3, "three by default");
        for bad in [
            &["--yes"][..],
            &[][..],
            &["fast", "--requests", "11"][..],
            &["fast", "--max-usd", "-1"][..],
            &["fast", "--max-usd"][..],
            &["fast", "--yes", "--max-usd", "1"][..],
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
