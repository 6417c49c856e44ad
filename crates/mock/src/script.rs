//! Owns the scripted tool-call rules every generation endpoint shares (chat completions, messages,
//! Gemini generate / stream, responses), so that real coding agents can complete a tool round
//! trip against the mock. The rules are deterministic and evaluated per request, in order:
//!
//! 1. the conversation ends with a tool result → the text `Tool result: <output>` (output with
//!    whitespace collapsed, cut to [`RESULT_CHARS`] characters);
//! 2. the last user text contains `run: <command>` (case-insensitive; the rest of that line,
//!    trimmed, backticks removed) and a shell-like tool ([`SHELL_TOOLS`]) is declared → exactly
//!    one call of that tool, its arguments built from the tool's JSON schema ([`arguments`]);
//! 3. otherwise the demo reply ([`Reply::for_prompt`]).
//!
//! Format-specific parsing (which item is a tool result, where tools are declared) lives in
//! `convo`; rendering lives in each handler.

use serde_json::{json, Map, Value};

use crate::text::{self, Reply};

/// Characters of a tool's output quoted by rule 1.
pub(crate) const RESULT_CHARS: usize = 300;

/// Lowercase tool names taken for a shell; the first declared tool with one of them is called.
pub(crate) const SHELL_TOOLS: [&str; 10] = [
    "bash",
    "shell",
    "shell_command",
    "run_shell_command",
    "exec_command",
    "local_shell",
    "container.exec",
    "execute_command",
    "terminal",
    // Factory Droid's.
    "execute",
];

/// What a required argument the command does not fill gets when its type is a string.
const FILLER_TEXT: &str = "Run the requested command";

/// A tool the request declares, in any provider's format.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tool {
    /// The tool's name, as declared.
    pub name: String,
    /// Its description (empty if none).
    pub description: String,
    /// The JSON schema of its arguments (`Value::Null` when none is declared).
    pub schema: Value,
    /// A Responses `custom` tool: its input is free text, not JSON.
    pub freeform: bool,
}

/// One scripted tool call.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ToolCall {
    /// The called tool's name.
    pub name: String,
    /// The arguments object (a JSON-schema tool) or the command as a string (a freeform tool).
    pub arguments: Value,
    /// True for a Responses `custom` tool (the call is a `custom_tool_call`).
    pub freeform: bool,
}

impl ToolCall {
    /// The arguments as sent on the wire: JSON text, or the raw input of a freeform tool.
    pub(crate) fn text(&self) -> String {
        match (&self.arguments, self.freeform) {
            (Value::String(input), true) => input.clone(),
            (args, _) => args.to_string(),
        }
    }

    /// Output tokens the call costs: words of [`ToolCall::text`], at least 1.
    pub(crate) fn tokens(&self) -> u64 {
        text::count_words(&self.text()).max(1)
    }

    /// [`ToolCall::text`] in two streamed fragments (split at the middle character); concatenated
    /// they equal the whole.
    pub(crate) fn fragments(&self) -> [String; 2] {
        let whole = self.text();
        let middle = whole.chars().count() / 2;
        let at = whole
            .char_indices()
            .nth(middle)
            .map_or(whole.len(), |(i, _)| i);
        let (head, tail) = whole.split_at(at);
        [head.to_owned(), tail.to_owned()]
    }

    /// The arguments as a JSON object (Anthropic `input`, Gemini `args`); a freeform input
    /// becomes `{"input": …}`.
    pub(crate) fn object(&self) -> Value {
        match &self.arguments {
            Value::Object(_) => self.arguments.clone(),
            other => json!({ "input": other }),
        }
    }
}

/// What a generation request answers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Plan {
    /// Text: the tool-result echo or the demo reply.
    Text(Reply),
    /// Exactly one tool call and no text.
    Call(ToolCall),
}

impl Plan {
    /// Applies the rules (see the module docs). `tool_result` is the output of the tool result
    /// ending the conversation, `prompt` the last user text, `budget` the output token limit.
    pub(crate) fn decide(
        tool_result: Option<&str>,
        prompt: &str,
        tools: &[Tool],
        budget: Option<u64>,
    ) -> Plan {
        if let Some(output) = tool_result {
            let quoted: String = text::collapse(output).chars().take(RESULT_CHARS).collect();
            return Plan::Text(Reply::from_text(&format!("Tool result: {quoted}"), budget));
        }
        if let (Some(command), Some(tool)) = (command_in(prompt), shell_tool(tools)) {
            let arguments = if tool.freeform {
                Value::String(command)
            } else {
                arguments(&tool.schema, &command)
            };
            return Plan::Call(ToolCall {
                name: tool.name.clone(),
                arguments,
                freeform: tool.freeform,
            });
        }
        Plan::Text(Reply::for_prompt(prompt, budget))
    }

