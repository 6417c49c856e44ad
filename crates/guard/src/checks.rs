//! The checks over one crate's read code: bare spawns, holders of a type (the whole `Store`,
//! the root object), calls of one variant. Each returns what it found; the rules of what is allowed are the caller's
//! (`main.rs`).

use crate::graph::Crate;
use crate::tree::ModPath;

/// A place in the code: the file (relative to `src/`) and line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Site {
    pub file: String,
    pub line: usize,
    pub what: String,
}

/// The calls that start a task or thread with no handle kept by an owner: `tokio::spawn`,
/// `tokio::task::spawn`, Tauri's `async_runtime::spawn`, `std::thread::spawn`, however they were
/// imported (`use tokio::spawn; spawn(…)` too).
pub fn bare_spawns(c: &Crate) -> Vec<Site> {
    let mut out = Vec::new();
    for (module, refs) in &c.refs {
        for call in &refs.calls {
            let full = expand(c, module, &call.path);
            if is_bare_spawn(&full) {
                out.push(site(c, module, call.line, full.join("::")));
            }
        }
    }
    out.sort();
    out
}

fn is_bare_spawn(p: &[String]) -> bool {
    let tail: Vec<&str> = p.iter().rev().take(3).map(String::as_str).collect();
    matches!(
        tail.as_slice(),
        ["spawn", "tokio", ..]
            | ["spawn", "task", "tokio"]
            | ["spawn", "async_runtime", ..]
            | ["spawn", "thread", ..]
    )
}

/// A path with its first segment replaced by what the module imported under that name.
pub fn expand(c: &Crate, module: &ModPath, path: &[String]) -> Vec<String> {
    let Some(first) = path.first() else {
        return Vec::new();
    };
    let imported = c
        .refs
        .get(module)
        .and_then(|r| r.uses.iter().find(|u| !u.glob && &u.name == first));
    match imported {
        Some(u) => {
            let mut full = u.path.clone();
            full.extend(path[1..].iter().cloned());
            full
        }
        None => path.to_vec(),
    }
}

/// Calls of `ty::variant(…)` (a tuple variant built, or an associated function called),
/// however `ty` was imported: how many untyped `AppError::Invalid(String)` refusals are built.
/// A match arm's pattern is not a call; inside a macro's tokens (`matches!(e, T::V(_))`) a
/// pattern reads as one, so it counts: the count errs high, never low.
pub fn calls_of(c: &Crate, ty: &str, variant: &str) -> Vec<Site> {
    let mut out = Vec::new();
    for (module, refs) in &c.refs {
        for call in &refs.calls {
            let full = expand(c, module, &call.path);
            if full.len() >= 2 && full[full.len() - 2] == ty && full[full.len() - 1] == variant {
                out.push(site(c, module, call.line, full.join("::")));
            }
        }
    }
    out.sort();
    out
}

/// Struct fields whose type names `type_name` imported from (or written through) `krate`:
/// who holds a whole `switchyard_store::Store`.
pub fn field_holders(c: &Crate, krate: &str, type_name: &str) -> Vec<Site> {
    let mut out = Vec::new();
    for (module, refs) in &c.refs {
        for f in &refs.fields {
            let holds = f.types.iter().any(|t| {
                let full = expand(c, module, t);
                full.last().is_some_and(|l| l == type_name) && full.iter().any(|s| s == krate)
            });
            if holds {
                out.push(site(c, module, f.line, format!("{}.{}", f.owner, f.name)));
            }
        }
    }
    out.sort();
    out
}

/// Modules that name one of `names` defined in module `home`, outside `home` itself and the
/// crate root (which presents it): who takes the root object back.
pub fn namers(c: &Crate, home: &[String], names: &[&str]) -> Vec<ModPath> {
    let mut out = Vec::new();
    for (module, refs) in &c.refs {
        if module.starts_with(home) || module.is_empty() {
            continue;
        }
        let all = refs.paths.iter().chain(refs.uses.iter().map(|u| &u.path));
        let names_it = all.into_iter().any(|p| {
            p.last().is_some_and(|l| names.contains(&l.as_str()))
                && c.resolve(module, p).as_deref() == Some(home)
        });
        if names_it {
            out.push(module.clone());
        }
    }
    out
}

fn site(c: &Crate, module: &ModPath, line: usize, what: String) -> Site {
    let file = c
        .tree
        .modules
        .get(module)
        .map(|m| c.tree.shown(&m.file))
        .unwrap_or_default();
    Site { file, line, what }
}
