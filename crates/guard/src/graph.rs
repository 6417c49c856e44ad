//! The module graph of one crate and its cycles.
//!
//! A module depends on another when its code names it: `crate::a::b`, `super::x`, `self::x`, a
//! child by its name (`json::parse`), or a name it imported (`use crate::a; a::f()`). A path
//! names the deepest module it reaches; when it then names an item the module only re-exports
//! (`crate::Switchyard`, brought in by lib.rs's `pub use service::Switchyard`), it names the
//! module that defines the item. Declaring a child and re-exporting a child's items are not
//! dependencies: that is how a parent presents its children. Using what an ancestor itself
//! defines is not one either (a module lives in its ancestors' context), but an ancestor's
//! re-export of something defined elsewhere is followed there: the root's `pub use` does not
//! hide a feature taking the root object back.

use std::collections::{BTreeMap, BTreeSet};

use crate::refs::Refs;
use crate::tree::{CrateTree, ModPath};

/// Module → the modules it depends on.
pub type Graph = BTreeMap<ModPath, BTreeSet<ModPath>>;

/// Each module's references, read once.
pub struct Crate {
    pub tree: CrateTree,
    pub refs: BTreeMap<ModPath, Refs>,
}

impl Crate {
    pub fn new(tree: CrateTree) -> Crate {
        let refs = tree
            .modules
            .iter()
            .map(|(p, m)| (p.clone(), Refs::of(&m.items)))
            .collect();
        Crate { tree, refs }
    }

    /// The module a path written in `from` names, if it is one of this crate's.
    pub fn resolve(&self, from: &[String], path: &[String]) -> Option<ModPath> {
        self.resolve_depth(from, path, 0)
    }

    fn resolve_depth(&self, from: &[String], path: &[String], depth: usize) -> Option<ModPath> {
        let (first, rest) = path.split_first()?;
        if depth > 8 {
            return None;
        }
        let (start, rest): (ModPath, &[String]) = match first.as_str() {
            "crate" => (Vec::new(), rest),
            "self" => (from.to_vec(), rest),
            "super" => {
                let mut start = from[..from.len().saturating_sub(1)].to_vec();
                let mut rest = rest;
                while rest.first().is_some_and(|s| s == "super") {
                    start.pop();
                    rest = &rest[1..];
                }
                (start, rest)
            }
            name => {
                let mut child = from.to_vec();
                child.push(name.to_string());
                if self.tree.has(&child) {
                    (from.to_vec(), path)
                } else {
                    // A name brought in by a `use` of this module: follow it.
                    let u = self.imported(from, name)?;
                    let mut full = u.path.clone();
                    full.extend(rest.iter().cloned());
                    return self.resolve_depth(from, &full, depth + 1);
                }
            }
        };
        let mut cur = start;
        for part in rest {
            let mut next = cur.clone();
            next.push(part.clone());
            if self.tree.has(&next) {
                cur = next;
                continue;
            }
            // An item of `cur`: if `cur` only imported it, the module that defines it.
            if let Some(u) = self.imported(&cur, part) {
                if let Some(defined) = self.resolve_depth(&cur, &u.path, depth + 1) {
                    return Some(defined);
                }
            }
            break;
        }
        self.tree.has(&cur).then_some(cur)
    }

    fn imported(&self, module: &[String], name: &str) -> Option<&crate::refs::Use> {
        self.refs
            .get(module)?
            .uses
            .iter()
            .find(|u| !u.glob && u.name == name && u.path.len() > 1)
    }

    /// The dependency graph (see the module header for what counts).
    pub fn graph(&self) -> Graph {
        let mut g = Graph::new();
        for (module, refs) in &self.refs {
            let deps = g.entry(module.clone()).or_default();
            let mut add = |target: Option<ModPath>| {
                if let Some(t) = target {
                    if t != *module && !module.starts_with(&t) {
                        deps.insert(t);
                    }
                }
            };
            for u in &refs.uses {
                let target = self.resolve(module, &u.path);
                let presents_child = u.public
                    && target
                        .as_ref()
                        .is_some_and(|t| t.starts_with(module) && t != module);
                if !presents_child {
                    add(target);
                }
            }
            for p in &refs.paths {
                add(self.resolve(module, p));
            }
        }
        g
    }
}

/// Strongly connected components of more than one module (Tarjan), each sorted.
pub fn cycles(g: &Graph) -> Vec<Vec<ModPath>> {
    struct T<'a> {
        g: &'a Graph,
        next: usize,
        index: BTreeMap<&'a ModPath, usize>,
        low: BTreeMap<&'a ModPath, usize>,
        stack: Vec<&'a ModPath>,
        on: BTreeSet<&'a ModPath>,
        out: Vec<Vec<ModPath>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a ModPath) {
        t.index.insert(v, t.next);
        t.low.insert(v, t.next);
        t.next += 1;
        t.stack.push(v);
        t.on.insert(v);
        for w in t.g.get(v).into_iter().flatten() {
            let Some((w, _)) = t.g.get_key_value(w) else {
                continue;
            };
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low.get(w).copied().unwrap_or(usize::MAX);
                if let Some(lv) = t.low.get_mut(v) {
                    *lv = (*lv).min(lw);
                }
            } else if t.on.contains(w) {
                let iw = t.index.get(w).copied().unwrap_or(usize::MAX);
                if let Some(lv) = t.low.get_mut(v) {
                    *lv = (*lv).min(iw);
                }
            }
        }
        if t.low.get(v) == t.index.get(v) {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                comp.push(w.clone());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        g,
        next: 0,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in g.keys() {
        if !t.index.contains_key(v) {
            visit(&mut t, v);
        }
    }
    t.out.sort();
    t.out
}

/// The graph with each module folded into its top-level module (`tools::connect` → `tools`),
/// edges within one top-level module dropped: the feature-level view.
pub fn features(g: &Graph) -> Graph {
    let top = |m: &ModPath| m.first().cloned().into_iter().collect::<ModPath>();
    let mut out = Graph::new();
    for (m, deps) in g {
        let from = top(m);
        let entry = out.entry(from.clone()).or_default();
        for d in deps {
            let to = top(d);
            if to != from && !to.is_empty() && !from.is_empty() {
                entry.insert(to);
            }
        }
    }
    out
}

/// `a::b` (or `(root)`).
pub fn shown(m: &[String]) -> String {
    if m.is_empty() {
        "(root)".into()
    } else {
        m.join("::")
    }
}
