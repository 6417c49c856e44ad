//! `switchyard requests [--limit N] [--json]`: the newest ledger rows, read through the same
//! query service as the Requests page (`Switchyard::recent_requests`).
//!
//! With a team database in the environment (`SWITCHYARD_TEAM_DATABASE_URL`) it reads the team's
//! ledger instead, with each request's person and replica (`--local`: this machine's anyway).
//!
//! Invariants: it only reads, so it runs next to a `serve` or desktop app on the same data
//! folder (SQLite WAL: their committed batches are visible, at most the ledger writer's linger
//! late); the JSON rows carry the same camelCase field names as the UI's `LedgerRow`; an unknown
//! price prints as `unknown` (JSON `null`), never `$0`.

use super::io::{pretty, Io};
use switchyard_app::Switchyard;
use switchyard_domain::RequestRecord;
use switchyard_store::RequestFilter;

/// Rows shown without `--limit`.
pub const DEFAULT_LIMIT: u32 = 20;
/// The most the ledger query returns at once.
pub const MAX_LIMIT: u32 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::Args)]
pub struct RequestsArgs {
    /// How many of the newest requests (1 to 1000)
    #[arg(long, value_name = "N", default_value_t = DEFAULT_LIMIT,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_LIMIT)))]
    pub limit: u32,
    /// As JSON (the Requests page's row fields)
    #[arg(long)]
    pub json: bool,
    /// Only requests that failed this way (the Requests page's error filter)
    #[arg(long, value_name = "CLASS", value_parser = super::values::error_class())]
    pub error: Option<switchyard_domain::ErrorClass>,
    /// This machine's ledger even when SWITCHYARD_TEAM_DATABASE_URL names a team's
    #[arg(long)]
    pub local: bool,
}

impl RequestsArgs {
    /// `switchyard requests`: exit 0, or 1 when the ledger could not be read.
    pub async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
        let team = match self.local {
            true => Ok(None),
            false => super::team_servers::from_env(),
        };
        match team {
            Ok(Some(team)) => {
                return match self.team(&team.database).await {
                    Ok(text) => io.out(&text),
                    Err(e) => io.refuse(&e),
                }
            }
            Ok(None) => {}
            Err(e) => return io.refuse(&e),
        }
        let filter = RequestFilter {
            limit: self.limit,
            error_class: self.error,
            ..RequestFilter::default()
        };
        match app.gateway_control().recent_requests(filter).await {
            Ok(rows) if self.json => io.out(&pretty(&rows)),
            Ok(rows) => io.out(&table(&rows)),
            Err(e) => io.report(&e),
        }
    }
}

impl RequestsArgs {
    /// The team's ledger, newest first: the table with each request's person and replica, or the
    /// JSON rows with `person` and `replica` added.
    async fn team(&self, address: &switchyard_team::ServerAddress) -> Result<String, String> {
        let db = switchyard_team::TeamDb::connect(address)
            .await
            .map_err(|e| switchyard_app::team::team_error(e).to_string())?;
        let class = self.error.and_then(|c| {
            serde_json::to_value(c)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
        });
        let rows = db
            .recent_requests(self.limit, class.as_deref())
            .await
            .map_err(|e| switchyard_app::team::team_error(e).to_string())?;
        if self.json {
            let rows: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    let mut v = serde_json::to_value(&r.record).unwrap_or_default();
                    v["person"] = serde_json::json!(r.person);
                    v["replica"] = serde_json::json!(r.replica);
                    v
                })
                .collect();
            return Ok(pretty(&rows));
        }
        let header = [
            "STARTED", "API", "MODEL", "BACKEND", "STATUS", "TOKENS", "COST", "PERSON", "REPLICA",
        ]
        .map(String::from);
        let cells = std::iter::once(header).chain(rows.iter().map(|r| {
            let [a, b, c, d, e, f, g] = row(&r.record);
            let person = r.person.clone().unwrap_or_else(|| "-".into());
            [a, b, c, d, e, f, g, person, r.replica.clone()]
        }));
        Ok(super::io::aligned(&cells.collect::<Vec<_>>()))
    }
}

/// The human table, newest first: started (UTC, whole seconds), API, requested model, backend,
/// status, tokens in/out, cost.
pub fn table(rows: &[RequestRecord]) -> String {
    let header = [
        "STARTED", "API", "MODEL", "BACKEND", "STATUS", "TOKENS", "COST",
    ]
    .map(String::from);
    let cells = std::iter::once(header).chain(rows.iter().map(row));
    super::io::aligned(&cells.collect::<Vec<_>>())
}

/// One request's cells of the table.
fn row(r: &RequestRecord) -> [String; 7] {
    [
        started(&r.started_at),
        r.inbound.clone(),
        r.requested_model.clone(),
        r.backend.clone().unwrap_or_else(|| "-".into()),
        r.status.to_string(),
        format!("{}/{}", r.input_tokens, r.output_tokens),
        cost(r.cost_usd),
    ]
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
#[path = "requests_tests.rs"]
mod tests;
