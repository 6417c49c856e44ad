//! Inbound Gemini `contents` and `systemInstruction` → canonical messages.
//!
//! Invariants:
//! - Roles: `user` (or no role, or the legacy `function`) → [`Role::User`], `model` →
//!   [`Role::Assistant`]. Inside one content, `functionResponse` parts become
//!   [`Part::ToolResult`]s in [`Role::Tool`] messages and the other parts stay in the content's
//!   role, split into runs in order (as the Anthropic parser does). A content without any
//!   `parts` is refused (`MissingField`, as Gemini does). A content left with no parts
//!   (only thoughts, say) is dropped: Gemini itself rejects such contents.
//! - Parts: `text` (empty texts and `thought: true` parts skipped), `inlineData` (image, audio,
//!   else a file), `fileData` (an image or file URL; Files-API URIs are passed on as URLs),
//!   `functionCall` (model contents only), `functionResponse` (user contents only; media in its
//!   `parts` follow it as user content). Code execution and server-side tool records are
//!   unsupported; metadata (`thoughtSignature`, `videoMetadata`, …) is ignored.
//! - Call ids are unique within the request: a `functionCall` keeps its own `id` unless an
//!   earlier call already has it, else gets `call_<k>` (k = its ordinal in the conversation,
//!   suffixed `_<n>` if a client id already took that). A `functionResponse` answers the earliest
//!   unanswered call whose own or assigned id equals its `id`, else the earliest unanswered call
//!   with its `name`; with neither it is an error (a result for no call cannot be translated).

use serde_json::Value;

use crate::canonical::{FilePart, FileSource, ImageSource, Message, Part, Role};
use crate::conversation::split_tool_results;
use crate::error::WireError;
use crate::json::index;
use crate::media::{audio_format, is_image, media_type_of};

use super::fields::{snake_case, Fields};

/// Part fields that carry no content of their own.
const METADATA: [&str; 5] = [
    "thought",
    "thoughtSignature",
    "videoMetadata",
    "partMetadata",
    "mediaResolution",
];

/// A function call seen so far in the conversation.
struct Call {
    /// The call's own `id`, if it had one.
    given: Option<String>,
    name: String,
    /// The canonical id assigned to it.
    id: String,
    answered: bool,
}

/// The conversation being read: the calls so far, for id assignment and result pairing.
#[derive(Default)]
struct Conversation {
    calls: Vec<Call>,
    messages: Vec<Message>,
}

/// Parses `contents` (at `path`) into messages.
pub(super) fn parse_contents(list: &[Value], path: &str) -> Result<Vec<Message>, WireError> {
    let mut conv = Conversation::default();
    for (i, content) in list.iter().enumerate() {
        conv.content(&Fields::new(content, index(path, i))?)?;
    }
    Ok(conv.messages)
}

/// `systemInstruction`: a Content (its role ignored) or, leniently, a string; text parts joined
/// with a blank line. `None` when it holds no text.
pub(super) fn parse_system(value: &Value, path: String) -> Result<Option<String>, WireError> {
    let text = match value {
        Value::String(s) => s.clone(),
        _ => {
            let content = Fields::new(value, path)?;
            let mut texts = Vec::new();
            for (j, part) in content.arr("parts")?.into_iter().flatten().enumerate() {
                let part = Fields::new(part, index(&content.path("parts"), j))?;
                if part.bool("thought")? == Some(true) {
                    continue;
                }
                match part.str("text")? {
                    Some(text) if !text.is_empty() => texts.push(text),
                    Some(_) => {}
                    None if only_metadata(&part) => {}
                    None => {
                        return Err(WireError::unsupported(
                            part.path("text"),
                            "systemInstruction may hold text parts only",
                        ))
                    }
                }
            }
            texts.join("\n\n")
        }
    };
    Ok((!text.is_empty()).then_some(text))
}

impl Conversation {
    fn content(&mut self, content: &Fields<'_>) -> Result<(), WireError> {
        let role = match content.str("role")? {
            None | Some("user" | "function") => Role::User,
            Some("model") => Role::Assistant,
            Some(_) => {
                return Err(WireError::invalid(
                    content.path("role"),
                    "expected user or model",
                ))
            }
        };
        let mut parts = Vec::new();
        let list = content.arr("parts")?;
        if list.is_none_or(|l| l.is_empty()) {
            // Gemini refuses a turn without parts; so does Switchyard, naming it.
            return Err(WireError::missing(content.path("parts")));
        }
        for (j, part) in list.into_iter().flatten().enumerate() {
            let part = Fields::new(part, index(&content.path("parts"), j))?;
            self.part(&part, role, &mut parts)?;
        }
        self.messages.extend(split_tool_results(role, parts));
        Ok(())
    }

    fn part(&mut self, p: &Fields<'_>, role: Role, out: &mut Vec<Part>) -> Result<(), WireError> {
        if p.bool("thought")? == Some(true) {
            return Ok(());
        }
        if let Some(text) = p.str("text")? {
            if !text.is_empty() {
                out.push(Part::Text(text.to_owned()));
            }
        } else if let Some(media) = media(p)? {
            out.push(media);
        } else if let Some(call) = p.obj("functionCall")? {
            if role != Role::Assistant {
                return Err(WireError::invalid(
                    p.path("functionCall"),
                    "functionCall parts belong in model contents",
                ));
            }
            let name = call.req_str("name")?;
            out.push(Part::ToolCall {
                id: self.add_call(call.str("id")?, name),
                name: name.to_owned(),
                arguments_json: call
                    .get("args")
                    .map_or_else(|| "{}".to_owned(), Value::to_string),
            });
        } else if let Some(response) = p.obj("functionResponse")? {
            if role != Role::User {
                return Err(WireError::invalid(
                    p.path("functionResponse"),
                    "functionResponse parts belong in user contents",
                ));
            }
            self.function_response(&response, out)?;
        } else if p.get("executableCode").is_some() || p.get("codeExecutionResult").is_some() {
            return Err(WireError::unsupported(
                p.here(),
                "code execution runs only on Gemini backends",
            ));
        } else if !only_metadata(p) {
            return Err(WireError::unsupported(
                p.here(),
                "part kind is not supported (text, inlineData, fileData, functionCall, \
                 functionResponse)",
            ));
        }
        Ok(())
    }

