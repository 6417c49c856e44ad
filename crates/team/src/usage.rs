//! What the team spent, read from its ledger: requests, tokens and cost grouped by person (a
//! token's owner), tool (the token's name), backend, model, replica or UTC day.

use crate::{TeamDb, TeamError};

/// How [`TeamDb::usage`] groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageBy {
    Person,
    Tool,
    Backend,
    Model,
    Replica,
    /// The UTC day (`2026-11-26`).
    Day,
}

impl UsageBy {
    /// The SQL expression of the group (constant text, never user input).
    fn column(self) -> &'static str {
        match self {
            // A request with one of a replica's own tokens has no team owner.
            UsageBy::Person => "COALESCE(t.owner, '(a replica''s own token)')",
            UsageBy::Tool => "COALESCE(r.token_name, '(no token)')",
            UsageBy::Backend => "COALESCE(r.backend, '(none)')",
            UsageBy::Model => "COALESCE(r.model, r.requested_model)",
            UsageBy::Replica => "r.replica",
            UsageBy::Day => "to_char(r.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
        }
    }
}

/// One group's totals.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageRow {
    pub group: String,
    pub requests: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    /// Known costs only.
    pub cost_usd: f64,
    /// Requests whose model has no price (not in `cost_usd`).
    pub unpriced: i64,
}

impl TeamDb {
    /// The team's usage since `since_ms` (Unix milliseconds) by `by`, the costliest first.
    pub async fn usage(&self, since_ms: i64, by: UsageBy) -> Result<Vec<UsageRow>, TeamError> {
        let sql = format!(
            "SELECT {} AS g, count(*), COALESCE(sum(r.input_tokens), 0)::int8,
                    COALESCE(sum(r.output_tokens), 0)::int8, COALESCE(sum(r.cost_usd), 0)::float8,
                    count(*) FILTER (WHERE r.cost_usd IS NULL)
             FROM team_requests r LEFT JOIN team_tokens t ON t.id = r.token_id
             WHERE r.started_at >= to_timestamp($1)
             GROUP BY g ORDER BY 5 DESC, 2 DESC, 1",
            by.column()
        );
        let since = since_ms as f64 / 1000.0;
        let rows = self.client().await?.query(&sql, &[&since]).await?;
        Ok(rows
            .iter()
            .map(|r| UsageRow {
                group: r.get(0),
                requests: r.get(1),
                input_tokens: r.get(2),
                output_tokens: r.get(3),
                cost_usd: r.get(4),
                unpriced: r.get(5),
            })
            .collect())
    }
}

/// One request of the team's ledger as recorded, with the replica that answered it and the person
/// its token belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamRequest {
    pub record: switchyard_domain::RequestRecord,
    pub replica: String,
    pub person: Option<String>,
}

impl TeamDb {
    /// The newest `limit` requests, newest first; only those that failed as `error_class`
    /// (its stored name, `rate_limited`) when given.
    pub async fn recent_requests(
        &self,
        limit: u32,
        error_class: Option<&str>,
    ) -> Result<Vec<TeamRequest>, TeamError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT r.record, r.replica, t.owner
                 FROM team_requests r LEFT JOIN team_tokens t ON t.id = r.token_id
                 WHERE $2::text IS NULL OR r.record->>'errorClass' = $2
                 ORDER BY r.started_at DESC, r.id DESC LIMIT $1",
                &[&i64::from(limit), &error_class],
            )
            .await?;
        // A row this version cannot read (written by a much newer one) is left out, not fatal.
        Ok(rows
            .iter()
            .filter_map(|r| {
                let record = r
                    .try_get::<_, tokio_postgres::types::Json<switchyard_domain::RequestRecord>>(0)
                    .map_err(|e| tracing::warn!(error = %e, "a team ledger row left out"))
                    .ok()?
                    .0;
                Some(TeamRequest {
                    record,
                    replica: r.get(1),
                    person: r.get(2),
                })
            })
            .collect())
    }
}
