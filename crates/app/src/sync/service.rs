//! [`MachineSync`]: Settings → My machines and `switchyard sync`, and the loops that run passes
//! (a desktop every [`super::EVERY`] while on; a team replica following the team's space).

use super::kinds::label;
use super::kinds::{Carries, MachineRecord, TeamKind, TeamRecord};
use super::pass::{self, remember};
use super::plan::Direction;
use super::seal::SpaceKey;
use super::{read, write};
use super::{
    Keep, Kind, LastSync, MachineSync, SyncReport, SyncSettings, SyncStatus, ACCOUNT, LAST,
    SETTINGS, TEAM_SPACE,
};
use crate::blocking::OffThread;
use crate::events::DomainEvent;
use crate::AppError;
use switchyard_domain::{Field, IssueCode};
use switchyard_secrets::{SecretError, SecretString};
use switchyard_team::{Given, Put, ServerAddress, TeamDb};

/// What a space may be called: a name of up to 100 printable characters, not the team's.
fn check_space(settings: &SyncSettings) -> Result<(), AppError> {
    if settings.space.chars().count() > 100 || settings.space.chars().any(char::is_control) {
        return Err(field(
            Field::Name,
            IssueCode::Format,
            "A space is a name of up to 100 printable characters.",
        ));
    }
    if settings.space.eq_ignore_ascii_case(TEAM_SPACE) {
        return Err(field(
            Field::Name,
            IssueCode::Other,
            "“team” is the space a team's replicas follow: give your machines a space of their own (your name, say).",
        ));
    }
    if settings.enabled && settings.space.is_empty() {
        return Err(field(Field::Name, IssueCode::Required, "Name the space your machines share (your name, say): every machine of yours uses the same one."));
    }
    Ok(())
}

fn field(f: Field, code: IssueCode, message: impl Into<String>) -> AppError {
    AppError::field(f, code, message)
}

impl MachineSync {
    pub(super) async fn settings(&self) -> Result<SyncSettings, AppError> {
        self.table
            .blocking(|s| Ok(s.setting_or_default(SETTINGS)?))
            .await
    }

    async fn database_url(&self) -> Result<Option<SecretString>, AppError> {
        let secrets = self.secrets.clone();
        tokio::task::spawn_blocking(move || match secrets.get(ACCOUNT) {
            Ok(url) => Ok(Some(url)),
            Err(SecretError::NotFound) => Ok(None),
            Err(e) => Err(AppError::Keychain(e)),
        })
        .await?
    }

    /// Settings → My machines as it stands.
    pub async fn status(&self) -> Result<SyncStatus, AppError> {
        let last: Option<LastSync> = self
            .table
            .blocking(|s| Ok(s.setting_or_default(LAST)?))
            .await?;
        let settings = self.settings().await?;
        let has_space_key =
            !settings.space.is_empty() && self.space_key(&settings.space).await?.is_some();
        Ok(SyncStatus {
            settings,
            has_database: self.database_url().await?.is_some(),
            has_space_key,
            new_space_key: None,
            machine: super::machine_name(),
            last,
        })
    }

    /// Saves what syncs, the database's address when one is given, and the space's key when
    /// one is given (each tried first: nothing is kept when the database cannot be reached or
    /// the key does not match the space's records). A space with no records yet gets a new key
    /// when none is given or kept, returned once in the status for the user's other machines.
    /// Then, when on, runs a pass.
    pub async fn save(
        &self,
        database_url: Option<SecretString>,
        space_key: Option<SecretString>,
        mut settings: SyncSettings,
    ) -> Result<SyncStatus, AppError> {
        settings.space = settings.space.trim().to_string();
        check_space(&settings)?;
        let given = space_key
            .filter(|k| !k.expose().trim().is_empty())
            .map(|k| SpaceKey::parse(&k))
            .transpose()?;
        let db = match &database_url {
            Some(url) => Some(
                TeamDb::connect(&ServerAddress::given(url.expose(), Given::Keychain))
                    .await
                    .map_err(|e| field(Field::Url, IssueCode::Other, e.to_string()))?,
            ),
            None if settings.enabled && self.database_url().await?.is_none() => {
                return Err(field(
                    Field::Url,
                    IssueCode::Required,
                    "Give the database's address (postgres://…) first.",
                ))
            }
            None => None,
        };
        let mut new_key = None;
        if settings.enabled {
            let db = match db.clone() {
                Some(db) => db,
                None => self.saved_db().await?,
            };
            let (key, drawn) = self.settle_key(&db, &settings.space, given).await?;
            self.keep_space_key(&settings.space, &key).await?;
            new_key = drawn.then(|| key.secret().expose().to_string());
        }
        if let (Some(url), Some(db)) = (&database_url, db) {
            let (secrets, saved) = (self.secrets.clone(), url.clone());
            tokio::task::spawn_blocking(move || secrets.set(ACCOUNT, &saved)).await??;
            *self.running.lock().await = Some((url.expose().to_string(), db));
        }
        self.put(SETTINGS, &settings).await?;
        if settings.enabled {
            // A pass that fails is in the status, not an error of the save.
            let _ = self.run().await;
        }
        self.changed();
        let mut status = self.status().await?;
        status.new_space_key = new_key;
        Ok(status)
    }

