//! The tools of a Responses request: function and freeform (`custom`) tools, which every format
//! can carry — also when grouped in a `namespace` (its tools are offered one by one, and
//! [`super::ResponseContext`] puts the namespace back on their calls); built-in tools (web
//! search, file search, computer use, tool search), which only OpenAI serves; and
//! `tool_choice`. Also what translation leaves out of a body.

use serde_json::{json, Value};

use crate::canonical::{Tool, ToolChoice};
use crate::error::WireError;
use crate::json::{index, Obj};

/// Function and custom tools. Built-in tools offered next to them are left out (the model just
/// cannot use web search on another provider: Codex offers it with every request); a request
/// offering only built-in tools wants one of them, which only OpenAI serves.
pub(crate) fn parse_tools(root: &Obj<'_>) -> Result<Vec<Tool>, WireError> {
    let mut tools = Vec::new();
    let mut built_in = None;
    for (i, t) in root.arr("tools")?.into_iter().flatten().enumerate() {
        let t = Obj::new(t, index("tools", i))?;
        if t.str("type")? == Some("namespace") {
            for (j, inner) in t.arr("tools")?.into_iter().flatten().enumerate() {
                let inner = Obj::new(inner, index(&t.path("tools"), j))?;
                if let Some(tool) = parse_tool(&inner)? {
                    tools.push(tool);
                }
            }
            continue;
        }
        match parse_tool(&t)? {
            Some(tool) => tools.push(tool),
            None => built_in = built_in.or(Some(i)),
        }
    }
    // Namespaces may each hold a tool of the same name; flattened, they could not be told apart.
    for (i, t) in tools.iter().enumerate() {
        if tools[..i].iter().any(|earlier| earlier.name == t.name) {
            return Err(WireError::unsupported(
                "tools",
                "two namespaces offer a tool of the same name, which only OpenAI tells apart",
            ));
        }
    }
    match built_in {
        Some(i) if tools.is_empty() => Err(WireError::unsupported(
            format!("tools[{i}].type"),
            "built-in tools (web search, file search, computer use, …) are served only by OpenAI backends",
        )),
        _ => Ok(tools),
    }
}

/// A function or custom tool; `None` for a built-in one.
fn parse_tool(t: &Obj<'_>) -> Result<Option<Tool>, WireError> {
    Ok(Some(match t.req_str("type")? {
        "function" => Tool::function(
            t.req_str("name")?,
            t.str("description")?.map(str::to_owned),
            t.get("parameters")
                .cloned()
                .unwrap_or_else(|| json!({"type": "object", "properties": {}})),
        ),
        "custom" => Tool::freeform(t.req_str("name")?, t.str("description")?.map(str::to_owned)),
        _ => return Ok(None),
    }))
}

/// What translation leaves out of a Responses body: fields it does not read and built-in tools
/// (listed at debug level by the gateway; same-format forwarding keeps everything).
pub fn dropped_fields(value: &Value) -> Vec<String> {
    let mut out = crate::json::unknown_keys(value, READ);
    if let Some(Value::Array(tools)) = value.get("tools") {
        for (i, t) in tools.iter().enumerate() {
            let kind = t.get("type").and_then(Value::as_str).unwrap_or_default();
            if !matches!(kind, "function" | "custom" | "namespace") {
                out.push(format!("tools[{i}] ({kind})"));
            }
        }
    }
    out
}

/// Top-level fields translation reads.
const READ: &[&str] = &[
    "model",
    "input",
    "instructions",
    "tools",
    "tool_choice",
    "parallel_tool_calls",
    "max_output_tokens",
    "temperature",
    "top_p",
    "reasoning",
    "text",
    "stream",
    "user",
    "safety_identifier",
    "prompt_cache_key",
];

pub(crate) fn parse_tool_choice(root: &Obj<'_>) -> Result<Option<ToolChoice>, WireError> {
    let choice = match root.get("tool_choice") {
        None => return Ok(None),
        Some(Value::String(s)) => crate::openai::tool_choice_keyword(s).ok_or_else(|| {
            WireError::invalid(
                "tool_choice",
                "expected auto, none, required or a tool object",
            )
        })?,
        Some(_) => {
            let obj = root
                .obj("tool_choice")?
                .ok_or_else(|| WireError::missing("tool_choice"))?;
            match obj.req_str("type")? {
                "function" | "custom" => ToolChoice::Named(obj.req_str("name")?.to_owned()),
                "allowed_tools" => match obj.str("mode")? {
                    Some("required") => ToolChoice::Required,
                    _ => ToolChoice::Auto,
                },
                _ => {
                    return Err(WireError::unsupported(
                        obj.path("type"),
                        "forcing a built-in tool works only on OpenAI backends",
                    ))
                }
            }
        }
    };
    Ok(Some(choice))
}

/// Each tool grouped in a `namespace` tool, with its namespace: (tool name, namespace).
pub(crate) fn namespaces(body: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let tools = body
        .get("tools")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    for ns in tools.filter(|t| t.get("type").and_then(Value::as_str) == Some("namespace")) {
        let Some(ns_name) = ns.get("name").and_then(Value::as_str) else {
            continue;
        };
        for inner in ns
            .get("tools")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(name) = inner.get("name").and_then(Value::as_str) {
                out.push((name.to_owned(), ns_name.to_owned()));
            }
        }
    }
    out
}
