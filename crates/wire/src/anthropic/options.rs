//! Anthropic's request options that other formats spell differently: `thinking` with
//! `output_config.effort` ([`Reasoning`]) and `output_config.format` / the beta `output_format`
//! ([`OutputFormat`]).

use crate::canonical::{Effort, OutputFormat, Reasoning};
use crate::error::WireError;
use crate::json::Obj;

/// `thinking` plus `output_config.effort`: a budget, an adaptive effort, or off.
pub(crate) fn parse_reasoning(
    root: &Obj<'_>,
    output_config: Option<&Obj<'_>>,
) -> Result<Option<Reasoning>, WireError> {
    let effort = match output_config {
        Some(c) => match c.str("effort")? {
            Some(name) => Some(Effort::parse(name).ok_or_else(|| {
                WireError::invalid(c.path("effort"), "expected low, medium, high or max")
            })?),
            None => None,
        },
        None => None,
    };
    let Some(thinking) = root.obj("thinking")? else {
        return Ok(effort.map(Reasoning::effort));
    };
    Ok(Some(match thinking.req_str("type")? {
        "enabled" => {
            let budget = thinking
                .u32("budget_tokens")?
                .ok_or_else(|| WireError::missing(thinking.path("budget_tokens")))?;
            Reasoning::budget(budget)
        }
        // Anthropic's default effort is high.
        "adaptive" => Reasoning::effort(effort.unwrap_or(Effort::High)),
        "disabled" => Reasoning::effort(Effort::None),
        _ => {
            return Err(WireError::invalid(
                thinking.path("type"),
                "expected enabled, adaptive or disabled",
            ))
        }
    }))
}

/// `output_config.format` (or the beta `output_format`): `{type: "json_schema", schema}`.
pub(crate) fn parse_format(
    root: &Obj<'_>,
    output_config: Option<&Obj<'_>>,
) -> Result<Option<OutputFormat>, WireError> {
    let format = match output_config
        .map(|c| c.obj("format"))
        .transpose()?
        .flatten()
    {
        Some(f) => f,
        None => match root.obj("output_format")? {
            Some(f) => f,
            None => return Ok(None),
        },
    };
    match format.req_str("type")? {
        "json_schema" => Ok(Some(OutputFormat::JsonSchema {
            name: "output".to_owned(),
            schema: format.req("schema")?.clone(),
            strict: true,
        })),
        _ => Err(WireError::invalid(
            format.path("type"),
            "expected json_schema",
        )),
    }
}
