use super::*;
use crate::Store;
use crate::{RequestRecord, UsageGroup};

fn rec(key: &str, tool: Tool, at_ms: i64, input: u64, output: u64) -> Record {
    Record {
        key: key.into(),
        tool: Some(tool),
        at_ms,
        model: "m".into(),
        project: Some("/p".into()),
        input_tokens: input,
        output_tokens: output,
        ..Record::default()
    }
}

fn request(
    id: &str,
    started_at: &str,
    input: u64,
    output: u64,
    provider_id: Option<&str>,
) -> RequestRecord {
    RequestRecord {
        id: id.into(),
        started_at: started_at.into(),
        inbound: "anthropic".into(),
        requested_model: "m".into(),
        status: 200,
        input_tokens: input,
        output_tokens: output,
        provider_id: provider_id.map(str::to_string),
        ..RequestRecord::default()
    }
}

// 2026-11-25T11:30:00Z
const T: i64 = 1_795_606_200_000;

#[test]
fn upserts_keep_the_larger_output_and_rows_are_matched_to_the_gateways_once() {
    let s = Store::open_in_memory().unwrap();
    // Claude Code through the gateway: its requestId is the gateway's request id.
    let mut via_id = rec("claude-code:msg_a:gw1", Tool::ClaudeCode, T, 10, 1);
    via_id.request_id = Some("gw1".into());
    via_id.provider_id = Some("msg_a".into());
    let mut final_count = via_id.clone();
    final_count.output_tokens = 42;
    // Codex through the gateway: matched by the answer's id.
    let mut via_answer = rec("codex:resp_b", Tool::Codex, T, 20, 2);
    via_answer.provider_id = Some("resp_b".into());
    // Gemini CLI keeps no id: matched by time and tokens.
    let loose = rec("gemini-cli:s:m1", Tool::GeminiCli, T + 2_000, 30, 3);
    // Straight to the provider: not in the ledger.
    let bypass = rec("claude-code:msg_z:req_z", Tool::ClaudeCode, T, 100, 10);
    s.tool_usage()
        .upsert_tool_usage(&[
            (&via_id, Some(0.1)),
            (&via_answer, None),
            (&loose, Some(0.3)),
            (&bypass, Some(1.0)),
        ])
        .unwrap();
    s.tool_usage()
        .upsert_tool_usage(&[(&final_count, Some(0.2)), (&via_id, Some(0.1))])
        .unwrap();
    s.ledger()
        .insert_requests(&[
            request("gw1", "2026-11-25T11:29:59Z", 10, 42, Some("msg_a")),
            request("gw2", "2026-11-25T11:29:58.5Z", 20, 2, Some("resp_b")),
            request("gw3", "2026-11-25T11:30:01.25Z", 30, 3, None),
            // Same tokens as the Gemini answer, but an hour earlier: not it.
            request("gw4", "2026-11-25T10:30:01Z", 30, 3, None),
        ])
        .unwrap();
    assert_eq!(s.tool_usage().match_tool_usage(0).unwrap(), 3);
    assert_eq!(
        s.tool_usage().match_tool_usage(0).unwrap(),
        0,
        "matched once"
    );
    let by_tool = s
        .tool_usage()
        .tool_usage_summary(0, i64::MAX, UsageGroup::Tool)
        .unwrap();
    let claude = by_tool.iter().find(|r| r.group == "claude-code").unwrap();
    assert_eq!((claude.requests, claude.via_gateway), (1, 1));
    assert_eq!(
        (claude.input_tokens, claude.output_tokens),
        (100, 10),
        "only the bypass"
    );
    assert!((claude.cost_usd - 1.0).abs() < 1e-12);
    let total: u64 = by_tool.iter().map(|r| r.requests).sum();
    assert_eq!(total, 1, "everything else was the gateway's");
    // The kept count is the final one.
    let spent = s.tool_usage().tool_spent("claude-code", 0).unwrap();
    assert_eq!(spent.iter().map(|x| x.tokens).max(), Some(110));
    assert!(spent.iter().any(|x| x.tokens == 52));
    assert_eq!(s.tool_usage().tool_usage_count().unwrap(), (4, 3));
}

