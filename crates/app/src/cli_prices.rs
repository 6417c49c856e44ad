//! `switchyard prices check [--url URL] [--json]`, `prices apply` and `prices rollback`: price
//! sync from the command line (see `costs::price_sync`). A check fetches and compares, nothing
//! more; apply uses the file the last check fetched; rollback restores what was in force.

use crate::cli_io::Io;
use crate::Switchyard;

pub const USAGE: &str =
    "usage: switchyard prices check [--url URL] [--json] | apply | rollback | reprice [--days N]";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PricesCommand {
    Check {
        url: Option<String>,
        json: bool,
    },
    Apply,
    Rollback,
    /// Prices the last N days of recorded requests again (default 30).
    Reprice {
        days: u32,
    },
}

impl PricesCommand {
    /// Parses the words after `prices`; `Err` is a usage message.
    pub fn parse(args: &[&str]) -> Result<PricesCommand, String> {
        let usage = |problem: &str| format!("switchyard prices: {problem}\n{USAGE}");
        match args {
            ["apply"] => Ok(PricesCommand::Apply),
            ["rollback"] => Ok(PricesCommand::Rollback),
            ["reprice"] => Ok(PricesCommand::Reprice { days: 30 }),
            ["reprice", "--days", n] => n
                .parse()
                .map(|days| PricesCommand::Reprice { days })
                .map_err(|_| usage(&format!("--days: not a number of days: {n}"))),
            ["check", rest @ ..] => {
                let (mut url, mut json) = (None, false);
                let mut words = rest.iter();
                while let Some(w) = words.next() {
                    match *w {
                        "--json" if !json => json = true,
                        "--url" if url.is_none() => {
                            url = Some(
                                words
                                    .next()
                                    .ok_or_else(|| usage("--url needs an address"))?
                                    .to_string(),
                            );
                        }
                        other => return Err(usage(&format!("unexpected argument “{other}”"))),
                    }
                }
                Ok(PricesCommand::Check { url, json })
            }
            _ => Err(usage("say check, apply, rollback or reprice")),
        }
    }

    pub(crate) async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
        let costs = app.costs();
        let done = match self {
            PricesCommand::Check { url, json } => {
                match costs.check_price_update(url.clone()).await {
                    Ok(c) if *json => serde_json::to_string_pretty(&c).unwrap_or_default(),
                    Ok(c) => {
                        let mut out = format!("{} ({} models in {}).", c.summary, c.models, c.url);
                        for e in &c.examples {
                            out += &format!(
                            "\n  {}: ${:.2} → ${:.2} in, ${:.2} → ${:.2} out per million tokens",
                            e.model, e.old_input_per_mtok, e.new_input_per_mtok, e.old_output_per_mtok, e.new_output_per_mtok
                        );
                        }
                        out + "\nApply it with `switchyard prices apply`."
                    }
                    Err(e) => return crate::cli_backend::report(io, &e),
                }
            }
            PricesCommand::Reprice { days } => match costs.reprice_history(*days).await {
                Ok(r) => format!(
                    "{} of {} requests in the last {} days repriced: {}{} at the prices in force.",
                    r.changed,
                    r.requests,
                    r.days,
                    if r.delta_usd < 0.0 { "-" } else { "+" },
                    switchyard_pricing::format_usd(r.delta_usd.abs())
                ),
                Err(e) => return crate::cli_backend::report(io, &e),
            },
            PricesCommand::Apply | PricesCommand::Rollback => {
                let view = if *self == PricesCommand::Apply {
                    costs.apply_price_update().await
                } else {
                    costs.rollback_prices().await
                };
                match view {
                    Ok(v) => format!(
                        "Prices in force: {} ({} models). Requests already recorded keep their cost.",
                        if v.source == "file" { "the applied price file" } else { "the bundled prices" },
                        v.models
                    ),
                    Err(e) => return crate::cli_backend::report(io, &e),
                }
            }
        };
        match writeln!(io.stdout, "{done}") {
            Ok(()) => 0,
            Err(_) => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_parse_with_clear_errors() {
        assert_eq!(
            PricesCommand::parse(&["check"]),
            Ok(PricesCommand::Check {
                url: None,
                json: false
            })
        );
        assert_eq!(
            PricesCommand::parse(&["check", "--url", "http://127.0.0.1:1/p.json", "--json"]),
            Ok(PricesCommand::Check {
                url: Some("http://127.0.0.1:1/p.json".into()),
                json: true
            })
        );
        assert_eq!(
            PricesCommand::parse(&["rollback"]),
            Ok(PricesCommand::Rollback)
        );
        for bad in [
            &["check", "--url"][..],
            &["apply", "now"],
            &[],
            &["check", "--json", "--json"],
        ] {
            let e = PricesCommand::parse(bad).unwrap_err();
            assert!(
                e.starts_with("switchyard prices: ") && e.ends_with(USAGE),
                "{bad:?}: {e}"
            );
        }
    }
}
