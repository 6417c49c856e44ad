//! Where each tool keeps its records: its own environment variable first, then its default
//! under the home folder (the same on every desktop: these tools use `~/.claude`, `~/.codex`,
//! `~/.gemini` and XDG-style folders on Windows and macOS too).

use std::path::{Path, PathBuf};

/// The folders and files to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sources {
    /// Claude Code's `projects` folders: `$CLAUDE_CONFIG_DIR` (several, comma-separated, as
    /// ccusage reads it) or `~/.claude`, and the older `~/.config/claude`.
    pub claude: Vec<PathBuf>,
    /// Codex's `sessions` and `archived_sessions` under `$CODEX_HOME` or `~/.codex`.
    pub codex: Vec<PathBuf>,
    /// Gemini CLI's `tmp` folder under `$GEMINI_CLI_HOME/.gemini` or `~/.gemini`.
    pub gemini: PathBuf,
    /// opencode's database: `$OPENCODE_DB` when absolute, else under `$XDG_DATA_HOME/opencode`
    /// or `~/.local/share/opencode`.
    pub opencode: PathBuf,
    /// Copilot CLI's `session-state` under `$COPILOT_HOME` or `~/.copilot`.
    pub copilot: PathBuf,
    /// Qwen Code's `projects` under `$QWEN_RUNTIME_DIR`, `$QWEN_HOME` or `~/.qwen`.
    pub qwen: PathBuf,
    /// Pi's sessions: `$PI_CODING_AGENT_SESSION_DIR`, else `sessions` under
    /// `$PI_CODING_AGENT_DIR` or `~/.pi/agent`.
    pub pi: PathBuf,
    /// Kilo CLI's database: `$KILO_DB` when absolute, else under `$XDG_DATA_HOME/kilo`.
    pub kilo: PathBuf,
    /// Factory Droid's `~/.factory` (`$FACTORY_HOME_OVERRIDE` for the home): its `logs`,
    /// `sessions` and `settings.json`.
    pub factory: PathBuf,
}

impl Sources {
    /// From a home folder and an environment lookup (tests give their own).
    pub fn from_env(home: &Path, env: &dyn Fn(&str) -> Option<String>) -> Sources {
        let var = |k: &str| env(k).filter(|v| !v.trim().is_empty());
        let claude = match var("CLAUDE_CONFIG_DIR") {
            Some(dirs) => dirs
                .split(',')
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(|d| PathBuf::from(d).join("projects"))
                .collect(),
            None => vec![
                home.join(".claude").join("projects"),
                home.join(".config").join("claude").join("projects"),
            ],
        };
        let codex_home = var("CODEX_HOME").map_or_else(|| home.join(".codex"), PathBuf::from);
        let gemini_home = var("GEMINI_CLI_HOME").map_or_else(|| home.to_path_buf(), PathBuf::from);
        let data =
            var("XDG_DATA_HOME").map_or_else(|| home.join(".local").join("share"), PathBuf::from);
        let opencode = match var("OPENCODE_DB") {
            Some(db) if Path::new(&db).is_absolute() => PathBuf::from(db),
            Some(db) => data.join("opencode").join(db),
            None => data.join("opencode").join("opencode.db"),
        };
        let under = |name: &str, default: PathBuf| var(name).map_or(default, PathBuf::from);
        let kilo = match var("KILO_DB") {
            Some(db) if Path::new(&db).is_absolute() => PathBuf::from(db),
            Some(db) => data.join("kilo").join(db),
            None => data.join("kilo").join("kilo.db"),
        };
        let qwen = var("QWEN_RUNTIME_DIR")
            .or_else(|| var("QWEN_HOME"))
            .map_or_else(|| home.join(".qwen"), PathBuf::from);
        let pi_dir = under("PI_CODING_AGENT_DIR", home.join(".pi").join("agent"));
        Sources {
            copilot: under("COPILOT_HOME", home.join(".copilot")).join("session-state"),
            qwen: qwen.join("projects"),
            pi: under("PI_CODING_AGENT_SESSION_DIR", pi_dir.join("sessions")),
            kilo,
            factory: under("FACTORY_HOME_OVERRIDE", home.to_path_buf()).join(".factory"),
            claude,
            codex: vec![
                codex_home.join("sessions"),
                codex_home.join("archived_sessions"),
            ],
            gemini: gemini_home.join(".gemini").join("tmp"),
            opencode,
        }
    }

    /// The folders to watch for new records: every root, and the databases' folders.
    pub fn roots(&self) -> Vec<PathBuf> {
        let mut roots: Vec<PathBuf> = self.claude.iter().chain(&self.codex).cloned().collect();
        roots.extend([
            self.gemini.clone(),
            self.copilot.clone(),
            self.qwen.clone(),
            self.pi.clone(),
            self.factory.join("logs"),
        ]);
        for db in [&self.opencode, &self.kilo] {
            if let Some(dir) = db.parent() {
                roots.push(dir.to_path_buf());
            }
        }
        roots
    }

    /// The user's own: the process environment and home folder.
    pub fn of_user(home: &Path) -> Sources {
        Sources::from_env(home, &|k| std::env::var(k).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let home = Path::new("/home/u");
        let d = Sources::from_env(home, &|_| None);
        assert_eq!(d.claude[0], Path::new("/home/u/.claude/projects"));
        assert_eq!(d.codex[0], Path::new("/home/u/.codex/sessions"));
        assert_eq!(d.gemini, Path::new("/home/u/.gemini/tmp"));
        assert_eq!(
            d.opencode,
            Path::new("/home/u/.local/share/opencode/opencode.db")
        );
        let env = |k: &str| {
            Some(match k {
                "CLAUDE_CONFIG_DIR" => "/a, /b".to_string(),
                "CODEX_HOME" => "/c".into(),
                "GEMINI_CLI_HOME" => "/g".into(),
                "XDG_DATA_HOME" => "/x".into(),
                "OPENCODE_DB" => "beta.db".into(),
                _ => return None,
            })
        };
        let o = Sources::from_env(home, &env);
        assert_eq!(
            o.claude,
            [Path::new("/a/projects"), Path::new("/b/projects")]
        );
        assert_eq!(o.codex[1], Path::new("/c/archived_sessions"));
        assert_eq!(o.gemini, Path::new("/g/.gemini/tmp"));
        assert_eq!(o.opencode, Path::new("/x/opencode/beta.db"));
    }
}
