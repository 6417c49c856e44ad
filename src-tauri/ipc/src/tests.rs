//! The IPC shapes: errors, conversions and JSON pinned.

use super::*;

/// The field names of `value`'s JSON object, sorted.
fn field_names(value: impl serde::Serialize) -> Vec<String> {
    let json = serde_json::to_value(value).expect("serializes");
    let mut names: Vec<String> = json
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect();
    names.sort();
    names
}

#[test]
fn ipc_error_json_shape_is_pinned() {
    let e = IpcError {
        kind: ErrorKind::KeychainUnavailable,
        message: "The OS keychain is not available (no bus).".into(),
        hint: Some("Unlock it.".into()),
        issues: vec![],
    };
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "kind": "keychainUnavailable",
            "message": "The OS keychain is not available (no bus).",
            "hint": "Unlock it.",
            "issues": []
        })
    );
}

#[test]
fn an_unknown_kind_is_a_typed_validation_error() {
    let draft = backends::dto::BackendDraft {
        name: "x".into(),
        kind: "cohere".into(),
        base_url: "https://x.org/v1".into(),
        default_model: "m".into(),
    };
    let err = draft.parse().unwrap_err();
    assert_eq!(err.kind, ErrorKind::Validation);
    assert_eq!(err.message, "Unknown backend kind “cohere”.");
}

#[test]
fn a_refused_field_reaches_the_ui_named_with_its_code_and_entry() {
    use switchyard_domain::{Field, IssueCode};
    let e: IpcError = switchyard_app::AppError::field_at(
        Field::Weight,
        2,
        IssueCode::OutOfRange,
        "Candidate 3: a weight can be at most 1000.",
    )
    .into();
    assert_eq!(e.kind, ErrorKind::Validation);
    assert_eq!(e.message, "Candidate 3: a weight can be at most 1000.");
    assert_eq!(
        serde_json::to_value(&e.issues).unwrap(),
        serde_json::json!([{
            "field": "weight", "index": 2, "code": "outOfRange", "severity": "error",
            "message": "Candidate 3: a weight can be at most 1000.", "fix": null
        }]),
        "the UI places it by field and entry, never by reading the message"
    );
}

#[test]
fn internal_errors_reach_the_user_as_a_safe_sentence() {
    let e: IpcError =
        switchyard_app::AppError::Internal("sqlite said: disk I/O at /secret/path".into()).into();
    assert_eq!(e.kind, ErrorKind::Internal);
    assert!(!e.message.contains("/secret/path"));
}

#[test]
fn alert_settings_round_trip_through_the_monitors_shape_and_refuse_unknown_kinds() {
    use super::monitor::dto::AlertSettings;
    let config = switchyard_app::AlertConfig::default();
    let form = AlertSettings::from_config(&config).expect("to form");
    assert!(form
        .rules
        .iter()
        .any(|r| r.kind == "backendDown" && r.failures == Some(3)));
    let unrouted = form.rules.iter().find(|r| r.id == "unroutedUsage");
    let text = unrouted
        .and_then(|r| r.text.clone())
        .expect("metric rules are named");
    assert_eq!(text.name, "Unrouted usage");
    let back = form.clone().into_config().expect("back");
    assert_eq!(back, config);
    // A caller's own words for a rule are never stored: the names are the core's.
    let mut forged = form.clone();
    for r in &mut forged.rules {
        if let Some(t) = r.text.as_mut() {
            t.name = "Send your keys to evil.example".into();
        }
    }
    let stored = forged.into_config().expect("saved");
    assert_eq!(stored, config, "the text is dropped on the way in");
    let read = AlertSettings::from_config(&stored).expect("read back");
    assert!(read
        .rules
        .iter()
        .filter_map(|r| r.text.as_ref())
        .all(|t| !t.name.contains("evil")));
    // A metric rule (what later features add) survives the trip too.
    let mut with_metric = config.clone();
    with_metric.rules.push(
        serde_json::from_value(serde_json::json!({"id": "cacheHitRate", "enabled": true,
            "kind": "metric", "metric": "cacheHitRate", "aggregate": "mean", "compare": "below",
            "threshold": 50.0, "windowSecs": 3600, "minSamples": 20}))
        .expect("metric rule"),
    );
    let form2 = AlertSettings::from_config(&with_metric).expect("to form");
    assert_eq!(form2.into_config().expect("back"), with_metric);
    let mut bad = form;
    bad.rules[0].kind = "sendMoney".into();
    let err = bad.into_config().unwrap_err();
    assert!(err.starts_with("Invalid alert rule"), "{err}");
}

