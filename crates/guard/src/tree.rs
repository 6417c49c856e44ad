//! A crate's modules as the compiler finds them: from `lib.rs` (or `main.rs`) through every
//! `mod x;` (with its `#[path]`) and inline `mod x { … }`, each parsed by syn. Test code is not
//! part of the tree: an item under `#[cfg(test)]` (a test module, a `*_tests.rs` file pulled in
//! that way) is dropped where it is declared.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A module's path from the crate root (`["tools", "connect"]`; the root is empty).
pub type ModPath = Vec<String>;

/// One module: where its code is, and its items (test items already removed).
pub struct Module {
    pub file: PathBuf,
    pub items: Vec<syn::Item>,
}

/// Every module of one crate.
pub struct CrateTree {
    pub src: PathBuf,
    pub modules: BTreeMap<ModPath, Module>,
    /// Each file's lines that are not test code: every line of the file but those of its
    /// `#[cfg(test)]` items (attributes and doc comments included).
    pub lines: BTreeMap<PathBuf, usize>,
}

/// Why a crate could not be read.
#[derive(Debug)]
pub struct ReadError(pub String);

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl CrateTree {
    /// The tree under `src` (a crate's `src/` folder), from its `lib.rs`, else `main.rs`.
    pub fn read(src: &Path) -> Result<CrateTree, ReadError> {
        let root = [src.join("lib.rs"), src.join("main.rs")]
            .into_iter()
            .find(|p| p.exists())
            .ok_or_else(|| ReadError(format!("{}: no lib.rs or main.rs", src.display())))?;
        let mut tree = CrateTree {
            src: src.to_path_buf(),
            modules: BTreeMap::new(),
            lines: BTreeMap::new(),
        };
        let items = tree.parse(&root)?;
        tree.add(Vec::new(), root.clone(), dir_of_children(&root), items)?;
        Ok(tree)
    }

    /// Is `path` a module of this crate?
    pub fn has(&self, path: &[String]) -> bool {
        self.modules.contains_key(path)
    }

    /// The file's path relative to the crate's `src/`, for messages.
    pub fn shown(&self, file: &Path) -> String {
        file.strip_prefix(&self.src)
            .unwrap_or(file)
            .to_string_lossy()
            .replace('\\', "/")
    }

    fn add(
        &mut self,
        path: ModPath,
        file: PathBuf,
        child_dir: PathBuf,
        items: Vec<syn::Item>,
    ) -> Result<(), ReadError> {
        let items: Vec<syn::Item> = items.into_iter().filter(|i| !is_test(attrs(i))).collect();
        for item in &items {
            let syn::Item::Mod(m) = item else { continue };
            let name = m.ident.to_string();
            let mut child = path.clone();
            child.push(name.clone());
            match &m.content {
                Some((_, inline)) => {
                    let dir = child_dir.join(&name);
                    self.add(child, file.clone(), dir, inline.clone())?;
                }
                None => {
                    let Some(found) = child_file(m, &file, &child_dir, &name) else {
                        continue; // a platform module this checkout does not have
                    };
                    let dir = match path_attr(m) {
                        Some(_) => found.with_extension(""),
                        None => dir_of_children(&found),
                    };
                    let items = self.parse(&found)?;
                    self.add(child, found, dir, items)?;
                }
            }
        }
        self.modules.insert(path, Module { file, items });
        Ok(())
    }

    /// The crate's lines of code that are not test code (see [`CrateTree::lines`]).
    pub fn code_lines(&self) -> usize {
        self.lines.values().sum()
    }

    /// Parses `file` (reached through a module that is not test code) and counts its lines.
    fn parse(&mut self, file: &Path) -> Result<Vec<syn::Item>, ReadError> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| ReadError(format!("{}: {e}", file.display())))?;
        let parsed =
            syn::parse_file(&text).map_err(|e| ReadError(format!("{}: {e}", file.display())))?;
        let lines = text
            .lines()
            .count()
            .saturating_sub(test_lines(&parsed.items));
        self.lines.insert(file.to_path_buf(), lines);
        Ok(parsed.items)
    }
}

/// The lines the `#[cfg(test)]` items among `items` take, inline modules searched too (an
/// inline module's own children are in the same file).
fn test_lines(items: &[syn::Item]) -> usize {
    use syn::spanned::Spanned;
    items
        .iter()
        .map(|item| {
            if is_test(attrs(item)) {
                let span = item.span();
                span.end().line + 1 - span.start().line
            } else if let syn::Item::Mod(syn::ItemMod {
                content: Some((_, inline)),
                ..
            }) = item
            {
                test_lines(inline)
            } else {
                0
            }
        })
        .sum()
}

/// Where `file`'s own `mod x;` children live: beside it for `lib.rs`/`main.rs`/`mod.rs`, else
/// in the folder named after it.
fn dir_of_children(file: &Path) -> PathBuf {
    let parent = file.parent().unwrap_or(Path::new("")).to_path_buf();
    match file.file_name().and_then(|n| n.to_str()) {
        Some("lib.rs" | "main.rs" | "mod.rs") => parent,
        _ => file.with_extension(""),
    }
}

fn child_file(m: &syn::ItemMod, file: &Path, dir: &Path, name: &str) -> Option<PathBuf> {
    if let Some(p) = path_attr(m) {
        let base = file.parent().unwrap_or(Path::new(""));
        let p = base.join(p);
        return p.exists().then_some(p);
    }
    [
        dir.join(format!("{name}.rs")),
        dir.join(name).join("mod.rs"),
    ]
    .into_iter()
    .find(|p| p.exists())
}

fn path_attr(m: &syn::ItemMod) -> Option<String> {
    m.attrs.iter().find_map(|a| match &a.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

/// `#[cfg(test)]`, `#[cfg(all(test, …))]`: code that only a test build has.
pub fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && match &a.meta {
                syn::Meta::List(l) => {
                    let t = l.tokens.to_string().replace(' ', "");
                    t == "test"
                        || t.starts_with("all(test,")
                        || t.contains(",test,")
                        || t.ends_with(",test)")
                }
                _ => false,
            }
    })
}

/// An item's attributes (empty for the kinds that have none the guard cares about).
pub fn attrs(item: &syn::Item) -> &[syn::Attribute] {
    use syn::Item as I;
    match item {
        I::Const(i) => &i.attrs,
        I::Enum(i) => &i.attrs,
        I::ExternCrate(i) => &i.attrs,
        I::Fn(i) => &i.attrs,
        I::Impl(i) => &i.attrs,
        I::Macro(i) => &i.attrs,
        I::Mod(i) => &i.attrs,
        I::Static(i) => &i.attrs,
        I::Struct(i) => &i.attrs,
        I::Trait(i) => &i.attrs,
        I::Type(i) => &i.attrs,
        I::Union(i) => &i.attrs,
        I::Use(i) => &i.attrs,
        _ => &[],
    }
}
