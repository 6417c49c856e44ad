//! The module graph of crates/app, read from the source: which top-level module names another
//! (`crate::x` in a `use` or a path). Cycles are how a feature ends up reaching into another's
//! internals, so none may appear (`KNOWN` lists any still to be broken; it is empty and may only
//! shrink). A second ratchet covers what the graph cannot see: features still written as
//! `impl Switchyard` blocks call each other through that one type. They are listed in
//! `STILL_ON_SWITCHYARD` and move to their own service structs (`Tokens`, `Routes`, `Cache`,
//! `Costs`, `Backends`, `Keys`, `Readiness`, `Health`, `Notifications` already have); the list may only shrink.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Cycles still to be broken, each as its sorted member list.
const KNOWN: &[&[&str]] = &[];

/// Files (under src/) that still add methods to `Switchyard` besides the composition root.
const STILL_ON_SWITCHYARD: &[&str] = &[];

type Graph = BTreeMap<String, BTreeSet<String>>;

fn modules(src: &Path) -> BTreeSet<String> {
    std::fs::read_dir(src)
        .unwrap()
        .filter_map(|e| {
            let e = e.unwrap();
            let name = e.file_name().into_string().unwrap();
            match name.strip_suffix(".rs") {
                Some("lib") => None,
                Some(m) => Some(m.to_string()),
                None if e.path().is_dir() && name != "bin" => Some(name),
                None => None,
            }
        })
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Module names a source file mentions as `crate::name` or inside `use crate::{…}`.
fn mentioned(text: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        let names: Vec<&str> = match rest.strip_prefix('{') {
            Some(group) => group
                .split('}')
                .next()
                .unwrap_or("")
                .split(',')
                .map(|p| p.trim().split("::").next().unwrap_or(""))
                .collect(),
            None => vec![rest
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("")],
        };
        found.extend(
            names
                .into_iter()
                .filter(|n| known.contains(*n))
                .map(str::to_string),
        );
    }
    found
}

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let known = modules(&src);
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut g = Graph::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let top = top.trim_end_matches(".rs").to_string();
        if !known.contains(&top) {
            continue;
        }
        let mut text = std::fs::read_to_string(&f).unwrap();
        if rel.components().count() == 1 {
            // In a file at the crate's root, `super::x` is `crate::x`.
            text = text.replace("super::", "crate::");
        }
        let deps = mentioned(&text, &known);
        g.entry(top.clone())
            .or_default()
            .extend(deps.into_iter().filter(|d| *d != top));
    }
    g
}

/// Strongly connected components with more than one module (Tarjan).
fn cycles(g: &Graph) -> BTreeSet<Vec<String>> {
    struct T<'a> {
        g: &'a Graph,
        next: usize,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        found: BTreeSet<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        t.index.insert(v, t.next);
        t.low.insert(v, t.next);
        t.next += 1;
        t.stack.push(v);
        for w in t.g.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if t.stack.contains(&w) {
                let iw = t.index[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.found.insert(comp);
            }
        }
    }
    let mut t = T {
        g,
        next: 0,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: BTreeSet::new(),
    };
    for v in g.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.found
}

#[test]
fn no_new_module_cycle_appears_in_crates_app_and_broken_ones_leave_the_list() {
    let found = cycles(&graph());
    let known: BTreeSet<Vec<String>> = KNOWN
        .iter()
        .map(|c| c.iter().map(|s| (*s).to_string()).collect())
        .collect();
    let new: Vec<_> = found.difference(&known).collect();
    assert!(
        new.is_empty(),
        "a module cycle appeared (or a known one grew): {new:?}. A feature must not reach into \
         another's internals; go through its public service."
    );
    let gone: Vec<_> = known.difference(&found).collect();
    assert!(
        gone.is_empty(),
        "these cycles are gone: remove them from KNOWN so they cannot come back: {gone:?}"
    );
}

#[test]
fn no_new_feature_adds_methods_to_the_switchyard_type() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let found: BTreeSet<String> = files
        .iter()
        .filter(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .lines()
                .any(|l| l.starts_with("impl Switchyard ") || l.starts_with("impl Switchyard{"))
        })
        .map(|f| {
            f.strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .filter(|f| !f.starts_with("service/"))
        .collect();
    let allowed: BTreeSet<String> = STILL_ON_SWITCHYARD
        .iter()
        .map(|s| (*s).to_string())
        .collect();
    let new: Vec<_> = found.difference(&allowed).collect();
    assert!(
        new.is_empty(),
        "{new:?} add methods to Switchyard: give the feature its own service struct (see Routes)"
    );
    let moved: Vec<_> = allowed.difference(&found).collect();
    assert!(
        moved.is_empty(),
        "{moved:?} no longer extend Switchyard: remove them from STILL_ON_SWITCHYARD"
    );
}

#[test]
fn the_reader_sees_a_cycle_it_is_shown() {
    let known: BTreeSet<String> = ["a", "b", "c"].iter().map(|s| (*s).to_string()).collect();
    assert_eq!(
        mentioned("use crate::{a::X, b};\nlet y = crate::c::f();", &known),
        known
    );
    let mut g = Graph::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("a".into());
    g.entry("c".into()).or_default().insert("a".into());
    assert_eq!(
        cycles(&g),
        BTreeSet::from([vec!["a".to_string(), "b".to_string()]])
    );
}
