//! Exports of a range as CSV or JSON into `<data folder>/exports/`: every ledger request, or the
//! rollups per day or hour, backend and model. Rows are written as they are read, so a large
//! export never holds the ledger in memory.
//!
//! Invariants: amounts are USD with full precision (the totals of an export equal the Costs
//! page's); an unpriced request has an empty cost, never 0; text cells that a spreadsheet would
//! run as a formula (`=`, `+`, `-`, `@`) are prefixed with `'`.

use super::CostRange;
use super::Costs;
use crate::blocking::OffThread;
use crate::AppError;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::PathBuf;
use switchyard_domain::RequestRecord;
use switchyard_store::UsageRow;

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ExportKind {
    /// One row per request.
    Requests,
    /// Rollups per local day, backend and model.
    Daily,
    /// Rollups per hour, backend and model.
    Hourly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ExportFormat {
    Csv,
    Json,
}

/// A finished export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ExportDone {
    pub path: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub rows: u64,
    /// Known cost in the file, USD.
    pub cost_usd: f64,
}

const REQUEST_COLUMNS: [&str; 20] = [
    "id",
    "started_at",
    "tool",
    "inbound",
    "route",
    "requested_model",
    "backend",
    "key",
    "model",
    "status",
    "error",
    "attempts",
    "latency_ms",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cost_usd",
    "saved_usd",
    "cache",
];

const ROLLUP_COLUMNS: [&str; 14] = [
    "start",
    "backend",
    "model",
    "requests",
    "errors",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cost_usd",
    "unpriced_requests",
    "saved_usd",
    "cache_hits",
    "avg_latency_ms",
];

impl Costs {
    /// Writes the export to `dest` (a path the user chose), or into `<data folder>/exports/`,
    /// and says where.
    pub async fn export(
        &self,
        range: CostRange,
        kind: ExportKind,
        format: ExportFormat,
        dest: Option<PathBuf>,
    ) -> Result<ExportDone, AppError> {
        let range = range.normalised()?;
        self.ledger.flush_async().await;
        let dir = self.data_dir.join("exports");
        self.store
            .blocking(move |store| {
                let path = match dest {
                    Some(p)
                        if p.parent()
                            .is_some_and(|d| d.as_os_str().is_empty() || d.is_dir()) =>
                    {
                        p
                    }
                    Some(p) => {
                        return Err(AppError::File(format!(
                            "Cannot write {}: its folder does not exist.",
                            p.display()
                        )))
                    }
                    None => {
                        std::fs::create_dir_all(&dir).map_err(|e| {
                            AppError::File(format!("Cannot create {}: {e}", dir.display()))
                        })?;
                        dir.join(file_name(&range, kind, format))
                    }
                };
                // Its own read connection: a long export never holds the shared connection's lock,
                // and the ledger writer has its own, so requests keep being recorded meanwhile.
                let reader = store.ledger.reader()?;
                let mut written = Ok((0, 0.0));
                let saved = switchyard_runtime::atomic::write_with(&path, |file| {
                    let mut out = std::io::BufWriter::new(file);
                    written = write(&reader, &range, kind, format, &mut out);
                    match &written {
                        Ok(_) => out.flush(),
                        Err(e) => Err(std::io::Error::other(e.to_string())),
                    }
                });
                // The export's own failure (a store error) first, then the file's.
                let (rows, cost_usd) = written?;
                saved?;
                Ok(ExportDone {
                    path: path.display().to_string(),
                    rows,
                    cost_usd,
                })
            })
            .await
    }
}

fn file_name(range: &CostRange, kind: ExportKind, format: ExportFormat) -> PathBuf {
    let day = |ms: i64| {
        let local = ms + i64::from(range.offset_minutes) * 60_000;
        chrono::DateTime::from_timestamp_millis(local)
            .map(|t| t.format("%Y%m%d").to_string())
            .unwrap_or_default()
    };
    let kind = match kind {
        ExportKind::Requests => "requests",
        ExportKind::Daily => "daily",
        ExportKind::Hourly => "hourly",
    };
    let ext = match format {
        ExportFormat::Csv => "csv",
        ExportFormat::Json => "json",
    };
    let stamp = chrono::Utc::now().format("%H%M%S");
    PathBuf::from(format!(
        "switchyard-{kind}-{}-{}-{stamp}.{ext}",
        day(range.since_ms),
        day(range.until_ms - 1)
    ))
}

/// Writes the rows; returns how many and their known cost.
pub fn write(
    ledger: &switchyard_store::LedgerTable,
    range: &CostRange,
    kind: ExportKind,
    format: ExportFormat,
    out: &mut impl Write,
) -> Result<(u64, f64), AppError> {
    let io = |e: std::io::Error| AppError::File(format!("Cannot write the export: {e}"));
    let mut sink = Sink::new(format, out);
    let mut cost = 0.0;
    let rows = match kind {
        ExportKind::Requests => {
            let rfc = |ms: i64| crate::clock::rfc3339(ms);
            sink.header(&REQUEST_COLUMNS).map_err(io)?;
            ledger.for_each_request(&rfc(range.since_ms), &rfc(range.until_ms), |r| {
                cost += r.cost_usd.filter(|c| c.is_finite()).unwrap_or(0.0);
                sink.row(&REQUEST_COLUMNS, &request_cells(r))
                    .map_err(|e| switchyard_store::StoreError::Invalid(e.to_string()))
            })?
        }
        ExportKind::Daily | ExportKind::Hourly => {
            let bucket = match kind {
                ExportKind::Daily => super::DAY_MS,
                _ => super::HOUR_MS,
            };
            let offset = i64::from(range.offset_minutes) * 60_000;
            let rows = ledger.usage_rows(range.since_ms, range.until_ms, bucket, offset)?;
            sink.header(&ROLLUP_COLUMNS).map_err(io)?;
            for r in &rows {
                cost += r.totals.cost_usd;
                sink.row(&ROLLUP_COLUMNS, &rollup_cells(r, range.offset_minutes))
                    .map_err(io)?;
            }
            rows.len() as u64
        }
    };
    sink.finish().map_err(io)?;
    Ok((rows, cost))
}

