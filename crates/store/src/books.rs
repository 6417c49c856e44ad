//! The providers' books (issue 75): organization admin keys' rows (the keys are in the
//! keychain), the books each provider last gave, the user's choices of which key a provider's
//! key is, and the ledger summed per UTC day, backend, key and model to set beside them.

use crate::tables::BooksTable;
use crate::{now, StoreError};
use rusqlite::{params, OptionalExtension, Row};
use switchyard_domain::books::{BookTokens, Books};

/// An organization admin key: its row. Never in `backend_keys`, so never in the gateway's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminKeyRow {
    /// Also the keychain entry's name.
    pub id: String,
    pub backend_id: String,
    pub label: String,
    /// Masked form such as `sk-admin-…abcd`.
    pub hint: String,
    /// The one origin the key may be sent to: the backend's when it was added.
    pub origin: String,
    pub created_at: String,
}

/// What a provider's books said when last read, or why they could not be.
#[derive(Debug, Clone, PartialEq)]
pub struct BooksRead {
    pub backend_id: String,
    pub first_day: String,
    pub last_day: String,
    /// The last books read well (kept when a later read fails: shown as stale).
    pub books: Option<Books>,
    pub read_at_ms: Option<i64>,
    pub tried_at_ms: i64,
    pub error: Option<String>,
}

/// The ledger's figures for one day, backend, key and model.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerDay {
    /// `YYYY-MM-DD`, UTC.
    pub day: String,
    /// Gateway rows: the backend's name and the key's label. Tool records: `None`.
    pub backend: Option<String>,
    pub key_label: Option<String>,
    /// Tool records: the provider the tool named (`anthropic`, `openai`, …).
    pub provider: Option<String>,
    pub model: String,
    pub requests: u64,
    pub tokens: BookTokens,
    /// The priced part's cost; `unpriced` rows had none.
    pub cost_usd: f64,
    pub unpriced: u64,
}

fn admin_row(r: &Row<'_>) -> rusqlite::Result<AdminKeyRow> {
    Ok(AdminKeyRow {
        id: r.get(0)?,
        backend_id: r.get(1)?,
        label: r.get(2)?,
        hint: r.get(3)?,
        origin: r.get(4)?,
        created_at: r.get(5)?,
    })
}

