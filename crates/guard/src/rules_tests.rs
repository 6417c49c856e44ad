//! The workspace rules fail on what they exist to catch: a crate past its cap (or a cap left
//! far above its crate), more untyped refusals than allowed, a gated feature turned on where it
//! may not be, and the app's test harness named outside `[dev-dependencies]`.

use crate::{feature_rules, rules};
use switchyard_guard::checks::Site;
use switchyard_guard::manifests;

fn site() -> (String, Site) {
    let s = Site {
        file: "a.rs".into(),
        line: 1,
        what: "AppError::Invalid".into(),
    };
    ("crates/x".into(), s)
}

#[test]
fn a_crate_past_its_cap_fails_and_a_cap_far_above_its_crate_fails_too() {
    let mut problems = Vec::new();
    rules::crate_size("crates/x", rules::DEFAULT_CAP + 1, &mut problems, false);
    assert_eq!(problems.len(), 1, "one line over the default cap fails");
    let mut problems = Vec::new();
    rules::crate_size("crates/x", rules::DEFAULT_CAP, &mut problems, false);
    rules::crate_size("crates/x", 10, &mut problems, false);
    assert!(problems.is_empty(), "at or under the default: {problems:?}");
    assert_eq!(
        rules::cap("crates/app"),
        (rules::DEFAULT_CAP, false),
        "the largest crate is under the default (issue 72)"
    );
    let (cap, own) = rules::cap("src-tauri/ipc");
    assert!(own, "the IPC crate has a stricter cap of its own");
    let mut problems = Vec::new();
    rules::crate_size("src-tauri/ipc", cap + 1, &mut problems, false);
    rules::crate_size(
        "src-tauri/ipc",
        cap - rules::CAP_SLACK - 1,
        &mut problems,
        false,
    );
    assert_eq!(
        problems.len(),
        2,
        "over its own cap, and so far under it that the cap must come down: {problems:?}"
    );
}

#[test]
fn untyped_refusals_are_counted_exactly() {
    let over: Vec<_> = (0..=rules::UNTYPED_REFUSALS).map(|_| site()).collect();
    let mut problems = Vec::new();
    rules::untyped_refusals(&over, &mut problems, false);
    assert_eq!(problems.len(), over.len(), "each site named when over");
    let mut problems = Vec::new();
    rules::untyped_refusals(&over[2..], &mut problems, false);
    assert_eq!(
        problems.len(),
        1,
        "fewer than allowed: the allowance must come down"
    );
    let mut problems = Vec::new();
    rules::untyped_refusals(&over[1..], &mut problems, false);
    assert!(problems.is_empty(), "exactly as allowed: {problems:?}");
}

fn problems_of(krate: &str, toml: &str) -> Vec<String> {
    let m = manifests::parse(toml).unwrap();
    let mut problems = Vec::new();
    feature_rules::check(krate, &m, &mut problems);
    problems
}

#[test]
fn a_test_only_feature_turned_on_outside_dev_dependencies_fails() {
    let normal = "[dependencies]\nswitchyard-tools = { workspace = true, features = [\"fault-injection\"] }\n";
    assert_eq!(
        problems_of("crates/cli", normal).len(),
        1,
        "a release build would read SWITCHYARD_FAULT"
    );
    let target = "[target.'cfg(unix)'.dependencies]\nswitchyard-team = { path = \"x\", features = [\"testing\"] }\n";
    assert_eq!(
        problems_of("crates/app", target).len(),
        1,
        "a target's dependencies are normal ones"
    );
    let root =
        "[workspace.dependencies]\nswitchyard-team = { path = \"x\", features = [\"testing\"] }\n";
    assert_eq!(
        problems_of(".", root).len(),
        1,
        "a workspace dependency turns it on for every user"
    );
    let dev = "[dev-dependencies]\nswitchyard-tools = { workspace = true, features = [\"fault-injection\"] }\n";
    assert!(problems_of("crates/cli", dev).is_empty(), "tests may");
}

#[test]
fn the_app_test_harness_is_named_only_by_dev_dependencies() {
    let normal = "[dependencies]\nswitchyard-app-testing.workspace = true\n";
    assert_eq!(
        problems_of("crates/drills", normal).len(),
        1,
        "a shipped binary would link a core on a temp folder"
    );
    let build = "[build-dependencies]\nswitchyard-app-testing.workspace = true\n";
    assert_eq!(
        problems_of("crates/drills", build).len(),
        1,
        "nor a build script"
    );
    let dev = "[dev-dependencies]\nswitchyard-app-testing.workspace = true\n";
    assert!(problems_of("crates/drills", dev).is_empty(), "tests may");
    let root = "[workspace.dependencies]\nswitchyard-app-testing = { path = \"x\" }\n";
    assert!(
        problems_of(".", root).is_empty(),
        "the workspace root declares it for the crates' dev-dependencies"
    );
}

#[test]
fn the_ui_type_derive_is_optional_forwarded_by_name_and_turned_on_only_by_the_ipc_crate() {
    let on = "[dependencies]\nswitchyard-domain = { workspace = true, features = [\"specta\"] }\n";
    assert!(
        problems_of("src-tauri/ipc", on).is_empty(),
        "the IPC crate exports the bindings"
    );
    assert_eq!(
        problems_of("crates/cli", on).len(),
        1,
        "the CLI never compiles specta"
    );
    let plain = "[dependencies]\nspecta = { workspace = true }\n";
    assert_eq!(problems_of("crates/domain", plain).len(), 1, "not optional");
    let gated = "[dependencies]\nspecta = { workspace = true, optional = true }\n\
                 [features]\nspecta = [\"dep:specta\", \"switchyard-domain/specta\"]\n";
    assert!(
        problems_of("crates/app", gated).is_empty(),
        "the house pattern"
    );
    let sideways = "[features]\nui = [\"switchyard-domain?/specta\"]\n";
    assert_eq!(
        problems_of("crates/app", sideways).len(),
        1,
        "forwarded under another name"
    );
    let default = "[features]\ndefault = [\"specta\"]\nspecta = []\n";
    assert_eq!(problems_of("crates/app", default).len(), 1, "on by default");
    let own = "[features]\nui = [\"specta\"]\nspecta = []\n";
    assert_eq!(
        problems_of("crates/app", own).len(),
        1,
        "its own, under another name"
    );
    let shell = "[dependencies]\ntauri = \"2\"\n";
    assert_eq!(
        problems_of("crates/app", shell).len(),
        1,
        "only src-tauri/ has the toolkit"
    );
    assert!(problems_of("src-tauri", shell).is_empty());
}
