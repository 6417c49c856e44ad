//! Storage errors. Constraint violations are told apart so callers can map them to "conflict".

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the database was written by a newer Switchyard (schema {found}, this build knows {supported})")]
    TooNew { found: u32, supported: u32 },
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    /// A query asked for something that cannot be answered (a programming error upstream).
    #[error("invalid query: {0}")]
    Invalid(String),
}

impl StoreError {
    /// True when a UNIQUE constraint refused the write (a name or label already taken).
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _))
                if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
        )
    }
}
