//! The guard reads Rust as Rust: what a text scan got wrong (a `//` inside a string hiding the
//! rest of the code, a path inside a macro, a root re-export hiding who takes the root object
//! back, a spawn imported under another name) is found here, on small crates written to a
//! temporary folder.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::path::Path;
use switchyard_guard::{checks, cycles, read, shown};

fn krate(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join("src").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn cycles_in(dir: &Path) -> Vec<String> {
    let c = read(&dir.join("src")).unwrap();
    cycles(&c.graph())
        .iter()
        .map(|cy| {
            cy.iter()
                .map(|m| shown(m))
                .collect::<Vec<_>>()
                .join(" <-> ")
        })
        .collect()
}

#[test]
fn a_url_in_a_string_does_not_hide_the_code_after_it() {
    // The text scan cut `//` comments before strings: `"http://…"` blanked everything up to the
    // next quote, lines later, and the use of `a` with it.
    let dir = krate(&[
        ("lib.rs", "mod a;\nmod b;\n"),
        ("a.rs", "pub fn f() { crate::b::g(); }\n"),
        (
            "b.rs",
            "pub fn g() {\n    let url = format!(\"http://{}/v1\", 1);\n    drop(url);\n    crate::a::f();\n    let _ = \"\";\n}\n",
        ),
    ]);
    assert_eq!(
        cycles_in(dir.path()),
        ["a <-> b"],
        "a calls b and b calls a"
    );
}

#[test]
fn a_path_in_a_macro_is_a_use_and_one_in_a_string_is_not() {
    let dir = krate(&[
        ("lib.rs", "mod a;\nmod b;\nmod c;\n"),
        (
            "a.rs",
            "pub const N: u8 = 1;\npub fn f() { crate::b::g(); crate::c::h(); }\n",
        ),
        ("b.rs", "pub fn g() { println!(\"{}\", crate::a::N); }\n"),
        (
            "c.rs",
            "pub fn h() { println!(\"crate::a::N is not code\"); }\n",
        ),
    ]);
    assert_eq!(
        cycles_in(dir.path()),
        ["a <-> b"],
        "b names a inside println!, c only in a string"
    );
}

#[test]
fn a_root_re_export_does_not_hide_a_feature_taking_the_root_object_back() {
    let dir = krate(&[
        (
            "lib.rs",
            "mod feature;\nmod service;\npub use service::Root;\n",
        ),
        (
            "service/mod.rs",
            "pub struct Root(crate::feature::Feature);\n",
        ),
        (
            "feature.rs",
            "pub struct Feature;\nimpl Feature { pub fn back(_: &crate::Root) {} }\n",
        ),
    ]);
    assert_eq!(
        cycles_in(dir.path()),
        ["feature <-> service"],
        "`crate::Root` is defined in service, which builds the feature"
    );
    let c = read(&dir.path().join("src")).unwrap();
    let takers = checks::namers(&c, &["service".to_string()], &["Root"]);
    assert_eq!(takers, [vec!["feature".to_string()]]);
}

#[test]
fn what_an_ancestor_defines_and_a_parent_presenting_its_children_are_not_cycles() {
    let dir = krate(&[
        ("lib.rs", "mod c;\npub struct Root;\n"),
        ("c/mod.rs", "mod d;\npub use d::D;\npub struct C(crate::Root);\nfn f() -> d::D { d::D(C(crate::Root)) }\n"),
        ("c/d.rs", "pub struct D(pub super::C);\n"),
    ]);
    assert!(cycles_in(dir.path()).is_empty());
}

#[test]
fn test_modules_are_not_part_of_the_graph() {
    let dir = krate(&[
        ("lib.rs", "mod a;\nmod b;\n"),
        ("a.rs", "pub fn f() { crate::b::g(); }\n"),
        (
            "b.rs",
            "pub fn g() {}\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() { crate::a::f(); }\n}\n",
        ),
    ]);
    assert!(cycles_in(dir.path()).is_empty());
}

#[test]
fn every_bare_spawn_is_found_however_it_is_written() {
    let dir = krate(&[
        ("lib.rs", "mod a;\nmod b;\n"),
        (
            "a.rs",
            "pub async fn f() {\n    let url = \"http://x\";\n    tokio::spawn(async move { drop(url) });\n}\n",
        ),
        (
            "b.rs",
            "use std::thread;\nuse tokio::spawn as go;\npub fn g() {\n    thread::spawn(|| ());\n    go(async {});\n    let mut set = tokio::task::JoinSet::new();\n    set.spawn(async {});\n    tokio::task::spawn_blocking(|| ());\n}\n",
        ),
    ]);
    let c = read(&dir.path().join("src")).unwrap();
    let found: Vec<(String, String)> = checks::bare_spawns(&c)
        .into_iter()
        .map(|s| (s.file, s.what))
        .collect();
    assert_eq!(
        found,
        [
            ("a.rs".to_string(), "tokio::spawn".to_string()),
            ("b.rs".to_string(), "std::thread::spawn".to_string()),
            ("b.rs".to_string(), "tokio::spawn".to_string()),
        ],
        "a JoinSet's spawn is owned by the set, and spawn_blocking is not a task to own"
    );
}

#[test]
fn a_struct_holding_the_whole_store_is_found() {
    let dir = krate(&[
        ("lib.rs", "mod a;\nmod b;\n"),
        ("a.rs", "use switchyard_store::Store;\npub struct Holder { store: Store }\n"),
        (
            "b.rs",
            "pub struct Fine { table: switchyard_store::SettingsTable }\npub fn new(store: switchyard_store::Store) -> Fine { Fine { table: store.settings() } }\n",
        ),
    ]);
    let c = read(&dir.path().join("src")).unwrap();
    let found: Vec<String> = checks::field_holders(&c, "switchyard_store", "Store")
        .into_iter()
        .map(|s| format!("{}: {}", s.file, s.what))
        .collect();
    assert_eq!(
        found,
        ["a.rs: Holder.store"],
        "a constructor may take it; a field may not"
    );
}

#[test]
fn a_crate_s_size_counts_its_code_and_not_its_tests() {
    let dir = krate(&[
        ("lib.rs", "mod a;\n#[cfg(test)]\nmod a_tests;\n"),
        (
            "a.rs",
            "/// Doc.\npub fn f() {}\n\n/// Tests.\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() {}\n}\n",
        ),
        ("a_tests.rs", "fn lots() {}\nfn of() {}\nfn tests() {}\n"),
    ]);
    let c = read(&dir.path().join("src")).unwrap();
    // lib.rs: 3 lines less the 2 of the test module's declaration; a.rs: 9 less the 6 of its
    // test module (from its doc comment to its brace); a_tests.rs is not read at all.
    assert_eq!(c.tree.code_lines(), 1 + 3);
}

#[test]
fn an_untyped_refusal_is_counted_however_it_is_imported_and_a_pattern_is_not_one() {
    let dir = krate(&[
        ("lib.rs", "mod a;\nmod b;\n"),
        (
            "a.rs",
            "use switchyard_app::AppError as E;\n\
             pub fn f() -> E { E::Invalid(format!(\"{}\", 1)) }\n\
             pub fn g(e: &E) -> bool { match e { E::Invalid(_) => true, _ => false } }\n",
        ),
        (
            "b.rs",
            "pub fn h() -> Result<(), switchyard_app::AppError> {\n\
             Err(switchyard_app::AppError::Invalid(\"x\".into()))\n}\n\
             #[cfg(test)]\nmod tests { fn t() { let _ = AppError::Invalid(String::new()); } }\n",
        ),
    ]);
    let c = read(&dir.path().join("src")).unwrap();
    let found: Vec<_> = checks::calls_of(&c, "AppError", "Invalid")
        .into_iter()
        .map(|s| (s.file, s.line))
        .collect();
    assert_eq!(
        found,
        [("a.rs".to_string(), 2), ("b.rs".to_string(), 2)],
        "the aliased and the written-out construction count; the pattern and the test do not"
    );
}
