//! `key_hosts` rows written on a connection already open (inside a key's insert, a backend's
//! save, a migration): the approval of a key for its backend's origin.

use crate::now;
use rusqlite::{params, Connection, OptionalExtension};
use switchyard_domain::origin_of;

/// Approves `origin` for `key_id` (nothing when it already is).
pub(crate) fn approve(c: &Connection, key_id: &str, origin: &str) -> rusqlite::Result<()> {
    c.execute(
        "INSERT OR IGNORE INTO key_hosts (key_id, origin, approved_at) VALUES (?1, ?2, ?3)",
        params![key_id, origin, now()],
    )?;
    Ok(())
}

/// Approves the keys of `backend_id` (only `key_id` when given: a key being added; all of
/// them for a migrated database) for the origin of the backend's base URL as stored. A base URL
/// with no origin approves nothing.
pub(crate) fn approve_backend_origin(
    c: &Connection,
    backend_id: &str,
    key_id: Option<&str>,
) -> rusqlite::Result<()> {
    let url: Option<String> = c
        .query_row(
            "SELECT base_url FROM backends WHERE id = ?1",
            [backend_id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(origin) = url.as_deref().and_then(origin_of) else {
        return Ok(());
    };
    let mut keys = c.prepare("SELECT id FROM backend_keys WHERE backend_id = ?1")?;
    let ids = keys
        .query_map([backend_id], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    for id in ids
        .iter()
        .filter(|id| key_id.is_none_or(|k| k == id.as_str()))
    {
        approve(c, id, &origin)?;
    }
    Ok(())
}

/// Migration step 14: keys stored before hosts were bound are approved for their backend's
/// base URL as it is now.
pub(crate) fn approve_current_hosts(c: &Connection) -> rusqlite::Result<()> {
    let mut stmt = c.prepare("SELECT DISTINCT backend_id FROM backend_keys")?;
    let backends = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    for b in backends {
        approve_backend_origin(c, &b, None)?;
    }
    Ok(())
}
