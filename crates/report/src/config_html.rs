//! The report's "Configuration" section: the backends, routes and settings a run was made on,
//! as tables (no secret is in the model to begin with: key counts, not keys).

use crate::junit::xml_escape as esc;
use crate::model::Configuration;
use std::fmt::Write;

/// Appends the section (nothing when the report has no configuration).
pub(crate) fn section(out: &mut String, config: Option<&Configuration>) {
    let Some(c) = config else {
        return;
    };
    out.push_str("<h2>Configuration</h2><section class=\"suite\" id=\"configuration\">");
    if c.backends.is_empty() {
        out.push_str("<p class=\"muted\">No backends.</p>");
    } else {
        out.push_str(
            "<table><tr><th class=\"name\">Backend</th><th>Kind</th><th>Endpoint</th><th>Model</th><th>Keys</th></tr>",
        );
        for b in &c.backends {
            let off = if b.enabled { "" } else { " (disabled)" };
            let _ = write!(
                out,
                "<tr><td>{}{off}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&b.name),
                esc(&b.kind),
                esc(&b.endpoint),
                esc(&b.default_model),
                b.keys
            );
        }
        out.push_str("</table>");
    }
    if !c.routes.is_empty() {
        out.push_str("<table><tr><th class=\"name\">Route</th><th>Strategy</th><th>Candidates, in order</th></tr>");
        for r in &c.routes {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&r.name),
                esc(&r.strategy),
                esc(&r.candidates.join(" → "))
            );
        }
        out.push_str("</table>");
    }
    if !c.settings.is_empty() {
        out.push_str("<table><tr><th class=\"name\">Setting</th><th>Value</th></tr>");
        for s in &c.settings {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td></tr>",
                esc(&s.name),
                esc(&s.value)
            );
        }
        out.push_str("</table>");
    }
    out.push_str("</section>");
}
