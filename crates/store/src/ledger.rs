//! The request ledger: one `requests` row per gateway request and one `attempts` row per upstream
//! attempt. Written in batches by a single writer; never holds a key (only its label). The
//! record types are `switchyard_domain::ledger`'s; this module only maps them to and from rows.
//! Every record is bound through `switchyard_domain::storable` (a NUL is stored as U+FFFD), so
//! the ledger refuses nothing and holds nothing SQLite's string functions would stop at.

use crate::tables::LedgerTable;

use crate::usage::HOUR_MS;
use crate::StoreError;
use rusqlite::{params, Row};
use std::sync::LazyLock;
use switchyard_domain::{AttemptRecord, ErrorClass, RequestRecord, Storable};

/// Which requests to list, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestFilter {
    pub backend: Option<String>,
    pub route: Option<String>,
    pub token_name: Option<String>,
    /// Only requests in this API (an `inbound` value such as `responses` or `count_tokens`).
    pub inbound: Option<String>,
    /// `true`: only status ≥ 400; `false`: only < 400.
    pub failed: Option<bool>,
    /// Only requests that failed with this class.
    pub error_class: Option<ErrorClass>,
    /// Only requests started before this RFC 3339 time (paging).
    pub before: Option<String>,
    pub limit: u32,
}

pub(crate) const COLUMNS: &str = "id, started_at, token_name, inbound, route, requested_model, backend, key_label, model, status, error_class, reason, attempts, latency_ms, ttfb_ms, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, streamed, cache, saved_usd, provider_id, cache_write_1h_tokens, reasoning_tokens, client_id";

/// A stored error class (an unknown name is `Other`, never no error).
fn class_of(stored: Option<String>) -> Option<ErrorClass> {
    stored.as_deref().map(ErrorClass::from_stored)
}