    fn function_response(&mut self, r: &Fields<'_>, out: &mut Vec<Part>) -> Result<(), WireError> {
        let name = r.req_str("name")?;
        let call_id = self.answer(r.str("id")?, name).ok_or_else(|| {
            WireError::invalid(
                r.path("name"),
                "no earlier unanswered functionCall has this id or name",
            )
        })?;
        let (content, is_error) = match r.get("response") {
            None => (String::new(), false),
            Some(response @ Value::Object(map)) => {
                let field = |key: &str| map.get(key).filter(|v| !v.is_null());
                match (field("error"), field("output"), field("content")) {
                    (Some(error), _, _) => (text_of(error), true),
                    (None, Some(Value::String(output)), _) => (output.clone(), false),
                    (None, _, Some(Value::String(content))) => (content.clone(), false),
                    _ => (response.to_string(), false),
                }
            }
            Some(other) => (text_of(other), false),
        };
        out.push(Part::ToolResult {
            call_id,
            content,
            is_error,
        });
        for (j, part) in r.arr("parts")?.into_iter().flatten().enumerate() {
            let part = Fields::new(part, index(&r.path("parts"), j))?;
            if let Some(media) = media(&part)? {
                out.push(media);
            }
        }
        Ok(())
    }

    /// Registers a call and returns its canonical id (see the module docs).
    fn add_call(&mut self, given: Option<&str>, name: &str) -> String {
        let id = match given {
            Some(id) if !id.is_empty() && !self.taken(id) => id.to_owned(),
            _ => self.fresh_id(),
        };
        self.calls.push(Call {
            given: given.map(str::to_owned),
            name: name.to_owned(),
            id: id.clone(),
            answered: false,
        });
        id
    }

    /// `call_<k>` for the next call, made unique against ids clients chose.
    fn fresh_id(&self) -> String {
        let base = format!("call_{}", self.calls.len());
        if !self.taken(&base) {
            return base;
        }
        let mut n = 1usize;
        loop {
            let candidate = format!("{base}_{n}");
            if !self.taken(&candidate) {
                return candidate;
            }
            n += 1;
        }
    }

    fn taken(&self, id: &str) -> bool {
        self.calls.iter().any(|c| c.id == id)
    }

    /// Pairs a response with a call and marks it answered; the call's canonical id. The
    /// client's own id wins, then an id Switchyard assigned, then the earliest open call of the
    /// same name: a client id must never be taken for another call's assigned one.
    fn answer(&mut self, given: Option<&str>, name: &str) -> Option<String> {
        let open = |c: &&Call| !c.answered;
        let find =
            |pred: &dyn Fn(&Call) -> bool| self.calls.iter().position(|c| open(&c) && pred(c));
        let position = given
            .and_then(|id| {
                find(&|c: &Call| c.given.as_deref() == Some(id))
                    .or_else(|| find(&|c: &Call| c.given.is_none() && c.id == id))
            })
            .or_else(|| find(&|c: &Call| c.name == name))?;
        let call = self.calls.get_mut(position)?;
        call.answered = true;
        Some(call.id.clone())
    }
}

/// An `inlineData` or `fileData` part as an image, audio or file; `None` for other parts.
fn media(p: &Fields<'_>) -> Result<Option<Part>, WireError> {
    if let Some(inline) = p.obj("inlineData")? {
        let media_type = inline.req_str("mimeType")?;
        let data = inline.req_str("data")?.to_owned();
        let essence = media_type.split(';').next().unwrap_or(media_type).trim();
        let part = if is_image(essence) {
            Part::Image(ImageSource::Base64 {
                media_type: essence.to_owned(),
                data,
            })
        } else if let Some(format) = audio_format(essence) {
            Part::Audio {
                format: format.to_ascii_lowercase(),
                data,
            }
        } else {
            Part::File(FilePart {
                source: FileSource::Base64 {
                    media_type: essence.to_owned(),
                    data,
                },
                filename: inline.str("displayName")?.map(str::to_owned),
            })
        };
        return Ok(Some(part));
    }
    let Some(file) = p.obj("fileData")? else {
        return Ok(None);
    };
    let uri = file.req_str("fileUri")?;
    let media_type = file.str("mimeType")?.or_else(|| media_type_of(uri));
    Ok(Some(if media_type.is_some_and(is_image) {
        Part::Image(ImageSource::Url(uri.to_owned()))
    } else {
        Part::File(FilePart {
            source: FileSource::Url(uri.to_owned()),
            filename: file.str("displayName")?.map(str::to_owned),
        })
    }))
}

/// Whether a part holds only metadata fields (nothing to translate).
fn only_metadata(p: &Fields<'_>) -> bool {
    p.keys()
        .all(|k| METADATA.iter().any(|m| *m == k || snake_case(m) == k))
}

/// A string as is, anything else as its JSON text.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
#[path = "contents_tests.rs"]
mod tests;
