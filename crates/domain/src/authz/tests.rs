use super::*;

#[test]
fn every_path_finds_its_row_and_unknown_paths_none() {
    assert_eq!(Entry::at_path("/v1/models"), Some(Entry::Models));
    assert_eq!(Entry::at_path("/v1/models/gpt-4o"), Some(Entry::Model));
    assert_eq!(
        Entry::at_path("/switchyard/team/v1/tokens/abc"),
        Some(Entry::TeamToken)
    );
    assert_eq!(Entry::at_path("/"), Some(Entry::PanelHome));
    for path in ["/panel", "/panel/", "/panel/api/call/list_backends"] {
        assert_eq!(Entry::at_path(path), Some(Entry::Panel), "{path}");
    }
    for path in [
        "/index.html",
        "/panelx",
        "/v1/models/",
        "/metrics/",
        "/mcp/x",
        "/switchyard/team/v1/",
    ] {
        assert_eq!(Entry::at_path(path), None, "{path} has no row");
    }
}

#[test]
fn each_door_has_one_row() {
    for e in Entry::ALL {
        let twins = Entry::ALL
            .iter()
            .filter(|o| o.row().door == e.row().door)
            .count();
        assert_eq!(twins, 1, "{e:?}'s door is listed once");
    }
}

#[test]
fn a_scrape_token_opens_metrics_only_and_a_tool_token_not_the_team_api() {
    for e in Entry::ALL {
        for place in [Place::Desktop, Place::Replica] {
            let scrape = verdict(*e, place, TokenScope::Metrics).is_allowed();
            assert_eq!(
                scrape,
                *e == Entry::Metrics,
                "{e:?} at {place:?} for a scrape token"
            );
        }
    }
    assert!(!allowed_somewhere(
        TokenScope::Gateway,
        "/switchyard/team/v1/overview"
    ));
    assert!(allowed_somewhere(
        TokenScope::Admin,
        "/switchyard/team/v1/overview"
    ));
}

#[test]
fn a_panel_token_opens_the_panel_only_and_the_panel_no_tool_token_on_a_desktop() {
    for e in Entry::ALL {
        let inside_the_panel = matches!(
            e.row().door,
            Door::Panel(_) | Door::PanelCall(_) | Door::PanelApi(_) | Door::Act(_)
        );
        for place in [Place::Desktop, Place::Replica] {
            if verdict(*e, place, TokenScope::Panel).is_allowed() {
                assert!(
                    inside_the_panel,
                    "{e:?} at {place:?} for a panel token: it is never a tool's token"
                );
            }
        }
        assert_eq!(
            e.row().door.signs_in_itself(),
            matches!(e, Entry::Panel | Entry::PanelHome | Entry::Identity),
            "{e:?}: only the panel's doors and the gateway's proof of identity skip the guard's token check"
        );
    }
    for scope in [TokenScope::Gateway, TokenScope::Metrics, TokenScope::Admin] {
        assert!(
            !verdict(Entry::Panel, Place::Desktop, scope).is_allowed(),
            "a {scope:?} token must not open this machine's panel"
        );
    }
    assert_eq!(
        verdict(Entry::Panel, Place::Replica, TokenScope::Gateway),
        Verdict::Allowed(Sees::Own),
        "on a replica a person's own token shows them their own spend and tokens"
    );
}

#[test]
fn the_team_api_and_the_team_console_make_the_same_decision_about_other_peoples_tokens() {
    for (api, console) in [
        (Entry::TeamTokens, Entry::PanelTeamTokens),
        (Entry::TeamToken, Entry::PanelRevokeTeamToken),
    ] {
        assert_eq!(
            verdict(api, Place::Replica, TokenScope::Admin),
            verdict(console, Place::Replica, TokenScope::Admin),
            "{api:?} and {console:?}: one decision whichever interface an admin uses"
        );
    }
    assert!(
        !verdict(Entry::TeamAdminToken, Place::Replica, TokenScope::Admin).is_allowed(),
        "an admin token never makes another admin token"
    );
    assert_eq!(
        Entry::panel_call("create_team_token"),
        Entry::PanelTeamTokens
    );
}

#[test]
fn through_the_panel_a_person_gets_their_own_console_and_no_files_or_server_paths() {
    let person = |e: Entry| verdict(e, Place::Replica, TokenScope::Gateway);
    for command in [
        "list_backends",
        "reveal_key",
        "export_config",
        "scan_import",
        "choose_file",
        "create_token",
    ] {
        assert_eq!(
            Entry::panel_call(command),
            Entry::PanelCommands,
            "{command} has no row of its own: it is the operator's"
        );
    }
    assert_eq!(person(Entry::PanelCommands), Verdict::Refused);
    assert_eq!(person(Entry::PanelUpload), Verdict::Refused, "no files");
    assert_eq!(person(Entry::PanelDownload), Verdict::Refused, "no files");
    assert_eq!(
        person(Entry::PanelAppInfo),
        Verdict::Allowed(Sees::Own),
        "no server paths"
    );
    assert_eq!(person(Entry::PanelTeamConsole), Verdict::Allowed(Sees::Own));
    assert_eq!(person(Entry::PanelTeamTokens), Verdict::Refused);
    for e in Entry::ALL {
        if matches!(e.row().door, Door::PanelCall(_) | Door::PanelApi(_)) {
            assert!(
                !verdict(*e, Place::Desktop, TokenScope::Gateway).is_allowed()
                    && !verdict(*e, Place::Desktop, TokenScope::Admin).is_allowed(),
                "{e:?}: on a desktop only a panel token calls the panel"
            );
        }
    }
}

#[test]
fn an_admin_token_may_do_everything_a_tool_token_may() {
    for e in Entry::ALL {
        for place in [Place::Desktop, Place::Replica] {
            if verdict(*e, place, TokenScope::Gateway).is_allowed() {
                assert!(
                    verdict(*e, place, TokenScope::Admin).is_allowed(),
                    "{e:?} at {place:?}: an admin token is a tool token and more"
                );
            }
        }
    }
}

#[test]
fn a_connected_tools_token_generates_and_lists_models_and_reads_nothing_of_the_users() {
    let generation = [
        Entry::ChatCompletions,
        Entry::Messages,
        Entry::CountTokens,
        Entry::Responses,
        Entry::ResponsesInputTokens,
        Entry::ResponsesCompact,
        Entry::Embeddings,
        Entry::Models,
        Entry::CodexModels,
        Entry::Model,
        Entry::GeminiModels,
        Entry::GeminiModel,
    ];
    for e in Entry::ALL {
        for place in [Place::Desktop, Place::Replica] {
            let connected = verdict(*e, place, TokenScope::Generate);
            assert_eq!(
                connected.is_allowed(),
                generation.contains(e),
                "{e:?} at {place:?}: a token a squatter may capture from a tool's port opens \
                 generation and the model list, and nothing that reads the user's data"
            );
            if connected.is_allowed() {
                assert_eq!(
                    connected,
                    verdict(*e, place, TokenScope::Gateway),
                    "{e:?} at {place:?}: where it is let in, as a tool's token is"
                );
            }
        }
    }
    for path in [
        "/metrics",
        "/mcp",
        "/panel/",
        "/switchyard/team/v1/overview",
    ] {
        assert!(
            !allowed_somewhere(TokenScope::Generate, path),
            "the guard refuses {path} to a connected tool's token"
        );
    }
    assert!(allowed_somewhere(TokenScope::Generate, "/v1/messages"));
    assert!(allowed_somewhere(
        TokenScope::Generate,
        "/v1beta/models/gemini-2.5-pro:generateContent"
    ));
}
