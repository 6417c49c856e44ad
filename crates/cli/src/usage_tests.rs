use super::*;
use switchyard_app::usage::resets_in;

const NOW: i64 = 1_795_606_200_000; // 2026-11-25T11:30:00Z

#[test]
fn the_table_totals_and_never_shows_an_unknown_price_as_zero() {
    let rows = [
        ToolUsageRow {
            group: "gateway".into(),
            requests: 3,
            input_tokens: 30,
            output_tokens: 6,
            cost_usd: 0.5,
            ..Default::default()
        },
        ToolUsageRow {
            group: "claude-code".into(),
            requests: 2,
            via_gateway: 3,
            unpriced: 1,
            cost_usd: 0.25,
            ..Default::default()
        },
    ];
    let t = table(&rows);
    assert!(t.contains("2 (+3 via gateway)"), "{t}");
    assert!(t.contains("$0.2500 + 1 unknown"), "{t}");
    let total = t.lines().last().unwrap();
    assert!(
        total.starts_with("total")
            && total.contains(" 5 ")
            && total.contains("$0.7500 + 1 unknown"),
        "{t}"
    );
}

#[test]
fn windows_read_as_a_user_would() {
    assert_eq!(
        resets_in(NOW + (2 * 60 + 13) * 60_000, NOW),
        "resets in 2 h 13 m"
    );
    assert_eq!(resets_in(NOW + 30_000, NOW), "resets in 1 m");
    assert_eq!(resets_in(NOW + 3 * 86_400_000, NOW), "resets in 3 d 0 h");
    let w = UsageWindow {
        tool: "Codex".into(),
        tool_id: switchyard_usage::Tool::Codex,
        name: "5-hour".into(),
        source: WindowSource::Provider,
        used_percent: Some(42.0),
        used_tokens: None,
        used_usd: None,
        started_at_ms: None,
        resets_at_ms: Some(NOW + 3_600_000),
        burn_usd_per_hour: None,
        projected_usd: None,
        seen_at_ms: Some(NOW),
        how: "Codex said so".into(),
    };
    let text = windows_text(&[w], NOW);
    assert_eq!(
        text,
        "Codex 5-hour: 42% used  resets in 1 h 0 m  (provider's figure: Codex said so)\n"
    );
    assert!(windows_text(&[], NOW).starts_with("No subscription windows"));
}

/// CSV for a spreadsheet: a header, one line per row, a project path with a comma quoted, and
/// reasoning in its own column; the table shows reasoning too.
#[test]
fn csv_quotes_what_needs_it_and_keeps_every_column() {
    let rows = [ToolUsageRow {
        group: "/home/u/work, \"old\"".into(),
        requests: 2,
        via_gateway: 1,
        input_tokens: 10,
        output_tokens: 5,
        reasoning_tokens: 3,
        cache_read_tokens: 7,
        cache_write_tokens: 1,
        cost_usd: 0.125,
        unpriced: 1,
    }];
    let text = csv(&rows);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("group,requests,via_gateway,input_tokens,output_tokens,reasoning_tokens,cache_read_tokens,cache_write_tokens,cost_usd,unpriced")
    );
    assert_eq!(
        lines.next(),
        Some("\"/home/u/work, \"\"old\"\"\",2,1,10,5,3,7,1,0.125000,1")
    );
    assert_eq!(lines.next(), None);
    let t = table(&rows);
    assert!(t.lines().next().unwrap().contains("REASONING"), "{t}");
}
