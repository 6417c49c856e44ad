//! The pump's second half: the oldest rows of the outbox into PostgreSQL, in one statement per
//! batch, deleted from the outbox once they are in.
//!
//! - Every string is bound through [`switchyard_domain::storable`], so a NUL (which `text` and
//!   `jsonb` refuse) never reaches the database, whoever wrote the row.
//! - A batch refused for a row's data ([`Failure::Data`]: SQLSTATE class 22 or 23) is split in
//!   halves until each refused row stands alone (`sort_out`); those are set aside in the
//!   outbox, the rest are in, and the rows behind them flow. Any other failure (the database
//!   away, a connection cut) is retried with backoff, as before: only the database's verdict
//!   on the row itself sets a row aside.

use super::{count_lost, off, BATCH, DRAIN_FOR, MAX_BACKOFF};
use crate::outbox::{Outbox, Unsent};
use crate::{TeamDb, TeamError};
use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use switchyard_domain::storable::{self, Storable};
use switchyard_domain::RequestRecord;
use tokio::sync::Notify;
use tokio_postgres::types::Json;
use tokio_util::sync::CancellationToken;

/// The outbox into PostgreSQL.
pub(super) struct Shipper {
    pub(super) outbox: Outbox,
    pub(super) db: TeamDb,
    pub(super) lost: Arc<AtomicU64>,
    pub(super) unsent: Arc<AtomicUsize>,
    /// Rows set aside in the outbox (refused for their data), this process's and earlier ones'.
    pub(super) set_aside: Arc<AtomicU64>,
}

impl Shipper {
    pub(super) async fn run(&self, spooled: &CancellationToken, wake: &Notify) {
        let mut backoff = Duration::from_millis(100);
        let mut deadline = None;
        loop {
            let (rows, damaged) = match off(&self.outbox, |o| o.oldest(BATCH)).await {
                Ok(read) => read,
                // A busy or failing file: tried again, as PostgreSQL is.
                Err(e) => {
                    if self
                        .pause(&e, 0, spooled, &mut deadline, &mut backoff)
                        .await
                    {
                        continue;
                    }
                    return;
                }
            };
            if damaged > 0 {
                self.sent(damaged);
                count_lost(
                    &self.lost,
                    damaged as u64,
                    "damaged rows in the team ledger's outbox",
                );
            }
            let Some(last) = rows.last().map(|u| u.seq) else {
                if spooled.is_cancelled() {
                    return;
                }
                tokio::select! {
                    () = wake.notified() => {}
                    () = spooled.cancelled() => {}
                }
                continue;
            };
            let refused = match insert(&self.db, &rows).await {
                Ok(()) => Ok(Vec::new()),
                Err(Failure::Data(reason)) => sort_out(&self.db, &rows, reason).await,
                Err(Failure::Other(e)) => Err(e),
            };
            match refused {
                Ok(refused) => {
                    backoff = Duration::from_millis(100);
                    self.done(rows.len(), refused, last).await;
                }
                Err(e) => {
                    if !self
                        .pause(&e, rows.len(), spooled, &mut deadline, &mut backoff)
                        .await
                    {
                        return;
                    }
                }
            }
        }
    }

    /// The batch ending at `last` is in the team ledger, but for `refused`: those are set aside,
    /// the rest removed from the outbox.
    async fn done(&self, n: usize, refused: Vec<(i64, String)>, last: i64) {
        if refused.is_empty() {
            if let Err(e) = off(&self.outbox, move |o| o.remove_through(last)).await {
                // Sent again later: stored once.
                tracing::warn!(error = %e, "sent rows not yet removed from the outbox");
            }
            self.sent(n);
            return;
        }
        let count = refused.len();
        // The SQLSTATEs only: the database's message may quote the row.
        let mut codes: Vec<&str> = refused
            .iter()
            .map(|(_, r)| r.split(':').next().unwrap_or(""))
            .collect();
        codes.sort_unstable();
        codes.dedup();
        let codes = codes.join(",");
        match off(&self.outbox, move |o| o.set_aside(&refused, last)).await {
            Ok(kept) => {
                self.set_aside.fetch_add(kept as u64, Ordering::Relaxed);
                tracing::error!(rows = kept, sqlstate = %codes, "the team database refused rows for their data: set aside in the outbox, the rows behind them flow");
                count_lost(
                    &self.lost,
                    count.saturating_sub(kept) as u64,
                    "the team ledger's outbox has no room for more refused rows",
                );
                self.sent(n);
            }
            // The batch stays in the outbox, sorted out again on the next pass: stored once.
            Err(e) => tracing::warn!(error = %e, "refused rows not yet set aside"),
        }
    }

    /// After a failure: waits `backoff` (doubling it, up to [`MAX_BACKOFF`]) and says to try
    /// again; once stopping, only until [`DRAIN_FOR`] has passed, then gives up (`false`).
    async fn pause(
        &self,
        e: &TeamError,
        rows: usize,
        spooled: &CancellationToken,
        deadline: &mut Option<tokio::time::Instant>,
        backoff: &mut Duration,
    ) -> bool {
        if spooled.is_cancelled() {
            let end = *deadline.get_or_insert_with(|| tokio::time::Instant::now() + DRAIN_FOR);
            if tokio::time::Instant::now() + *backoff > end {
                self.give_up(e);
                return false;
            }
        }
        tracing::warn!(error = %e, rows, "team ledger write failed; retrying");
        tokio::select! {
            () = tokio::time::sleep(*backoff) => {}
            () = spooled.cancelled(), if !spooled.is_cancelled() => {}
        }
        *backoff = (*backoff * 2).min(MAX_BACKOFF);
        true
    }