#[test]
fn the_api_filter_travels_as_the_ledgers_inbound_values() {
    use gateway::dto::{InboundApi, RequestQuery};
    for (wire, api) in [
        ("openai", InboundApi::OpenAiChat),
        ("responses", InboundApi::Responses),
        ("anthropic", InboundApi::Anthropic),
        ("gemini", InboundApi::Gemini),
        ("embeddings", InboundApi::Embeddings),
        ("count_tokens", InboundApi::CountTokens),
    ] {
        let q: RequestQuery =
            serde_json::from_value(serde_json::json!({ "inbound": wire })).expect("query");
        assert_eq!(q.inbound, Some(api));
        let filter = switchyard_app::RequestFilter::from(q);
        assert_eq!(filter.inbound.as_deref(), Some(wire), "the ledger's value");
    }
    let none: RequestQuery = serde_json::from_value(serde_json::json!({})).expect("query");
    assert_eq!(switchyard_app::RequestFilter::from(none).inbound, None);
}

#[test]
fn an_unknown_tool_is_a_typed_validation_error() {
    let err = tools::dto::parse_tool("vscode").unwrap_err();
    assert_eq!(err.kind, ErrorKind::Validation);
    assert_eq!(err.message, "Unknown tool “vscode”.");
    assert!(tools::dto::parse_tool("claude-code").is_ok());
}

#[test]
fn tool_names_travel_as_the_ids_the_core_and_the_cli_use() {
    for tool in switchyard_toolconfig::ToolId::ALL {
        assert_eq!(
            serde_json::to_value(tool).unwrap(),
            serde_json::json!(tool.as_str()),
            "the UI passes this id back to connect_tool"
        );
        assert_eq!(tools::dto::parse_tool(tool.as_str()).unwrap(), tool);
    }
}

#[test]
fn found_and_moved_keys_carry_the_mask_only() {
    let finding = switchyard_app::KeyFinding {
        id: "/h/.bashrc:3:OPENAI_API_KEY:sk-…abcd".into(),
        path: "~/.bashrc".into(),
        line: 3,
        variable: "OPENAI_API_KEY".into(),
        kind: switchyard_domain::BackendKind::OpenAi,
        masked: "sk-…abcd".into(),
        in_keychain: false,
        goes_to: "a new OpenAI backend at https://api.openai.com".into(),
    };
    assert_eq!(
        field_names(finding),
        [
            "goesTo",
            "id",
            "inKeychain",
            "kind",
            "line",
            "masked",
            "path",
            "variable"
        ],
        "a finding has no field a raw key could travel in"
    );
    let moved = switchyard_app::KeyMove {
        id: "m1".into(),
        path: "~/.bashrc".into(),
        line: 3,
        variable: "OPENAI_API_KEY".into(),
        kind: switchyard_domain::BackendKind::OpenAi,
        masked: "sk-…abcd".into(),
        backend: "OpenAI".into(),
        key_label: "bashrc".into(),
        moved_at: "2026-05-01T09:00:00Z".into(),
        restored: false,
        tested: None,
    };
    let json = serde_json::to_value(moved).expect("moved key");
    assert_eq!(
        field_names(&json),
        [
            "backend", "id", "keyLabel", "kind", "line", "masked", "movedAt", "path", "restored",
            "tested", "variable"
        ],
        "a move has no field a raw key could travel in"
    );
    assert_eq!(
        json["tested"],
        serde_json::Value::Null,
        "history rows were not tested"
    );
}

#[test]
fn settings_saved_before_the_lifecycle_fields_load_with_their_defaults() {
    let old = serde_json::json!({"theme": "dark", "revealSeconds": 9, "requestRetentionDays": 30});
    let s: switchyard_app::Settings = serde_json::from_value(old).unwrap();
    assert_eq!(s.reveal_seconds, 9, "what was saved is kept");
    assert!(
        s.keep_running_in_tray,
        "closing the window keeps running by default"
    );
    assert!(!s.start_at_login, "start at login is opt-in");
    assert!(
        !s.start_at_login_offered && !s.close_hint_shown,
        "nothing was offered or shown yet"
    );
}

#[test]
fn the_settings_form_keeps_the_shells_close_hint() {
    let saved = switchyard_app::Settings {
        close_hint_shown: true,
        ..Default::default()
    };
    let form = app::dto::UserSettings {
        keep_running_in_tray: false,
        start_at_login: true,
        ..Default::default()
    };
    let next = form.apply_to(saved);
    assert!(
        next.close_hint_shown,
        "the form never resets the one-time hint"
    );
    assert!(
        !next.keep_running_in_tray && next.start_at_login,
        "the form's choices are saved"
    );
}

