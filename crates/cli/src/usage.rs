//! `switchyard usage [--since WHEN] [--by source|tool|model|day|project|session] [--json|--csv]
//! [--rescan]` and `switchyard usage windows [--json]`: what was spent, through the gateway and
//! by the tools' own records, and the subscription windows. Each run first reads what is new
//! in the tools' records (`--rescan`: everything again).
//!
//! Invariants: an unknown price prints as `unknown` (JSON: the `unpriced` count), never `$0`;
//! answers the gateway carried are counted once, as the gateway's.

use super::io::Io;
use switchyard_app::usage::{UsageWindow, WindowSource};
use switchyard_app::Switchyard;
use switchyard_domain::words::{since, WordError};
use switchyard_store::{ToolUsageRow, UsageGroup};

#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct UsageArgs {
    /// From when: 30m, 24h, 7d or a past date (YYYY-MM-DD, UTC)
    #[arg(long, value_name = "WHEN", default_value = "7d", value_parser = since_now)]
    since: Since,
    /// How to group the rows
    #[arg(long, value_enum, default_value = "source")]
    by: By,
    /// As JSON, with what the import of the tools' records skipped
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// As CSV (one header line, then a line per row), for a spreadsheet
    #[arg(long)]
    csv: bool,
    /// Read every tool record again, not only what is new
    #[arg(long)]
    rescan: bool,
    #[command(subcommand)]
    what: Option<UsageWhat>,
}

#[derive(Debug, Clone, PartialEq, Eq, clap::Subcommand)]
enum UsageWhat {
    /// Subscription windows: used, burn rate, when they reset
    Windows {
        /// As JSON
        #[arg(long)]
        json: bool,
    },
    /// OpenRouter keys' credits, with the time read
    Balances {
        /// As JSON
        #[arg(long)]
        json: bool,
    },
}

/// `--since` as typed; checked when parsed, measured from now when run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Since(String);

fn since_now(text: &str) -> Result<Since, WordError> {
    since(text, switchyard_app::now_ms()).map(|_| Since(text.to_string()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum By {
    /// The gateway, then each tool's own spend outside it
    Source,
    Tool,
    Model,
    Day,
    /// Each repository the tools ran in, through the gateway or not
    Project,
    Session,
}

impl By {
    fn group(self) -> Option<UsageGroup> {
        Some(match self {
            By::Source => return None,
            By::Tool => UsageGroup::Tool,
            By::Model => UsageGroup::Model,
            By::Day => UsageGroup::Day(0),
            By::Project => UsageGroup::Project,
            By::Session => UsageGroup::Session,
        })
    }
}

impl UsageArgs {
    pub async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
        let u = app.usage();
        match &self.what {
            Some(UsageWhat::Windows { json }) => {
                if let Err(e) = u.scan(false).await {
                    return io.report(&e);
                }
                match u.windows().await {
                    Ok(w) if *json => {
                        print(io, &serde_json::to_string_pretty(&w).unwrap_or_default())
                    }
                    Ok(w) => print(io, &windows_text(&w, switchyard_app::now_ms())),
                    Err(e) => io.report(&e),
                }
            }
            Some(UsageWhat::Balances { json }) => match u.balances().await {
                Ok(b) if *json => print(io, &serde_json::to_string_pretty(&b).unwrap_or_default()),
                Ok(b) => print(io, &balances_text(&b, switchyard_app::now_ms())),
                Err(e) => io.report(&e),
            },
            None => {
                let (by, json) = (self.by, self.json);
                let report = match u.scan(self.rescan).await {
                    Ok(r) => r,
                    Err(e) => return io.report(&e),
                };
                let now = switchyard_app::now_ms();
                let since_ms = since(&self.since.0, now).unwrap_or(now);
                let rows = match by.group() {
                    None => u.by_source(since_ms, now + 1).await,
                    Some(g) => u.summary(since_ms, now + 1, g).await,
                };
                let rows = match rows {
                    Ok(r) => r,
                    Err(e) => return io.report(&e),
                };
                if json {
                    let v = serde_json::json!({ "rows": rows, "import": report });
                    return print(io, &serde_json::to_string_pretty(&v).unwrap_or_default());
                }
                if self.csv {
                    return print(io, &csv(&rows));
                }
                for (reason, n) in &report.skipped {
                    let files = report.skipped_in.get(reason).into_iter().flatten();
                    let files: Vec<&str> = files.map(String::as_str).collect();
                    let _ = writeln!(
                        io.stderr,
                        "switchyard: skipped {n} × {reason} in {}",
                        files.join(", ")
                    );
                }
                for e in &report.errors {
                    let _ = writeln!(io.stderr, "switchyard: could not read {e}");
                }
                print(io, &table(&rows))
            }
        }
    }
}

fn print(io: &mut Io<'_>, text: &str) -> u8 {
    let text = if text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}\n")
    };
    match io.stdout.write_all(text.as_bytes()) {
        Ok(()) => 0,
        Err(_) => 1,
    }
}

