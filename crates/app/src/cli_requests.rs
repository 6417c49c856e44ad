//! `switchyard requests [--limit N] [--json]`: the newest ledger rows, read through the same
//! query service as the Requests page (`Switchyard::recent_requests`).
//!
//! Invariants: it only reads, so it runs next to a `serve` or desktop app on the same data
//! folder (SQLite WAL: their committed batches are visible, at most the ledger writer's linger
//! late); the JSON rows carry the same camelCase field names as the UI's `LedgerRow`; an unknown
//! price prints as `unknown` (JSON `null`), never `$0`.

use crate::cli_io::Io;
use crate::Switchyard;
use switchyard_core::RequestRecord;
use switchyard_store::RequestFilter;

pub const USAGE: &str =
    "usage: switchyard requests [--limit N] [--json]   (N: 1 to 1000, default 20)";
/// Rows shown without `--limit`.
pub const DEFAULT_LIMIT: u32 = 20;
/// The most the ledger query returns at once.
pub const MAX_LIMIT: u32 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestsArgs {
    pub limit: u32,
    pub json: bool,
}

impl RequestsArgs {
    /// Parses the words after `requests`; `Err` is a usage message.
    pub fn parse(args: &[&str]) -> Result<RequestsArgs, String> {
        let usage = |problem: String| format!("switchyard requests: {problem}\n{USAGE}");
        let (mut limit, mut json) = (None, false);
        let mut words = args.iter().copied();
        while let Some(word) = words.next() {
            let (flag, inline) = match word.split_once('=') {
                Some((f, v)) => (f, Some(v)),
                None => (word, None),
            };
            match (flag, inline) {
                ("--json", None) if !json => json = true,
                ("--limit", _) if limit.is_none() => {
                    let Some(value) = inline.or_else(|| words.next()) else {
                        return Err(usage("--limit needs a number".into()));
                    };
                    let n = value
                        .parse::<u32>()
                        .ok()
                        .filter(|n| (1..=MAX_LIMIT).contains(n))
                        .ok_or_else(|| {
                            usage(format!("--limit takes 1 to {MAX_LIMIT}, not “{value}”"))
                        })?;
                    limit = Some(n);
                }
                ("--json" | "--limit", _) => return Err(usage(format!("{flag} is given twice"))),
                _ => return Err(usage(format!("unexpected argument “{word}”"))),
            }
        }
        Ok(RequestsArgs {
            limit: limit.unwrap_or(DEFAULT_LIMIT),
            json,
        })
    }
}

/// `switchyard requests`: exit 0, or 1 when the ledger could not be read.
pub(crate) async fn run(app: &Switchyard, args: &RequestsArgs, io: &mut Io<'_>) -> u8 {
    let filter = RequestFilter {
        limit: args.limit,
        ..RequestFilter::default()
    };
    let rows = match app.gateway_control().recent_requests(filter).await {
        Ok(rows) => rows,
        Err(e) => return crate::cli_backend::report(io, &e),
    };
    let text = if args.json {
        match serde_json::to_string_pretty(&rows) {
            Ok(s) => s + "\n",
            Err(e) => {
                let _ = writeln!(io.stderr, "switchyard: {e}");
                return 1;
            }
        }
    } else {
        table(&rows)
    };
    match io.stdout.write_all(text.as_bytes()) {
        Ok(()) => 0,
        Err(_) => 1,
    }
}

/// The human table, newest first: started (UTC, whole seconds), API, requested model, backend,
/// status, tokens in/out, cost.
pub fn table(rows: &[RequestRecord]) -> String {
    let header = [
        "STARTED", "API", "MODEL", "BACKEND", "STATUS", "TOKENS", "COST",
    ]
    .map(String::from);
    let cells = std::iter::once(header).chain(rows.iter().map(|r| {
        [
            started(&r.started_at),
            r.inbound.clone(),
            r.requested_model.clone(),
            r.backend.clone().unwrap_or_else(|| "-".into()),
            r.status.to_string(),
            format!("{}/{}", r.input_tokens, r.output_tokens),
            cost(r.cost_usd),
        ]
    }));
    crate::cli_io::aligned(&cells.collect::<Vec<_>>())
}

/// `2026-05-01 09:30:12Z` from the ledger's RFC 3339 (the text itself if it does not parse).
fn started(rfc3339: &str) -> String {
    let fmt = &time::format_description::well_known::Rfc3339;
    match time::OffsetDateTime::parse(rfc3339, fmt) {
        Ok(t) => {
            let t = t.to_offset(time::UtcOffset::UTC);
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02}Z",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            )
        }
        Err(_) => rfc3339.to_string(),
    }
}

/// As the Requests page shows it: `unknown` without a price, `$0.00` free, 4 decimals below $1.
pub fn cost(usd: Option<f64>) -> String {
    match usd {
        Some(c) if c.is_finite() => {
            if c == 0.0 {
                "$0.00".into()
            } else if c < 0.0001 {
                "<$0.0001".into()
            } else if c < 1.0 {
                format!("${c:.4}")
            } else {
                format!("${c:.2}")
            }
        }
        _ => "unknown".into(),
    }
}

#[cfg(test)]
#[path = "cli_requests_tests.rs"]
mod tests;
