//! The pump's second half: the oldest rows of the outbox into PostgreSQL, in one statement per
//! batch, deleted from the outbox once they are in; failures retried with backoff.

use super::{count_lost, off, BATCH, DRAIN_FOR, MAX_BACKOFF};
use crate::outbox::{Outbox, Row, Unsent};
use crate::{TeamDb, TeamError};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use switchyard_core::RequestRecord;
use tokio::sync::Notify;
use tokio_postgres::types::Json;
use tokio_util::sync::CancellationToken;

/// The outbox into PostgreSQL.
pub(super) struct Shipper {
    pub(super) outbox: Outbox,
    pub(super) db: TeamDb,
    pub(super) lost: Arc<AtomicU64>,
    pub(super) unsent: Arc<AtomicUsize>,
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
            match insert(&self.db, &rows).await {
                Ok(()) => {
                    backoff = Duration::from_millis(100);
                    if let Err(e) = off(&self.outbox, move |o| o.remove_through(last)).await {
                        // Sent again later: stored once.
                        tracing::warn!(error = %e, "sent rows not yet removed from the outbox");
                    }
                    self.sent(rows.len());
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

/// One statement: the batch's rows as column arrays, unnested; a row already there is left as
/// it is.
async fn insert(db: &TeamDb, batch: &[Unsent]) -> Result<(), TeamError> {
    let column =
        |f: &dyn Fn(&Row) -> Option<String>| batch.iter().map(|u| f(&u.row)).collect::<Vec<_>>();
    let ids = column(&|r| Some(r.record.id.clone()));
    let replicas: Vec<&str> = batch.iter().map(|u| u.replica.as_str()).collect();
    let started = column(&|r| Some(r.record.started_at.clone()));
    let token_ids = column(&|r| r.token_id.clone());
    let token_names = column(&|r| r.record.token_name.clone());
    let inbound = column(&|r| Some(r.record.inbound.clone()));
    let requested = column(&|r| Some(r.record.requested_model.clone()));
    let backends = column(&|r| r.record.backend.clone());
    let models = column(&|r| r.record.model.clone());
    let rows = || batch.iter().map(|u| &u.row);
    let status: Vec<i32> = rows().map(|r| i32::from(r.record.status)).collect();
    let input: Vec<i64> = rows().map(|r| to_i64(r.record.input_tokens)).collect();
    let output: Vec<i64> = rows().map(|r| to_i64(r.record.output_tokens)).collect();
    let cost: Vec<Option<f64>> = rows().map(|r| r.record.cost_usd).collect();
    let latency: Vec<i32> = rows()
        .map(|r| i32::try_from(r.record.latency_ms).unwrap_or(i32::MAX))
        .collect();
    let records: Vec<Json<&RequestRecord>> = rows().map(|r| Json(&r.record)).collect();
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
