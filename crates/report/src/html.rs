//! One self-contained HTML page a person can read or forward: the verdict, the score, a chart of
//! every suite, each suite's cases with their details and fixes, measured numbers, and the
//! machine and version. Inline CSS and SVG only: it loads nothing and runs no script.

use crate::junit::xml_escape as esc;
use crate::model::{Report, Suite};
use std::fmt::Write;

const STYLE: &str = "
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#5b6472;--line:#d8dee4;--ok:#1a7f37;--warn:#9a6700;--bad:#cf222e;--card:#f6f8fa}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#8d96a0;--line:#30363d;--ok:#3fb950;--warn:#d29922;--bad:#f85149;--card:#161b22}}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif}
main{max-width:960px;margin:0 auto;padding:32px 24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}
.meta,.muted{color:var(--muted);font-size:13px}
.verdict{display:inline-block;padding:4px 12px;border-radius:999px;font-weight:700;letter-spacing:.04em;color:#fff}
.v-ready,.v-passed,.s-operational,.s-passed{background:var(--ok)}.v-degraded,.s-degraded{background:var(--warn)}
.v-blocked,.v-failed,.s-down,.s-failed{background:var(--bad)}
.summary{display:flex;gap:24px;align-items:center;margin:16px 0;flex-wrap:wrap}
.big{font-size:32px;font-weight:700}
section.suite{border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin:12px 0;background:var(--card)}
.suite-head{display:flex;gap:12px;align-items:baseline;flex-wrap:wrap}
.badge{font-size:12px;padding:1px 8px;border-radius:999px;color:#fff}
table{border-collapse:collapse;width:100%;margin-top:8px;font-size:14px;table-layout:fixed}
th.mark{width:28px}th.name{width:40%}
td,th{text-align:left;padding:4px 8px;border-top:1px solid var(--line);vertical-align:top}
.pass{color:var(--ok);font-weight:700}.fail{color:var(--bad);font-weight:700}.info{color:var(--muted)}
.fix{color:var(--muted);font-size:13px}
ul.blockers li{margin:4px 0}
svg text{fill:var(--fg);font-size:12px}
.timelines{margin-top:10px;display:flex;flex-direction:column;gap:6px}
svg.timeline{max-width:100%;height:auto}svg text.on-band{fill:#fff;font-weight:600}svg text.tick{fill:var(--muted);font-size:11px}
";

/// The report as one HTML document.
pub fn html(report: &Report) -> String {
    let title = report.kind.title();
    let mut out = String::with_capacity(16 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
         <title>{} — {}</title><style>{STYLE}</style></head><body><main>",
        esc(title),
        esc(&report.verdict.to_uppercase()),
    );
    let _ = write!(
        out,
        "<h1>{}</h1><p class=\"meta\">Run {} · started {} · {} ms · Switchyard {} on {} ({} {})</p>",
        esc(title),
        esc(&report.id),
        esc(&when(&report.started_at)),
        report.duration_ms,
        esc(&report.app_version),
        esc(&report.machine.hostname),
        esc(&report.machine.os),
        esc(&report.machine.arch),
    );
    summary(&mut out, report);
    if !report.blockers.is_empty() {
        out.push_str("<h2>Blockers</h2><ul class=\"blockers\">");
        for b in &report.blockers {
            let _ = write!(
                out,
                "<li><strong>{}</strong>: {}",
                esc(&b.suite),
                esc(&b.message)
            );
            if let Some(fix) = &b.fix {
                let _ = write!(out, "<div class=\"fix\">Fix: {}</div>", esc(fix));
            }
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
    out.push_str("<h2>Overview</h2>");
    chart(&mut out, report);
    out.push_str("<h2>Details</h2>");
    for suite in &report.suites {
        suite_section(&mut out, suite);
    }
    crate::config_html::section(&mut out, report.configuration.as_ref());
    out.push_str("</main></body></html>\n");
    out
}

fn summary(out: &mut String, report: &Report) {
    let (tests, failures) = report.counts();
    let _ = write!(
        out,
        "<div class=\"summary\" id=\"verdict\"><span class=\"verdict v-{}\">{}</span>",
        esc(&report.verdict),
        esc(&report.verdict.to_uppercase())
    );
    if let Some(score) = report.score {
        let _ = write!(out, "<span><span class=\"big\">{score:.1}</span>/10</span>");
    }
    let _ = write!(
        out,
        "<span>{} of {tests} checks passed</span>",
        tests - failures
    );
    if let Some(p) = &report.previous {
        let score = p.score.map(|s| format!(", {s:.1}/10")).unwrap_or_default();
        let _ = write!(
            out,
            "<span class=\"muted\">previous run {}: {}{score}</span>",
            esc(&when(&p.started_at)),
            esc(&p.verdict)
        );
    }
    out.push_str("</div>");
}

/// A horizontal bar per suite: its score out of 10 (or its share of passed cases), coloured by
/// status.
fn chart(out: &mut String, report: &Report) {
    const ROW: usize = 26;
    const LABEL: usize = 220;
    const BAR: f64 = 480.0;
    let height = ROW * report.suites.len() + 8;
    let _ = write!(
        out,
        "<svg id=\"chart\" role=\"img\" aria-label=\"Score of each part\" width=\"{}\" height=\"{height}\" viewBox=\"0 0 {} {height}\">",
        LABEL + 560,
        LABEL + 560
    );
    for (i, s) in report.suites.iter().enumerate() {
        let y = i * ROW + 4;
        let fraction = match s.score {
            Some(score) => score / 10.0,
            None => {
                let (n, f) = s.counts();
                if n == 0 {
                    1.0
                } else {
                    (n - f) as f64 / n as f64
                }
            }
        };
        let colour = match s.status.as_str() {
            "operational" | "passed" => "var(--ok)",
            "degraded" => "var(--warn)",
            _ => "var(--bad)",
        };
        let label = s
            .score
            .map(|v| format!("{v:.1}/10"))
            .unwrap_or_else(|| format!("{:.0} %", fraction * 100.0));
        let _ = write!(
            out,
            "<text x=\"0\" y=\"{}\">{}</text><rect x=\"{LABEL}\" y=\"{y}\" width=\"{BAR}\" height=\"18\" rx=\"3\" fill=\"var(--line)\"/>\
             <rect class=\"bar\" x=\"{LABEL}\" y=\"{y}\" width=\"{:.1}\" height=\"18\" rx=\"3\" fill=\"{colour}\"/>\
             <text x=\"{}\" y=\"{}\">{}</text>",
            y + 14,
            esc(&truncate(&s.name, 30)),
            (fraction.clamp(0.0, 1.0) * BAR).max(2.0),
            LABEL + BAR as usize + 8,
            y + 14,
            esc(&label),
        );
    }
    out.push_str("</svg>");
}

/// "2026-11-23 04:51:54 UTC" from an RFC 3339 UTC time; anything else as it is.
fn when(rfc3339: &str) -> String {
    match (rfc3339.get(..19), rfc3339.ends_with('Z')) {
        (Some(head), true) if head.as_bytes().get(10) == Some(&b'T') => {
            format!("{} UTC", head.replacen('T', " ", 1))
        }
        _ => rfc3339.to_string(),
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut t: String = text.chars().take(max - 1).collect();
    t.push('…');
    t
}

fn suite_section(out: &mut String, s: &Suite) {
    let score = s.score.map(|v| format!(" · {v:.1}/10")).unwrap_or_default();
    let optional = if s.required { "" } else { " · optional" };
    let _ = write!(
        out,
        "<section class=\"suite\"><div class=\"suite-head\"><strong>{}</strong>\
         <span class=\"badge s-{}\">{}</span><span class=\"muted\">{}{score}{optional}</span></div>",
        esc(&s.name),
        esc(&s.status),
        esc(&s.status),
        esc(&s.kind),
    );
    if !s.measurements.is_empty() {
        out.push_str(
            "<table><tr><th class=\"name\">Measured</th><th>Value</th><th>Target</th></tr>",
        );
        for m in &s.measurements {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{} {}</td><td>{}</td></tr>",
                esc(&m.name),
                m.value,
                esc(&m.unit),
                esc(m.target.as_deref().unwrap_or("—"))
            );
        }
        out.push_str("</table>");
    }
    if !s.timelines.is_empty() {
        out.push_str("<div class=\"timelines\">");
        for t in &s.timelines {
            crate::timeline::svg(out, t);
        }
        out.push_str("</div>");
    }
    out.push_str(
        "<table><tr><th class=\"mark\"></th><th class=\"name\">Check</th><th>Result</th></tr>",
    );
    for c in &s.cases {
        let (class, mark) = match (c.passed, c.importance.as_str()) {
            (true, _) => ("pass", "✓"),
            (false, "info") => ("info", "i"),
            (false, _) => ("fail", "✗"),
        };
        let _ = write!(
            out,
            "<tr class=\"case\"><td class=\"{class}\">{mark}</td><td>{}</td><td>{}",
            esc(&c.name),
            esc(&c.detail)
        );
        if let (false, Some(fix)) = (c.passed, &c.fix) {
            let _ = write!(out, "<div class=\"fix\">Fix: {}</div>", esc(fix));
        }
        out.push_str("</td></tr>");
    }
    out.push_str("</table></section>");
}
