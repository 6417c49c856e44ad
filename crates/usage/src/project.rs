//! A record's project: the repository its tool ran in — the nearest folder up from the tool's
//! working folder that holds `.git` (a folder, or a file in a worktree) — so a tool started in
//! `repo/src` and one started in `repo` count as one project. A folder in no repository, or no
//! longer on this machine, is its own project. Looked up once per folder in a pass.

use crate::sink::{Cursor, Sink};
use crate::{PlanWindow, Record};
use std::collections::HashMap;
use std::path::Path;

/// The repository root of `cwd`, or `cwd` itself.
pub fn repository_root(cwd: &str) -> String {
    let start = Path::new(cwd);
    if !start.is_absolute() {
        return cwd.to_string();
    }
    start
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map_or_else(
            || cwd.to_string(),
            |root| root.to_string_lossy().into_owned(),
        )
}

/// A sink that gives each record its project's root before passing it on.
pub(crate) struct Rooted<'a> {
    pub inner: &'a mut dyn Sink,
    pub roots: HashMap<String, String>,
}

impl Sink for Rooted<'_> {
    fn records(&mut self, batch: &mut [Record]) -> Result<(), String> {
        for r in batch.iter_mut() {
            if let Some(cwd) = r.project.take() {
                let root = self
                    .roots
                    .entry(cwd)
                    .or_insert_with_key(|c| repository_root(c));
                r.project = Some(root.clone());
            }
        }
        self.inner.records(batch)
    }

    fn windows(&mut self, w: &[PlanWindow]) -> Result<(), String> {
        self.inner.windows(w)
    }

    fn cursor(&mut self, c: &Cursor) -> Result<(), String> {
        self.inner.cursor(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_inside_a_repository_counts_as_the_repository() {
        let d = tempfile::tempdir().unwrap();
        let repo = d.path().join("repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::create_dir_all(repo.join("src/deep")).unwrap();
        // A worktree's `.git` is a file.
        let tree = d.path().join("tree");
        std::fs::create_dir_all(tree.join("app")).unwrap();
        std::fs::write(tree.join(".git"), "gitdir: ../repo/.git/worktrees/tree\n").unwrap();
        let s = |p: &Path| p.to_string_lossy().into_owned();
        assert_eq!(repository_root(&s(&repo.join("src/deep"))), s(&repo));
        assert_eq!(repository_root(&s(&repo)), s(&repo));
        assert_eq!(repository_root(&s(&tree.join("app"))), s(&tree));
        let loose = d.path().join("loose");
        assert_eq!(
            repository_root(&s(&loose)),
            s(&loose),
            "gone or in no repository: itself"
        );
        assert_eq!(repository_root("relative/dir"), "relative/dir");
    }
}
