//! Normalizations every parser applies to a [`ChatRequest`], so the same conversation reads
//! the same whichever format said it and renders validly in every other: leading system
//! messages become the system prompt; tool results follow the calls they answer. Also the
//! views renderers need (the merged system prompt, the freeform tools).

use crate::canonical::{ChatRequest, Message, Part, Role};

impl ChatRequest {
    /// Moves system messages at the start of `messages` into [`ChatRequest::system`] (after any
    /// system text already there), so a conversation reads the same whichever format said it.
    pub fn hoist_leading_system(&mut self) {
        let leading = self
            .messages
            .iter()
            .take_while(|m| m.role == Role::System)
            .count();
        if leading == 0 {
            return;
        }
        let mut texts: Vec<String> = self.system.take().into_iter().collect();
        for m in self.messages.drain(..leading) {
            let text = m.joined_text();
            if !text.is_empty() {
                texts.push(text);
            }
        }
        self.system = (!texts.is_empty()).then(|| texts.join("\n\n"));
    }

    /// Puts every tool result answering an assistant's calls right after that assistant
    /// message, before any other user content of the same turn (an image a tool returned, a
    /// user's text written next to the results). Chat Completions requires the `tool` messages
    /// to follow the calls directly, and Anthropic and Gemini put results first in their turn;
    /// the parsers call this so every format renders a valid turn.
    pub fn settle_tool_results(&mut self) {
        let mut i = 0;
        while i < self.messages.len() {
            let calls = self.messages[i].role == Role::Assistant
                && self.messages[i]
                    .content
                    .iter()
                    .any(|p| matches!(p, Part::ToolCall { .. }));
            i += 1;
            if !calls {
                continue;
            }
            let end = self.messages[i..]
                .iter()
                .position(|m| !matches!(m.role, Role::Tool | Role::User))
                .map_or(self.messages.len(), |n| i + n);
            let run: Vec<Message> = self.messages.drain(i..end).collect();
            let (tools, users): (Vec<Message>, Vec<Message>) =
                run.into_iter().partition(|m| m.role == Role::Tool);
            let mut settled: Vec<Message> = Vec::new();
            for m in tools.into_iter().chain(users) {
                match settled.last_mut() {
                    Some(last) if last.role == m.role => last.content.extend(m.content),
                    _ => settled.push(m),
                }
            }
            let n = settled.len();
            self.messages.splice(i..i, settled);
            i += n;
        }
    }

    /// The system prompt and every later system message, joined with blank lines: what a format
    /// without in-conversation system messages (Anthropic, Gemini) sends as its system prompt.
    pub fn merged_system(&self) -> Option<String> {
        let texts: Vec<String> = self
            .system
            .iter()
            .cloned()
            .chain(
                self.messages
                    .iter()
                    .filter(|m| m.role == Role::System)
                    .map(Message::joined_text),
            )
            .filter(|t| !t.is_empty())
            .collect();
        (!texts.is_empty()).then(|| texts.join("\n\n"))
    }

    /// Names of the freeform ([`Tool::custom`]) tools, which a Responses caller expects back as
    /// `custom_tool_call` items.
    pub fn custom_tool_names(&self) -> Vec<String> {
        self.tools
            .iter()
            .filter(|t| t.custom)
            .map(|t| t.name.clone())
            .collect()
    }
}

/// One turn's parts as messages in order: tool results form `Role::Tool` messages, every other
/// run of parts a message with the turn's `role`.
pub(crate) fn split_tool_results(role: Role, parts: Vec<Part>) -> Vec<Message> {
    let mut runs: Vec<Message> = Vec::new();
    for part in parts {
        let part_role = match part {
            Part::ToolResult { .. } => Role::Tool,
            _ => role,
        };
        match runs.last_mut() {
            Some(last) if last.role == part_role => last.content.push(part),
            _ => runs.push(Message {
                role: part_role,
                content: vec![part],
            }),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(id: &str) -> Part {
        Part::ToolCall {
            id: id.into(),
            name: "f".into(),
            arguments_json: "{}".into(),
        }
    }

    fn result(id: &str) -> Message {
        Message {
            role: Role::Tool,
            content: vec![Part::ToolResult {
                call_id: id.into(),
                content: "r".into(),
                is_error: false,
            }],
        }
    }

    #[test]
    fn tool_results_are_settled_right_after_the_calls_they_answer() {
        let image = Message {
            role: Role::User,
            content: vec![Part::Text("[image]".into())],
        };
        let mut req = ChatRequest {
            messages: vec![
                Message::text(Role::User, "read both"),
                Message {
                    role: Role::Assistant,
                    content: vec![call("a"), call("b")],
                },
                image.clone(),
                result("a"),
                image.clone(),
                result("b"),
                Message::text(Role::Assistant, "done"),
            ],
            ..ChatRequest::default()
        };
        req.settle_tool_results();
        let roles: Vec<Role> = req.messages.iter().map(|m| m.role).collect();
        assert_eq!(
            roles,
            [
                Role::User,
                Role::Assistant,
                Role::Tool,
                Role::User,
                Role::Assistant
            ],
            "results first (merged), then the turn's other content, as Chat Completions requires"
        );
        assert_eq!(req.messages[2].content.len(), 2);
        assert_eq!(req.messages[3].content.len(), 2);
    }

    #[test]
    fn conversations_without_calls_are_left_alone() {
        let mut req = ChatRequest {
            messages: vec![
                Message::text(Role::User, "a"),
                Message::text(Role::Assistant, "b"),
                Message::text(Role::User, "c"),
            ],
            ..ChatRequest::default()
        };
        let before = req.clone();
        req.settle_tool_results();
        assert_eq!(req, before);
    }
}
