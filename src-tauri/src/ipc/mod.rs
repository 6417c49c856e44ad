//! The window's IPC surface: one forwarding Tauri command per entry of the core's command list
//! ([`switchyard_ipc::for_each_command!`]; the file commands among them take handles), the
//! window's own commands ([`local`]), the native file dialog ([`files`]) and the typed events, all registered in one `specta_builder()` that serves both the app and the bindings
//! export. The shapes themselves live in `switchyard_ipc`.

#[cfg(test)]
mod capability_tests;
#[cfg(test)]
mod command_names;
pub mod events;
pub mod files;
pub mod local;

pub use switchyard_ipc::{ErrorKind, IpcError};

/// Where the generated TypeScript bindings live, relative to this crate.
pub const BINDINGS_PATH: &str = "../ui/src/bindings.ts";

fn encode_error(e: serde_json::Error) -> IpcError {
    tracing::error!(error = %e, "arguments could not be encoded");
    IpcError::new(
        ErrorKind::Internal,
        "The window could not send that request.",
    )
}

macro_rules! forwarders {
    ($($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        /// The page's commands: each sends its typed arguments to the core process and returns
        /// its typed answer (or its typed error).
        pub mod forward {
            use super::{encode_error, IpcError};
            use crate::remote::Remote;
            #[allow(unused_imports)]
            use switchyard_ipc::types::*;
            use tauri::State;

            $(
                $(#[$doc])*
                #[tauri::command]
                #[specta::specta]
                pub async fn $name(
                    remote: State<'_, Remote>
                    $(, $arg: $ty)*
                ) -> Result<$ret, IpcError> {
                    #[allow(unused_mut)]
                    let mut args = serde_json::Map::new();
                    $(args.insert(
                        stringify!($arg).into(),
                        serde_json::to_value(&$arg).map_err(encode_error)?,
                    );)*
                    remote.call(stringify!($name), serde_json::Value::Object(args)).await
                }
            )*
        }

        /// Every command and event, once. Used by the app and by the bindings export.
        pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
            tauri_specta::Builder::<tauri::Wry>::new()
                .commands(tauri_specta::collect_commands![
                    local::app_info,
                    local::report_first_paint,
                    local::update_settings,
                    crate::update::install_update,
                    files::choose_file,
                    $(forward::$name,)*
                ])
                .events(tauri_specta::collect_events![
                    events::BackendsChanged,
                    events::KeyChecked,
                    events::TokensChanged,
                    events::SyncChanged,
                    events::RequestsRecorded,
                    events::GatewayHealthChanged,
                    events::RoutesChanged,
                    events::CacheChanged,
                    events::CostsChanged,
                    events::ReadinessProgress,
                    events::ReadinessFinished,
                    events::DrillProgress,
                    events::DrillsFinished,
                    events::NotificationsChanged,
                    events::UpdatesChanged,
                    crate::update::UpdateProgress,
                    events::HealthChanged,
                    events::AlertsChanged,
                ])
        }
    };
}

switchyard_ipc::for_each_command!(forwarders);

/// Writes the TypeScript bindings to `path`.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    specta_builder()
        .export(
            specta_typescript::Typescript::default().header("// @ts-nocheck\n/* eslint-disable */"),
            path,
        )
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests;
