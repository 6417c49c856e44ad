//! The sweep's side of the user's environment store (`HKCU\Environment`, launchd's): its
//! variables as findings, taking one out, and setting it again on "Put back".
//!
//! Invariant, as in the rest of the sweep: a value goes nowhere but into the keychain and back
//! into the store; errors name the variable and the store only.

use super::{Hit, Origin};
use crate::tools::user_env::{EnvVar, UserEnv};
use crate::AppError;
use serde::{Deserialize, Serialize};
use switchyard_domain::BackendKind;
use switchyard_secrets::SecretString;
use switchyard_toolconfig::sweep as scan;

/// A variable taken out of the store, enough to set it again (the value is in the keychain).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(in crate::tools) struct EnvMoved {
    pub store: String,
    /// A Windows `REG_EXPAND_SZ`.
    pub expand: bool,
}

/// The provider key variables a store that cannot list its variables (launchd) is asked for.
fn key_variables() -> Vec<&'static str> {
    BackendKind::ALL
        .into_iter()
        .flat_map(|k| k.spec().env_vars.iter().copied())
        .filter(|v| *v != "OLLAMA_HOST")
        .collect()
}

fn unreadable(store: &str, e: &std::io::Error) -> AppError {
    AppError::File(format!("Cannot read {store}: {e}."))
}

/// The store's variables that hold provider keys; none where there is no store.
pub(super) fn hits(env: &dyn UserEnv) -> Result<Vec<Hit>, AppError> {
    let Some(store) = env.name() else {
        return Ok(Vec::new());
    };
    let vars = env
        .vars(&key_variables())
        .map_err(|e| unreadable(store, &e))?;
    Ok(vars
        .into_iter()
        .filter_map(|v| {
            let found = scan::scan_variable(&v.name, &v.value)?;
            Some(Hit {
                origin: Origin::Env {
                    store: store.to_string(),
                    expand: v.expand,
                },
                found,
            })
        })
        .collect())
}

/// The variable `name` as the store holds it now.
fn current(env: &dyn UserEnv, store: &str, name: &str) -> Result<Option<EnvVar>, AppError> {
    Ok(env
        .vars(&[name])
        .map_err(|e| unreadable(store, &e))?
        .into_iter()
        .find(|v| v.name == name))
}

/// Checks that `found` is still what the store holds, before anything is written.
pub(super) fn still_there(
    env: &dyn UserEnv,
    store: &str,
    found: &scan::Found,
) -> Result<(), AppError> {
    match current(env, store, &found.variable)? {
        Some(v) if v.value == *found.value.expose() => Ok(()),
        _ => Err(AppError::Conflict(format!(
            "{} changed in {store} since it was scanned; scan again.",
            found.variable
        ))),
    }
}

/// Takes `name` out of the store.
pub(super) fn take_out(env: &dyn UserEnv, store: &str, name: &str) -> Result<(), AppError> {
    env.remove(name)
        .map_err(|e| AppError::File(format!("Cannot remove {name} from {store}: {e}.")))
}

/// Sets `name` again, unless the user set it to something else meanwhile (then it is left, and
/// the answer says so). Set to the same value already: nothing to do.
pub(super) fn put_back(
    env: &dyn UserEnv,
    moved: &EnvMoved,
    name: &str,
    value: &SecretString,
) -> Result<(), AppError> {
    let store = &moved.store;
    if env.name() != Some(store.as_str()) {
        return Err(AppError::Conflict(format!(
            "{name} was moved from {store}, which this computer does not have."
        )));
    }
    match current(env, store, name)? {
        Some(v) if v.value == *value.expose() => Ok(()),
        Some(_) => Err(AppError::Conflict(format!(
            "{name} is set again in {store}, to another value; it was left as it is."
        ))),
        None => env
            .set(&EnvVar {
                name: name.to_string(),
                value: value.expose().to_string(),
                expand: moved.expand,
            })
            .map_err(|e| AppError::File(format!("Cannot set {name} in {store}: {e}."))),
    }
}
