//! The two exposition formats: OpenMetrics (what `prometheus-client` writes, and what Prometheus
//! asks for first) and the classic Prometheus text format 0.0.4 (what `curl` and older scrapers
//! get), in which a counter's family is named with its `_total` suffix and there is no `# UNIT`
//! or `# EOF` line.

/// The content type for OpenMetrics.
pub const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
/// The content type for the Prometheus text format.
pub const PROMETHEUS: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Whether an `Accept` header asks for OpenMetrics.
pub fn wants_openmetrics(accept: Option<&str>) -> bool {
    accept.is_some_and(|a| a.contains("application/openmetrics-text"))
}

/// Rewrites OpenMetrics text as Prometheus text format 0.0.4.
pub fn to_prometheus(openmetrics: &str) -> String {
    let mut out = String::with_capacity(openmetrics.len());
    let lines: Vec<&str> = openmetrics.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if *line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        let counter_family = |name: &str| {
            lines[i..]
                .iter()
                .take(3)
                .any(|l| *l == format!("# TYPE {name} counter"))
        };
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').unwrap_or((rest, ""));
            if counter_family(name) {
                out.push_str(&format!("# HELP {name}_total {help}\n"));
                continue;
            }
        }
        if let Some(name) = line
            .strip_prefix("# TYPE ")
            .and_then(|r| r.strip_suffix(" counter"))
        {
            out.push_str(&format!("# TYPE {name}_total counter\n"));
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_are_renamed_and_openmetrics_only_lines_dropped() {
        let om = "# HELP a_requests Requests.\n# TYPE a_requests counter\na_requests_total{b=\"x\"} 1\n\
                  # HELP a_cost_usd Cost.\n# TYPE a_cost_usd counter\n# UNIT a_cost_usd usd\na_cost_usd_total 0.5\n\
                  # HELP a_up Up.\n# TYPE a_up gauge\na_up 1\n# EOF\n";
        assert_eq!(
            to_prometheus(om),
            "# HELP a_requests_total Requests.\n# TYPE a_requests_total counter\na_requests_total{b=\"x\"} 1\n\
             # HELP a_cost_usd_total Cost.\n# TYPE a_cost_usd_total counter\na_cost_usd_total 0.5\n\
             # HELP a_up Up.\n# TYPE a_up gauge\na_up 1\n"
        );
        assert!(wants_openmetrics(Some(
            "application/openmetrics-text;version=1.0.0,text/plain;q=0.5"
        )));
        assert!(!wants_openmetrics(Some("*/*")) && !wants_openmetrics(None));
    }
}
