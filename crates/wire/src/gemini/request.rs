//! Inbound Gemini `generateContent` / `countTokens` body → [`ChatRequest`] (the outbound
//! direction lives in `render`). The model and streaming come from the URL
//! (`/v1beta/models/{model}:generateContent`, `:streamGenerateContent?alt=sse`), never the body.
//!
//! Fields are read in camelCase or snake_case (see `fields`); `contents` and the system
//! instruction are read by `contents`. The rest:
//! - `tools[].functionDeclarations[]` become function tools: `parametersJsonSchema` as sent,
//!   `parameters` (Gemini's OpenAPI subset) converted to JSON Schema, neither an empty object
//!   schema. Google's own tools (`googleSearch`, `codeExecution`, `urlContext`, …) and any other
//!   tool kind are unsupported: they run only on Gemini backends.
//! - `toolConfig.functionCallingConfig.mode`: `AUTO` and `VALIDATED` → auto, `NONE` → none,
//!   `ANY` → required, or the named tool when `allowedFunctionNames` holds exactly one name (a
//!   longer list cannot be expressed and reads as required). Case is ignored.
//! - `generationConfig`: `temperature`, `topP`, `maxOutputTokens`, `stopSequences`;
//!   `thinkingConfig` → [`Reasoning`] (`thinkingBudget` 0 = off, -1 = dynamic = medium effort,
//!   N = a budget of N; else `thinkingLevel`); `responseMimeType: application/json` → JSON
//!   output, with `responseJsonSchema` (or `responseSchema`, converted) as its schema.
//!   `candidateCount` > 1, output modalities other than text and other response MIME types are
//!   unsupported. `topK`, `seed`, penalties, logprobs, `safetySettings`, `labels`, … are dropped.
//! - `cachedContent` is unsupported: cached contents exist only at Google.

use serde_json::{json, Value};

use crate::canonical::{ChatRequest, Effort, OutputFormat, Reasoning, Tool, ToolChoice};
use crate::error::WireError;
use crate::json::{index, parse_body, string_or_list};

use super::contents::{parse_contents, parse_system};
use super::fields::Fields;
use super::schema::json_schema_from_openapi;

/// Tool kinds other than function declarations, which only Google can run.
const GOOGLE_TOOLS: [&str; 8] = [
    "googleSearch",
    "googleSearchRetrieval",
    "codeExecution",
    "urlContext",
    "googleMaps",
    "fileSearch",
    "computerUse",
    "retrieval",
];

/// Parses a Gemini `generateContent` request body; `model` and `stream` come from the URL.
pub fn parse_request(body: &[u8], model: &str, stream: bool) -> Result<ChatRequest, WireError> {
    parse_request_value(&parse_body(body)?, model, stream)
}

/// Parses a Gemini `generateContent` request already read as JSON; `model` and `stream` come
/// from the URL (a leading `models/` is dropped from `model`).
pub fn parse_request_value(
    body: &Value,
    model: &str,
    stream: bool,
) -> Result<ChatRequest, WireError> {
    parse_root(&Fields::new(body, "")?, model, stream)
}

fn parse_root(root: &Fields<'_>, model: &str, stream: bool) -> Result<ChatRequest, WireError> {
    if root.get("cachedContent").is_some() {
        return Err(WireError::unsupported(
            root.path("cachedContent"),
            "cached contents exist only at Google",
        ));
    }
    let contents = root
        .arr("contents")?
        .filter(|list| !list.is_empty())
        .ok_or_else(|| WireError::missing(root.path("contents")))?;
    let system = match root.get("systemInstruction") {
        Some(value) => parse_system(value, root.path("systemInstruction"))?,
        None => None,
    };
    let mut req = ChatRequest {
        model: model.strip_prefix("models/").unwrap_or(model).to_owned(),
        system,
        messages: parse_contents(contents, &root.path("contents"))?,
        stream,
        tools: parse_tools(root)?,
        tool_choice: parse_tool_choice(root)?,
        ..ChatRequest::default()
    };
    if let Some(config) = root.obj("generationConfig")? {
        parse_config(&config, &mut req)?;
    }
    req.hoist_leading_system();
    req.settle_tool_results();
    Ok(req)
}

/// Function declarations. Google's own tools offered next to them are left out (the model
/// cannot use them on another provider); a request offering only those wants one, which only
/// Gemini runs.
fn parse_tools(root: &Fields<'_>) -> Result<Vec<Tool>, WireError> {
    let mut tools = Vec::new();
    let mut google: Option<(String, String)> = None;
    let path = root.path("tools");
    for (i, tool) in root.arr("tools")?.into_iter().flatten().enumerate() {
        let tool = Fields::new(tool, index(&path, i))?;
        // One tool object may hold declarations and a Google tool together: the declarations
        // are kept either way.
        let declarations = tool.arr("functionDeclarations")?;
        if let Some(kind) = GOOGLE_TOOLS.iter().copied().find(|k| tool.get(k).is_some()) {
            let why = format!("the {kind} tool runs only on Gemini backends");
            google.get_or_insert((tool.here(), why));
        } else if declarations.is_none() && tool.keys().next().is_some() {
            let why = "this tool kind runs only on Gemini backends".to_owned();
            google.get_or_insert((tool.here(), why));
        }
        let list_path = tool.path("functionDeclarations");
        for (j, declaration) in declarations.into_iter().flatten().enumerate() {
            tools.push(parse_declaration(&Fields::new(
                declaration,
                index(&list_path, j),
            )?)?);
        }
    }
    match google {
        Some((at, why)) if tools.is_empty() => Err(WireError::unsupported(at, why)),
        _ => Ok(tools),
    }
}

