//! The window may call only what the UI uses: the app manifest's command list matches the
//! commands that exist, and the capability grants exactly the commands the UI calls (`api.x` in
//! ui/src, outside tests) plus listening to events (no dialog
//! permission: the dialogs open on the Rust side). A command granted but
//! unused, or a new core permission, fails here.

use super::command_names::COMMANDS;
use super::*;
use std::collections::BTreeSet;
use std::path::Path;

/// (camelCase name, command name) of every command in freshly exported bindings. `tag` keeps
/// the export file of each test apart (tests run in parallel in one process).
fn bindings_commands(tag: &str) -> Vec<(String, String)> {
    let path =
        std::env::temp_dir().join(format!("switchyard-caps-{tag}-{}.ts", std::process::id()));
    export_bindings(&path).expect("export bindings");
    let ts = std::fs::read_to_string(&path).expect("read bindings");
    let _ = std::fs::remove_file(&path);
    ts.lines()
        .filter_map(|line| {
            let (camel, rest) = line.trim_start().split_once(": (")?;
            let (_, after) = rest.split_once("__TAURI_INVOKE(\"")?;
            let (name, _) = after.split_once('"')?;
            Some((camel.to_string(), name.to_string()))
        })
        .collect()
}

/// Every `api.name` the UI's source (not its tests) calls.
fn ui_calls() -> BTreeSet<String> {
    fn walk(dir: &Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).expect("read ui/src").flatten() {
            let path = entry.path();
            let name = path.to_string_lossy().to_string();
            if path.is_dir() {
                walk(&path, out);
            } else if (name.ends_with(".ts") || name.ends_with(".svelte"))
                && !name.ends_with(".test.ts")
            {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for piece in text.split("api.").skip(1) {
                    let ident: String = piece
                        .chars()
                        .take_while(char::is_ascii_alphanumeric)
                        .collect();
                    out.insert(ident);
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src"),
        &mut out,
    );
    out
}

fn granted() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("capabilities/default.json");
    let cap: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read the capability"))
            .expect("the capability is JSON");
    cap["permissions"]
        .as_array()
        .expect("a permissions list")
        .iter()
        .map(|p| p.as_str().expect("permissions by name").to_string())
        .collect()
}

#[test]
fn the_manifest_lists_every_command_and_nothing_else() {
    let exported: BTreeSet<String> = bindings_commands("manifest")
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    let listed: BTreeSet<String> = COMMANDS.iter().map(|c| c.to_string()).collect();
    assert_eq!(
        listed, exported,
        "src-tauri/src/ipc/command_names.rs must list exactly the window's commands"
    );
}

#[test]
fn the_window_is_granted_exactly_what_the_ui_calls() {
    let calls = ui_calls();
    let used: BTreeSet<String> = bindings_commands("grant")
        .into_iter()
        .filter(|(camel, _)| calls.contains(camel))
        .map(|(_, name)| format!("allow-{}", name.replace('_', "-")))
        .collect();
    let granted = granted();
    let (app, other): (Vec<String>, Vec<String>) =
        granted.into_iter().partition(|p| p.starts_with("allow-"));
    let app: BTreeSet<String> = app.into_iter().collect();
    let unused: Vec<_> = app.difference(&used).collect();
    let missing: Vec<_> = used.difference(&app).collect();
    assert!(
        unused.is_empty(),
        "granted but the UI never calls: {unused:?}"
    );
    assert!(
        missing.is_empty(),
        "the UI calls but not granted: {missing:?}"
    );
    assert_eq!(
        other,
        ["core:event:allow-listen", "core:event:allow-unlisten",],
        "the window's other permissions"
    );
}
