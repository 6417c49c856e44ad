//! Owns reading a request's conversation in each provider's format into one [`Conversation`]:
//! the text of each message (for the demo reply), the declared tools, whether the conversation
//! ends with a tool result (and its output), and prompt-token counting. The scripted answer
//! itself is decided in `script`.
//!
//! Counting (one word is one token): every message's text plus 3 per message, the system text,
//! the words of tool results and tool-call arguments inside the conversation, and the words of
//! each declared tool's name and description.

use serde_json::Value;

use crate::script::{Plan, Tool};
use crate::text;

/// A conversation, whatever the wire format it came in.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Conversation {
    /// `(role, text)` of each message, text blocks only (tool blocks contribute nothing).
    pub messages: Vec<(String, String)>,
    /// The system prompt / instructions text.
    pub system: String,
    /// The declared tools, in order.
    pub tools: Vec<Tool>,
    /// The output of the tool result(s) ending the conversation, if it ends with one.
    pub tool_result: Option<String>,
    /// Words of tool results and tool-call arguments anywhere in the conversation.
    tool_words: u64,
}

impl Conversation {
    /// Prompt tokens (see the module docs).
    pub(crate) fn prompt_tokens(&self) -> u64 {
        let declared: u64 = self
            .tools
            .iter()
            .map(|t| text::count_words(&t.name) + text::count_words(&t.description))
            .sum();
        text::prompt_tokens(self.messages.iter().map(|(_, t)| t.as_str()), &self.system)
            + self.tool_words
            + declared
    }

    /// The scripted answer for this conversation with an output budget of `budget` tokens.
    pub(crate) fn plan(&self, budget: Option<u64>) -> Plan {
        Plan::decide(
            self.tool_result.as_deref(),
            text::last_user_text(&self.messages),
            &self.tools,
            budget,
        )
    }

    /// An OpenAI chat conversation: `(role, message)` pairs (the message object, for `content`
    /// and `tool_calls`) and `tools` (`[{type:"function", function:{name, description,
    /// parameters}}]`). A trailing `tool` message is a tool result.
    pub(crate) fn chat(messages: &[(&str, &Value)], tools: &[Value]) -> Self {
        let mut convo = Conversation::default();
        for (role, message) in messages {
            let calls = message.get("tool_calls").and_then(Value::as_array);
            for call in calls.into_iter().flatten() {
                convo.tool_words += words_at(call, &["function", "arguments"]);
            }
            let content = message.get("content").unwrap_or(&Value::Null);
            convo.push(role, text::content_text(content));
        }
        if let Some((_, last)) = messages.last().filter(|(role, _)| *role == "tool") {
            convo.tool_result = Some(output_text(last.get("content").unwrap_or(&Value::Null)));
        }
        convo.tools = tools
            .iter()
            .filter_map(|t| t.get("function"))
            .filter_map(|f| json_tool(f, &["parameters"]))
            .collect();
        convo
    }

    /// An Anthropic conversation: `(role, content)` pairs, `system` (string or text blocks) and
    /// `tools` (`[{name, description, input_schema}]`). A trailing user message with
    /// `tool_result` blocks is a tool result (their outputs joined by newlines).
    pub(crate) fn anthropic(messages: &[(&str, &Value)], system: &Value, tools: &[Value]) -> Self {
        let mut convo = Conversation {
            system: text::content_text(system),
            ..Conversation::default()
        };
        let mut last_results = Vec::new();
        for (role, content) in messages {
            last_results.clear();
            for block in content.as_array().into_iter().flatten() {
                match block.get("type").and_then(Value::as_str) {
                    Some("tool_result") => {
                        let output = output_text(block.get("content").unwrap_or(&Value::Null));
                        convo.tool_words += text::count_words(&output);
                        last_results.push(output);
                    }
                    Some("tool_use") => {
                        let input = block.get("input").map(Value::to_string).unwrap_or_default();
                        convo.tool_words += text::count_words(&input);
                    }
                    _ => {}
                }
            }
            convo.push(role, text::content_text(content));
        }
        let ends_with_user = messages.last().is_some_and(|(role, _)| *role == "user");
        if ends_with_user && !last_results.is_empty() {
            convo.tool_result = Some(last_results.join("\n"));
        }
        convo.tools = tools
            .iter()
            .filter_map(|t| json_tool(t, &["input_schema"]))
            .collect();
        convo
    }

    /// A Gemini conversation: `(role, parts)` of each content (role `user` when absent), the
    /// system instruction's parts and `tools` (`[{functionDeclarations: [{name, description,
    /// parameters | parametersJsonSchema}]}]`, snake_case too). A trailing content with
    /// `functionResponse` parts is a tool result.
    pub(crate) fn gemini(contents: &[(&str, &[Value])], system: &[Value], tools: &[Value]) -> Self {
        let mut convo = Conversation {
            system: parts_text(system),
            ..Conversation::default()
        };
        let mut last_results = Vec::new();
        for (role, parts) in contents {
            last_results.clear();
            for part in *parts {
                if let Some(call) = part.get("functionCall") {
                    let args = call.get("args").map(Value::to_string).unwrap_or_default();
                    convo.tool_words += text::count_words(&args);
                }
                if let Some(response) = part.get("functionResponse") {
                    let output = function_response_text(response);
                    convo.tool_words += text::count_words(&output);
                    last_results.push(output);
                }
            }
            convo.push(role, parts_text(parts));
        }
        if !last_results.is_empty() {
            convo.tool_result = Some(last_results.join("\n"));
        }
        convo.tools = tools
            .iter()
            .filter_map(|t| {
                t.get("functionDeclarations")
                    .or_else(|| t.get("function_declarations"))
            })
            .filter_map(Value::as_array)
            .flatten()
            .filter_map(|d| {
                let keys = [
                    "parameters",
                    "parametersJsonSchema",
                    "parameters_json_schema",
                ];
                json_tool(d, &keys)
            })
            .collect();
        convo
    }