/// A cell: text (quoted in CSV, a string in JSON), a number, or nothing.
enum Cell {
    Text(String),
    Int(u64),
    Num(f64),
    Empty,
}

fn text(s: Option<&str>) -> Cell {
    s.map_or(Cell::Empty, |s| Cell::Text(s.to_string()))
}

fn request_cells(r: &RequestRecord) -> Vec<Cell> {
    let num = |v: Option<f64>| v.filter(|v| v.is_finite()).map_or(Cell::Empty, Cell::Num);
    vec![
        Cell::Text(r.id.clone()),
        Cell::Text(r.started_at.clone()),
        text(r.token_name.as_deref()),
        Cell::Text(r.inbound.clone()),
        text(r.route.as_deref()),
        Cell::Text(r.requested_model.clone()),
        text(r.backend.as_deref()),
        text(r.key_label.as_deref()),
        text(r.model.as_deref()),
        Cell::Int(u64::from(r.status)),
        text(r.error_class.map(|c| c.as_str())),
        Cell::Int(u64::from(r.attempts)),
        Cell::Int(u64::from(r.latency_ms)),
        Cell::Int(r.input_tokens),
        Cell::Int(r.output_tokens),
        Cell::Int(r.cache_read_tokens),
        Cell::Int(r.cache_write_tokens),
        num(r.cost_usd),
        num(r.saved_usd),
        text(r.cache.as_deref()),
    ]
}

fn rollup_cells(r: &UsageRow, offset_minutes: i32) -> Vec<Cell> {
    let t = &r.totals;
    let start = chrono::FixedOffset::east_opt(offset_minutes * 60)
        .and_then(|tz| {
            chrono::DateTime::from_timestamp_millis(r.bucket_ms).map(|d| d.with_timezone(&tz))
        })
        .map(|d| d.to_rfc3339())
        .unwrap_or_default();
    let answered = t.requests.max(1) as f64;
    vec![
        Cell::Text(start),
        Cell::Text(r.backend.clone()),
        Cell::Text(r.model.clone()),
        Cell::Int(t.requests),
        Cell::Int(t.errors),
        Cell::Int(t.input_tokens),
        Cell::Int(t.output_tokens),
        Cell::Int(t.cache_read_tokens),
        Cell::Int(t.cache_write_tokens),
        Cell::Num(t.cost_usd),
        Cell::Int(t.unpriced),
        Cell::Num(t.saved_usd),
        Cell::Int(t.cache_hits),
        Cell::Num((t.latency_ms_sum as f64 / answered * 10.0).round() / 10.0),
    ]
}

/// Writes CSV lines or one JSON array of objects.
struct Sink<'w, W: Write> {
    format: ExportFormat,
    out: &'w mut W,
    first: bool,
}

impl<'w, W: Write> Sink<'w, W> {
    fn new(format: ExportFormat, out: &'w mut W) -> Self {
        Sink {
            format,
            out,
            first: true,
        }
    }

    fn header(&mut self, columns: &[&str]) -> std::io::Result<()> {
        match self.format {
            ExportFormat::Csv => writeln!(self.out, "{}", columns.join(",")),
            ExportFormat::Json => write!(self.out, "["),
        }
    }

    fn row(&mut self, columns: &[&str], cells: &[Cell]) -> std::io::Result<()> {
        match self.format {
            ExportFormat::Csv => {
                let line: Vec<String> = cells.iter().map(csv_cell).collect();
                writeln!(self.out, "{}", line.join(","))
            }
            ExportFormat::Json => {
                let obj: serde_json::Map<String, serde_json::Value> = columns
                    .iter()
                    .zip(cells)
                    .map(|(c, v)| ((*c).to_string(), json_cell(v)))
                    .collect();
                let sep = if std::mem::take(&mut self.first) {
                    ""
                } else {
                    ","
                };
                write!(self.out, "{sep}\n{}", serde_json::Value::Object(obj))
            }
        }
    }

    fn finish(&mut self) -> std::io::Result<()> {
        match self.format {
            ExportFormat::Csv => Ok(()),
            ExportFormat::Json => writeln!(self.out, "\n]"),
        }
    }
}

fn csv_cell(c: &Cell) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::Int(n) => n.to_string(),
        Cell::Num(v) => v.to_string(),
        Cell::Text(s) => {
            let s = if s.starts_with(['=', '+', '-', '@']) {
                format!("'{s}")
            } else {
                s.clone()
            };
            if s.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s
            }
        }
    }
}

fn json_cell(c: &Cell) -> serde_json::Value {
    match c {
        Cell::Empty => serde_json::Value::Null,
        Cell::Int(n) => (*n).into(),
        Cell::Num(v) => (*v).into(),
        Cell::Text(s) => s.clone().into(),
    }
}
