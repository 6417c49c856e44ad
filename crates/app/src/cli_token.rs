//! `switchyard token create NAME [--metrics-only] | list | revoke NAME`: gateway tokens from the
//! command line. A new token's value is printed once, alone on stdout (so `$(…)` captures it);
//! what to do with it goes to stderr. `--metrics-only` makes a scrape token: it reads
//! `GET /metrics` (Prometheus' `authorization: credentials:`) and is refused everywhere else.

use crate::cli_io::Io;
use crate::Switchyard;
use switchyard_core::TokenScope;

pub const USAGE: &str =
    "usage: switchyard token create NAME [--metrics-only] | token list | token revoke NAME";

const METRICS_ONLY: &str = "--metrics-only";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenCommand {
    Create { name: String, scope: TokenScope },
    List,
    Revoke { name: String },
}

impl TokenCommand {
    /// Parses `token …`; `Err` is the usage message.
    pub fn parse(args: &[&str]) -> Result<TokenCommand, String> {
        match args {
            ["token", "create", rest @ ..] => {
                let scope = if rest.contains(&METRICS_ONLY) {
                    TokenScope::Metrics
                } else {
                    TokenScope::Gateway
                };
                let names: Vec<&str> = rest
                    .iter()
                    .copied()
                    .filter(|a| *a != METRICS_ONLY)
                    .collect();
                match names.as_slice() {
                    [name] if !name.starts_with("--") => Ok(TokenCommand::Create {
                        name: (*name).to_string(),
                        scope,
                    }),
                    _ => Err(USAGE.into()),
                }
            }
            ["token", "list"] => Ok(TokenCommand::List),
            ["token", "revoke", name] => Ok(TokenCommand::Revoke {
                name: (*name).to_string(),
            }),
            _ => Err(USAGE.into()),
        }
    }

    /// Runs the command: exit 0, or 1 with the reason on stderr.
    pub async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
        let done = match self {
            TokenCommand::Create { name, scope } => create(app, name, *scope, io).await,
            TokenCommand::List => list(app, io).await,
            TokenCommand::Revoke { name } => match app.tokens().revoke(name.clone()).await {
                Ok(t) => writeln!(io.stdout, "revoked {}", t.name).map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            },
        };
        match done {
            Ok(()) => 0,
            Err(e) => {
                let _ = writeln!(io.stderr, "switchyard: {e}");
                1
            }
        }
    }
}

async fn create(
    app: &Switchyard,
    name: &str,
    scope: TokenScope,
    io: &mut Io<'_>,
) -> Result<(), String> {
    let t = app
        .tokens()
        .create_scoped(name.to_string(), scope)
        .await
        .map_err(|e| e.to_string())?;
    let w = |e: std::io::Error| e.to_string();
    writeln!(io.stdout, "{}", t.token.expose()).map_err(w)?;
    match scope {
        TokenScope::Gateway => writeln!(
            io.stderr,
            "Token “{}” created. It is shown only once: paste it into the tool's API key setting.",
            t.row.name
        )
        .map_err(w),
        TokenScope::Metrics => {
            let port = app
                .gateway_control()
                .settings()
                .await
                .map_or(switchyard_gateway::DEFAULT_PORT, |s| s.port);
            writeln!(
                io.stderr,
                "Scrape token “{}” created. It is shown only once, and reads only /metrics.\n\
                 In prometheus.yml (the token above as the credentials, or in a credentials_file):\n\
                 \x20 - job_name: switchyard\n\
                 \x20   authorization:\n\
                 \x20     credentials: sy-…\n\
                 \x20   static_configs: [{{ targets: [\"127.0.0.1:{port}\"] }}]",
                t.row.name
            )
            .map_err(w)
        }
    }
}

async fn list(app: &Switchyard, io: &mut Io<'_>) -> Result<(), String> {
    let tokens = app.tokens().list().await.map_err(|e| e.to_string())?;
    for t in tokens {
        let state = match (&t.revoked_at, &t.last_used_at) {
            (Some(at), _) => format!("revoked {at}"),
            (None, Some(at)) => format!("last used {at}"),
            (None, None) => "never used".to_string(),
        };
        let scope = match t.scope {
            TokenScope::Gateway => "",
            TokenScope::Metrics => "  metrics only",
        };
        writeln!(
            io.stdout,
            "{:<24} {}…  created {}  {state}{scope}",
            t.name, t.prefix, t.created_at
        )
        .map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn metrics_only_may_come_before_or_after_the_name() {
        let metrics = TokenCommand::Create {
            name: "prometheus".into(),
            scope: TokenScope::Metrics,
        };
        for args in [
            ["token", "create", "prometheus", "--metrics-only"],
            ["token", "create", "--metrics-only", "prometheus"],
        ] {
            assert_eq!(TokenCommand::parse(&args).unwrap(), metrics, "{args:?}");
        }
        assert_eq!(
            TokenCommand::parse(&["token", "create", "cursor"]).unwrap(),
            TokenCommand::Create {
                name: "cursor".into(),
                scope: TokenScope::Gateway
            },
            "a tool's token without the flag"
        );
    }

    #[test]
    fn a_missing_name_or_an_unknown_flag_is_a_usage_error() {
        for args in [
            &["token", "create"][..],
            &["token", "create", "--metrics-only"],
            &["token", "create", "a", "b"],
            &["token", "create", "a", "--admin"],
            &["token", "revoke"],
        ] {
            assert_eq!(
                TokenCommand::parse(args),
                Err(USAGE.to_string()),
                "{args:?} must not create or revoke anything"
            );
        }
    }
}
