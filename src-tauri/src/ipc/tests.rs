//! The IPC contract: committed bindings match the code, and the error shape is pinned.

use super::*;
use std::path::Path;

#[test]
fn committed_bindings_match_the_code() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join(BINDINGS_PATH);
    let fresh = std::env::temp_dir().join(format!("switchyard-bindings-{}.ts", std::process::id()));
    export_bindings(&fresh).expect("export bindings");
    let fresh_text = std::fs::read_to_string(&fresh).expect("read fresh bindings");
    let _ = std::fs::remove_file(&fresh);
    if std::env::var_os("SWITCHYARD_UPDATE_BINDINGS").is_some() {
        std::fs::write(&committed, &fresh_text).expect("write bindings");
        return;
    }
    let committed_text = std::fs::read_to_string(&committed).unwrap_or_default();
    assert!(
        committed_text == fresh_text,
        "ui/src/bindings.ts is out of date with the Rust commands; run `./dev bindings` and commit it"
    );
}

#[test]
fn every_event_the_forwarder_emits_is_registered() {
    // tauri-specta panics when an unregistered event is emitted, which would kill the forwarder.
    let path = std::env::temp_dir().join(format!("switchyard-events-{}.ts", std::process::id()));
    export_bindings(&path).expect("export bindings");
    let ts = std::fs::read_to_string(&path).expect("read bindings");
    let _ = std::fs::remove_file(&path);
    let forwarder = include_str!("../tasks.rs");
    for (type_name, wire_name) in [
        ("BackendsChanged", "backends-changed"),
        ("KeyChecked", "key-checked"),
        ("TokensChanged", "tokens-changed"),
        ("SyncChanged", "sync-changed"),
        ("RequestsRecorded", "requests-recorded"),
        ("GatewayHealthChanged", "gateway-health-changed"),
        ("RoutesChanged", "routes-changed"),
        ("CacheChanged", "cache-changed"),
        ("ReadinessProgress", "readiness-progress"),
        ("ReadinessFinished", "readiness-finished"),
        ("DrillProgress", "drill-progress"),
        ("DrillsFinished", "drills-finished"),
        ("NotificationsChanged", "notifications-changed"),
        ("HealthChanged", "health-changed"),
        ("AlertsChanged", "alerts-changed"),
    ] {
        assert!(
            forwarder.contains(type_name),
            "tasks.rs should forward {type_name}"
        );
        assert!(
            ts.contains(&format!("\"{wire_name}\"")),
            "{type_name} is emitted but not registered in specta_builder()"
        );
    }
}

#[test]
fn the_browser_panel_routes_every_window_command_and_sends_the_windows_events() {
    for name in super::command_names::COMMANDS {
        assert!(
            switchyard_panel::route(name).is_some(),
            "the window's command {name} has no route in the browser panel (src-tauri/panel/src/commands.rs)"
        );
    }
    let path = std::env::temp_dir().join(format!("switchyard-panel-{}.ts", std::process::id()));
    export_bindings(&path).expect("export bindings");
    let ts = std::fs::read_to_string(&path).expect("read bindings");
    let _ = std::fs::remove_file(&path);
    // `backendsChanged: makeEvent<BackendsChanged, BackendsChanged>("backends-changed"),`
    let mut window_events: Vec<&str> = ts
        .lines()
        .filter(|line| line.contains(": makeEvent<"))
        .filter_map(|line| line.split("(\"").nth(1)?.split('"').next())
        .collect();
    window_events.sort_unstable();
    assert_eq!(
        window_events,
        switchyard_panel::EVENT_NAMES,
        "the panel sends each of the window's events under its name (src-tauri/panel/src/events.rs)"
    );
}
