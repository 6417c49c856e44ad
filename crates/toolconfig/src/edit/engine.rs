//! The format-independent half of [`apply`], [`revert`] and [`read`]: the envelope, equality
//! checks against the live text, the order of undoing. Each format's engine does the key-level
//! text work behind [`Engine`].

use serde_json::Value;

use super::engine_of as engine;
use super::text::Envelope;
use super::{Applied, Change, Edit, EditError, Format, KeyPath, Layout, Record, Reverted};

/// One change made to the text.
pub(crate) struct Step {
    pub text: String,
    pub edit: Edit,
    /// Containers created on the way to the key, parents first.
    pub created: Vec<KeyPath>,
}

impl Step {
    /// `path` set to `value` in the new `text`; it held `previous` (absent: `None`).
    pub fn wrote(
        text: String,
        path: &[String],
        previous: Option<Value>,
        value: &Value,
        secret: bool,
        layout: Layout,
    ) -> Self {
        Self::new(text, path, previous, Some(value.clone()), secret, layout)
    }

    /// `path`, which held `previous`, taken out of the new `text`.
    pub fn removed(
        text: String,
        path: &[String],
        previous: Value,
        secret: bool,
        layout: Layout,
    ) -> Self {
        Self::new(text, path, Some(previous), None, secret, layout)
    }

    /// The same step, having created `created` (parents first) on the way to the key.
    pub fn creating(self, created: Vec<KeyPath>) -> Self {
        Self { created, ..self }
    }

    fn new(
        text: String,
        path: &[String],
        previous: Option<Value>,
        written: Option<Value>,
        secret: bool,
        layout: Layout,
    ) -> Self {
        let edit = Edit {
            path: path.to_vec(),
            previous,
            written,
            secret,
            layout,
        };
        Self {
            text,
            edit,
            created: Vec::new(),
        }
    }
}

/// What setting a key gives: the step, or why the text cannot take it.
pub(crate) type StepResult = Result<Step, EditError>;

/// A format's key-level operations. Texts passed in went through [`Envelope::open`] and
/// [`Engine::check`].
pub(crate) trait Engine {
    /// Fails with [`EditError::Parse`] when the text is not valid.
    fn check(&self, text: &str) -> Result<(), EditError>;
    fn read(&self, text: &str, path: &[String]) -> Result<Option<Value>, EditError>;
    /// Sets a key whose current value differs from `value`.
    fn set(&self, text: &str, path: &[String], value: &Value, secret: bool) -> StepResult;
    /// Removes a key; `None` when it is absent.
    fn remove(&self, text: &str, path: &[String], secret: bool) -> Result<Option<Step>, EditError>;
    /// Undoes `edit`; the key's live value is `edit.written`.
    fn undo(&self, text: &str, edit: &Edit) -> Result<String, EditError>;
    /// Removes the container at `path` when it exists and is empty.
    fn drop_if_empty(&self, text: &str, path: &[String]) -> Result<String, EditError>;
    /// Whether nothing is left of the document.
    fn is_blank(&self, text: &str) -> bool;
}

/// Applies `changes` in order to `original` (`None`: the file does not exist).
///
/// Nothing is returned unless every change succeeds. Setting a key to the value it already has
/// leaves the text alone but is still recorded (reverting it is a no-op).
pub fn apply(
    original: Option<&str>,
    format: Format,
    changes: &[Change],
) -> Result<Applied, EditError> {
    let source = original.unwrap_or("");
    let (envelope, mut text) = Envelope::open(source);
    let engine = engine(format);
    engine.check(&text)?;
    let mut record = Record {
        file_existed: original.is_some(),
        no_final_newline: envelope.missed_newline(),
        ..Record::default()
    };
    for change in changes {
        let path = change.path();
        if path.is_empty() {
            return Err(EditError::shape(path, "an edit needs a key"));
        }
        let step = match change {
            Change::Set {
                path,
                value,
                secret,
            } => {
                let current = engine.read(&text, path)?;
                if current.as_ref() == Some(value) {
                    record.edits.push(Edit {
                        path: path.clone(),
                        previous: current,
                        written: Some(value.clone()),
                        secret: *secret,
                        layout: Layout::default(),
                    });
                    continue;
                }
                Some(engine.set(&text, path, value, *secret)?)
            }
            // A key under something that is not an object/table is not there to remove.
            Change::Remove { path, secret } => match engine.remove(&text, path, *secret) {
                Err(EditError::Shape { .. }) => None,
                other => other?,
            },
        };
        if let Some(step) = step {
            text = step.text;
            record.edits.push(step.edit);
            record.created.extend(step.created);
        }
    }
    let text = envelope.close(text);
    Ok(Applied {
        changed: text != source,
        text,
        record,
    })
}

/// Undoes `record` on the live text (`None`: the file is gone, and stays gone).
///
/// Edits are undone newest first. A key whose live value is no longer the one we wrote (the
/// user changed or removed it, or re-added a key we removed) is left as it is and listed in
/// [`Reverted::kept`]. Containers we created are then removed if they are empty.
pub fn revert(live: Option<&str>, format: Format, record: &Record) -> Result<Reverted, EditError> {
    let Some(source) = live else {
        let kept = record
            .edits
            .iter()
            .filter(|e| e.previous.is_some() && e.previous != e.written)
            .map(|e| e.path.clone())
            .collect();
        return Ok(Reverted { text: None, kept });
    };
    let (envelope, mut text) = if record.no_final_newline {
        Envelope::open_bare(source)
    } else {
        Envelope::open(source)
    };
    let engine = engine(format);
    engine.check(&text)?;
    let mut kept: Vec<KeyPath> = Vec::new();
    for edit in record.edits.iter().rev() {
        if edit.previous == edit.written {
            continue;
        }
        // A key that can no longer be read as a value (the user made it a table, say) counts
        // as changed by the user.
        let now = engine.read(&text, &edit.path).ok().flatten();
        if now != edit.written {
            if !kept.contains(&edit.path) {
                kept.insert(0, edit.path.clone());
            }
            continue;
        }
        text = engine.undo(&text, edit)?;
    }
    for path in record.created.iter().rev() {
        text = engine.drop_if_empty(&text, path)?;
    }
    let blank = engine.is_blank(&text);
    let text = (record.file_existed || !blank).then(|| envelope.close(text));
    Ok(Reverted { text, kept })
}

/// The value at `path`, `None` when absent.
pub fn read(text: &str, format: Format, path: &[String]) -> Result<Option<Value>, EditError> {
    let (_, body) = Envelope::open(text);
    let engine = engine(format);
    engine.check(&body)?;
    engine.read(&body, path)
}
