//! The team gateway's part of a replica's readiness run (`switchyard check`, the Readiness page,
//! the Team page's button): the team database answers at this build's schema, Redis answers
//! (else the replica is degraded: limits, breakers and the cache its own), and the team's ledger
//! keeps up. Not required: a replica serves its known tokens through all of it.

use super::Team;
use std::time::Duration;
use switchyard_domain::readiness::{CheckResult, Component, ComponentKind, Importance};

/// How long the team database gets to answer.
const DB_TIMEOUT: Duration = Duration::from_secs(3);

impl Team {
    /// The team's part of this replica's readiness run.
    pub async fn readiness(&self) -> Component {
        let mut checks = Vec::new();
        let want = switchyard_team::SCHEMA_VERSION;
        checks.push(
            match tokio::time::timeout(DB_TIMEOUT, self.db.schema_version()).await {
                Ok(Ok(v)) if v == want => CheckResult::pass(
                    "team.database",
                    "Team database answers",
                    Importance::Critical,
                    format!("schema {v}"),
                ),
                Ok(Ok(v)) => CheckResult::fail(
                    "team.database",
                    "Team database answers",
                    Importance::Critical,
                    format!("schema {v}, this build expects {want}"),
                    "Run the same Switchyard version on every replica.",
                ),
                failed => CheckResult::fail(
                    "team.database",
                    "Team database answers",
                    Importance::Critical,
                    match failed {
                        Ok(Err(e)) => super::team_error(e).to_string(),
                        _ => format!("no answer within {} s", DB_TIMEOUT.as_secs()),
                    },
                    "Check that PostgreSQL runs and this replica reaches it; meanwhile known tokens keep working and the ledger queues.",
                ),
            },
        );
        let state = self.state();
        // Asked now, not as last seen: a one-shot `switchyard check` has seen nothing yet.
        let redis_up = match &self.redis {
            Some(redis) => Some(redis.link.ping().await),
            None => None,
        };
        checks.push(match redis_up {
            Some(true) => CheckResult::pass(
                "team.redis",
                "Team Redis answers",
                Importance::Normal,
                "limits, budgets, breakers and the cache shared",
            ),
            Some(false) => CheckResult::fail(
                "team.redis",
                "Team Redis answers",
                Importance::Normal,
                "degraded: limits, breakers and the cache are this replica's own",
                "Check that Redis runs and this replica reaches it; sharing resumes by itself.",
            ),
            None => CheckResult::pass(
                "team.redis",
                "Team Redis answers",
                Importance::Info,
                "no Redis configured: each replica on its own",
            ),
        });
        checks.push(if state.ledger_set_aside > 0 {
            CheckResult::fail(
                "team.ledger",
                "Team ledger keeps up",
                Importance::Normal,
                format!(
                    "{} requests refused by the team database, set aside",
                    state.ledger_set_aside
                ),
                "The team database refused these rows for their data; the rows behind them were written. They are kept in the set_aside table of team-outbox.sqlite in this replica's data folder, with the database's reason.",
            )
        } else if state.ledger_lost == 0 {
            CheckResult::pass(
                "team.ledger",
                "Team ledger keeps up",
                Importance::Normal,
                format!("{} waiting", state.ledger_queued),
            )
        } else {
            CheckResult::fail(
                "team.ledger",
                "Team ledger keeps up",
                Importance::Normal,
                format!("{} requests could not be recorded", state.ledger_lost),
                "Check the team database: the queue filled while it was away.",
            )
        });
        // Not required: a replica keeps serving with the database or Redis away.
        Component::new(
            "team",
            "Team gateway",
            ComponentKind::Database,
            false,
            checks,
        )
    }
}
