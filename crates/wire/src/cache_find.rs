//! Finds which canonical message holds each block a caller marked for caching, after the
//! conversation is built (hoisted and settled), for every format that has markers.
//!
//! Invariant: the cost is linear in the request. The conversation is indexed once, on the first
//! marked block, by what identifies a part (a text by its text, a tool result by its call id, a
//! tool call by its id), and each lookup is a hash probe plus a binary search; a marked system
//! message is placed by counting, since hoisting and settling never reorder system messages. A
//! rescan per marker made one request of many reordered marked turns cost the square of its
//! length (40,000 messages: 41 s).

use std::collections::HashMap;

use serde_json::Value;

use crate::canonical::{Message, Part, Role};

/// Where each identifiable part sits: ascending message indexes per identity.
struct Index<'a> {
    texts: HashMap<&'a str, Vec<usize>>,
    results: HashMap<&'a str, Vec<usize>>,
    calls: HashMap<&'a str, Vec<usize>>,
}

impl<'a> Index<'a> {
    fn new(messages: &'a [Message]) -> Self {
        let mut index = Index {
            texts: HashMap::new(),
            results: HashMap::new(),
            calls: HashMap::new(),
        };
        for (i, m) in messages.iter().enumerate() {
            for p in &m.content {
                let (map, key) = match p {
                    Part::Text(t) => (&mut index.texts, t.as_str()),
                    Part::ToolResult { call_id, .. } => (&mut index.results, call_id.as_str()),
                    Part::ToolCall { id, .. } => (&mut index.calls, id.as_str()),
                    _ => continue,
                };
                let at = map.entry(key).or_default();
                if at.last() != Some(&i) {
                    at.push(i);
                }
            }
        }
        index
    }
}

/// Walks a request's original messages in order and collects the breakpoints.
pub(crate) struct Finder<'a> {
    messages: &'a [Message],
    index: Option<Index<'a>>,
    /// Indexes of the [`Role::System`] messages left in place, in order.
    systems: Vec<usize>,
    /// No non-system message seen yet: a system message now is hoisted into the prompt.
    leading: bool,
    /// In-place system messages seen so far.
    system_count: usize,
    cursor: usize,
    /// A breakpoint ends the system prompt.
    pub(crate) system: bool,
    found: Vec<usize>,
}

impl<'a> Finder<'a> {
    /// A finder over the canonical conversation `messages`.
    pub(crate) fn new(messages: &'a [Message]) -> Self {
        Finder {
            messages,
            index: None,
            systems: Vec::new(),
            leading: true,
            system_count: 0,
            cursor: 0,
            system: false,
            found: Vec::new(),
        }
    }

    /// A system-role message: `kept` when the reader kept it (its text is not empty), `marked`
    /// when it carries a marker.
    pub(crate) fn system_message(&mut self, kept: bool, marked: bool) {
        if self.leading {
            self.system |= marked && kept;
            return;
        }
        if !kept {
            return;
        }
        if marked {
            if self.systems.is_empty() {
                self.systems = (self.messages.iter().enumerate())
                    .filter(|(_, m)| m.role == Role::System)
                    .map(|(i, _)| i)
                    .collect();
            }
            if let Some(&i) = self.systems.get(self.system_count) {
                self.found.push(i);
            }
        }
        self.system_count += 1;
    }

    /// Any other message; `blocks` are its blocks up to and including the last marked one
    /// (empty when none is marked). The marked block, else the nearest block before it that
    /// can be found, places the breakpoint.
    pub(crate) fn other_message(&mut self, blocks: &[Value]) {
        self.leading = false;
        if blocks.is_empty() {
            return;
        }
        let messages = self.messages;
        let index = self.index.get_or_insert_with(|| Index::new(messages));
        let cursor = self.cursor;
        if let Some(i) = blocks.iter().rev().find_map(|b| lookup(index, b, cursor)) {
            self.cursor = i;
            self.found.push(i);
        }
    }

    /// The breakpoints found, ascending, each once.
    pub(crate) fn finish(mut self) -> (bool, Vec<usize>) {
        self.found.sort_unstable();
        self.found.dedup();
        (self.system, self.found)
    }
}

/// The message holding `block`: its first holder at or after `cursor` (the conversation keeps
/// its order), else the last before it (settling moves tool results up).
fn lookup(index: &Index<'_>, block: &Value, cursor: usize) -> Option<usize> {
    let text = |key: &str| block.get(key).and_then(Value::as_str);
    let at = match block.get("type").and_then(Value::as_str)? {
        "text" => index.texts.get(text("text")?)?,
        "tool_result" => index.results.get(text("tool_use_id")?)?,
        "tool_use" => index.calls.get(text("id")?)?,
        _ => return None,
    };
    let after = at.partition_point(|&i| i < cursor);
    at.get(after)
        .or_else(|| after.checked_sub(1).and_then(|b| at.get(b)))
        .copied()
}

/// Whether a block, part or tool asks for a breakpoint (`cache_control`, Anthropic's member
/// and OpenRouter's).
pub(crate) fn marked(block: &Value) -> bool {
    block.get("cache_control").is_some_and(Value::is_object)
}

/// Whether a reader keeps a system message with this `content`: its text blocks, joined with a
/// blank line, are not empty (the readers drop empty ones).
pub(crate) fn system_kept(content: Option<&Value>) -> bool {
    match content {
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(blocks)) => {
            blocks.len() > 1
                || blocks
                    .first()
                    .and_then(|b| b.get("text"))
                    .and_then(Value::as_str)
                    .is_some_and(|t| !t.is_empty())
        }
        _ => false,
    }
}

/// A message's blocks up to and including its last marked one; empty when none is marked or
/// its content is a string.
pub(crate) fn up_to_last_marked(content: Option<&Value>) -> &[Value] {
    match content {
        Some(Value::Array(blocks)) => match blocks.iter().rposition(marked) {
            Some(last) => &blocks[..=last],
            None => &[],
        },
        _ => &[],
    }
}