/// What translation leaves out of a Gemini body: fields it does not read and Google's own tools
/// (listed at debug level by the gateway; same-format forwarding keeps everything).
pub fn dropped_fields(value: &Value) -> Vec<String> {
    let mut out = crate::json::unknown_keys(value, READ);
    let tools = value
        .get("tools")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    for (i, t) in tools.enumerate() {
        let kinds = t.as_object().into_iter().flat_map(|o| o.keys());
        for kind in kinds
            .filter(|k| !matches!(k.as_str(), "functionDeclarations" | "function_declarations"))
        {
            out.push(format!("tools[{i}] ({kind})"));
        }
    }
    out
}

/// Top-level fields translation reads (in either spelling).
const READ: &[&str] = &[
    "contents",
    "systemInstruction",
    "system_instruction",
    "tools",
    "toolConfig",
    "tool_config",
    "generationConfig",
    "generation_config",
];

fn parse_declaration(d: &Fields<'_>) -> Result<Tool, WireError> {
    let parameters = match (d.get("parametersJsonSchema"), d.get("parameters")) {
        (Some(schema), _) => schema.clone(),
        (None, Some(openapi)) => json_schema_from_openapi(openapi),
        (None, None) => json!({"type": "object", "properties": {}}),
    };
    Ok(Tool::function(
        d.req_str("name")?,
        d.str("description")?.map(str::to_owned),
        parameters,
    ))
}

fn parse_tool_choice(root: &Fields<'_>) -> Result<Option<ToolChoice>, WireError> {
    let Some(config) = root.obj("toolConfig")? else {
        return Ok(None);
    };
    let Some(calling) = config.obj("functionCallingConfig")? else {
        return Ok(None);
    };
    let Some(mode) = calling.str("mode")? else {
        return Ok(None);
    };
    Ok(Some(match mode.to_ascii_uppercase().as_str() {
        "MODE_UNSPECIFIED" => return Ok(None),
        "AUTO" | "VALIDATED" => ToolChoice::Auto,
        "NONE" => ToolChoice::None,
        "ANY" => {
            let allowed = string_or_list(
                calling.get("allowedFunctionNames"),
                &calling.path("allowedFunctionNames"),
            )?;
            match allowed.as_slice() {
                [only] => ToolChoice::Named(only.clone()),
                _ => ToolChoice::Required,
            }
        }
        _ => {
            return Err(WireError::invalid(
                calling.path("mode"),
                "expected AUTO, ANY, NONE or VALIDATED",
            ))
        }
    }))
}

fn parse_config(g: &Fields<'_>, req: &mut ChatRequest) -> Result<(), WireError> {
    if g.u32("candidateCount")?.is_some_and(|n| n > 1) {
        return Err(WireError::unsupported(
            g.path("candidateCount"),
            "only Gemini backends can produce several candidates",
        ));
    }
    let modalities = string_or_list(g.get("responseModalities"), &g.path("responseModalities"))?;
    if modalities.iter().any(|m| !m.eq_ignore_ascii_case("text")) {
        return Err(WireError::unsupported(
            g.path("responseModalities"),
            "only text output can be produced by other backends",
        ));
    }
    req.temperature = g.f64("temperature")?;
    req.top_p = g.f64("topP")?;
    req.max_tokens = g.u32("maxOutputTokens")?;
    req.stop = string_or_list(g.get("stopSequences"), &g.path("stopSequences"))?;
    req.reasoning = match g.obj("thinkingConfig")? {
        Some(thinking) => parse_thinking(&thinking)?,
        None => None,
    };
    req.format = parse_format(g)?;
    Ok(())
}

fn parse_thinking(t: &Fields<'_>) -> Result<Option<Reasoning>, WireError> {
    if let Some(budget) = t.i64("thinkingBudget")? {
        return match budget {
            -1 => Ok(Some(Reasoning::effort(Effort::Medium))),
            n if n >= 0 => Ok(Some(Reasoning::budget(
                u32::try_from(n).unwrap_or(u32::MAX),
            ))),
            _ => Err(WireError::invalid(
                t.path("thinkingBudget"),
                "expected -1 (dynamic), 0 (off) or a positive budget",
            )),
        };
    }
    let Some(level) = t.str("thinkingLevel")? else {
        return Ok(None);
    };
    if level.eq_ignore_ascii_case("thinking_level_unspecified") {
        return Ok(None);
    }
    Effort::parse(level)
        .map(|e| Some(Reasoning::effort(e)))
        .ok_or_else(|| {
            WireError::invalid(
                t.path("thinkingLevel"),
                "expected MINIMAL, LOW, MEDIUM or HIGH",
            )
        })
}

fn parse_format(g: &Fields<'_>) -> Result<Option<OutputFormat>, WireError> {
    match g.str("responseMimeType")? {
        None => return Ok(None),
        Some(mime) if mime.eq_ignore_ascii_case("text/plain") => return Ok(None),
        Some(mime) if mime.eq_ignore_ascii_case("application/json") => {}
        Some(_) => {
            return Err(WireError::unsupported(
                g.path("responseMimeType"),
                "expected text/plain or application/json",
            ))
        }
    }
    let schema = match (g.get("responseJsonSchema"), g.get("responseSchema")) {
        (Some(schema), _) => schema.clone(),
        (None, Some(openapi)) => json_schema_from_openapi(openapi),
        (None, None) => return Ok(Some(OutputFormat::Json)),
    };
    Ok(Some(OutputFormat::JsonSchema {
        name: "output".to_owned(),
        schema,
        strict: false,
    }))
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