    /// Output tokens of the answer.
    pub(crate) fn tokens(&self) -> u64 {
        match self {
            Plan::Text(reply) => reply.tokens(),
            Plan::Call(call) => call.tokens(),
        }
    }

    /// Tokens to pace a non-streamed answer by (see [`crate::Latency::total_for`]).
    pub(crate) fn word_count(&self) -> usize {
        usize::try_from(self.tokens()).unwrap_or(usize::MAX)
    }

    /// True when the token budget cut a text answer short (a call is never cut).
    pub(crate) fn truncated(&self) -> bool {
        matches!(self, Plan::Text(reply) if reply.truncated())
    }
}

/// The command after the last `run: ` (any case) in `text`: the rest of that line, trimmed,
/// with wrapping backticks removed. `None` when there is no marker or the command is empty. The
/// last one, because clients put context before the prompt (Claude Code's skill list has a
/// line starting `- run:`).
pub(crate) fn command_in(text: &str) -> Option<String> {
    const MARKER: &str = "run: ";
    // ASCII lowercasing keeps byte offsets, so the index is valid in `text` too.
    let start = text.to_ascii_lowercase().rfind(MARKER)? + MARKER.len();
    let line = text.get(start..)?.lines().next().unwrap_or("");
    let command = line.trim().trim_matches('`').trim();
    (!command.is_empty()).then(|| command.to_owned())
}

/// The first declared tool whose lowercase name is one of [`SHELL_TOOLS`].
pub(crate) fn shell_tool(tools: &[Tool]) -> Option<&Tool> {
    tools
        .iter()
        .find(|t| SHELL_TOOLS.contains(&t.name.to_lowercase().as_str()))
}

/// Arguments running `command` for a tool with JSON `schema`: property `command` of type array
/// gets `["bash", "-lc", command]`, `command` of another type gets the command string, else
/// property `cmd` gets it, else property `input` (a freeform tool in function form), else
/// `command` does. Every other required property gets a filler:
/// string → "Run the requested command", boolean → false, integer / number → 60000 when its
/// name contains "timeout", else 1; array → [], object → {}. Types are read case-insensitively
/// (Gemini writes `STRING`), and an `enum` supplies its first value.
pub(crate) fn arguments(schema: &Value, command: &str) -> Value {
    let properties = schema.get("properties").and_then(Value::as_object);
    let property = |name: &str| properties.and_then(|p| p.get(name));
    let mut args = Map::new();
    let key = match (property("command"), property("cmd")) {
        (Some(p), _) if type_of(p) == "array" => {
            args.insert("command".into(), json!(["bash", "-lc", command]));
            "command"
        }
        (None, Some(_)) => {
            args.insert("cmd".into(), json!(command));
            "cmd"
        }
        // A freeform tool in function form (its one argument is `input`).
        (None, None) if property("input").is_some() => {
            args.insert("input".into(), json!(command));
            "input"
        }
        _ => {
            args.insert("command".into(), json!(command));
            "command"
        }
    };
    let required = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str);
    for name in required {
        if name != key && !args.contains_key(name) {
            args.insert(name.to_owned(), filler(name, property(name)));
        }
    }
    Value::Object(args)
}

/// The value a required property the command does not fill gets.
fn filler(name: &str, property: Option<&Value>) -> Value {
    let property = property.unwrap_or(&Value::Null);
    if let Some(first) = property
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|v| v.first())
    {
        return first.clone();
    }
    match type_of(property).as_str() {
        "boolean" => json!(false),
        "integer" | "number" if name.to_lowercase().contains("timeout") => json!(60000),
        "integer" | "number" => json!(1),
        "array" => json!([]),
        "object" => json!({}),
        _ => json!(FILLER_TEXT),
    }
}

/// A schema's lowercase `type`: the string, or the first non-"null" entry of a type list; empty
/// when none is declared.
fn type_of(schema: &Value) -> String {
    let declared = match schema.get("type") {
        Some(Value::String(t)) => Some(t.as_str()),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| !t.eq_ignore_ascii_case("null")),
        _ => None,
    };
    declared.unwrap_or_default().to_lowercase()
}

#[cfg(test)]
#[path = "script_tests.rs"]
mod tests;
