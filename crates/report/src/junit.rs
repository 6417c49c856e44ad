//! JUnit XML, the format every CI system reads: one `testsuite` per suite, one `testcase` per
//! case. A failed counted case is a `failure` (its detail and fix in the text); a failed
//! informational one is `skipped` with its detail, so it shows without failing the build.

use crate::model::{Report, Suite};
use std::fmt::Write;

/// `text` safe inside XML text and attribute values: the five specials escaped, characters XML
/// 1.0 forbids (most control characters) dropped.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

fn secs(ms: Option<u64>) -> String {
    format!("{:.3}", ms.unwrap_or(0) as f64 / 1000.0)
}

/// The report as a JUnit XML document.
pub fn junit(report: &Report) -> String {
    let (tests, failures) = report.counts();
    let all: usize = report.suites.iter().map(|s| s.cases.len()).sum();
    let skipped = all - tests;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"{}\" tests=\"{all}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"{}\">",
        xml_escape(report.kind.title()),
        secs(Some(report.duration_ms)),
    );
    for suite in &report.suites {
        write_suite(&mut out, report, suite);
    }
    out.push_str("</testsuites>\n");
    out
}

fn write_suite(out: &mut String, report: &Report, suite: &Suite) {
    let (tests, failures) = suite.counts();
    let skipped = suite.cases.len() - tests;
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"{}\" timestamp=\"{}\">",
        xml_escape(&suite.name),
        suite.cases.len(),
        secs(suite.duration_ms),
        xml_escape(&report.started_at),
    );
    let _ = writeln!(out, "    <properties>");
    for (name, value) in [
        ("status", suite.status.clone()),
        ("required", suite.required.to_string()),
        (
            "score",
            suite.score.map(|s| format!("{s:.1}")).unwrap_or_default(),
        ),
    ] {
        let _ = writeln!(
            out,
            "      <property name=\"{name}\" value=\"{}\"/>",
            xml_escape(&value)
        );
    }
    for m in &suite.measurements {
        let _ = writeln!(
            out,
            "      <property name=\"{}\" value=\"{} {}\"/>",
            xml_escape(&m.name),
            m.value,
            xml_escape(&m.unit)
        );
    }
    let _ = writeln!(out, "    </properties>");
    let class = format!("switchyard.{}.{}", report.kind.as_str(), suite.id);
    for case in &suite.cases {
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\" time=\"{}\"",
            xml_escape(&class),
            xml_escape(&case.name),
            secs(case.duration_ms),
        );
        if case.passed {
            let _ = writeln!(out, "/>");
            continue;
        }
        let _ = writeln!(out, ">");
        if case.importance == "info" {
            let _ = writeln!(
                out,
                "      <skipped message=\"informational: {}\"/>",
                xml_escape(&case.detail)
            );
        } else {
            let mut text = case.detail.clone();
            if let Some(fix) = &case.fix {
                text.push_str("\nFix: ");
                text.push_str(fix);
            }
            let _ = writeln!(
                out,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                xml_escape(&case.detail),
                xml_escape(&case.importance),
                xml_escape(&text)
            );
        }
        let _ = writeln!(out, "    </testcase>");
    }
    let _ = writeln!(out, "  </testsuite>");
}
