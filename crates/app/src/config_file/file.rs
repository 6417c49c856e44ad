//! The configuration file's shape (`switchyard config export|import`, documented in
//! `docs/CONFIG.md`): TOML, version 1, no secret anywhere — a backend lists its keys' labels,
//! never their values. Unknown fields are refused, so a typo is reported, not ignored.

use crate::cache::CacheSettings;
use crate::costs::budgets::Budget;
use crate::costs::forecast::Period;
use crate::{GatewaySettings, PriceOverride};
use serde::{Deserialize, Serialize};
use switchyard_gateway::RouteCache;
use switchyard_monitor::AlertConfig;
use switchyard_policy::Strategy;

pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigFile {
    /// Always 1.
    pub version: u32,
    #[serde(default)]
    pub gateway: GatewaySettings,
    #[serde(default)]
    pub cache: CacheSettings,
    /// Alert rules, cooldown and quiet hours (webhooks are not here: their URLs may be secret).
    #[serde(default)]
    pub alerts: Option<AlertConfig>,
    #[serde(default, rename = "backend")]
    pub backends: Vec<BackendEntry>,
    #[serde(default, rename = "route")]
    pub routes: Vec<RouteEntry>,
    #[serde(default, rename = "budget")]
    pub budgets: Vec<BudgetEntry>,
    /// Price overrides (per million tokens, USD).
    #[serde(default, rename = "price")]
    pub prices: Vec<PriceOverride>,
    /// The team gateway's servers: `switchyard serve` is then a replica of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<super::team::TeamServers>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackendEntry {
    pub name: String,
    /// openai, anthropic, gemini, mistral, groq, openrouter, ollama, openai-compatible, demo.
    pub kind: String,
    pub base_url: String,
    pub default_model: String,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// The labels of its keys, in order; the values stay in the keychain.
    #[serde(default)]
    pub keys: Vec<String>,
    #[serde(default = "default_in_flight")]
    pub max_in_flight: u32,
    pub requests_per_minute: Option<u32>,
    pub tokens_per_minute: Option<u32>,
    #[serde(default = "default_probe")]
    pub probe_every_secs: u32,
    /// Uptime target in percent (90 to 100).
    #[serde(default = "default_target")]
    pub uptime_target_pct: f64,
    /// Readiness is blocked when this backend fails.
    #[serde(default)]
    pub required: bool,
    /// Probe with a one-token completion instead of the free model list (costs tokens).
    #[serde(default)]
    pub deep_probe: bool,
}

fn yes() -> bool {
    true
}
fn default_in_flight() -> u32 {
    50
}
fn default_probe() -> u32 {
    30
}
fn default_target() -> f64 {
    99.9
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RouteEntry {
    pub name: String,
    pub strategy: Strategy,
    #[serde(default)]
    pub cache: RouteCache,
    #[serde(rename = "candidate")]
    pub candidates: Vec<CandidateEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CandidateEntry {
    /// A backend's name.
    pub backend: String,
    pub model: String,
    #[serde(default = "one")]
    pub weight: u32,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BudgetEntry {
    pub name: String,
    /// `day` or `month`.
    pub period: Period,
    pub limit_usd: f64,
    /// Only this backend's (by name) or route's requests; neither: all requests.
    pub backend: Option<String>,
    pub route: Option<String>,
    #[serde(default)]
    pub hard_stop: bool,
}

impl BudgetEntry {
    /// The budget this entry describes, its scope resolved by `backend_id` / `route_id`.
    pub fn to_budget(&self, id: String, scope: crate::costs::budgets::BudgetScope) -> Budget {
        Budget {
            id,
            name: self.name.clone(),
            period: self.period,
            scope,
            limit_usd: self.limit_usd,
            hard_stop: self.hard_stop,
        }
    }
}

/// The file as TOML, with a header saying what it is.
pub fn to_toml(file: &ConfigFile) -> Result<String, String> {
    let body = toml::to_string(file).map_err(|e| format!("cannot write TOML: {e}"))?;
    Ok(format!(
        "# Switchyard configuration (docs/CONFIG.md). No secrets: keys are listed by label and\n\
         # stay in the keychain. Import with `switchyard config import FILE [--dry-run]`.\n\n{body}"
    ))
}

/// Reads a file's text; a syntax or type error names its line and field. The message quotes the
/// line, cut to [`MAX_QUOTED_CHARS`] a line: a file from anyone must not fill a terminal or a
/// dialog.
pub fn from_toml(text: &str) -> Result<ConfigFile, String> {
    toml::from_str(text).map_err(|e| {
        e.to_string()
            .trim_end()
            .lines()
            .map(|l| match l.char_indices().nth(MAX_QUOTED_CHARS) {
                Some((at, _)) => format!("{}…", &l[..at]),
                None => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// The most of a line a parse error quotes.
pub const MAX_QUOTED_CHARS: usize = 200;

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_parses_and_round_trips() {
        let doc = include_str!("../../../../docs/CONFIG.md");
        let example = doc
            .split("```toml\n")
            .nth(1)
            .and_then(|s| s.split("```").next())
            .unwrap();
        let file = from_toml(example).unwrap();
        assert_eq!(file.backends.len(), 2);
        assert_eq!(file.routes[0].candidates[0].weight, 3);
        assert_eq!(file.routes[0].strategy, Strategy::Weighted);
        assert_eq!(file.budgets[0].route.as_deref(), Some("fast"));
        assert_eq!(file.gateway.resilience.breaker_failures, 3);
        let again = from_toml(&to_toml(&file).unwrap()).unwrap();
        assert_eq!(again, file);
    }

    #[test]
    fn a_parse_error_quotes_a_long_line_only_in_part() {
        let err = from_toml(&format!("version = 1\nname = \"{}", "x".repeat(50_000))).unwrap_err();
        assert!(err.len() < 2_000, "{} bytes", err.len());
        assert!(err.contains('…'), "says it was cut: {err}");
    }

    #[test]
    fn a_typo_is_an_error_naming_the_field() {
        let err = from_toml("version = 1\n[[backend]]\nname = \"x\"\nkind = \"openai\"\nbaseUrl = \"u\"\ndefaultModel = \"m\"\nmaxInflight = 3\n").unwrap_err();
        assert!(err.contains("unknown field `maxInflight`"), "{err}");
    }
}