fn i64_of(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn u64_of(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

pub(crate) fn from_row(r: &Row<'_>) -> rusqlite::Result<RequestRecord> {
    Ok(RequestRecord {
        id: r.get(0)?,
        started_at: r.get(1)?,
        token_name: r.get(2)?,
        inbound: r.get(3)?,
        route: r.get(4)?,
        requested_model: r.get(5)?,
        backend: r.get(6)?,
        key_label: r.get(7)?,
        model: r.get(8)?,
        status: r.get(9)?,
        error_class: class_of(r.get(10)?),
        reason: r.get(11)?,
        attempts: r.get(12)?,
        latency_ms: r.get(13)?,
        ttfb_ms: r.get(14)?,
        input_tokens: u64_of(r.get(15)?),
        output_tokens: u64_of(r.get(16)?),
        cache_read_tokens: u64_of(r.get(17)?),
        cache_write_tokens: u64_of(r.get(18)?),
        cost_usd: r.get(19)?,
        streamed: r.get(20)?,
        cache: r.get(21)?,
        saved_usd: r.get(22)?,
        provider_id: r.get(23)?,
        cache_write_1h_tokens: r.get::<_, Option<i64>>(24)?.map(u64_of),
        reasoning_tokens: r.get::<_, Option<i64>>(25)?.map(u64_of),
        client_id: r.get(26)?,
        attempt_list: Vec::new(),
    })
}

impl LedgerTable {
    /// Writes a batch of requests with their attempts, and adds them to the usage rollups, in
    /// one transaction. Idempotent: a request id already in the ledger is skipped.
    pub fn insert_requests(&self, batch: &[RequestRecord]) -> Result<(), StoreError> {
        self.insert_requests_with(batch, &mut || {})
    }

    /// [`LedgerTable::insert_requests`], calling `between` inside the transaction after each new
    /// request's rows, and once before the rollups and once before the commit: the ledger's
    /// writer gives up its CPU there now and then, so a long batch does not hold a core that a
    /// serving thread is waiting for.
    pub fn insert_requests_with(
        &self,
        batch: &[RequestRecord],
        between: &mut dyn FnMut(),
    ) -> Result<(), StoreError> {
        // Borrowed as they are, unless a string holds a NUL.
        let batch: Vec<Storable<'_, RequestRecord>> = batch.iter().map(Storable::of).collect();
        self.db.with(|c| {
            let tx = c.transaction()?;
            let mut inserted = Vec::with_capacity(batch.len());
            {
                // Made once: the statement cache is keyed by the text.
                static INSERT: LazyLock<String> = LazyLock::new(|| {
                    format!(
                        "INSERT INTO requests ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)
                         ON CONFLICT (id) DO NOTHING"
                    )
                });
                let mut req = tx.prepare_cached(&INSERT)?;
                let mut att = tx.prepare_cached(
                    "INSERT INTO attempts (request_id, n, backend, key_label, model, status, error_class, latency_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (request_id, n) DO NOTHING",
                )?;
                for r in batch.iter().map(|r| &**r) {
                    let fresh = req.execute(params![
                        r.id, r.started_at, r.token_name, r.inbound, r.route, r.requested_model,
                        r.backend, r.key_label, r.model, r.status, r.error_class.map(ErrorClass::as_str), r.reason,
                        r.attempts, r.latency_ms, r.ttfb_ms, i64_of(r.input_tokens),
                        i64_of(r.output_tokens), i64_of(r.cache_read_tokens),
                        i64_of(r.cache_write_tokens), r.cost_usd, r.streamed, r.cache,
                        r.saved_usd, r.provider_id, r.cache_write_1h_tokens.map(i64_of),
                        r.reasoning_tokens.map(i64_of), r.client_id
                    ])? == 1;
                    if !fresh {
                        continue;
                    }
                    inserted.push(r);
                    for a in &r.attempt_list {
                        att.execute(params![
                            r.id, a.n, a.backend, a.key_label, a.model, a.status, a.error_class.map(ErrorClass::as_str),
                            a.latency_ms
                        ])?;
                    }
                    between();
                }
            }
            between();
            crate::rollup::roll_up(&tx, &inserted)?;
            between();
            tx.commit()?;
            Ok(())
        })
    }

    /// How many requests the ledger holds.
    pub fn request_count(&self) -> Result<u64, StoreError> {
        self.db.with(|c| {
            let n: i64 = c.query_row("SELECT COUNT(*) FROM requests", [], |r| r.get(0))?;
            Ok(n.max(0) as u64)
        })
    }

    /// Requests and failed requests (status ≥ 400, or none) per backend name since `since`
    /// (RFC 3339, UTC). Read from the hourly rollups (`usage_hours`), so its cost does not grow
    /// with the day's traffic (the Health page and every `/metrics` scrape ask for "today"; a
    /// scan of the raw rows took 3 s with a million of them); the raw rows only for the part of
    /// an hour before the first whole one, when `since` is not on the hour.
    pub fn request_counts_since(&self, since: &str) -> Result<Vec<(String, u64, u64)>, StoreError> {
        let since_ms = crate::usage::ms_of(since)
            .ok_or_else(|| StoreError::Invalid(format!("not an RFC 3339 time: {since}")))?;
        let first_hour = since_ms.div_euclid(HOUR_MS) * HOUR_MS
            + if since_ms.rem_euclid(HOUR_MS) == 0 {
                0
            } else {
                HOUR_MS
            };
        self.db.with(|c| {
            let mut counts: Vec<(String, u64, u64)> = Vec::new();
            let mut add = |name: String, n: i64, e: i64| {
                let (n, e) = (n.max(0) as u64, e.max(0) as u64);
                match counts.iter_mut().find(|(b, _, _)| *b == name) {
                    Some((_, cn, ce)) => {
                        *cn += n;
                        *ce += e;
                    }
                    None => counts.push((name, n, e)),
                }
            };
            if first_hour > since_ms {
                // Fractional digits on the bounds: "…T01:00:00.5Z" sorts after "…T01:00:00.000000000Z",
                // "…T00:59:59.9Z" before, and "…T01:00:00Z" (a time on the second) after, as
                // the times do (plain "…T01:00:00Z" would sort before "…T01:00:00.5Z").
                let from = crate::usage::rfc3339_nanos(since_ms);
                let bound = crate::usage::rfc3339_nanos(first_hour);
                let mut st = c.prepare_cached(
                    "SELECT backend, COUNT(*), SUM(CASE WHEN status >= 400 OR status = 0 THEN 1 ELSE 0 END)
                     FROM requests WHERE started_at >= ?1 AND started_at < ?2 AND backend IS NOT NULL
                     GROUP BY backend",
                )?;
                let mut rows = st.query(params![from, bound])?;
                while let Some(r) = rows.next()? {
                    add(r.get(0)?, r.get(1)?, r.get(2)?);
                }
            }
            let mut st = c.prepare_cached(
                "SELECT backend, SUM(requests), SUM(errors) FROM usage_hours
                 WHERE hour_ms >= ?1 AND backend != '' GROUP BY backend",
            )?;
            let mut rows = st.query([first_hour])?;
            while let Some(r) = rows.next()? {
                add(r.get(0)?, r.get(1)?, r.get(2)?);
            }
            Ok(counts)
        })
    }

    /// Deletes requests (and their attempts) that started before `before` (RFC 3339, UTC).
    /// Returns how many were deleted.
    pub fn prune_requests(&self, before: &str) -> Result<usize, StoreError> {
        self.db
            .with(|c| Ok(c.execute("DELETE FROM requests WHERE started_at < ?1", [before])?))
    }

    /// Recent requests matching `filter`, newest first, with their attempts.
    pub fn recent_requests(
        &self,
        filter: &RequestFilter,
    ) -> Result<Vec<RequestRecord>, StoreError> {
        self.db.with(|c| {
            let sql = format!(
                "SELECT {COLUMNS} FROM requests
                 WHERE (?1 IS NULL OR backend = ?1) AND (?2 IS NULL OR route = ?2)
                   AND (?3 IS NULL OR token_name = ?3)
                   AND (?4 IS NULL OR (?4 = 1 AND status >= 400) OR (?4 = 0 AND status < 400))
                   AND (?5 IS NULL OR started_at < ?5) AND (?7 IS NULL OR inbound = ?7)
                   AND (?8 IS NULL OR error_class = ?8)
                 ORDER BY started_at DESC LIMIT ?6"
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let limit = filter.limit.clamp(1, 1000);
            let mut rows = stmt
                .query_map(
                    params![
                        filter.backend,
                        filter.route,
                        filter.token_name,
                        filter.failed,
                        filter.before,
                        limit,
                        filter.inbound,
                        filter.error_class.map(ErrorClass::as_str)
                    ],
                    from_row,
                )?
                .collect::<Result<Vec<_>, _>>()?;
            let mut att = c.prepare_cached(
                "SELECT n, backend, key_label, model, status, error_class, latency_ms
                 FROM attempts WHERE request_id = ?1 ORDER BY n",
            )?;
            for r in &mut rows {
                r.attempt_list = att
                    .query_map([&r.id], |a| {
                        Ok(AttemptRecord {
                            n: a.get(0)?,
                            backend: a.get(1)?,
                            key_label: a.get(2)?,
                            model: a.get(3)?,
                            status: a.get(4)?,
                            error_class: class_of(a.get(5)?),
                            latency_ms: a.get(6)?,
                        })
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
            }
            Ok(rows)
        })
    }
}
