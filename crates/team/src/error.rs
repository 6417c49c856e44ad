//! What can go wrong with the shared state, in words a user can act on. No message carries a
//! connection string (it may hold a password) or a token.

/// A failure of the team database or of Redis.
#[derive(Debug, thiserror::Error)]
pub enum TeamError {
    /// The database did not answer (down, wrong address, refused the login).
    #[error("the team database cannot be reached: {0}")]
    Unreachable(String),
    /// The database answered with an error.
    #[error("the team database refused a query: {0}")]
    Query(String),
    /// The database was set up by a newer Switchyard.
    #[error(
        "the team database has schema version {found}, newer than this Switchyard knows ({known}): update Switchyard on this machine"
    )]
    SchemaTooNew { found: i32, known: i32 },
    /// Redis did not answer or refused the command.
    #[error("Redis cannot be reached: {0}")]
    Redis(String),
    /// No such record.
    #[error("{0} was not found")]
    NotFound(&'static str),
    /// This replica's outbox of team ledger rows (a SQLite file in its data folder) failed.
    #[error("this replica's outbox of team ledger rows: {0}")]
    Outbox(String),
    /// Input refused before it reached the database.
    #[error("{0}")]
    Invalid(String),
}

impl From<tokio_postgres::Error> for TeamError {
    fn from(e: tokio_postgres::Error) -> Self {
        // A closed or never-opened connection is "unreachable"; a server error is a query error.
        match e.as_db_error() {
            Some(db) => TeamError::Query(db.message().to_string()),
            None if e.is_closed() => TeamError::Unreachable("the connection was closed".into()),
            None => {
                // With the causes: "error performing TLS handshake: invalid peer certificate:
                // UnknownIssuer" says what to fix.
                let mut text = e.to_string();
                let mut cause = std::error::Error::source(&e);
                while let Some(c) = cause {
                    text = format!("{text}: {c}");
                    cause = c.source();
                }
                TeamError::Unreachable(text)
            }
        }
    }
}

impl From<deadpool_postgres::PoolError> for TeamError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        match e {
            deadpool_postgres::PoolError::Backend(e) => e.into(),
            other => TeamError::Unreachable(other.to_string()),
        }
    }
}

impl From<redis::RedisError> for TeamError {
    fn from(e: redis::RedisError) -> Self {
        TeamError::Redis(e.to_string())
    }
}