    /// `n` rows left the outbox (sent, or dropped as damaged).
    fn sent(&self, n: usize) {
        let _ = self
            .unsent
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |u| {
                Some(u.saturating_sub(n))
            });
    }

    /// Stopping with rows PostgreSQL did not take: a file outbox keeps them for the next start.
    fn give_up(&self, e: &TeamError) {
        let left = self.unsent.load(Ordering::Relaxed);
        if self.outbox.durable {
            tracing::warn!(error = %e, left, "stopped before the team database took every record: the outbox keeps them for the next start");
        } else {
            tracing::error!(error = %e, left, "stopped before the team database took every record");
            count_lost(
                &self.lost,
                left as u64,
                "the team ledger stopped with rows unsent",
            );
        }
    }
}

/// Why a statement failed.
enum Failure {
    /// The database refused a row for its data (SQLSTATE class 22, data exception, or 23,
    /// integrity): sending it again cannot help. The SQLSTATE and message.
    Data(String),
    /// Anything else (unreachable, a cut connection, the server's own trouble): try again.
    Other(TeamError),
}

impl From<TeamError> for Failure {
    fn from(e: TeamError) -> Self {
        Failure::Other(e)
    }
}

impl From<tokio_postgres::Error> for Failure {
    fn from(e: tokio_postgres::Error) -> Self {
        match e.as_db_error() {
            Some(db) if ["22", "23"].iter().any(|c| db.code().code().starts_with(c)) => {
                Failure::Data(format!("{}: {}", db.code().code(), db.message()))
            }
            _ => Failure::Other(e.into()),
        }
    }
}

/// Sends a batch the database refused (for `reason`) in halves, each half that is refused
/// again in halves, until each refused row stands alone; answers those rows (their seq and the
/// database's reason). The others are in the team ledger. Another failure stops it: the batch
/// is tried again later, and what went in meanwhile is stored once.
async fn sort_out(
    db: &TeamDb,
    batch: &[Unsent],
    reason: String,
) -> Result<Vec<(i64, String)>, TeamError> {
    let mut refused = Vec::new();
    let mut failing = vec![(batch, reason)];
    while let Some((part, reason)) = failing.pop() {
        if let [one] = part {
            refused.push((one.seq, reason));
            continue;
        }
        let (a, b) = part.split_at(part.len() / 2);
        for half in [b, a] {
            match insert(db, half).await {
                Ok(()) => {}
                Err(Failure::Data(reason)) => failing.push((half, reason)),
                Err(Failure::Other(e)) => return Err(e),
            }
        }
    }
    Ok(refused)
}

/// One statement: the batch's rows as column arrays, unnested; a row already there is left as
/// it is. Every string storable.
async fn insert(db: &TeamDb, batch: &[Unsent]) -> Result<(), Failure> {
    let stored: Vec<Storable<'_, RequestRecord>> =
        batch.iter().map(|u| Storable::of(&u.row.record)).collect();
    let column = |f: &dyn Fn(&RequestRecord) -> Option<&str>| {
        stored.iter().map(|r| f(r)).collect::<Vec<_>>()
    };
    let ids = column(&|r| Some(&r.id));
    let replicas: Vec<Cow<'_, str>> = batch.iter().map(|u| storable::text(&u.replica)).collect();
    let started = column(&|r| Some(&r.started_at));
    let token_ids: Vec<Option<Cow<'_, str>>> = batch
        .iter()
        .map(|u| u.row.token_id.as_deref().map(storable::text))
        .collect();
    let token_names = column(&|r| r.token_name.as_deref());
    let inbound = column(&|r| Some(&r.inbound));
    let requested = column(&|r| Some(&r.requested_model));
    let backends = column(&|r| r.backend.as_deref());
    let models = column(&|r| r.model.as_deref());
    let rows = || stored.iter();
    let status: Vec<i32> = rows().map(|r| i32::from(r.status)).collect();
    let input: Vec<i64> = rows().map(|r| to_i64(r.input_tokens)).collect();
    let output: Vec<i64> = rows().map(|r| to_i64(r.output_tokens)).collect();
    let cost: Vec<Option<f64>> = rows().map(|r| r.cost_usd).collect();
    let latency: Vec<i32> = rows()
        .map(|r| i32::try_from(r.latency_ms).unwrap_or(i32::MAX))
        .collect();
    let records: Vec<Json<&RequestRecord>> = rows().map(|r| Json(&**r)).collect();
    let client = db.client().await?;
    client
        .execute(
            "INSERT INTO team_requests (id, replica, started_at, token_id, token_name, inbound,
                requested_model, backend, model, status, input_tokens, output_tokens, cost_usd,
                latency_ms, record)
             SELECT id, replica, started::timestamptz, token_id, token_name, inbound, requested_model,
                backend, model, status, input_tokens, output_tokens, cost_usd, latency_ms, record
             FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                $8::text[], $9::text[], $10::int4[], $11::int8[], $12::int8[], $13::float8[],
                $14::int4[], $15::jsonb[])
                AS t(id, replica, started, token_id, token_name, inbound, requested_model, backend, model,
                     status, input_tokens, output_tokens, cost_usd, latency_ms, record)
             ON CONFLICT (id) DO NOTHING",
            &[
                &ids,
                &replicas,
                &started,
                &token_ids,
                &token_names,
                &inbound,
                &requested,
                &backends,
                &models,
                &status,
                &input,
                &output,
                &cost,
                &latency,
                &records,
            ],
        )
        .await?;
    Ok(())
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