/// Codex through an Anthropic or Chat Completions backend keeps the `resp_…` id the gateway
/// gave it, not the provider's: matched by the row's client id, counted once.
#[test]
fn a_record_keeping_the_id_the_gateway_gave_is_matched_to_its_row() {
    let s = Store::open_in_memory().unwrap();
    let mut from_messages = rec("codex:resp_msg01abc", Tool::Codex, T, 20, 2);
    from_messages.provider_id = Some("resp_msg01abc".into());
    let mut from_chat = rec("codex:resp_chatcmplX9", Tool::Codex, T, 30, 3);
    from_chat.provider_id = Some("resp_chatcmplX9".into());
    s.tool_usage()
        .upsert_tool_usage(&[(&from_messages, None), (&from_chat, None)])
        .unwrap();
    let mut a = request("gw1", "2026-11-25T11:29:59Z", 20, 2, Some("msg_01abc"));
    a.client_id = Some("resp_msg01abc".into());
    let mut b = request("gw2", "2026-11-25T11:29:59.5Z", 30, 3, Some("chatcmpl-X9"));
    b.client_id = Some("resp_chatcmplX9".into());
    s.ledger().insert_requests(&[a, b]).unwrap();
    assert_eq!(s.tool_usage().match_tool_usage(0).unwrap(), 2);
    assert_eq!(s.tool_usage().tool_usage_count().unwrap(), (2, 2));
}

#[test]
fn unpriced_answers_are_counted_apart_and_days_group_in_the_users_zone() {
    let s = Store::open_in_memory().unwrap();
    let a = rec("k1", Tool::Opencode, T, 1, 1);
    let b = rec("k2", Tool::Opencode, T + 13 * 3_600_000, 1, 1);
    s.tool_usage()
        .upsert_tool_usage(&[(&a, None), (&b, Some(0.5))])
        .unwrap();
    let m = s
        .tool_usage()
        .tool_usage_summary(0, i64::MAX, UsageGroup::Model)
        .unwrap();
    assert_eq!((m[0].requests, m[0].unpriced), (2, 1));
    assert!((m[0].cost_usd - 0.5).abs() < 1e-12);
    let days = s
        .tool_usage()
        .tool_usage_summary(0, i64::MAX, UsageGroup::Day(0))
        .unwrap();
    assert_eq!(
        days.iter().map(|d| d.group.as_str()).collect::<Vec<_>>(),
        ["2026-11-25", "2026-11-26"]
    );
    let tokyo = s
        .tool_usage()
        .tool_usage_summary(0, i64::MAX, UsageGroup::Day(540))
        .unwrap();
    assert_eq!(
        tokyo.iter().map(|d| d.group.as_str()).collect::<Vec<_>>(),
        ["2026-11-25", "2026-11-26"]
    );
    let later = s
        .tool_usage()
        .tool_usage_summary(T + 1, i64::MAX, UsageGroup::Tool)
        .unwrap();
    assert_eq!(later[0].requests, 1, "since is inclusive, by time");
}

#[test]
fn cursors_and_plan_windows_round_trip() {
    let s = Store::open_in_memory().unwrap();
    let c = Cursor {
        path: "/h/.codex/sessions/x.jsonl".into(),
        tool: Some(Tool::Codex),
        offset: 120,
        size: 120,
        mtime_ms: 5,
        file_id: 9,
        state: r#"{"codex":{"model":"gpt-5"}}"#.into(),
    };
    s.tool_usage().save_tool_usage_cursor(&c).unwrap();
    s.tool_usage()
        .save_tool_usage_cursor(&Cursor {
            offset: 240,
            ..c.clone()
        })
        .unwrap();
    let all = s.tool_usage().tool_usage_cursors().unwrap();
    assert_eq!(all[&c.path].offset, 240);
    s.tool_usage().reset_tool_usage_cursors().unwrap();
    assert!(s.tool_usage().tool_usage_cursors().unwrap().is_empty());
    let w = PlanWindow {
        tool: Tool::Codex,
        name: "primary".into(),
        used_percent: 40.0,
        window_minutes: Some(300),
        resets_at: Some(1_795_620_000),
        seen_at_ms: 10,
        plan: Some("plus".into()),
    };
    s.tool_usage()
        .save_plan_windows(std::slice::from_ref(&w))
        .unwrap();
    // An older report does not replace a newer one.
    s.tool_usage()
        .save_plan_windows(&[PlanWindow {
            used_percent: 1.0,
            seen_at_ms: 5,
            ..w.clone()
        }])
        .unwrap();
    assert_eq!(s.tool_usage().plan_windows().unwrap(), [w]);
}

/// A store written before the import bounded the counts holds a row capped at `i64::MAX`
/// (a tool's line said 2^63 tokens): `SUM()` over it and one more row overflowed, and every
/// read of the usage failed from then on.
fn with_an_absurd_row() -> Store {
    let s = Store::open_in_memory().unwrap();
    let absurd = rec(
        "claude-code:msg_x:req_x",
        Tool::ClaudeCode,
        T,
        1 << 63,
        1 << 63,
    );
    let mut fine = rec("claude-code:msg_y:req_y", Tool::ClaudeCode, T + 1, 10, 5);
    fine.cache_write_5m_tokens = i64::MAX as u64;
    fine.cache_write_1h_tokens = 3;
    s.tool_usage()
        .upsert_tool_usage(&[(&absurd, Some(1.0)), (&fine, Some(0.5))])
        .unwrap();
    s
}

