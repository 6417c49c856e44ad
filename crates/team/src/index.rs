//! The team tokens a replica accepts, held in memory for the request path: reloaded from
//! PostgreSQL when a change notice arrives, on a timer (the safety net while Redis is away), and
//! at most once a second when an unknown token is presented.

use crate::{Bus, Change, TeamDb, TeamError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;
use switchyard_gateway::{Authenticator, Caller};

/// How often an unknown token may make this replica re-read the tokens.
const RELOAD_ON_MISS_EVERY: Duration = Duration::from_secs(1);

/// The active team tokens, shared with the gateway. Cheap to clone.
#[derive(Clone)]
pub struct TeamTokens {
    db: TeamDb,
    active: Arc<RwLock<HashMap<[u8; 32], Caller>>>,
    last_miss_reload: Arc<Mutex<Option<Instant>>>,
}

impl TeamTokens {
    /// Reads the active tokens once.
    pub async fn load(db: TeamDb) -> Result<TeamTokens, TeamError> {
        let tokens = TeamTokens {
            db,
            active: Arc::default(),
            last_miss_reload: Arc::default(),
        };
        tokens.reload().await?;
        Ok(tokens)
    }

    /// Re-reads the active tokens; `true` when the set changed.
    pub async fn reload(&self) -> Result<bool, TeamError> {
        let fresh: HashMap<_, _> = self.db.active_tokens().await?.into_iter().collect();
        let mut active = self.active.write().unwrap_or_else(PoisonError::into_inner);
        let changed = *active != fresh;
        *active = fresh;
        Ok(changed)
    }

    /// Keeps the tokens current: a reload on every token notice from `bus` (and on a resync),
    /// and every `every` whatever Redis does. Runs until dropped: the caller owns it (the app's
    /// supervisor).
    pub fn follow(
        &self,
        bus: Option<&Bus>,
        every: Duration,
    ) -> impl std::future::Future<Output = ()> + Send + 'static {
        let tokens = self.clone();
        let mut reloads =
            crate::bus::Reloads::new(bus, every, |c| matches!(c, Change::Tokens | Change::Resync));
        async move {
            loop {
                reloads.next().await;
                if let Err(e) = tokens.reload().await {
                    tracing::warn!(error = %e, "could not reload the team tokens");
                }
            }
        }
    }

    fn lookup(&self, token: &str) -> Option<Caller> {
        let digest = crate::tokens::digest(token);
        let active = self.active.read().unwrap_or_else(PoisonError::into_inner);
        // The map finds the candidate; the comparison that decides is constant-time.
        let (stored, caller) = active.get_key_value(&digest)?;
        bool::from(stored.ct_eq(&digest)).then(|| caller.clone())
    }
}

impl Authenticator for TeamTokens {
    fn verify(&self, token: &str) -> Option<Caller> {
        self.lookup(token)
    }

    /// A token created on another replica a moment ago: re-read now (at most once a second).
    /// Runs on the blocking pool, inside the runtime.
    fn refresh(&self) -> bool {
        // One re-read at a time (callers are on the blocking pool): one arriving meanwhile
        // waits, then looks again in what was just read.
        let mut last = self
            .last_miss_reload
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if last.is_some_and(|t| t.elapsed() < RELOAD_ON_MISS_EVERY) {
            return true;
        }
        *last = Some(Instant::now());
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return false;
        };
        match runtime.block_on(self.reload()) {
            Ok(_) => true,
            Err(e) => {
                tracing::warn!(error = %e, "could not reload the team tokens");
                false
            }
        }
    }
}
