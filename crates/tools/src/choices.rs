//! The models a tool may be given: the routes, then each enabled backend's default model, then
//! the models their providers list; and the one a tool gets when the user picks none.

use super::service::Tools;
use switchyard_app::AppError;
use switchyard_domain::BackendKind;
use switchyard_toolconfig::ToolId;

pub(super) fn model_choices(inner: &Tools) -> Result<Vec<String>, AppError> {
    let mut out: Vec<String> = inner
        .routes
        .list_routes()?
        .into_iter()
        .map(|r| r.name)
        .collect();
    for b in inner
        .backends
        .list_backends()?
        .into_iter()
        .filter(|b| b.enabled)
    {
        out.push(format!("{}/{}", b.name, b.default_model));
    }
    for listed in switchyard_app::Catalogue::choices_in(&inner.catalogue, &inner.backends)? {
        if !out.contains(&listed) {
            out.push(listed);
        }
    }
    Ok(out)
}

/// The model a tool gets when the user picks none: nothing for a tool whose own provider is
/// enabled (it keeps choosing its models), else the first route, else the first enabled backend.
pub(super) fn default_model(inner: &Tools, tool: ToolId) -> Result<Option<String>, AppError> {
    let native = match tool {
        ToolId::ClaudeCode => Some(BackendKind::Anthropic),
        ToolId::Codex => Some(BackendKind::OpenAi),
        ToolId::GeminiCli => Some(BackendKind::Gemini),
        // Tools that pick among many providers (or, through the gateway, need a model named).
        ToolId::Opencode
        | ToolId::Aider
        | ToolId::CopilotCli
        | ToolId::QwenCode
        | ToolId::Pi
        | ToolId::Kilo
        | ToolId::Droid => None,
    };
    let backends = inner.backends.list_backends()?;
    if native.is_some_and(|k| backends.iter().any(|b| b.enabled && b.kind == k)) {
        return Ok(None);
    }
    Ok(model_choices(inner)?.into_iter().next())
}