#[test]
fn sums_over_rows_stored_before_the_bound_are_read_not_refused() {
    let s = with_an_absurd_row();
    let t = s.tool_usage();
    for group in [
        UsageGroup::Tool,
        UsageGroup::Model,
        UsageGroup::Day(0),
        UsageGroup::Project,
        UsageGroup::Session,
    ] {
        let rows = t
            .tool_usage_summary(0, i64::MAX, group)
            .unwrap_or_else(|e| {
                panic!("{group:?}: an absurd stored row must not break the sums: {e}")
            });
        assert_eq!(rows.len(), 1, "{group:?}");
        assert_eq!(rows[0].requests, 2, "{group:?}: both rows are counted");
        assert!(
            rows[0].input_tokens >= i64::MAX as u64
                && rows[0].cache_write_tokens >= i64::MAX as u64,
            "{group:?}: a sum too large for 64 bits reads saturated, not wrapped: {:?}",
            rows[0]
        );
    }
    let spent = t
        .tool_spent("claude-code", 0)
        .expect("a row's counts too large to add in SQL must not make the windows unreadable");
    assert_eq!(spent.len(), 2);
    assert_eq!(
        spent[1].tokens,
        i64::MAX as u64 + 18,
        "a row's counts add up in Rust (in SQL, a sum over i64::MAX turned into a float)"
    );
}

#[test]
fn forgetting_implausible_rows_removes_only_those_over_the_bound() {
    let s = with_an_absurd_row();
    let t = s.tool_usage();
    let at_bound = rec(
        "codex:resp_b",
        Tool::Codex,
        T,
        switchyard_usage::MAX_TOKENS,
        1,
    );
    t.upsert_tool_usage(&[(&at_bound, None)]).unwrap();
    assert_eq!(
        t.forget_implausible_tool_usage().unwrap(),
        2,
        "the absurd row and the one with a cache write of i64::MAX"
    );
    assert_eq!(
        t.tool_usage_count().unwrap(),
        (1, 0),
        "a count at the bound is a possible one: kept"
    );
}

/// By project: what each repository cost, through the gateway (the ledger's counts and cost,
/// once) or not (the tool's own); the gateway's requests no record names come last.
#[test]
fn projects_count_the_gateways_requests_once_with_the_ledgers_cost() {
    let s = Store::open_in_memory().unwrap();
    let mut via = rec("codex:resp_a", Tool::Codex, T, 1, 1);
    via.project = Some("/repo/a".into());
    via.provider_id = Some("resp_a".into());
    let mut bypass = rec("claude-code:msg_b:req_b", Tool::ClaudeCode, T, 100, 10);
    bypass.project = Some("/repo/a".into());
    let mut other = rec("pi:msg_c", Tool::Pi, T, 7, 3);
    other.project = Some("/repo/b".into());
    s.tool_usage()
        .upsert_tool_usage(&[(&via, Some(9.0)), (&bypass, Some(1.0)), (&other, None)])
        .unwrap();
    let mut carried = request("gw1", "2026-11-25T11:29:59.5Z", 20, 2, Some("resp_a"));
    carried.cost_usd = Some(0.25);
    let mut alone = request("gw2", "2026-11-25T11:30:10.5Z", 40, 4, None);
    alone.cost_usd = Some(0.5);
    s.ledger().insert_requests(&[carried, alone]).unwrap();
    // The loose rule would take gw2 for nothing here: no record lacks both ids with its counts.
    s.tool_usage().match_tool_usage(0).unwrap();
    let rows = s.tool_usage().project_spend(0, T + 3_600_000).unwrap();
    let by: std::collections::HashMap<&str, &crate::ToolUsageRow> =
        rows.iter().map(|r| (r.group.as_str(), r)).collect();
    let a = by["/repo/a"];
    assert_eq!((a.requests, a.via_gateway), (1, 1));
    assert_eq!(
        (a.input_tokens, a.output_tokens),
        (120, 12),
        "the ledger's 20/2, not the tool's 1/1"
    );
    assert!(
        (a.cost_usd - 1.25).abs() < 1e-12,
        "the ledger's $0.25, not the record's $9"
    );
    let b = by["/repo/b"];
    assert_eq!((b.requests, b.unpriced, b.cost_usd), (1, 1, 0.0));
    let g = by["(gateway, no tool record)"];
    assert_eq!((g.via_gateway, g.input_tokens), (1, 40));
    assert!((g.cost_usd - 0.5).abs() < 1e-12);
    assert_eq!(rows[0].group, "/repo/a", "costliest first");
}
