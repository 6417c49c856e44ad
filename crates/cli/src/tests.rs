//! The command line's grammar, without a core: what parses, what is a usage error (and its exit
//! code), and what help, completions and the man page are made of.

use super::*;
use clap::CommandFactory;

fn parsed(words: &[&str]) -> Command {
    match parse(words) {
        Ok(cli) => cli.command,
        Err((code, text)) => panic!("{words:?} did not parse ({code}): {text}"),
    }
}

fn refused(words: &[&str]) -> (u8, String) {
    match parse(words) {
        Ok(cli) => panic!("{words:?} parsed as {:?}", cli.command),
        Err(e) => e,
    }
}

#[test]
fn the_definition_is_consistent() {
    Cli::command().debug_assert();
}

#[test]
fn every_command_word_is_a_command_and_anything_else_opens_the_window() {
    let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    for c in Cli::command().get_subcommands() {
        assert!(is_command(&words(&[c.get_name()])), "{}", c.get_name());
    }
    for w in ["help", "--help", "-h", "--version", "-V"] {
        assert!(is_command(&words(&[w])), "{w}");
    }
    for w in [&[][..], &["--hidden"], &["switchyard://open"]] {
        assert!(!is_command(&words(w)), "{w:?} opens the desktop app");
    }
}

#[test]
fn help_and_version_exit_0_and_usage_errors_2_or_3_for_check_and_drill() {
    let (code, help) = refused(&["--help"]);
    assert_eq!(code, 0);
    assert!(
        help.contains("Commands:") && help.contains("import-env"),
        "{help}"
    );
    let (code, help) = refused(&["backend", "add", "--help"]);
    assert_eq!(code, 0);
    assert!(help.contains("--base-url <URL>"), "{help}");
    assert_eq!(refused(&["--version"]).0, 0);
    assert_eq!(refused(&["frobnicate"]).0, 2);
    assert_eq!(refused(&["token", "create"]).0, 2);
    // 2 is their "blocked" / "failed": a usage error must not read as one.
    assert_eq!(refused(&["check", "--junit"]).0, 3);
    assert_eq!(refused(&["drill", "chaos-monkey"]).0, 3);
}

#[test]
fn a_key_given_as_an_argument_is_refused_and_not_echoed() {
    let key = "sk-proj-abcdefghijklmnopqrstuvwxyz0123";
    for words in [
        &["key", "add", "OpenAI", key][..],
        &["backend", "add", key, "--kind", "openai"],
        &["backend", "edit", "A", "--model", key],
    ] {
        let (code, text) = refused(words);
        assert_eq!(code, 2);
        assert!(text.contains("never given as an argument"), "{text}");
        assert!(
            !text.contains("abcdefghij"),
            "the key is not echoed: {text}"
        );
    }
}

#[test]
fn tokens_take_a_name_and_an_optional_scope() {
    for words in [
        &["token", "create", "prometheus", "--metrics-only"][..],
        &["token", "create", "--metrics-only", "prometheus"],
    ] {
        assert!(
            matches!(parsed(words), Command::Token(token::TokenCommand::Create { ref name, metrics_only: true, .. }) if name == "prometheus"),
            "{words:?}"
        );
    }
    assert!(matches!(
        parsed(&["token", "list", "--json"]),
        Command::Token(token::TokenCommand::List { json: true })
    ));
    for bad in [
        &["token", "create"][..],
        &["token", "create", "a", "b"],
        &["token", "create", "a", "--admin"],
        &["token", "revoke"],
    ] {
        assert_eq!(
            refused(bad).0,
            2,
            "{bad:?} must not create or revoke anything"
        );
    }
}

#[test]
fn keys_and_backends_by_name() {
    assert!(matches!(
        parsed(&["key", "add", "OpenAI", "--label", "work"]),
        Command::Key(key::KeyCommand::Add { ref backend, ref label, .. }) if backend == "OpenAI" && label == "work"
    ));
    assert!(matches!(
        parsed(&["key", "add", "OpenAI"]),
        Command::Key(key::KeyCommand::Add { ref label, .. }) if label == "default"
    ));
    assert!(matches!(
        parsed(&["backend", "show", "Demo", "--json"]),
        Command::Backend(backend::BackendCommand::Show { json: true, .. })
    ));
    assert!(matches!(
        parsed(&["key", "test", "OpenAI", "work"]),
        Command::Key(key::KeyCommand::Test { label: Some(_), .. })
    ));
    assert_eq!(refused(&["key", "frobnicate"]).0, 2);
    assert_eq!(refused(&["key", "remove", "OpenAI"]).0, 2);
}

