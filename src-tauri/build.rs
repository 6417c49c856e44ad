include!("src/ipc/command_names.rs");

fn main() {
    // An app manifest: each command gets an `allow-<name>` permission, and the window may call
    // only those its capability (capabilities/default.json) grants.
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    if let Err(e) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)) {
        println!("cargo:warning=tauri build step failed: {e:#}");
        std::process::exit(1);
    }
}
