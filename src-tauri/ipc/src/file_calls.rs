//! The window's side of the file commands ([`crate::for_each_file_command!`]): one typed
//! function per command, generated from the same list the core process dispatches by, so the
//! window writes neither a command's name nor its arguments' keys. Each serializes its arguments
//! under the names the core parses them by and hands them to a [`CoreCall`] (the window's
//! connection to its core process).

use crate::{ErrorKind, IpcError};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::future::Future;

/// Something that forwards a command to the core process and answers with its typed reply.
pub trait CoreCall: Sync {
    fn call_core<T: DeserializeOwned + Send>(
        &self,
        name: &'static str,
        args: Value,
    ) -> impl Future<Output = Result<T, IpcError>> + Send;
}

/// The arguments as JSON; a value serde cannot write (a path that is not valid Unicode) is a
/// typed error, not a panic.
fn args<A: serde::Serialize>(name: &str, args: A) -> Result<Value, IpcError> {
    serde_json::to_value(args).map_err(|_| {
        IpcError::new(
            ErrorKind::File,
            format!(
                "The arguments of “{name}” cannot be sent (a path that is not valid Unicode?)."
            ),
        )
    })
}

macro_rules! file_calls {
    ($($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        $(
            $(#[$doc])*
            pub async fn $name<C: CoreCall>(core: &C $(, $arg: $ty)*) -> Result<$ret, IpcError> {
                #[derive(serde::Serialize)]
                struct Args { $($arg: $ty),* }
                let args = args(stringify!($name), Args { $($arg),* })?;
                core.call_core(stringify!($name), args).await
            }
        )*
    };
}

#[allow(unused_imports, reason = "the list names only some of the types")]
use crate::types::*;

crate::for_each_file_command!(file_calls);

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Records what it was asked to send.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<(&'static str, Value)>>);

    impl CoreCall for Recorder {
        fn call_core<T: DeserializeOwned + Send>(
            &self,
            name: &'static str,
            args: Value,
        ) -> impl Future<Output = Result<T, IpcError>> + Send {
            self.0.lock().unwrap().push((name, args));
            async { Err(IpcError::new(ErrorKind::Internal, "recorded")) }
        }
    }

    #[tokio::test]
    async fn a_file_call_sends_its_name_and_arguments_under_the_keys_the_core_parses() {
        let core = Recorder::default();
        let _ = move_key(
            &core,
            "f1".into(),
            vec![PathBuf::from("/home/u/.env")],
            Some("b1".into()),
        )
        .await;
        let _ = import_config(
            &core,
            PathBuf::from("/t/c.toml"),
            true,
            ConfigApproval::default(),
        )
        .await;
        let sent = core.0.lock().unwrap().clone();
        assert_eq!(sent[0].0, "move_key");
        assert_eq!(
            sent[0].1,
            serde_json::json!({"id": "f1", "extra_files": ["/home/u/.env"], "backend_id": "b1"})
        );
        assert_eq!(sent[1].0, "import_config");
        assert_eq!(sent[1].1["path"], "/t/c.toml");
        assert_eq!(sent[1].1["dry_run"], true);
    }
}