pub(super) fn usd(cost: f64, unpriced: u64) -> String {
    match unpriced {
        0 => format!("${cost:.4}"),
        n => format!("${cost:.4} + {n} unknown"),
    }
}

/// The human table: one row per group, with a total.
pub fn table(rows: &[ToolUsageRow]) -> String {
    let line = |r: &ToolUsageRow| {
        [
            r.group.clone(),
            if r.via_gateway > 0 {
                format!("{} (+{} via gateway)", r.requests, r.via_gateway)
            } else {
                r.requests.to_string()
            },
            format!("{}/{}", r.input_tokens, r.output_tokens),
            r.reasoning_tokens.to_string(),
            format!("{}/{}", r.cache_read_tokens, r.cache_write_tokens),
            usd(r.cost_usd, r.unpriced),
        ]
    };
    let total = rows.iter().fold(
        ToolUsageRow {
            group: "total".into(),
            ..ToolUsageRow::default()
        },
        |mut t, r| {
            t.add(r);
            t
        },
    );
    // Reasoning is part of the output tokens, shown apart (some models price it apart).
    let header = [
        "",
        "REQUESTS",
        "TOKENS IN/OUT",
        "REASONING",
        "CACHE R/W",
        "COST",
    ]
    .map(String::from);
    let cells: Vec<[String; 6]> = std::iter::once(header)
        .chain(rows.iter().map(line))
        .chain(std::iter::once(line(&total)))
        .collect();
    super::io::aligned(&cells)
}

/// The rows as CSV: a header, then one line per row (a field with a comma, a quote or a line
/// break quoted, its quotes doubled). `cost_usd` is the known cost; `unpriced` counts the
/// answers without a price (never counted as $0).
pub fn csv(rows: &[ToolUsageRow]) -> String {
    let field = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = String::from(
        "group,requests,via_gateway,input_tokens,output_tokens,reasoning_tokens,cache_read_tokens,cache_write_tokens,cost_usd,unpriced\n",
    );
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{:.6},{}\n",
            field(&r.group),
            r.requests,
            r.via_gateway,
            r.input_tokens,
            r.output_tokens,
            r.reasoning_tokens,
            r.cache_read_tokens,
            r.cache_write_tokens,
            r.cost_usd,
            r.unpriced
        ));
    }
    out
}

/// One line per key: "OpenRouter · work: $7.50 of $10.00 left (read 3 min ago)".
pub fn balances_text(balances: &[switchyard_app::usage::BalanceView], now: i64) -> String {
    if balances.is_empty() {
        return "No balances yet: a key test or probe of an OpenRouter key reads its credits.\n"
            .into();
    }
    let mut out = String::new();
    for b in balances {
        let left = match (b.remaining_usd, b.limit_usd) {
            (Some(r), Some(l)) => format!("${r:.2} of ${l:.2} left"),
            (Some(r), None) => format!("${r:.2} left"),
            _ => format!("${:.2} used, no limit", b.used_usd),
        };
        let mins = (now - b.read_at_ms).max(0) / 60_000;
        out.push_str(&format!(
            "{} · {}: {left} (read {mins} min ago)\n",
            b.backend, b.key
        ));
    }
    out
}

pub fn windows_text(windows: &[UsageWindow], now: i64) -> String {
    if windows.is_empty() {
        return "No subscription windows seen yet (Claude Code or Codex records, or Anthropic's plan headers).\n".into();
    }
    let mut out = String::new();
    for w in windows {
        let used = match (w.used_percent, w.used_usd, w.used_tokens) {
            (Some(p), _, _) => format!("{p:.0}% used"),
            (None, Some(usd), Some(t)) => format!("{t} tokens, ${usd:.2} used"),
            _ => "—".into(),
        };
        let reset = w
            .resets_at_ms
            .map(|r| switchyard_app::usage::resets_in(r, now))
            .unwrap_or_default();
        let mark = match w.source {
            WindowSource::Provider => "provider's figure",
            WindowSource::Estimate => "estimate",
        };
        let burn = match (w.burn_usd_per_hour, w.projected_usd) {
            (Some(b), Some(p)) => format!(", ${b:.2}/h → ${p:.2} by the reset"),
            (Some(b), None) => format!(", ${b:.2}/h"),
            _ => String::new(),
        };
        out.push_str(&format!(
            "{} {}: {used}{burn}  {reset}  ({mark}: {})\n",
            w.tool, w.name, w.how
        ));
    }
    out
}

#[cfg(test)]
#[path = "usage_tests.rs"]
mod tests;