    /// Forgets the database's address and turns syncing off; every record stays as it is.
    pub async fn forget(&self) -> Result<SyncStatus, AppError> {
        let secrets = self.secrets.clone();
        tokio::task::spawn_blocking(move || match secrets.delete(ACCOUNT) {
            Ok(()) | Err(SecretError::NotFound) => Ok(()),
            Err(e) => Err(AppError::Keychain(e)),
        })
        .await??;
        *self.running.lock().await = None;
        let settings = SyncSettings {
            enabled: false,
            ..self.settings().await?
        };
        self.put(SETTINGS, &settings).await?;
        self.changed();
        self.status().await
    }

    /// Runs a pass now, both ways. Its outcome (or why it could not run) is the status's last.
    pub async fn run(&self) -> Result<SyncReport, AppError> {
        let settings = self.settings().await?;
        if !settings.enabled {
            return Err(AppError::Unavailable(crate::Unavailable::Sync));
        }
        let key = self.space_key(&settings.space).await?;
        let outcome = match key {
            None => Err(AppError::Unavailable(crate::Unavailable::SpaceKey {
                space: settings.space.clone(),
            })),
            Some(key) => {
                self.with_db(|sync, db| {
                    let kinds = settings.kinds();
                    let space = settings.space.clone();
                    async move {
                        pass::run::<MachineRecord>(
                            &sync,
                            &db,
                            &space,
                            &kinds,
                            Direction::Both,
                            None,
                            Some(&key),
                        )
                        .await
                    }
                })
                .await
            }
        };
        self.record(&outcome).await?;
        outcome
    }

    /// Ends a conflict: keeps this machine's copy (written over the database's version) or
    /// takes the database's. Then a pass runs.
    pub async fn resolve(
        &self,
        kind: Kind,
        name: String,
        keep: Keep,
    ) -> Result<SyncReport, AppError> {
        let settings = self.settings().await?;
        let space = settings.space.clone();
        let seal = self.space_key(&space).await?.ok_or_else(|| {
            AppError::Unavailable(crate::Unavailable::SpaceKey {
                space: space.clone(),
            })
        })?;
        self.with_db(|sync, db| async move {
            let key = (kind, name);
            let known_at = pass::known_key(&db, &space).await?;
            let mut known = pass::load_known(&sync, &known_at).await?;
            // The database's copy as a pass reads it: what a pass would not take, this does not
            // take either, nor write over.
            let mut view =
                read::read::<MachineRecord>(&sync, &db, &space, &[kind], Some(&seal), &known)
                    .await?;
            if view.excluded.contains(&key) && keep == Keep::Theirs {
                let why = view.problems.iter().find(|p| p.starts_with(&label(&key)));
                return Err(AppError::Conflict(why.cloned().unwrap_or_else(|| {
                    format!("{} in the database cannot be taken", label(&key))
                })));
            }
            let remote = view.remote.remove(&key);
            match keep {
                Keep::Mine => {
                    let mine = sync.snapshot(&[kind]).await?.remove(&key);
                    // Over whatever row is there: one not taken (an old one written back, say)
                    // is replaced by this machine's copy, above every version the index names.
                    let read = db
                        .synced_records(&space, &[kind.as_str()])
                        .await?
                        .into_iter()
                        .find(|r| r.name == key.1)
                        .map_or(0, |r| r.version);
                    let floor = known.get(&key).map_or(0, |k| k.version);
                    let by = super::machine_name();
                    let sealing = view.sealing.as_mut();
                    match write::put(
                        &db,
                        &space,
                        &key,
                        (read, floor),
                        mine.as_ref(),
                        &by,
                        sealing,
                    )
                    .await?
                    {
                        Put::Written { version } => {
                            remember(&mut known, &key, version, mine.as_ref())
                        }
                        Put::Conflict { .. } => {
                            return Err(AppError::Conflict(format!(
                                "{} changed again meanwhile: look at it again",
                                label(&key)
                            )))
                        }
                    }
                }
                Keep::Theirs => {
                    if !view.may_take() {
                        return Err(AppError::Conflict(format!(
                            "{} cannot be taken while the space's index is behind its records",
                            label(&key)
                        )));
                    }
                    let (version, change, from) = match remote {
                        Some(r) => {
                            let change = MachineRecord::change(r.kind, r.record);
                            (r.row.version, change, r.row.updated_by)
                        }
                        None => (0, MachineRecord::change(kind, None), String::new()),
                    };
                    super::local::apply(&sync, &key, change, &from, pass::writer(&space)).await?;
                    let now = sync.snapshot(&[kind]).await?;
                    remember(&mut known, &key, version, now.get(&key));
                }
            }
            if let Some(s) = view.sealing.as_ref() {
                super::index::save_seen(&sync, &s.seen_at, &s.index).await?;
            }
            pass::save_known(&sync, &known_at, &known).await
        })
        .await?;
        self.run().await
    }