fn u(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn ledger_day(r: &Row<'_>) -> rusqlite::Result<LedgerDay> {
    Ok(LedgerDay {
        day: r.get(0)?,
        backend: r.get(1)?,
        key_label: r.get(2)?,
        provider: r.get(3)?,
        model: r.get(4)?,
        requests: u(r.get(5)?),
        tokens: BookTokens {
            input: u(r.get(6)?),
            cached_input: u(r.get(7)?),
            cache_write: u(r.get(8)?),
            output: u(r.get(9)?),
        },
        cost_usd: r.get(10)?,
        unpriced: u(r.get(11)?),
    })
}

const ADMIN_COLUMNS: &str = "id, backend_id, label, hint, origin, created_at";

impl BooksTable {
    pub fn insert_admin_key(&self, row: &AdminKeyRow) -> Result<(), StoreError> {
        self.db.with(|c| {
            c.execute(
                "INSERT INTO admin_keys (id, backend_id, label, hint, origin, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    row.id,
                    row.backend_id,
                    row.label,
                    row.hint,
                    row.origin,
                    now()
                ],
            )?;
            Ok(())
        })
    }

    pub fn admin_keys(&self) -> Result<Vec<AdminKeyRow>, StoreError> {
        self.db.with(|c| {
            let mut s = c.prepare(&format!(
                "SELECT {ADMIN_COLUMNS} FROM admin_keys ORDER BY backend_id, created_at, id"
            ))?;
            let rows = s.query_map([], admin_row)?.collect::<Result<_, _>>()?;
            Ok(rows)
        })
    }

    pub fn admin_key(&self, id: &str) -> Result<Option<AdminKeyRow>, StoreError> {
        self.db.with(|c| {
            let sql = format!("SELECT {ADMIN_COLUMNS} FROM admin_keys WHERE id = ?1");
            Ok(c.query_row(&sql, [id], admin_row).optional()?)
        })
    }

    /// `false` when there was no such key.
    pub fn delete_admin_key(&self, id: &str) -> Result<bool, StoreError> {
        self.db
            .with(|c| Ok(c.execute("DELETE FROM admin_keys WHERE id = ?1", [id])? > 0))
    }

    /// Keeps a read: with `books`, what the provider said; without, why it could not (the
    /// books read before are kept, to be shown as stale).
    pub fn save_read(
        &self,
        backend_id: &str,
        span: (&str, &str),
        books: Result<&Books, &str>,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        let (books, error) = match books {
            Ok(b) => (
                Some(serde_json::to_string(b).map_err(|e| StoreError::Corrupt(e.to_string()))?),
                None,
            ),
            Err(e) => (None, Some(e)),
        };
        self.db.with(|c| {
            c.execute(
                "INSERT INTO books_reads (backend_id, first_day, last_day, books, read_at_ms, tried_at_ms, error)
                 VALUES (?1, ?2, ?3, ?4, CASE WHEN ?4 IS NULL THEN NULL ELSE ?5 END, ?5, ?6)
                 ON CONFLICT (backend_id) DO UPDATE SET
                   first_day = CASE WHEN excluded.books IS NULL THEN first_day ELSE excluded.first_day END,
                   last_day = CASE WHEN excluded.books IS NULL THEN last_day ELSE excluded.last_day END,
                   books = COALESCE(excluded.books, books),
                   read_at_ms = COALESCE(excluded.read_at_ms, read_at_ms),
                   tried_at_ms = excluded.tried_at_ms, error = excluded.error",
                params![backend_id, span.0, span.1, books, at_ms, error],
            )?;
            Ok(())
        })
    }

    pub fn reads(&self) -> Result<Vec<BooksRead>, StoreError> {
        self.db.with(|c| {
            let mut s = c.prepare(
                "SELECT backend_id, first_day, last_day, books, read_at_ms, tried_at_ms, error
                 FROM books_reads ORDER BY backend_id",
            )?;
            let rows = s
                .query_map([], |r| {
                    let books: Option<String> = r.get(3)?;
                    Ok(BooksRead {
                        backend_id: r.get(0)?,
                        first_day: r.get(1)?,
                        last_day: r.get(2)?,
                        // A row this version cannot read is as good as none.
                        books: books.and_then(|b| serde_json::from_str(&b).ok()),
                        read_at_ms: r.get(4)?,
                        tried_at_ms: r.get(5)?,
                        error: r.get(6)?,
                    })
                })?
                .collect::<Result<_, _>>()?;
            Ok(rows)
        })
    }

    /// The user's choice: the provider's key `provider_key_id` is the user's key `key_id`.
    pub fn choose_key(
        &self,
        backend_id: &str,
        provider_key_id: &str,
        key_id: &str,
    ) -> Result<(), StoreError> {
        self.db.with(|c| {
            c.execute(
                "INSERT INTO books_key_choices (backend_id, provider_key_id, key_id)
                 VALUES (?1, ?2, ?3)
                 ON CONFLICT (backend_id, provider_key_id) DO UPDATE SET key_id = excluded.key_id",
                params![backend_id, provider_key_id, key_id],
            )?;
            Ok(())
        })
    }

    /// (backend id, provider key id, key id) for every choice the user made.
    pub fn key_choices(&self) -> Result<Vec<(String, String, String)>, StoreError> {
        self.db.with(|c| {
            let mut s = c.prepare(
                "SELECT backend_id, provider_key_id, key_id FROM books_key_choices ORDER BY 1, 2",
            )?;
            let rows = s
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<_, _>>()?;
            Ok(rows)
        })
    }

    /// The ledger per UTC day, backend, key and model for days `first..=last`: the gateway's
    /// answered requests that went upstream (no cache hits, no token counts, no plan's), then
    /// the tools' own records of requests that never passed the gateway.
    pub fn ledger_days(&self, first: &str, last: &str) -> Result<Vec<LedgerDay>, StoreError> {
        self.db.with(|c| {
            let mut s = c.prepare(
                "SELECT substr(started_at, 1, 10) AS day, backend, key_label, NULL, model,
                        COUNT(*), SUM(input_tokens), SUM(cache_read_tokens),
                        SUM(cache_write_tokens), SUM(output_tokens),
                        COALESCE(SUM(cost_usd), 0.0), SUM(cost_usd IS NULL)
                 FROM requests
                 WHERE started_at >= ?1 AND started_at < ?2 || 'U'
                   AND status < 400 AND backend IS NOT NULL AND model IS NOT NULL
                   AND inbound <> 'count_tokens'
                   AND COALESCE(cache, '') NOT IN ('hit', 'shared')
                 GROUP BY day, backend, key_label, model
                 UNION ALL
                 SELECT date(at_ms / 1000, 'unixepoch') AS day, NULL, NULL, provider, model,
                        COUNT(*), SUM(input_tokens), SUM(cache_read_tokens),
                        SUM(cache_write_5m_tokens + cache_write_1h_tokens), SUM(output_tokens),
                        COALESCE(SUM(cost_usd), 0.0), SUM(cost_usd IS NULL)
                 FROM tool_usage
                 WHERE ledger_id IS NULL AND at_ms >= ?3 AND at_ms < ?4
                 GROUP BY day, provider, model
                 ORDER BY 1, 2, 3, 4, 5",
            )?;
            let (from_ms, to_ms) = (day_start_ms(first, 0)?, day_start_ms(last, 1)?);
            let rows = s
                .query_map(params![first, last, from_ms, to_ms], ledger_day)?
                .collect::<Result<_, _>>()?;
            Ok(rows)
        })
    }
}

/// Unix ms at the start of the day `days` after `day` (`YYYY-MM-DD`, UTC). (The ranges are
/// written so both tables' indexes on time serve them.)
pub(crate) fn day_start_ms(day: &str, days: i64) -> Result<i64, StoreError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(day, &format)
        .map_err(|e| StoreError::Invalid(format!("not a day: {day}: {e}")))?;
    let start = (date + time::Duration::days(days)).midnight().assume_utc();
    Ok(start.unix_timestamp() * 1000)
}
