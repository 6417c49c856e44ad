//! The state every stream encoder keeps the same way: the id and model the source's `Start`
//! named, whether the stream has begun (its head written, so later `Start`s are ignored and an
//! unnamed stream gets a fallback id), and whether it has ended (after which nothing is written).

/// Where one encoded stream is: named, begun, ended.
#[derive(Debug, Default)]
pub(crate) struct StreamState {
    id: String,
    model: String,
    begun: bool,
    ended: bool,
}

impl StreamState {
    /// The stream's id: the `Start`'s, or the fallback once begun without one.
    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    /// The model the `Start` named (empty when none did).
    pub(crate) fn model(&self) -> &str {
        &self.model
    }

    /// Takes a `Start`'s id and model, unless the stream has already begun.
    pub(crate) fn name(&mut self, id: &str, model: &str) {
        if !self.begun {
            id.clone_into(&mut self.id);
            model.clone_into(&mut self.model);
        }
    }

    /// Begins the stream: true only the first time, when an empty id becomes `fallback_id`.
    pub(crate) fn begin(&mut self, fallback_id: &str) -> bool {
        if self.begun {
            return false;
        }
        self.begun = true;
        if self.id.is_empty() {
            fallback_id.clone_into(&mut self.id);
        }
        true
    }

    /// Ends the stream: true only the first time.
    pub(crate) fn end(&mut self) -> bool {
        !std::mem::replace(&mut self.ended, true)
    }

    /// Whether the stream has ended (finished, or cut by an error).
    pub(crate) fn ended(&self) -> bool {
        self.ended
    }
}
