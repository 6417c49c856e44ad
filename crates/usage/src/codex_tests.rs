use super::*;

pub(crate) const META: &str = r#"{"timestamp":"2026-11-25T11:43:49.000Z","ordinal":0,"type":"session_meta","payload":{"id":"01a2","cwd":"/home/u/proj","cli_version":"0.169.0","originator":"codex_exec","model_provider":"openai"}}"#;
pub(crate) const TURN: &str = r#"{"timestamp":"2026-11-25T11:43:50.000Z","ordinal":3,"type":"turn_context","payload":{"cwd":"/home/u/proj","model":"gpt-5-codex","turn_id":"t1"}}"#;
pub(crate) const RECORD: &str = r#"{"timestamp":"2026-11-25T11:43:52.500Z","ordinal":11,"type":"token_usage_record","payload":{"thread_id":"01a2","session_id":"01a2","turn_id":"t1","response_id":"resp_abc","usage":{"input_tokens":1000,"cached_input_tokens":600,"cache_write_input_tokens":0,"output_tokens":50,"reasoning_output_tokens":20,"total_tokens":1050}}}"#;
pub(crate) const COUNT: &str = r#"{"timestamp":"2026-11-25T11:43:52.600Z","ordinal":12,"type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":1000,"cached_input_tokens":600,"output_tokens":50,"reasoning_output_tokens":20,"total_tokens":1050},"last_token_usage":{"input_tokens":1000,"cached_input_tokens":600,"output_tokens":50,"reasoning_output_tokens":20,"total_tokens":1050},"model_context_window":272000},"rate_limits":{"limit_id":"codex","primary":{"used_percent":12.5,"window_minutes":300,"resets_at":1795620000},"secondary":{"used_percent":3.0,"window_minutes":10080,"resets_at":1796200000},"plan_type":"plus"}}}"#;

#[test]
fn a_usage_record_is_keyed_by_its_response_id_with_the_model_of_its_turn() {
    let mut s = State::default();
    for l in [META, TURN] {
        assert_eq!(line(l.as_bytes(), &mut s), Ok(Found::default()));
    }
    let r = line(RECORD.as_bytes(), &mut s).unwrap().record.unwrap();
    assert_eq!(r.key, "codex:resp_abc");
    assert_eq!(r.model, "gpt-5-codex");
    assert_eq!(r.project.as_deref(), Some("/home/u/proj"));
    assert_eq!(r.session.as_deref(), Some("01a2"));
    // Cached input is a part of Codex's input; reasoning a part of its output.
    assert_eq!((r.input_tokens, r.cache_read_tokens), (400, 600));
    assert_eq!((r.output_tokens, r.reasoning_tokens), (50, 20));
    assert_eq!(r.at_ms, 1_795_607_032_500);
}

#[test]
fn token_counts_after_a_usage_record_give_only_the_plan_windows() {
    let mut s = State::default();
    for l in [META, TURN, RECORD] {
        line(l.as_bytes(), &mut s).unwrap();
    }
    let f = line(COUNT.as_bytes(), &mut s).unwrap();
    assert_eq!(f.record, None, "already counted by its usage record");
    assert_eq!(f.windows.len(), 2);
    let p = &f.windows[0];
    assert_eq!(
        (
            p.name.as_str(),
            p.used_percent,
            p.window_minutes,
            p.resets_at
        ),
        ("primary", 12.5, Some(300), Some(1_795_620_000))
    );
    assert_eq!(p.plan.as_deref(), Some("plus"));
}

#[test]
fn older_files_count_token_events_once_per_running_total() {
    let mut s = State::default();
    for l in [META, TURN] {
        line(l.as_bytes(), &mut s).unwrap();
    }
    let a = line(COUNT.as_bytes(), &mut s).unwrap().record.unwrap();
    let again = line(COUNT.as_bytes(), &mut s).unwrap().record.unwrap();
    assert_eq!(a.key, "codex:01a2:1050");
    assert_eq!(a.key, again.key, "a repeated count has the same key");
    assert_eq!(
        (a.input_tokens, a.cache_read_tokens, a.output_tokens),
        (400, 600, 50)
    );
}

#[test]
fn unknown_and_broken_lines() {
    let mut s = State::default();
    assert_eq!(
        line(br#"{"type":"world_state","payload":{}}"#, &mut s),
        Ok(Found::default())
    );
    assert_eq!(line(b"{\"type\":", &mut s), Err(Skip::Corrupt));
    let no_id = RECORD.replace("\"response_id\":\"resp_abc\",", "");
    assert_eq!(line(no_id.as_bytes(), &mut s), Err(Skip::Unknown));
}
