//! `switchyard prices check [--url URL] [--json]`, `prices apply` and `prices rollback`: price
//! sync from the command line (see `costs::price_sync`). A check fetches and compares, nothing
//! more; apply uses the file the last check fetched; rollback restores what was in force.

use super::io::Io;
use switchyard_app::Switchyard;

#[derive(Debug, Clone, PartialEq, Eq, clap::Subcommand)]
pub enum PricesCommand {
    /// Fetch a newer price file and say what it changes (nothing is applied)
    Check {
        /// Where to fetch it (default: LiteLLM's price map)
        #[arg(long)]
        url: Option<String>,
        /// As JSON
        #[arg(long)]
        json: bool,
    },
    /// Put the file the last check fetched in force (recorded requests keep their cost)
    Apply,
    /// Go back to the prices in force before the last apply
    Rollback,
    /// Price the recorded requests of the last N days again at the prices in force
    Reprice {
        /// How many days back (1 to 3650)
        #[arg(long, value_name = "N", default_value_t = 30)]
        days: u32,
    },
}

impl PricesCommand {
    pub async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
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
                    Err(e) => return io.report(&e),
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
                Err(e) => return io.report(&e),
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
                    Err(e) => return io.report(&e),
                }
            }
        };
        match writeln!(io.stdout, "{done}") {
            Ok(()) => 0,
            Err(_) => 1,
        }
    }
}