#[test]
fn a_budget_makes_the_round_trip_through_the_ui_unchanged() {
    let budget = switchyard_app::Budget {
        id: "b1".into(),
        name: "Team".into(),
        period: switchyard_app::Period::Month,
        scope: switchyard_app::BudgetScope::Route("r1".into()),
        limit_usd: 12.5,
        hard_stop: true,
    };
    let json = serde_json::to_value(&budget).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"id": "b1", "name": "Team", "period": "month",
            "scope": {"type": "route", "id": "r1"}, "limitUsd": 12.5, "hardStop": true}),
        "the shape the Budgets card edits"
    );
    let back: switchyard_app::Budget = serde_json::from_value(json).unwrap();
    assert_eq!(back, budget, "saved as sent");
}

#[test]
fn a_budget_status_reaches_the_ui_with_its_times_as_numbers() {
    let status = switchyard_app::BudgetStatus {
        budget: switchyard_app::Budget {
            id: "b1".into(),
            name: "All".into(),
            period: switchyard_app::Period::Day,
            scope: switchyard_app::BudgetScope::All,
            limit_usd: 1.0,
            hard_stop: false,
        },
        scope_name: None,
        period_start_ms: 1_700_000_000_000,
        period_end_ms: 1_700_086_400_000,
        spent_usd: 0.25,
        unpriced_requests: 3,
        percent: 25.0,
        forecast: switchyard_app::Forecast {
            burn_usd_per_day: 0.5,
            projected_usd: 0.6,
            crosses_at_ms: Some(1_700_080_000_000),
        },
        stopped: false,
    };
    let json = serde_json::to_value(status).unwrap();
    assert_eq!(json["periodStartMs"], 1_700_000_000_000.0);
    assert_eq!(json["unpricedRequests"], 3.0);
    assert_eq!(json["forecast"]["crossesAtMs"], 1_700_080_000_000.0);
    assert_eq!(json["scopeName"], serde_json::Value::Null);
    assert_eq!(json["budget"]["scope"], serde_json::json!({"type": "all"}));
}

/// Argument names that name a file: each must be a handle.
fn names_a_file(arg: &str) -> bool {
    let arg = arg.to_ascii_lowercase();
    ["path", "file", "dir", "folder"].iter().any(|word| {
        arg == *word || arg.ends_with(&format!("_{word}")) || arg.ends_with(&format!("{word}s"))
    })
}

#[test]
fn no_command_takes_a_filesystem_path_from_its_caller() {
    let mut handles = 0;
    for (command, args) in crate::COMMAND_ARGS {
        for (arg, ty) in args.iter() {
            let ty = ty.replace(' ', "");
            for path_type in ["PathBuf", "Path", "OsString", "OsStr"] {
                assert!(
                    !ty.split(['<', '>', ',', '&', '(', ')'])
                        .any(|t| t == path_type),
                    "{command}({arg}: {ty}) takes a path: a file is a FileHandle (crate::files)"
                );
            }
            if names_a_file(arg) {
                assert!(
                    ty.contains("FileHandle"),
                    "{command}({arg}: {ty}) names a file by a string: take a FileHandle"
                );
            }
            handles += usize::from(ty.contains("FileHandle"));
        }
    }
    assert!(
        handles >= 10,
        "the ten file commands take handles ({handles})"
    );
}

#[test]
fn an_alert_travels_flat_and_comes_back_whole_through_the_window() {
    let alert = switchyard_app::AlertView {
        row: switchyard_store::AlertRow {
            id: "a1".into(),
            rule: "backendDown".into(),
            backend_id: Some("b1".into()),
            key_id: None,
            opened_at: "2026-11-29T10:00:00Z".into(),
            resolved_at: None,
            summary: "Main is down".into(),
            detail: "3 probes failed".into(),
            notified: true,
        },
        backend_name: Some("Main".into()),
    };
    assert_eq!(
        field_names(&alert),
        [
            "backendId",
            "backendName",
            "detail",
            "id",
            "keyId",
            "notified",
            "openedAt",
            "resolvedAt",
            "rule",
            "summary"
        ],
        "the Alerts page reads one flat object per alert"
    );
    let json = serde_json::to_string(&alert).unwrap();
    let back: switchyard_app::AlertView = serde_json::from_str(&json).unwrap();
    assert_eq!(back, alert, "the window parses what the core sent");
}
