//! The responses of one socket a later `response.create` may continue
//! (`previous_response_id`): each one's whole input and its output items, the newest kept
//! always, older ones while all fit in the body limit (what one request may carry anyway).

use serde_json::Value;
use std::collections::VecDeque;

/// One response of the socket.
pub(crate) struct Turn {
    pub(crate) id: String,
    pub(crate) input: Vec<Value>,
    pub(crate) output: Vec<Value>,
    bytes: usize,
}

impl Turn {
    /// The conversation so far: its input, then what it answered.
    pub(crate) fn conversation(&self) -> impl Iterator<Item = &Value> {
        self.input.iter().chain(self.output.iter())
    }
}

pub(crate) struct History {
    turns: VecDeque<Turn>,
    limit: usize,
}

impl History {
    pub(crate) fn new(limit: usize) -> History {
        History {
            turns: VecDeque::new(),
            limit,
        }
    }

    /// The response `id` of this socket, if still kept.
    pub(crate) fn get(&self, id: &str) -> Option<&Turn> {
        self.turns.iter().rev().find(|t| t.id == id)
    }

    /// Keeps a response (`bytes`: about what its input and output weigh as JSON).
    pub(crate) fn keep(&mut self, id: String, input: Vec<Value>, output: Vec<Value>, bytes: usize) {
        self.turns.push_back(Turn {
            id,
            input,
            output,
            bytes,
        });
        while self.turns.len() > 1 && self.bytes() > self.limit {
            self.turns.pop_front();
        }
    }

    fn bytes(&self) -> usize {
        self.turns.iter().map(|t| t.bytes).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_newest_response_is_always_kept_and_older_ones_while_they_fit() {
        let mut h = History::new(100);
        h.keep("a".into(), vec![json!(1)], vec![json!(2)], 60);
        h.keep("b".into(), vec![json!(3)], vec![], 30);
        assert!(h.get("a").is_some() && h.get("b").is_some());
        h.keep("c".into(), vec![], vec![], 30);
        assert!(h.get("a").is_none(), "over the limit: the oldest goes");
        h.keep("big".into(), vec![], vec![], 500);
        assert!(h.get("big").is_some() && h.get("c").is_none());
        let turn = h.get("big").unwrap();
        assert_eq!(turn.conversation().count(), 0);
    }
}
