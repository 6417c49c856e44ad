//! Label values are the user's and the clients' own words: token, backend and route names and
//! requested models may hold quotes, backslashes, newlines, label-like text or a megabyte of
//! text. Both formats must carry each as one escaped, bounded value that a parser reads back as
//! written, never as extra labels or samples; the Prometheus text passes `promtool check metrics`.

use super::labels::{clean, MAX_VALUE_CHARS};
use super::*;
use std::collections::BTreeSet;

/// Names an attacker or an unlucky user might give.
fn nasty() -> Vec<String> {
    vec![
        r#"say "hi""#.into(),
        r"back\slash".into(),
        "new\nline".into(),
        "carriage\rreturn\r\n".into(),
        "tab\there\0nul\u{7f}del\u{85}nel".into(),
        r#"a="b""#.into(),
        r#"x",tool="forged"} 1"#.into(),
        "x\"} 1\nswitchyard_injected_total 1\n# EOF\n".into(),
        r#"\""#.into(),
        r"trailing\".into(),
        r"\n is not a newline".into(),
        "ünïcødé ✓ \u{2028} line separator".into(),
        "# TYPE switchyard_requests gauge".into(),
        "x".repeat(1 << 20),
        "é".repeat(MAX_VALUE_CHARS + 1),
    ]
}

/// A finished request whose every label value is `name`.
fn record(name: &str, i: usize) -> RequestRecord {
    RequestRecord {
        id: format!("r{i}"),
        token_name: Some(name.into()),
        route: Some(name.into()),
        backend: Some(name.into()),
        error_class: Some(switchyard_domain::ErrorClass::Timeout),
        cache: Some(name.into()),
        ..super::tests::record(name)
    }
}

type Sample = (String, Vec<(String, String)>, String);

/// One sample line (`name{k="v",…} value`), its label values unescaped the way Prometheus reads
/// them (`\\`, `\"`, `\n`); `Err` says what is malformed.
fn parse_sample(line: &str) -> Result<Sample, String> {
    let mut chars = line.chars().peekable();
    let name: String = std::iter::from_fn(|| chars.next_if(|c| *c != '{' && *c != ' ')).collect();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("bad metric name {name:?}"));
    }
    let mut labels = Vec::new();
    if chars.next_if_eq(&'{').is_some() {
        loop {
            let key: String = std::iter::from_fn(|| chars.next_if(|c| *c != '=')).collect();
            if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(format!("bad label name {key:?}"));
            }
            if chars.next() != Some('=') || chars.next() != Some('"') {
                return Err(format!("label {key} has no quoted value"));
            }
            let mut value = String::new();
            loop {
                match chars.next() {
                    Some('\\') => match chars.next() {
                        Some('\\') => value.push('\\'),
                        Some('"') => value.push('"'),
                        Some('n') => value.push('\n'),
                        other => return Err(format!("bad escape {other:?} in {key}")),
                    },
                    Some('"') => break,
                    Some('\n') | None => return Err(format!("label {key} is not closed")),
                    Some(c) => value.push(c),
                }
            }
            labels.push((key, value));
            match chars.next() {
                Some(',') => continue,
                Some('}') => break,
                other => return Err(format!("expected , or }} after a label, got {other:?}")),
            }
        }
    }
    if chars.next() != Some(' ') {
        return Err("no space before the value".into());
    }
    let value: String = chars.collect();
    if value.is_empty() || value.contains(' ') {
        return Err(format!("bad value {value:?}"));
    }
    Ok((name, labels, value))
}

/// Every sample of `text`; panics on a line that is neither a sample nor a known comment.
fn samples(text: &str, format: &str) -> Vec<Sample> {
    let mut out = Vec::new();
    for line in text.lines() {
        if ["# HELP ", "# TYPE ", "# UNIT "]
            .iter()
            .any(|p| line.starts_with(p))
            || line == "# EOF"
        {
            continue;
        }
        match parse_sample(line) {
            Ok(s) => out.push(s),
            Err(e) => panic!("{format}: a malformed line ({e}): {line:?}"),
        }
    }
    out
}

async fn scraped() -> (String, String) {
    let m = Metrics::new();
    for (i, name) in nasty().iter().enumerate() {
        m.observe(&record(name, i));
    }
    let om = m.scrape().await;
    let prom = text::to_prometheus(&om);
    (om, prom)
}

#[tokio::test]
async fn nasty_names_are_one_escaped_bounded_value_in_both_formats() {
    let (om, prom) = scraped().await;
    let expected: BTreeSet<String> = nasty().iter().map(|n| clean(n).into_owned()).collect();
    for (format, text) in [("OpenMetrics", &om), ("Prometheus", &prom)] {
        let all = samples(text, format);
        let requests: Vec<&Sample> = all
            .iter()
            .filter(|(name, _, _)| name == "switchyard_requests_total")
            .collect();
        assert_eq!(
            requests.len(),
            expected.len(),
            "{format}: one series per distinct name, no forged ones"
        );
        for key in ["backend", "model", "route", "tool"] {
            let read: BTreeSet<String> = requests
                .iter()
                .filter_map(|(_, labels, _)| {
                    labels
                        .iter()
                        .find(|(k, _)| k == key)
                        .map(|(_, v)| v.clone())
                })
                .collect();
            assert_eq!(
                read, expected,
                "{format}: the {key} label reads back as the cleaned name"
            );
        }
        for (name, labels, _) in &all {
            assert!(
                !name.contains("injected"),
                "{format}: a name made a sample of its own"
            );
            let keys: Vec<&str> = labels.iter().map(|(k, _)| k.as_str()).collect();
            let unique: BTreeSet<&str> = keys.iter().copied().collect();
            assert_eq!(
                keys.len(),
                unique.len(),
                "{format}: a name forged a label: {keys:?}"
            );
            for (_, v) in labels {
                assert!(
                    v.chars().count() <= MAX_VALUE_CHARS && !v.chars().any(char::is_control),
                    "{format}: an unbounded or raw value: {v:?}"
                );
            }
        }
        assert!(
            text.len() < 256 << 10,
            "{format}: a megabyte name does not make a megabyte scrape ({} bytes)",
            text.len()
        );
    }
    assert_eq!(
        om.lines().filter(|l| *l == "# EOF").count(),
        1,
        "OpenMetrics ends once, at its end"
    );
    assert!(om.ends_with("# EOF\n"));
}

#[tokio::test]
async fn nasty_names_pass_promtool_check_metrics() {
    let (_, prom) = scraped().await;
    switchyard_app_testing::promtool::accepts(&prom, "the text");
}
