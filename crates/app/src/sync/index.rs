//! Where this machine keeps the newest index of a space it has seen (the index itself, pure,
//! is `switchyard_team::synced::index`): per database and space, in the settings table, joined
//! with the database's on every pass so what a machine once saw never goes backwards.

pub(crate) use switchyard_team::synced::index::*;

use super::MachineSync;
use crate::blocking::OffThread;
use crate::AppError;
use serde_json::Value;

/// Where this machine keeps the newest index it has seen of `space` in the database `instance`.
pub(super) fn seen_key(instance: &str, space: &str) -> String {
    format!("sync:index:{instance}:{space}")
}

/// The newest index this machine has seen (empty: none yet).
pub(super) async fn load_seen(sync: &MachineSync, key: &str) -> Result<Index, AppError> {
    let key = key.to_string();
    let body: Option<Value> = sync
        .table
        .blocking(move |s| Ok(s.setting_or_default(&key)?))
        .await?;
    Ok(body.as_ref().and_then(Index::parse).unwrap_or_default())
}

/// Remembers `index` as the newest seen.
pub(super) async fn save_seen(
    sync: &MachineSync,
    key: &str,
    index: &Index,
) -> Result<(), AppError> {
    let (key, body) = (key.to_string(), index.to_body());
    sync.table
        .blocking(move |s| Ok(s.set_setting(&key, &body)?))
        .await
}
