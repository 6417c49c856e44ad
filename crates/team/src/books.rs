//! The team's ledger summed per UTC day, backend, key, model and person, for the providers'
//! books (issue 75): what the team's replicas sent upstream (answered, not from a cache, not a
//! token count), beside what the provider billed the team's keys, with spend by person.

use crate::{TeamDb, TeamError};

/// One day, backend, key, model and person of the team's ledger.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamBookDay {
    /// `YYYY-MM-DD`, UTC.
    pub day: String,
    pub backend: String,
    pub key_label: Option<String>,
    pub model: String,
    /// The token's owner; `None` for a replica's own tokens.
    pub person: Option<String>,
    pub requests: u64,
    /// Uncached input, cache reads, cache writes, output.
    pub tokens: [u64; 4],
    pub cost_usd: f64,
    pub unpriced: u64,
}

fn u(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

impl TeamDb {
    /// The team's ledger for the UTC days `first..=last` (`YYYY-MM-DD`).
    pub async fn books_days(&self, first: &str, last: &str) -> Result<Vec<TeamBookDay>, TeamError> {
        let sql = "SELECT to_char(r.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
                    r.backend, r.record->>'keyLabel' AS key_label, r.model, t.owner,
                    count(*)::int8,
                    COALESCE(sum(r.input_tokens), 0)::int8,
                    COALESCE(sum((r.record->>'cacheReadTokens')::int8), 0)::int8,
                    COALESCE(sum((r.record->>'cacheWriteTokens')::int8), 0)::int8,
                    COALESCE(sum(r.output_tokens), 0)::int8,
                    COALESCE(sum(r.cost_usd), 0)::float8,
                    count(*) FILTER (WHERE r.cost_usd IS NULL)
             FROM team_requests r LEFT JOIN team_tokens t ON t.id = r.token_id
             WHERE r.started_at >= ($1::text::date)::timestamp AT TIME ZONE 'UTC'
               AND r.started_at < ($2::text::date + 1)::timestamp AT TIME ZONE 'UTC'
               AND r.status < 400 AND r.backend IS NOT NULL AND r.model IS NOT NULL
               AND r.inbound <> 'count_tokens'
               AND COALESCE(r.record->>'cache', '') NOT IN ('hit', 'shared')
             GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5";
        let rows = self.client().await?.query(sql, &[&first, &last]).await?;
        Ok(rows
            .iter()
            .map(|r| TeamBookDay {
                day: r.get(0),
                backend: r.get(1),
                key_label: r.get(2),
                model: r.get(3),
                person: r.get(4),
                requests: u(r.get(5)),
                tokens: [u(r.get(6)), u(r.get(7)), u(r.get(8)), u(r.get(9))],
                cost_usd: r.get(10),
                unpriced: u(r.get(11)),
            })
            .collect())
    }
}
