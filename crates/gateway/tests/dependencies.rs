//! The gateway's place in the layers (docs/ARCHITECTURE.md): it records requests through the
//! `Ledger` trait with `switchyard-domain`'s record types and prices them with
//! `switchyard-pricing`, so it never depends on the store. Read from the workspace's
//! `Cargo.toml` files, so the store coming back — directly or through another workspace crate —
//! fails here, naming the path it came by.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

const GATEWAY: &str = "switchyard-gateway";
const DEP_SECTIONS: [&str; 3] = ["dependencies", "dev-dependencies", "build-dependencies"];

fn manifest(dir: &Path) -> toml::Table {
    let path = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.parse()
        .unwrap_or_else(|e| panic!("{} is not TOML: {e}", path.display()))
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Each workspace crate's folder, by package name (`[workspace.dependencies]` path entries).
fn workspace_crates() -> BTreeMap<String, PathBuf> {
    let root = workspace_root();
    let table = manifest(&root);
    let deps = table["workspace"]["dependencies"]
        .as_table()
        .unwrap_or_else(|| panic!("[workspace.dependencies] should be a table"));
    deps.iter()
        .filter_map(|(name, spec)| {
            let path = spec.get("path")?.as_str()?;
            Some((name.clone(), root.join(path)))
        })
        .collect()
}

/// The names a manifest depends on in `section`, including target-specific tables.
fn deps_in(table: &toml::Table, section: &str) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = table
        .get(section)
        .and_then(toml::Value::as_table)
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default();
    let targets = table.get("target").and_then(toml::Value::as_table);
    for target in targets.into_iter().flat_map(|t| t.values()) {
        if let Some(t) = target.get(section).and_then(toml::Value::as_table) {
            names.extend(t.keys().cloned());
        }
    }
    names
}

/// Every workspace crate the gateway library links, with the chain it is reached by
/// (`switchyard-gateway → switchyard-cache → …`), and each one's own normal dependencies.
fn linked_workspace_crates() -> BTreeMap<String, (String, BTreeSet<String>)> {
    let crates = workspace_crates();
    let mut seen = BTreeMap::new();
    let mut queue = VecDeque::from([(GATEWAY.to_string(), GATEWAY.to_string())]);
    while let Some((name, chain)) = queue.pop_front() {
        if seen.contains_key(&name) {
            continue;
        }
        let dir = crates
            .get(&name)
            .unwrap_or_else(|| panic!("{name} should be a workspace crate"));
        let deps = deps_in(&manifest(dir), "dependencies");
        for dep in deps.iter().filter(|d| crates.contains_key(*d)) {
            queue.push_back((dep.clone(), format!("{chain} → {dep}")));
        }
        seen.insert(name, (chain, deps));
    }
    seen
}

#[test]
fn the_gateway_manifest_does_not_name_the_store() {
    let gateway = manifest(Path::new(env!("CARGO_MANIFEST_DIR")));
    for section in DEP_SECTIONS {
        assert!(
            !deps_in(&gateway, section).contains("switchyard-store"),
            "crates/gateway [{section}] names switchyard-store: the gateway takes ledger records \
             from switchyard-domain and writes them through the `Ledger` trait, and its tests \
             record into memory"
        );
    }
}

#[test]
fn no_workspace_crate_the_gateway_links_brings_the_store_back() {
    let linked = linked_workspace_crates();
    assert!(
        linked.len() > 3,
        "the walk should reach the gateway's workspace dependencies, found {:?}",
        linked.keys()
    );
    if let Some((chain, _)) = linked.get("switchyard-store") {
        panic!("the gateway links the store through {chain}: move what it needs into core");
    }
}

#[test]
fn sqlite_reaches_the_gateway_only_through_the_response_caches_own_file() {
    let linked = linked_workspace_crates();
    let with_sqlite: Vec<&str> = linked
        .iter()
        .filter(|(_, (_, deps))| deps.contains("rusqlite"))
        .map(|(_, (chain, _))| chain.as_str())
        .collect();
    assert_eq!(
        with_sqlite,
        vec![format!("{GATEWAY} → switchyard-cache")],
        "only the response cache's disk layer may bring rusqlite into the gateway; the ledger \
         and everything else the gateway persists goes through the app's traits"
    );
}
