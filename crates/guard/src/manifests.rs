//! The workspace's manifests read as TOML (never as text): each crate's dependencies, in which
//! section (normal, dev, build; target-specific ones counted as their section), whether each is
//! optional and which of its features it turns on; and the crate's own `[features]` table. The
//! rules about them (a test-only feature turned on only by tests, the UI-type derive only by the
//! IPC crate) are the caller's (`rules.rs`).

use std::path::Path;

/// Which table a dependency is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Normal,
    Dev,
    Build,
}

/// One dependency entry of a crate's manifest.
#[derive(Debug, Clone)]
pub struct Dep {
    /// The name it is known by in the manifest (the key).
    pub name: String,
    pub section: Section,
    pub optional: bool,
    /// The dependency's features this entry turns on.
    pub features: Vec<String>,
}

/// What the rules read from one `Cargo.toml`.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    pub deps: Vec<Dep>,
    /// `[features]`: each feature and what it turns on (`dep:x`, `x/f`, `x?/f`, `f`).
    pub features: Vec<(String, Vec<String>)>,
}

/// Why a manifest could not be read.
#[derive(Debug)]
pub enum ManifestError {
    Io(std::io::Error),
    Toml(String),
}

impl std::fmt::Display for ManifestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ManifestError::Io(e) => write!(f, "{e}"),
            ManifestError::Toml(e) => write!(f, "not TOML: {e}"),
        }
    }
}

/// Reads the manifest at `path`.
pub fn read(path: &Path) -> Result<Manifest, ManifestError> {
    let text = std::fs::read_to_string(path).map_err(ManifestError::Io)?;
    parse(&text)
}

/// Reads a manifest's text.
pub fn parse(text: &str) -> Result<Manifest, ManifestError> {
    let doc: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| ManifestError::Toml(e.message().to_string()))?;
    let mut m = Manifest::default();
    collect(&doc, &mut m.deps);
    // The root's `[workspace.dependencies]`: a feature turned on there is on for every user.
    if let Some(toml::Value::Table(workspace)) = doc.get("workspace") {
        collect(workspace, &mut m.deps);
    }
    if let Some(toml::Value::Table(targets)) = doc.get("target") {
        for target in targets.values() {
            if let toml::Value::Table(t) = target {
                collect(t, &mut m.deps);
            }
        }
    }
    if let Some(toml::Value::Table(features)) = doc.get("features") {
        for (name, list) in features {
            m.features.push((name.clone(), strings(list)));
        }
    }
    Ok(m)
}

fn collect(table: &toml::Table, out: &mut Vec<Dep>) {
    let sections = [
        ("dependencies", Section::Normal),
        ("dev-dependencies", Section::Dev),
        ("build-dependencies", Section::Build),
    ];
    for (key, section) in sections {
        let Some(toml::Value::Table(deps)) = table.get(key) else {
            continue;
        };
        for (name, spec) in deps {
            let (optional, features) = match spec {
                toml::Value::Table(t) => (
                    t.get("optional").and_then(toml::Value::as_bool) == Some(true),
                    t.get("features").map(strings).unwrap_or_default(),
                ),
                _ => (false, Vec::new()),
            };
            out.push(Dep {
                name: name.clone(),
                section,
                optional,
                features,
            });
        }
    }
}

fn strings(v: &toml::Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// A feature list entry's target: `x/f` and `x?/f` turn on `f` of dependency `x`.
pub fn forwarded(entry: &str) -> Option<(&str, &str)> {
    let (dep, feature) = entry.split_once('/')?;
    Some((dep.trim_end_matches('?'), feature))
}
