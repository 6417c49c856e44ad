//! The providers' books' tables (issue 75), apart from their code so the migrations need
//! nothing else of it.

/// Migration 21: organization admin keys (kept in the keychain beside the backend's keys, never
/// in `backend_keys`: the gateway's table is built from that one only), what each provider's
/// books said when last read, and the user's choice of which of their keys a provider's key is
/// where its redacted value fits several.
pub(crate) const TABLES: &str = "CREATE TABLE admin_keys (
        id TEXT PRIMARY KEY,
        backend_id TEXT NOT NULL REFERENCES backends(id) ON DELETE CASCADE,
        label TEXT NOT NULL, hint TEXT NOT NULL, origin TEXT NOT NULL, created_at TEXT NOT NULL,
        UNIQUE (backend_id, label)
     ) STRICT;
     CREATE TABLE books_reads (
        backend_id TEXT PRIMARY KEY REFERENCES backends(id) ON DELETE CASCADE,
        first_day TEXT NOT NULL, last_day TEXT NOT NULL, books TEXT, read_at_ms INTEGER,
        tried_at_ms INTEGER NOT NULL, error TEXT
     ) STRICT;
     CREATE TABLE books_key_choices (
        backend_id TEXT NOT NULL REFERENCES backends(id) ON DELETE CASCADE,
        provider_key_id TEXT NOT NULL,
        key_id TEXT NOT NULL REFERENCES backend_keys(id) ON DELETE CASCADE,
        PRIMARY KEY (backend_id, provider_key_id)
     ) STRICT;";
