//! `switchyard usage [--since WHEN] [--by source|tool|model|day|project|session] [--json]
//! [--rescan]` and `switchyard usage windows [--json]`: what was spent, through the gateway and
//! by the tools' own records, and the subscription windows. Each run first reads what is new
//! in the tools' records (`--rescan`: everything again).
//!
//! Invariants: an unknown price prints as `unknown` (JSON: the `unpriced` count), never `$0`;
//! answers the gateway carried are counted once, as the gateway's.

use crate::cli_io::Io;
use crate::usage::{UsageWindow, WindowSource};
use crate::Switchyard;
use switchyard_store::{ToolUsageRow, UsageGroup};

pub const USAGE: &str = "usage: switchyard usage [--since 7d|24h|30m|YYYY-MM-DD] [--by source|tool|model|day|project|session] [--json] [--rescan]
       switchyard usage windows [--json]
       switchyard usage balances [--json]";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Source,
    Group(UsageGroup),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsageCommand {
    Summary {
        since_ms: i64,
        by: By,
        json: bool,
        rescan: bool,
    },
    Windows {
        json: bool,
    },
    Balances {
        json: bool,
    },
}

/// `7d`, `24h`, `30m`, or a UTC date, as Unix milliseconds before `now`.
pub fn since(word: &str, now_ms: i64) -> Option<i64> {
    let unit = |suffix: char, ms: i64| {
        word.strip_suffix(suffix)?
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=3650 * 24 * 60).contains(n))
            .map(|n| now_ms - n * ms)
    };
    unit('d', 86_400_000)
        .or_else(|| unit('h', 3_600_000))
        .or_else(|| unit('m', 60_000))
        .or_else(|| {
            let fmt = time::macros::format_description!("[year]-[month]-[day]");
            let d = time::Date::parse(word, &fmt).ok()?;
            let t = d.midnight().assume_utc().unix_timestamp();
            Some(t * 1000).filter(|ms| *ms < now_ms)
        })
}

impl UsageCommand {
    /// Parses the words after `usage`; `Err` is a usage message.
    pub fn parse(args: &[&str], now_ms: i64) -> Result<UsageCommand, String> {
        let usage = |problem: String| format!("switchyard usage: {problem}\n{USAGE}");
        if let [which @ ("windows" | "balances"), rest @ ..] = args {
            let json = match rest {
                [] => false,
                ["--json"] => true,
                _ => return Err(usage(format!("unexpected “{}”", rest.join(" ")))),
            };
            return Ok(if *which == "windows" {
                UsageCommand::Windows { json }
            } else {
                UsageCommand::Balances { json }
            });
        }
        let (mut since_ms, mut by, mut json, mut rescan) = (None, None, false, false);
        let mut words = args.iter().copied();
        while let Some(word) = words.next() {
            match word {
                "--json" if !json => json = true,
                "--rescan" if !rescan => rescan = true,
                "--since" if since_ms.is_none() => {
                    let v = words
                        .next()
                        .ok_or_else(|| usage("--since needs a time".into()))?;
                    since_ms = Some(since(v, now_ms).ok_or_else(|| {
                        usage(format!(
                            "--since takes 7d, 24h, 30m or a past date, not “{v}”"
                        ))
                    })?);
                }
                "--by" if by.is_none() => {
                    let v = words
                        .next()
                        .ok_or_else(|| usage("--by needs a grouping".into()))?;
                    by = Some(match v {
                        "source" => By::Source,
                        "tool" => By::Group(UsageGroup::Tool),
                        "model" => By::Group(UsageGroup::Model),
                        "day" => By::Group(UsageGroup::Day(0)),
                        "project" => By::Group(UsageGroup::Project),
                        "session" => By::Group(UsageGroup::Session),
                        other => return Err(usage(format!("--by takes source, tool, model, day, project or session, not “{other}”"))),
                    });
                }
                _ => return Err(usage(format!("unexpected argument “{word}”"))),
            }
        }
        Ok(UsageCommand::Summary {
            since_ms: since_ms.unwrap_or(now_ms - 7 * 86_400_000),
            by: by.unwrap_or(By::Source),
            json,
            rescan,
        })
    }

    pub(crate) async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
        let u = app.usage();
        match self {
            UsageCommand::Windows { json } => {
                if let Err(e) = u.scan(false).await {
                    return crate::cli_backend::report(io, &e);
                }
                match u.windows().await {
                    Ok(w) if *json => {
                        print(io, &serde_json::to_string_pretty(&w).unwrap_or_default())
                    }
                    Ok(w) => print(io, &windows_text(&w, crate::clock::now_ms())),
                    Err(e) => crate::cli_backend::report(io, &e),
                }
            }
            UsageCommand::Balances { json } => match u.balances().await {
                Ok(b) if *json => print(io, &serde_json::to_string_pretty(&b).unwrap_or_default()),
                Ok(b) => print(io, &balances_text(&b, crate::clock::now_ms())),
                Err(e) => crate::cli_backend::report(io, &e),
            },
            UsageCommand::Summary {
                since_ms,
                by,
                json,
                rescan,
            } => {
                let report = match u.scan(*rescan).await {
                    Ok(r) => r,
                    Err(e) => return crate::cli_backend::report(io, &e),
                };
                let now = crate::clock::now_ms() + 1;
                let rows = match by {
                    By::Source => u.by_source(*since_ms, now).await,
                    By::Group(g) => u.summary(*since_ms, now, *g).await,
                };
                let rows = match rows {
                    Ok(r) => r,
                    Err(e) => return crate::cli_backend::report(io, &e),
                };
                if *json {
                    let v = serde_json::json!({ "rows": rows, "import": report });
                    return print(io, &serde_json::to_string_pretty(&v).unwrap_or_default());
                }
                for (reason, n) in &report.skipped {
                    let _ = writeln!(io.stderr, "switchyard: skipped {n} × {reason}");
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

fn usd(cost: f64, unpriced: u64) -> String {
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
            t.requests += r.requests;
            t.input_tokens += r.input_tokens;
            t.output_tokens += r.output_tokens;
            t.cache_read_tokens += r.cache_read_tokens;
            t.cache_write_tokens += r.cache_write_tokens;
            t.cost_usd += r.cost_usd;
            t.unpriced += r.unpriced;
            t
        },
    );
    let header = ["", "REQUESTS", "TOKENS IN/OUT", "CACHE R/W", "COST"].map(String::from);
    let cells: Vec<[String; 5]> = std::iter::once(header)
        .chain(rows.iter().map(line))
        .chain(std::iter::once(line(&total)))
        .collect();
    crate::cli_io::aligned(&cells)
}

/// One line per key: "OpenRouter · work: $7.50 of $10.00 left (read 3 min ago)".
pub fn balances_text(balances: &[crate::usage::BalanceView], now: i64) -> String {
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
            .map(|r| crate::usage::resets_in(r, now))
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
#[path = "cli_usage_tests.rs"]
mod tests;
