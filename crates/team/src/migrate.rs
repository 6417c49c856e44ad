//! The team schema, versioned like the SQLite one: each migration runs once, in order, inside one
//! transaction that holds an advisory lock, so replicas starting together migrate exactly once.

use crate::TeamError;
use tokio_postgres::Client;

/// The advisory lock every replica takes to migrate ("Switch" in ASCII).
const LOCK_KEY: i64 = 0x5377_6974_6368;

/// The migrations, oldest first; the schema version is how many have run.
const MIGRATIONS: &[&str] = &[
    // 1: team tokens. Only the SHA-256 of a token's value is kept.
    "CREATE TABLE team_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        owner TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        prefix TEXT NOT NULL,
        scope TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        revoked_at TIMESTAMPTZ
    );
    CREATE INDEX team_tokens_active ON team_tokens (hash) WHERE revoked_at IS NULL;",
    // 2: the team's ledger: every request any replica answered, keyed by its id (so a retried
    // batch never counts a request twice); the whole record as JSON beside the columns the
    // team's pages filter and sum by.
    "CREATE TABLE team_requests (
        id TEXT PRIMARY KEY,
        replica TEXT NOT NULL,
        started_at TIMESTAMPTZ NOT NULL,
        token_id TEXT,
        token_name TEXT,
        inbound TEXT NOT NULL,
        requested_model TEXT NOT NULL,
        backend TEXT,
        model TEXT,
        status INTEGER NOT NULL,
        input_tokens BIGINT NOT NULL,
        output_tokens BIGINT NOT NULL,
        cost_usd DOUBLE PRECISION,
        latency_ms INTEGER NOT NULL,
        record JSONB NOT NULL
    );
    CREATE INDEX team_requests_started ON team_requests (started_at);",
    // 3: the team's own budgets (per person or for everyone), kept in the team database so that
    // every replica enforces the same ones. `version` grows with every change.
    "CREATE TABLE team_budgets (
        name TEXT PRIMARY KEY,
        person TEXT,
        period TEXT NOT NULL CHECK (period IN ('day', 'month')),
        limit_usd DOUBLE PRECISION NOT NULL CHECK (limit_usd > 0),
        hard_stop BOOLEAN NOT NULL,
        version BIGINT NOT NULL DEFAULT 1,
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );",
    // 4: configuration records that follow between machines (`synced`): one row per record of
    // a space ("team" for the replicas, a person's own space for their machines). `body` is
    // the record as JSON, NULL once deleted (a tombstone, so a machine that missed the delete
    // still learns of it); `version` grows with every change and guards every write.
    "CREATE TABLE synced_records (
        space TEXT NOT NULL,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        version BIGINT NOT NULL CHECK (version > 0),
        body JSONB,
        updated_by TEXT NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (space, kind, name)
    );",
    // 5: this database's identity, drawn once: a machine keeps what it last agreed with a
    // database under it, so pointing the machine at another database (or a restored copy under
    // a new identity) starts from nothing known rather than from versions of a different history.
    "CREATE TABLE switchyard_instance (
        only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
        id TEXT NOT NULL
    );
    INSERT INTO switchyard_instance (id) VALUES (md5(random()::text || clock_timestamp()::text));",
    // 6: a record's seal: a MAC over its space, kind, name, version and body made with a key
    // only the space's machines hold (`switchyard-app`'s `sync::seal`), so a record written by
    // anyone else with the database's credentials is not taken. NULL: unsealed (the team's
    // space, which its admins write; records from before seals).
    "ALTER TABLE synced_records ADD COLUMN mac TEXT;",
    // 7: the budgets' counters, for when Redis is away (`budgets::pg`): what settled requests
    // cost per budget and period (micro-USD, never below the team ledger's figure), and what
    // each request in flight holds, until it settles or its hold expires.
    "CREATE TABLE team_budget_counters (
        key TEXT PRIMARY KEY,
        spent_micro BIGINT NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL
    );
    CREATE TABLE team_budget_holds (
        id TEXT NOT NULL,
        key TEXT NOT NULL,
        micro BIGINT NOT NULL,
        until TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (id, key)
    );
    CREATE INDEX team_budget_holds_key ON team_budget_holds (key, until);",
];

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

/// Brings the schema up to [`SCHEMA_VERSION`]; returns the version found before. Refuses a
/// database migrated by a newer build rather than guess at its tables.
pub(crate) async fn migrate(client: &mut Client) -> Result<i32, TeamError> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])
        .await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS switchyard_schema (
            only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
            version INTEGER NOT NULL
        )",
    )
    .await?;
    let found: i32 = tx
        .query_opt("SELECT version FROM switchyard_schema", &[])
        .await?
        .map_or(0, |row| row.get(0));
    if found > SCHEMA_VERSION {
        return Err(TeamError::SchemaTooNew {
            found,
            known: SCHEMA_VERSION,
        });
    }
    let pending = usize::try_from(found).unwrap_or(0);
    for sql in MIGRATIONS.iter().skip(pending) {
        tx.batch_execute(sql).await?;
    }
    tx.execute(
        "INSERT INTO switchyard_schema (version) VALUES ($1)
         ON CONFLICT (only_row) DO UPDATE SET version = EXCLUDED.version",
        &[&SCHEMA_VERSION],
    )
    .await?;
    tx.commit().await?;
    if found < SCHEMA_VERSION {
        tracing::info!(from = found, to = SCHEMA_VERSION, "team schema migrated");
    }
    Ok(found)
}
