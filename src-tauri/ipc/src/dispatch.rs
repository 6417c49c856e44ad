//! The core process's side of the command list: one `match` arm per command, each parsing its
//! arguments into the command's own types and running the command body.

use crate::{Core, ErrorKind, IpcError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Every command body, by the name the list uses.
mod commands {
    pub use crate::app::commands::*;
    pub use crate::backends::commands::*;
    pub use crate::backends::models::{backend_models, check_model, refresh_backend_models};
    pub use crate::books::*;
    pub use crate::cache::commands::*;
    pub use crate::config::commands::*;
    pub use crate::costs::commands::*;
    pub use crate::drills::commands::*;
    pub use crate::gateway::commands::*;
    pub use crate::monitor::commands::*;
    pub use crate::readiness::commands::*;
    pub use crate::routes::commands::*;
    pub use crate::sync::commands::*;
    pub use crate::team::commands::*;
    pub use crate::team::console::{create_team_token, revoke_team_token, team_console};
    pub use crate::tools::commands::*;
}

/// Serde's message is left out on purpose: for a value of the wrong type it quotes the value,
/// and an argument can be a key.
fn parse<T: DeserializeOwned>(name: &str, args: Value) -> Result<T, IpcError> {
    serde_json::from_value(args).map_err(|e| {
        tracing::warn!(command = name, category = ?e.classify(), "arguments that do not fit");
        IpcError::new(
            ErrorKind::Validation,
            format!("The arguments of “{name}” do not fit the command."),
        )
    })
}

fn reply<T: Serialize>(answer: T) -> Result<Value, IpcError> {
    serde_json::to_value(answer).map_err(|e| {
        tracing::error!(error = %e, "an answer could not be encoded");
        IpcError::new(
            ErrorKind::Internal,
            "Something went wrong; the details are in the log file.",
        )
    })
}

macro_rules! dispatch_table {
    ($fn_name:ident; $($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        /// Runs the listed command `name`, or hands `args` back when the list has no such name.
        async fn $fn_name(core: &Core, name: &str, args: Value) -> Result<Result<Value, IpcError>, Value> {
            #[allow(unused_imports)]
            use $crate::types::*;
            let answer = match name {
                $(stringify!($name) => async {
                    // An argument the command does not take is refused, not ignored: a
                    // caller cannot slip a `path` beside a file handle.
                    #[derive(serde::Deserialize)]
                    #[serde(deny_unknown_fields)]
                    struct Args { $($arg: $ty),* }
                    let Args { $($arg),* } = parse(name, args)?;
                    let answer: $ret = commands::$name(core $(, $arg)*).await?;
                    reply(answer)
                }.await,)*
                _ => return Err(args),
            };
            Ok(answer)
        }
    };
}

crate::for_each_command!(dispatch_table, page_command);

macro_rules! names {
    ($const_name:ident; $($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        pub const $const_name: &[&str] = &[$(stringify!($name)),*];
    };
}

// The page's commands [`dispatch`] runs as the page sent them, by name (the browser panel's
// table of what it forwards as it is).
crate::for_each_command!(names, PAGE_COMMANDS);

macro_rules! arg_types {
    ($const_name:ident; $($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        /// Every command's arguments, by name, with their types as written in the list: what a
        /// test walks to hold that no command takes a filesystem path from its caller.
        pub const $const_name: &[(&str, &[(&str, &str)])] =
            &[$((stringify!($name), &[$((stringify!($arg), stringify!($ty))),*])),*];
    };
}

crate::for_each_command!(arg_types, COMMAND_ARGS);

/// Runs the command `name` with its arguments as the window sent them (an object keyed by
/// argument name) and returns its answer as JSON. Besides the listed commands
/// ([`crate::for_each_command!`]) it serves the shell's own
/// `app_info` and `save_settings`; an unknown name is a typed error, never a panic.
pub async fn dispatch(core: &Core, name: &str, args: Value) -> Result<Value, IpcError> {
    let args = match page_command(core, name, args).await {
        Ok(answer) => return answer,
        Err(args) => args,
    };
    match name {
        "app_info" => reply(commands::app_info(core).await?),
        "save_settings" => {
            #[derive(serde::Deserialize)]
            struct Args {
                settings: crate::types::UserSettings,
            }
            let Args { settings } = parse(name, args)?;
            reply(commands::save_settings(core, settings).await?)
        }
        other => Err(IpcError::new(
            ErrorKind::NotFound,
            format!("The core has no command “{other}”; is the window newer than the core?"),
        )),
    }
}
