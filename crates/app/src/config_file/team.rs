//! The `[team]` section of the configuration file: the team gateway's servers, so a replica is
//! set up by `switchyard config import` and then started with a plain `switchyard serve` (the
//! flags and the environment still win). No password belongs in the file (refused at import):
//! each comes from a password file, the environment or the keychain when the replica starts
//! (`switchyard_team::credentials`).

use serde::{Deserialize, Serialize};

/// Settings key of the saved section.
pub(crate) const KEY: &str = "team_servers";
/// The team database's password, kept out of the file.
pub const PASSWORD_ENV: &str = "SWITCHYARD_TEAM_DATABASE_PASSWORD";

/// The team gateway's servers, without passwords.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TeamServers {
    /// `postgres://user@host:port/db` (`?sslmode=require` for TLS).
    pub database: String,
    /// `redis://host:port`.
    #[serde(default)]
    pub redis: Option<String>,
}

/// What is wrong with the section: each problem's path in the file and its message.
pub(super) fn problems(team: &TeamServers) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    match url::Url::parse(team.database.trim()) {
        Ok(u) if matches!(u.scheme(), "postgres" | "postgresql") => {
            if u.password().is_some() {
                out.push((
                    "team.database",
                    format!("a password does not belong in the file: give it in {PASSWORD_ENV}, --team-password-file or `switchyard team login`"),
                ));
            }
        }
        _ => out.push((
            "team.database",
            "expected postgres://user@host:port/database".into(),
        )),
    }
    if let Some(redis) = &team.redis {
        match url::Url::parse(redis.trim()) {
            Ok(u) if matches!(u.scheme(), "redis" | "rediss") => {
                if u.password().is_some() {
                    out.push((
                        "team.redis",
                        "a password does not belong in the file: give it in SWITCHYARD_TEAM_REDIS_PASSWORD, --redis-password-file or `switchyard team login`".into(),
                    ));
                }
            }
            _ => out.push(("team.redis", "expected redis://host:port".into())),
        }
    }
    out
}

/// The saved section as `serve` uses it: the database's address with the password from
/// [`PASSWORD_ENV`] when set. Read from the data folder's database without opening the core.
pub fn saved(db_file: &std::path::Path) -> Option<(String, Option<String>)> {
    let store = switchyard_store::Store::open_read_only(db_file).ok()?;
    let team = read_saved(&store.settings())?;
    let mut database = url::Url::parse(team.database.trim()).ok()?;
    if let Some(password) = std::env::var(PASSWORD_ENV).ok().filter(|p| !p.is_empty()) {
        database.set_password(Some(&password)).ok()?;
    }
    Some((database.to_string(), team.redis))
}

/// The section saved by the last approved import, if any.
pub(super) fn read_saved(settings: &switchyard_store::SettingsTable) -> Option<TeamServers> {
    let value = settings.get_setting(KEY).ok()??;
    serde_json::from_value(value).ok()
}
