//! Finding the `.jsonl` files (or others, by their names' endings) under a tool's folder: recursive, following symbolic links but
//! never into a folder already visited (a link loop is reported once, not followed forever),
//! and never deeper than [`MAX_DEPTH`].

use std::collections::HashSet;
use std::path::{Path, PathBuf};

const MAX_DEPTH: usize = 16;

/// What a walk found: the files, and the folders it would not or could not enter, with why.
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub files: Vec<PathBuf>,
    pub refused: Vec<(PathBuf, String)>,
}

pub(crate) fn jsonl_under(root: &Path) -> Found {
    files_under(root, &["jsonl"])
}

/// The files named `*.EXT` for any EXT of `exts` (`"jsonl.zst"` too) under `root`, walked as
/// [`jsonl_under`] walks.
pub(crate) fn files_under(root: &Path, exts: &[&str]) -> Found {
    let mut found = Found::default();
    let mut seen = HashSet::new();
    walk(root, exts, 0, &mut seen, &mut found);
    found.files.sort();
    found
}

/// Whether the file's name is `<something>.EXT` for an EXT of `exts`.
fn named(path: &Path, exts: &[&str]) -> bool {
    let Some(name) = path.file_name().map(|n| n.as_encoded_bytes()) else {
        return false;
    };
    exts.iter().any(|ext| {
        name.len() > ext.len() + 1
            && name.ends_with(ext.as_bytes())
            && name[name.len() - ext.len() - 1] == b'.'
    })
}

fn walk(dir: &Path, exts: &[&str], depth: usize, seen: &mut HashSet<PathBuf>, found: &mut Found) {
    let Ok(real) = std::fs::canonicalize(dir) else {
        return; // absent (the tool is not installed) or gone meanwhile
    };
    if !seen.insert(real) {
        found.refused.push((
            dir.to_path_buf(),
            "a link back to a folder already read (a loop)".into(),
        ));
        return;
    }
    if depth > MAX_DEPTH {
        found.refused.push((
            dir.to_path_buf(),
            format!("deeper than {MAX_DEPTH} folders"),
        ));
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            found.refused.push((dir.to_path_buf(), e.to_string()));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        // `metadata` follows links: a link to a folder is walked (once), to a file read.
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            walk(&path, exts, depth + 1, seen, found);
        } else if meta.is_file() && named(&path, exts) {
            found.files.push(path);
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn files_are_found_once_and_a_link_loop_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let a = d.path().join("a");
        std::fs::create_dir_all(a.join("b")).unwrap();
        std::fs::write(a.join("one.jsonl"), "").unwrap();
        std::fs::write(a.join("b").join("two.jsonl"), "").unwrap();
        std::fs::write(a.join("b").join("notes.txt"), "").unwrap();
        std::os::unix::fs::symlink(&a, a.join("b").join("back")).unwrap();
        let f = jsonl_under(d.path());
        let mut names: Vec<_> = f
            .files
            .iter()
            .map(|p| p.file_name().unwrap().to_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["one.jsonl", "two.jsonl"]);
        assert_eq!(f.refused.len(), 1);
        assert!(f.refused[0].1.contains("loop"));
        assert!(jsonl_under(&d.path().join("absent")).files.is_empty());
    }

    #[test]
    fn a_compound_ending_matches_whole_names_only() {
        let p = |n: &str| Path::new("/r").join(n);
        let both = ["jsonl", "jsonl.zst"];
        assert!(named(&p("rollout-1.jsonl"), &both));
        assert!(named(&p("rollout-1.jsonl.zst"), &both));
        assert!(!named(&p("rollout-1.zst"), &both), "only `.jsonl.zst`");
        assert!(
            !named(&p("rollout-1.xjsonl"), &both),
            "the ending after a dot"
        );
        assert!(!named(&p(".jsonl"), &both), "a name, then the ending");
        assert!(!named(&p("rollout-1.jsonl.zst"), &["jsonl"]));
    }
}
