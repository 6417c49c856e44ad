//! The space key of My machines as this machine keeps it (see [`super::seal`]): which key a
//! save settles on, where it is kept, and showing it to the user for their next machine.

use super::seal::{self, SpaceKey};
use super::{Kind, MachineSync};
use crate::AppError;
use switchyard_domain::{Field, IssueCode};
use switchyard_secrets::{SecretError, SecretString};
use switchyard_team::TeamDb;

impl MachineSync {
    /// The key this machine will seal `space`'s records with: the one given (when the space's
    /// sealed records verify with it), else the one kept, else — for a space with no sealed
    /// record yet — a new one (`true`: drawn now).
    pub(super) async fn settle_key(
        &self,
        db: &TeamDb,
        space: &str,
        given: Option<SpaceKey>,
    ) -> Result<(SpaceKey, bool), AppError> {
        let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        let records = db.synced_records(space, &kinds).await?;
        let sealed: Vec<_> = records.iter().filter(|r| r.mac.is_some()).collect();
        let fits = |k: &SpaceKey| sealed.is_empty() || sealed.iter().any(|r| k.verifies(space, r));
        if let Some(k) = given {
            return if fits(&k) {
                Ok((k, false))
            } else {
                Err(AppError::field(
                    Field::KeyValue,
                    IssueCode::Other,
                    format!("That key does not match the records of “{space}”: copy it again from a machine that syncs this space (`switchyard sync key`)."),
                ))
            };
        }
        if let Some(k) = self.space_key(space).await? {
            if fits(&k) {
                return Ok((k, false));
            }
        }
        if sealed.is_empty() {
            return Ok((SpaceKey::generate(), true));
        }
        Err(AppError::field(
            Field::KeyValue,
            IssueCode::Required,
            format!("“{space}” already has records from your other machines: enter its space key (on a machine that syncs it: Settings → My machines → Show key, or `switchyard sync key`)."),
        ))
    }

    /// The key kept for `space`, if any.
    pub(super) async fn space_key(&self, space: &str) -> Result<Option<SpaceKey>, AppError> {
        let (secrets, account) = (self.secrets.clone(), seal::account(space));
        let kept = tokio::task::spawn_blocking(move || match secrets.get(&account) {
            Ok(k) => Ok(Some(k)),
            Err(SecretError::NotFound) => Ok(None),
            Err(e) => Err(AppError::Keychain(e)),
        })
        .await??;
        Ok(kept.map(|k| SpaceKey::parse(&k)).transpose()?)
    }

    /// The space's key, for the user to enter on another machine (`switchyard sync key`,
    /// Settings → My machines → Show key).
    pub async fn reveal_space_key(&self) -> Result<SecretString, AppError> {
        let settings = self.settings().await?;
        let key = self.space_key(&settings.space).await?.ok_or_else(|| {
            AppError::Unavailable(crate::Unavailable::SpaceKey {
                space: settings.space.clone(),
            })
        })?;
        tracing::info!(space = %settings.space, "space key revealed on request");
        Ok(key.secret().clone())
    }

    /// Keeps `key` as `space`'s in the keychain.
    pub(super) async fn keep_space_key(&self, space: &str, key: &SpaceKey) -> Result<(), AppError> {
        let (secrets, account, value) = (
            self.secrets.clone(),
            seal::account(space),
            key.secret().clone(),
        );
        tokio::task::spawn_blocking(move || secrets.set(&account, &value)).await??;
        Ok(())
    }
}
