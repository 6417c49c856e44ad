//! How the command line reads the values a person types: backend kinds (`openai`, or the stable
//! id `openAi` that `--json` prints), routing strategies, route candidates and amounts of money.
//! The words themselves are parsed where the config file and the import parse them too
//! ([`BackendKind::from_name`], [`Strategy::from_name`], [`switchyard_domain::words`]); this file
//! only gives them to clap, with the choices `--help` and the completions list.

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::{ContextKind, ContextValue, ErrorKind};
use std::ffi::OsStr;
use switchyard_domain::{BackendKind, ErrorClass};
use switchyard_policy::Strategy;

/// A value parser from a forgiving `from_name`, listing `names` as the choices.
#[derive(Clone)]
pub struct Named<T: Clone + Send + Sync + 'static> {
    names: &'static [&'static str],
    from_name: fn(&str) -> Option<T>,
}

impl<T: Clone + Send + Sync + 'static> TypedValueParser for Named<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<T, clap::Error> {
        let text = value.to_string_lossy();
        (self.from_name)(&text).ok_or_else(|| {
            let mut e = clap::Error::new(ErrorKind::InvalidValue).with_cmd(cmd);
            if let Some(arg) = arg {
                e.insert(
                    ContextKind::InvalidArg,
                    ContextValue::String(arg.to_string()),
                );
            }
            e.insert(
                ContextKind::InvalidValue,
                ContextValue::String(text.into_owned()),
            );
            e.insert(
                ContextKind::ValidValue,
                ContextValue::Strings(self.names.iter().map(|n| (*n).to_string()).collect()),
            );
            e
        })
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.names.iter().map(|n| PossibleValue::new(*n))))
    }
}

/// The kinds a backend can be added as (the Demo backend is built in).
const KINDS: &[&str] = &[
    "openai",
    "anthropic",
    "gemini",
    "mistral",
    "groq",
    "openrouter",
    "ollama",
    "openai-compatible",
];

/// `--kind`: a kind's command-line name or stable id.
pub fn kind() -> Named<BackendKind> {
    Named {
        names: KINDS,
        from_name: BackendKind::from_name,
    }
}

/// `--strategy`: a routing strategy without weights.
pub fn strategy() -> Named<Strategy> {
    Named {
        names: &[
            "priority",
            "weighted",
            "lowest-latency",
            "lowest-cost",
            "headroom",
        ],
        from_name: Strategy::from_name,
    }
}

/// A coding tool by its id: `claude-code`, `codex`, `gemini-cli`, `opencode`, `aider`.
pub fn tool() -> Named<switchyard_toolconfig::ToolId> {
    Named {
        names: &["claude-code", "codex", "gemini-cli", "opencode", "aider"],
        from_name: switchyard_toolconfig::ToolId::parse,
    }
}

/// `--error`: a failure class of the ledger, by its stored name.
pub fn error_class() -> Named<ErrorClass> {
    const NAMES: [&str; 22] = {
        let mut names = [""; 22];
        let mut i = 0;
        while i < 22 {
            names[i] = ErrorClass::ALL[i].as_str();
            i += 1;
        }
        names
    };
    Named {
        names: &NAMES,
        from_name: |s| ErrorClass::ALL.into_iter().find(|c| c.as_str() == s),
    }
}

/// A route candidate: `BACKEND=MODEL` or `BACKEND=MODEL*WEIGHT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateArg {
    pub backend: String,
    pub model: String,
    pub weight: u32,
}

/// Parses a [`CandidateArg`].
pub fn candidate(s: &str) -> Result<CandidateArg, String> {
    let bad = || format!("“{s}” is not BACKEND=MODEL or BACKEND=MODEL*WEIGHT");
    let (backend, rest) = s.split_once('=').ok_or_else(bad)?;
    let (model, weight) = match rest.rsplit_once('*') {
        Some((m, w)) => (m, w.parse().map_err(|_| bad())?),
        None => (rest, 1),
    };
    if backend.is_empty() || model.is_empty() {
        return Err(bad());
    }
    Ok(CandidateArg {
        backend: backend.into(),
        model: model.into(),
        weight,
    })
}

/// A usage error found after parsing (two arguments that only make sense together), shaped as
/// clap's own so it prints and exits the same way.
pub fn usage_error(command: &str, message: impl std::fmt::Display) -> clap::Error {
    let mut cmd = <super::Cli as clap::CommandFactory>::command();
    cmd.build();
    let sub = command
        .split(' ')
        .try_fold(&cmd, |c, name| c.find_subcommand(name));
    match sub {
        Some(sub) => sub
            .clone()
            .error(ErrorKind::MissingRequiredArgument, message),
        None => cmd.error(ErrorKind::MissingRequiredArgument, message),
    }
}
