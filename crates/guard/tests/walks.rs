//! docs/ARCHITECTURE.md stays true: every file and function its walks name exists (Rust read with
//! syn, so a name in a comment or string does not count), and its crate drawing and crate table
//! name exactly the workspace's crates.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use syn::visit::Visit;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn architecture() -> String {
    std::fs::read_to_string(root().join("docs/ARCHITECTURE.md")).unwrap()
}

/// The text of the section titled `title` (to the next `## `).
fn section<'a>(doc: &'a str, title: &str) -> &'a str {
    let start = doc
        .find(&format!("## {title}"))
        .unwrap_or_else(|| panic!("docs/ARCHITECTURE.md has no section “{title}”"));
    let rest = &doc[start + 3..];
    &rest[..rest.find("\n## ").unwrap_or(rest.len())]
}

/// Every `` `path` · `symbol` `` pair in `text`.
fn steps(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("` · `") {
        let path = text[..i].rsplit('`').next().unwrap_or("");
        let symbol = text[i + "` · `".len()..].split('`').next().unwrap_or("");
        out.push((path.to_string(), symbol.to_string()));
    }
    out
}

#[derive(Default)]
struct Names(BTreeSet<String>);

impl<'ast> Visit<'ast> for Names {
    fn visit_item_fn(&mut self, i: &'ast syn::ItemFn) {
        self.0.insert(i.sig.ident.to_string());
        syn::visit::visit_item_fn(self, i);
    }
    fn visit_impl_item_fn(&mut self, i: &'ast syn::ImplItemFn) {
        self.0.insert(i.sig.ident.to_string());
        syn::visit::visit_impl_item_fn(self, i);
    }
    fn visit_trait_item_fn(&mut self, i: &'ast syn::TraitItemFn) {
        self.0.insert(i.sig.ident.to_string());
    }
    fn visit_item_struct(&mut self, i: &'ast syn::ItemStruct) {
        self.0.insert(i.ident.to_string());
    }
    fn visit_item_enum(&mut self, i: &'ast syn::ItemEnum) {
        self.0.insert(i.ident.to_string());
    }
    fn visit_item_trait(&mut self, i: &'ast syn::ItemTrait) {
        self.0.insert(i.ident.to_string());
        syn::visit::visit_item_trait(self, i);
    }
    fn visit_item_type(&mut self, i: &'ast syn::ItemType) {
        self.0.insert(i.ident.to_string());
    }
    fn visit_item_const(&mut self, i: &'ast syn::ItemConst) {
        self.0.insert(i.ident.to_string());
    }
}

/// Whether `file` defines `symbol`: Rust parsed; TypeScript and Svelte by their declaration
/// forms (`function f`, `class C`, `f =`, `f(` as a method).
fn defines(file: &Path, symbol: &str) -> bool {
    let text = std::fs::read_to_string(file).unwrap();
    if file.extension().is_some_and(|e| e == "rs") {
        let parsed = syn::parse_file(&text).unwrap();
        let mut names = Names::default();
        names.visit_file(&parsed);
        return names.0.contains(symbol);
    }
    [
        format!("function {symbol}("),
        format!("function {symbol}<"),
        format!("class {symbol} "),
        format!("  {symbol} = "),
        format!("  {symbol}("),
        format!("async {symbol}("),
        format!("const {symbol} "),
    ]
    .iter()
    .any(|form| text.contains(form.as_str()))
}

#[test]
fn every_step_of_the_walks_names_a_file_and_a_function_that_exist() {
    let doc = architecture();
    let walks = section(&doc, "Four walks through the code");
    let steps = steps(walks);
    assert!(
        steps.len() >= 30,
        "the four walks name their steps: {steps:?}"
    );
    let missing: Vec<String> = steps
        .iter()
        .filter(|(path, symbol)| {
            let file = root().join(path);
            !file.is_file() || !defines(&file, symbol)
        })
        .map(|(p, s)| format!("{p} · {s}"))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/ARCHITECTURE.md's walks name what no longer exists (update the page): {missing:?}"
    );
}

/// Every crate of the workspace: (its folder, its package name).
fn workspace_crates() -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    let mut dirs: Vec<PathBuf> = Vec::new();
    for parent in ["crates", "src-tauri"] {
        for e in std::fs::read_dir(root().join(parent)).unwrap() {
            dirs.push(e.unwrap().path());
        }
    }
    dirs.push(root().join("src-tauri"));
    for dir in dirs {
        let Ok(manifest) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
            continue;
        };
        let name = manifest
            .lines()
            .find_map(|l| l.strip_prefix("name = \""))
            .and_then(|l| l.strip_suffix('"'))
            .unwrap()
            .to_string();
        let rel = dir
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        out.insert((format!("{rel}/"), name));
    }
    out
}

#[test]
fn the_crate_drawing_and_table_name_exactly_the_workspace_crates() {
    let doc = architecture();
    let layers = section(&doc, "Layers and the dependency rule");
    let drawing = layers.split("```").nth(1).unwrap();
    let drawn: BTreeSet<(String, String)> = drawing
        .lines()
        .filter_map(|line| {
            let words: Vec<&str> = line
                .split_whitespace()
                .filter(|w| !w.chars().all(|c| "│├└─".contains(c)))
                .collect();
            let at = words.iter().position(|w| w.starts_with("switchyard-"))?;
            let dir = words.get(at.checked_sub(1)?)?;
            dir.ends_with('/')
                .then(|| (dir.to_string(), words[at].to_string()))
        })
        .collect();
    let crates = workspace_crates();
    assert_eq!(
        drawn, crates,
        "the drawing in docs/ARCHITECTURE.md lists each crate as `folder/ package`"
    );
    let rows: BTreeSet<String> = layers
        .lines()
        .filter_map(|l| l.strip_prefix("| `switchyard-"))
        .filter_map(|l| l.split('`').next())
        .map(|n| format!("switchyard-{n}"))
        .collect();
    let names: BTreeSet<String> = crates.into_iter().map(|(_, n)| n).collect();
    assert_eq!(
        rows, names,
        "each crate has one “owns / does not” row in docs/ARCHITECTURE.md"
    );
}