    /// The saved database, connected once and kept.
    async fn saved_db(&self) -> Result<TeamDb, AppError> {
        self.with_db(|_, db| async move { Ok(db) }).await
    }

    /// Runs `work` with the database, one at a time.
    async fn with_db<F, Fut, T>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(MachineSync, TeamDb) -> Fut,
        Fut: std::future::Future<Output = Result<T, AppError>>,
    {
        let Some(url) = self.database_url().await? else {
            return Err(AppError::Unavailable(crate::Unavailable::SyncDatabase));
        };
        let mut held = self.running.lock().await;
        let db = match held.as_ref() {
            Some((u, db)) if u == url.expose() => db.clone(),
            _ => {
                let address = ServerAddress::given(url.expose(), Given::Keychain);
                let db = TeamDb::connect(&address).await?;
                *held = Some((url.expose().to_string(), db.clone()));
                db
            }
        };
        work(self.clone(), db).await
    }

    async fn record(&self, outcome: &Result<SyncReport, AppError>) -> Result<(), AppError> {
        let last = LastSync {
            at_ms: crate::clock::now_ms(),
            report: outcome.as_ref().ok().cloned(),
            error: outcome.as_ref().err().map(ToString::to_string),
        };
        self.put(LAST, &Some(last)).await?;
        self.changed();
        Ok(())
    }

    async fn put(&self, key: &'static str, value: &impl serde::Serialize) -> Result<(), AppError> {
        let value = serde_json::to_value(value).map_err(|e| AppError::Internal(e.to_string()))?;
        self.table
            .blocking(move |s| Ok(s.set_setting(key, &value)?))
            .await
    }

    fn changed(&self) {
        self.events.emit(DomainEvent::SyncChanged);
    }
}

impl MachineSync {
    /// A team replica takes the team's records (space `team`), the team's copy always right:
    /// backends, routes and budgets ([`TeamRecord`]), never a token.
    pub async fn follow_team(&self, db: &TeamDb) -> Result<SyncReport, AppError> {
        pass::run::<TeamRecord>(
            self,
            db,
            TEAM_SPACE,
            &TeamKind::ALL,
            Direction::Follow,
            None,
            None,
        )
        .await
    }

    /// A command run against the team (`switchyard team config …`) writes what it changed
    /// (`changed`, from two [`MachineSync::snapshot`]s) to the team's records; one changed
    /// meanwhile by another machine is a conflict, not written.
    pub async fn write_team(
        &self,
        db: &TeamDb,
        changed: &std::collections::BTreeSet<super::Key>,
    ) -> Result<SyncReport, AppError> {
        pass::run::<TeamRecord>(
            self,
            db,
            TEAM_SPACE,
            &TeamKind::ALL,
            Direction::Both,
            Some(changed),
            None,
        )
        .await
    }

    /// A desktop's loop (`run`: the app and `serve` without a team, not one-shot commands): a
    /// pass every [`super::EVERY`] while syncing is on.
    pub(crate) fn start(&self, tasks: &switchyard_runtime::Supervisor, run: bool) {
        if !run {
            return;
        }
        let sync = self.clone();
        tasks.every("my machines", super::EVERY, move || {
            let sync = sync.clone();
            async move {
                if sync.settings().await.is_ok_and(|s| s.enabled) {
                    if let Err(e) = sync.run().await {
                        tracing::warn!(error = %e, "my machines: the pass did not run");
                    }
                }
            }
        });
    }
}