#[test]
fn routes_and_budgets_parse_with_their_options() {
    match parsed(&[
        "route",
        "add",
        "fast",
        "--strategy",
        "lowest-latency",
        "--candidate",
        "A=m1*3",
        "--candidate",
        "B=m2",
    ]) {
        Command::Route(route::RouteCommand::Add {
            strategy,
            candidates,
            ..
        }) => {
            assert_eq!(strategy, switchyard_policy::Strategy::LowestLatency);
            let c: Vec<_> = candidates
                .iter()
                .map(|c| (c.backend.as_str(), c.model.as_str(), c.weight))
                .collect();
            assert_eq!(c, [("A", "m1", 3), ("B", "m2", 1)]);
        }
        other => panic!("{other:?}"),
    }
    match parsed(&[
        "budget",
        "add",
        "cap",
        "--limit",
        "$5",
        "--period",
        "day",
        "--hard-stop",
    ]) {
        Command::Budget(budget::BudgetCommand::Add {
            limit:
                budget::BudgetLimit {
                    limit,
                    period,
                    hard_stop,
                    ..
                },
            ..
        }) => assert_eq!(
            (limit, period, hard_stop),
            (5.0, budget::PeriodArg::Day, true)
        ),
        other => panic!("{other:?}"),
    }
    for bad in [
        &["route", "add", "x"][..],
        &["route", "add", "x", "--candidate", "nomodel"],
        &[
            "route",
            "add",
            "x",
            "--candidate",
            "A=m",
            "--strategy",
            "fastest",
        ],
        &["budget", "add", "x"],
        &["budget", "add", "x", "--limit", "lots"],
        &["budget", "add", "x", "--limit", "-1"],
        &[
            "budget",
            "add",
            "x",
            "--limit",
            "1",
            "--backend",
            "A",
            "--route",
            "r",
        ],
    ] {
        assert_eq!(refused(bad).0, 2, "{bad:?}");
    }
}

#[test]
fn listings_take_their_options_and_refuse_the_rest() {
    assert!(matches!(
        parsed(&["requests"]),
        Command::Requests(requests::RequestsArgs {
            limit: 20,
            json: false,
            error: None,
            local: false
        })
    ));
    assert!(matches!(
        parsed(&["requests", "--limit=5", "--json"]),
        Command::Requests(requests::RequestsArgs {
            limit: 5,
            json: true,
            error: None,
            local: false
        })
    ));
    for bad in [
        &["requests", "--limit", "0"][..],
        &["requests", "--limit", "1001"],
        &["requests", "--limit", "ten"],
        &["requests", "--json", "--json"],
        &["requests", "5"],
        &["requests", "--error", "flaky"],
        &["usage", "--since", "soon"],
        &["usage", "--since", "2030-01-01"],
        &["usage", "--by", "color"],
        &["usage", "balances", "now"],
        &["prices"],
        &["prices", "apply", "now"],
        &["prices", "check", "--url"],
        &["models", "A", "B"],
        &["models", "check"],
        &["start-at-login", "yes"],
        &["connect", "vim"],
        &["statusline", "reinstall"],
    ] {
        assert_eq!(refused(bad).0, 2, "{bad:?}");
    }
    for ok in [
        &[
            "usage", "--since", "24h", "--by", "model", "--json", "--rescan",
        ][..],
        &["usage", "--since", "2026-11-01"],
        &["usage", "windows", "--json"],
        &["requests", "--error", "no_candidate", "--json"],
        &["usage", "balances"],
        &[
            "prices",
            "check",
            "--url",
            "http://127.0.0.1:1/p.json",
            "--json",
        ],
        &["prices", "reprice", "--days", "7"],
        &["models", "OpenAI", "--refresh", "--json"],
        &["models", "check", "fast"],
        &["start-at-login", "on"],
        &[
            "connect",
            "claude-code",
            "--model",
            "fast",
            "--haiku",
            "Demo/demo-chat",
        ],
        &["statusline", "install"],
        &["keys", "find", "--file", "a", "--file", "b", "--json"],
        &["keys", "move", "id1", "--backend", "b1"],
        &[
            "config",
            "import",
            "f.toml",
            "--dry-run",
            "--approve-hosts",
            "--json",
        ],
        &["import-env", "--dotenv", ".env", "--dry-run"],
    ] {
        parsed(ok);
    }
}

#[test]
fn report_flags_take_an_optional_json_file_and_drills_their_names() {
    match parsed(&["check", "--junit", "a.xml", "--json", "--html", "r.html"]) {
        Command::Check(c) => assert!(format!("{c:?}").contains("json: Some(None)"), "{c:?}"),
        other => panic!("{other:?}"),
    }
    match parsed(&["drill", "failover", "breaker", "--json", "r.json"]) {
        Command::Drill(d) => {
            assert!(d.live().is_none());
            assert!(format!("{d:?}").contains("r.json"), "{d:?}");
        }
        other => panic!("{other:?}"),
    }
    match parsed(&["drill", "live", "fast", "--yes"]) {
        Command::Drill(d) => assert!(d.live().is_some()),
        other => panic!("{other:?}"),
    }
    for bad in [
        &["check", "--json", "--json"][..],
        &["check", "--html", "a", "--html", "b"],
        &["check", "--verbose"],
        &["drill", "live"],
    ] {
        assert_eq!(refused(bad).0, 3, "{bad:?}");
    }
}

#[test]
fn completions_and_the_man_page_come_from_the_same_definitions() {
    for shell in [
        clap_complete::Shell::Bash,
        clap_complete::Shell::Zsh,
        clap_complete::Shell::Fish,
        clap_complete::Shell::PowerShell,
        clap_complete::Shell::Elvish,
    ] {
        let mut out = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "switchyard", &mut out);
        let script = String::from_utf8(out).unwrap();
        for word in ["import-env", "start-at-login", "openai-compatible"] {
            assert!(script.contains(word), "{shell:?} completes {word}");
        }
    }
    let mut man = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut man)
        .unwrap();
    let man = String::from_utf8(man).unwrap();
    assert!(
        man.contains(".TH switchyard 1") && man.contains("import\\-env"),
        "{man}"
    );
}
