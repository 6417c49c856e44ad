//! `switchyard models [BACKEND] [--refresh] [--json]`: each backend's model list as its
//! provider gave it, with the time read and each model's price as the ledger will record it;
//! `switchyard models check MODEL [--json]`: what choosing a model means for cost (exit 1 when it
//! would be recorded without a price, or nothing serves it).

use super::io::{aligned, Io};
use switchyard_app::{ModelList, Pricing, Switchyard};

#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ModelsArgs {
    /// Only this backend's list
    backend: Option<String>,
    /// Read the list from the provider again
    #[arg(long)]
    refresh: bool,
    /// As JSON
    #[arg(long)]
    json: bool,
    #[command(subcommand)]
    check: Option<ModelsCheck>,
}

#[derive(Debug, Clone, PartialEq, Eq, clap::Subcommand)]
enum ModelsCheck {
    /// What a model name reaches and whether it has a known price (exit 1 when it would be
    /// recorded without one, or nothing serves it)
    Check {
        /// As a tool would ask for it: a route, or Backend/model
        model: String,
        /// As JSON
        #[arg(long)]
        json: bool,
    },
}

impl ModelsArgs {
    pub async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
        match &self.check {
            None => list(app, self.backend.as_deref(), self.refresh, self.json, io).await,
            Some(ModelsCheck::Check { model, json }) => {
                let c = match app.catalogue().check(model.clone()).await {
                    Ok(c) => c,
                    Err(e) => return io.report(&e),
                };
                if *json {
                    let _ = writeln!(
                        io.stdout,
                        "{}",
                        serde_json::to_string_pretty(&c).unwrap_or_default()
                    );
                } else {
                    for t in &c.targets {
                        let _ = writeln!(
                            io.stdout,
                            "{}/{}: {}",
                            t.backend_name,
                            t.model,
                            pricing_text(t.pricing)
                        );
                    }
                    if let Some(w) = &c.warning {
                        let _ = writeln!(io.stdout, "{w}");
                    }
                }
                u8::from(c.warning.is_some())
            }
        }
    }
}

async fn list(
    app: &Switchyard,
    backend: Option<&str>,
    refresh: bool,
    json: bool,
    io: &mut Io<'_>,
) -> u8 {
    let backends = match app.backends().list().await {
        Ok(b) => b,
        Err(e) => return io.report(&e),
    };
    let chosen: Vec<_> = backends
        .into_iter()
        .filter(|b| backend.is_none_or(|n| b.row.name.eq_ignore_ascii_case(n)))
        .collect();
    if let (Some(name), true) = (backend, chosen.is_empty()) {
        let _ = writeln!(io.stderr, "switchyard: no backend named “{name}”");
        return 1;
    }
    let mut lists = Vec::new();
    for b in chosen {
        let id = b.row.id.clone();
        let got = match refresh {
            true => app.catalogue().refresh(id).await,
            false => app.catalogue().list(id).await,
        };
        match got {
            Ok(l) => lists.push(l),
            Err(e) => return io.report(&e),
        }
    }
    let failed = refresh && lists.iter().any(|l| l.error.is_some());
    if json {
        let _ = writeln!(
            io.stdout,
            "{}",
            serde_json::to_string_pretty(&lists).unwrap_or_default()
        );
    } else {
        for l in &lists {
            let _ = writeln!(io.stdout, "{}", text(l, switchyard_app::now_ms()));
        }
    }
    u8::from(failed)
}

/// One backend's list as text: a heading with its age (or why it was not read), then a table.
fn text(l: &ModelList, now_ms: i64) -> String {
    let head = match (l.fetched_at_ms, &l.error) {
        (None, None) => format!(
            "{}: model list never read (switchyard models \"{}\" --refresh)",
            l.backend_name, l.backend_name
        ),
        (None, Some(e)) => format!("{}: model list not read: {e}", l.backend_name),
        (Some(at), e) => {
            let mut h = format!(
                "{}: {} models, read {}",
                l.backend_name,
                l.models.len(),
                age(now_ms - at)
            );
            if let Some(e) = e {
                h += &format!(" (the last refresh failed: {e})");
            }
            h
        }
    };
    let rows: Vec<[String; 3]> = l
        .models
        .iter()
        .map(|m| {
            let context = m
                .context_tokens
                .map(|c| format!("{}k context", c / 1000))
                .unwrap_or_default();
            let price = match (m.pricing, m.price_per_mtok, m.listed_price) {
                (Pricing::Priced, Some(p), _) => format!("${p:.2}/M blended"),
                (Pricing::ListedOnly, _, Some(lp)) => format!(
                    "no price in the table (listed ${:.2}/${:.2} per M in/out)",
                    lp.input_per_mtok, lp.output_per_mtok
                ),
                (p, _, _) => pricing_text(p).into(),
            };
            [format!("  {}", m.id), context, price]
        })
        .collect();
    match rows.is_empty() {
        true => head,
        false => format!("{head}\n{}", aligned(&rows).trim_end()),
    }
}

fn pricing_text(p: Pricing) -> &'static str {
    match p {
        Pricing::Priced => "priced",
        Pricing::Free => "free",
        Pricing::ListedOnly => "no price in the table (only the provider's list prices it)",
        Pricing::Unknown => "no known price",
    }
}

/// "just now", "5 min ago", "3 h ago", "2 days ago".
fn age(ms: i64) -> String {
    let min = ms.max(0) / 60_000;
    match min {
        0 => "just now".into(),
        1..=59 => format!("{min} min ago"),
        60..=2879 => format!("{} h ago", min / 60),
        _ => format!("{} days ago", min / 1440),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_naturally() {
        assert_eq!(age(10_000), "just now");
        assert_eq!(age(5 * 60_000), "5 min ago");
        assert_eq!(age(3 * 3_600_000), "3 h ago");
        assert_eq!(age(50 * 3_600_000), "2 days ago");
    }
}