    /// A Responses conversation: `input` (a string, or an array of items), `instructions` and
    /// flat `tools` (`{type:"function", name, description, parameters}` or `{type:"custom",
    /// name, …}`). A trailing `function_call_output` / `custom_tool_call_output` item is a tool
    /// result; `reasoning` and unknown items are ignored.
    pub(crate) fn responses(input: &Value, instructions: &Value, tools: &[Value]) -> Self {
        let mut convo = Conversation {
            system: item_text(instructions),
            ..Conversation::default()
        };
        if let Value::String(prompt) = input {
            convo.push("user", prompt.clone());
        }
        let items = input.as_array().map(Vec::as_slice).unwrap_or_default();
        for item in items {
            match item.get("type").and_then(Value::as_str) {
                None | Some("message") => {
                    let role = item.get("role").and_then(Value::as_str).unwrap_or("user");
                    convo.push(role, item_text(item.get("content").unwrap_or(&Value::Null)));
                }
                Some("function_call") => convo.tool_words += words_at(item, &["arguments"]),
                Some("custom_tool_call") => convo.tool_words += words_at(item, &["input"]),
                Some("function_call_output" | "custom_tool_call_output") => {
                    let output = output_text(item.get("output").unwrap_or(&Value::Null));
                    convo.tool_words += text::count_words(&output);
                }
                _ => {}
            }
        }
        let last = items.last().filter(|item| {
            matches!(
                item.get("type").and_then(Value::as_str),
                Some("function_call_output" | "custom_tool_call_output")
            )
        });
        convo.tool_result = last.map(|i| output_text(i.get("output").unwrap_or(&Value::Null)));
        convo.tools = tools
            .iter()
            .filter_map(|t| match t.get("type").and_then(Value::as_str) {
                Some("function") => json_tool(t, &["parameters"]),
                Some("custom") => json_tool(t, &[]).map(|tool| Tool {
                    freeform: true,
                    ..tool
                }),
                _ => None,
            })
            .collect();
        convo
    }

    fn push(&mut self, role: &str, text: String) {
        self.messages.push((role.to_owned(), text));
    }
}

/// A JSON-schema tool from an object with `name`, `description` and its schema under the first
/// of `schema_keys` present. `None` without a name.
fn json_tool(declaration: &Value, schema_keys: &[&str]) -> Option<Tool> {
    let name = declaration.get("name")?.as_str()?.to_owned();
    let field = |key: &str| declaration.get(key).filter(|v| !v.is_null());
    Some(Tool {
        name,
        description: field("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        schema: schema_keys
            .iter()
            .find_map(|k| field(k))
            .cloned()
            .unwrap_or(Value::Null),
        freeform: false,
    })
}

/// Words of the string (or JSON) found at `path` inside `value`; 0 if absent.
fn words_at(value: &Value, path: &[&str]) -> u64 {
    let found = path.iter().try_fold(value, |v, key| v.get(key));
    found.map_or(0, |v| text::count_words(&output_text(v)))
}

/// The text of a tool's output: a string as is; an array of parts → their `text` (or string
/// entries) joined by newlines; null → empty; any other JSON → its JSON text.
pub(crate) fn output_text(output: &Value) -> String {
    match output {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p.as_str().or_else(|| p.get("text").and_then(Value::as_str)))
            .collect::<Vec<_>>()
            .join("\n"),
        other => other.to_string(),
    }
}

/// The output of a Gemini `functionResponse`: `response.output`, else `response.content`, else
/// `response.result`, else the whole `response` as JSON text.
fn function_response_text(function_response: &Value) -> String {
    let response = function_response.get("response").unwrap_or(&Value::Null);
    ["output", "content", "result"]
        .iter()
        .find_map(|k| response.get(k))
        .map_or_else(|| output_text(response), output_text)
}

/// The text of Gemini parts: every `text` part, joined by newlines.
pub(crate) fn parts_text(parts: &[Value]) -> String {
    parts
        .iter()
        .filter_map(|p| p.get("text").and_then(Value::as_str))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The text of Responses message content or instructions: a string, or the `text` of every
/// `input_text` / `output_text` / `text` part (joined by newlines); images and the rest are
/// skipped. An array of message items (instructions may be one) gives their texts.
pub(crate) fn item_text(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| match p.get("type").and_then(Value::as_str) {
                Some("input_text" | "output_text" | "text") => {
                    p.get("text").and_then(Value::as_str).map(str::to_owned)
                }
                None | Some("message") => p.get("content").map(item_text),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

#[cfg(test)]
#[path = "convo_tests.rs"]
mod tests;
