//! Anthropic content blocks other formats can carry in another form: images, documents (base64,
//! text, URL, content blocks, file ids), search results (as text), the text of system blocks,
//! and a tool result's content (its text, and any images or documents in it as parts of their
//! own).

use serde_json::Value;

use crate::canonical::{FilePart, FileSource, ImageSource, Part};
use crate::error::WireError;
use crate::json::{index, Obj};

/// Text blocks (system prompts, system messages), joined with a blank line.
pub(crate) fn text_blocks(blocks: &[Value], path: &str) -> Result<String, WireError> {
    let mut texts = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        let b = Obj::new(b, index(path, i))?;
        if b.req_str("type")? != "text" {
            return Err(WireError::unsupported(
                b.path("type"),
                "system blocks must be text",
            ));
        }
        texts.push(b.req_str("text")?);
    }
    Ok(texts.join("\n\n"))
}

pub(crate) fn parse_image(b: &Obj<'_>) -> Result<ImageSource, WireError> {
    let source = b
        .obj("source")?
        .ok_or_else(|| WireError::missing(b.path("source")))?;
    Ok(match source.req_str("type")? {
        "base64" => ImageSource::Base64 {
            media_type: source.req_str("media_type")?.to_owned(),
            data: source.req_str("data")?.to_owned(),
        },
        "url" => ImageSource::Url(source.req_str("url")?.to_owned()),
        _ => {
            return Err(WireError::unsupported(
                source.path("type"),
                "an image from the Files API can only be sent to Anthropic",
            ))
        }
    })
}

pub(crate) fn parse_document(b: &Obj<'_>) -> Result<Part, WireError> {
    let source = b
        .obj("source")?
        .ok_or_else(|| WireError::missing(b.path("source")))?;
    let file = match source.req_str("type")? {
        "base64" => FileSource::Base64 {
            media_type: source.req_str("media_type")?.to_owned(),
            data: source.req_str("data")?.to_owned(),
        },
        "text" => FileSource::Text(source.req_str("data")?.to_owned()),
        "url" => FileSource::Url(source.req_str("url")?.to_owned()),
        "file" => FileSource::Id(source.req_str("file_id")?.to_owned()),
        "content" => {
            let text = match source.req("content")? {
                Value::String(s) => s.clone(),
                Value::Array(blocks) => text_blocks(blocks, &source.path("content"))?,
                other => {
                    return Err(WireError::wrong_type(
                        source.path("content"),
                        "string or array",
                        other,
                    ))
                }
            };
            FileSource::Text(text)
        }
        _ => {
            return Err(WireError::invalid(
                source.path("type"),
                "expected base64, text, url, content or file",
            ))
        }
    };
    Ok(Part::File(FilePart {
        source: file,
        filename: b.str("title")?.map(str::to_owned),
    }))
}

/// A search result as text: its title and source, then its text blocks.
pub(crate) fn search_result_text(b: &Obj<'_>) -> Result<String, WireError> {
    let body = match b.get("content") {
        Some(Value::Array(blocks)) => text_blocks(blocks, &b.path("content"))?,
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    let title = b.str("title")?.unwrap_or_default();
    let source = b.str("source")?.unwrap_or_default();
    Ok(format!("{title} ({source})\n{body}").trim().to_owned())
}

/// A tool result's text (a string, or text blocks joined with a newline), and any images or
/// documents in it as separate parts.
pub(crate) fn tool_result_content(b: &Obj<'_>) -> Result<(String, Vec<Part>), WireError> {
    let path = b.path("content");
    match b.get("content") {
        None => Ok((String::new(), Vec::new())),
        Some(Value::String(s)) => Ok((s.clone(), Vec::new())),
        Some(Value::Array(blocks)) => {
            let mut texts = Vec::new();
            let mut media = Vec::new();
            for (i, block) in blocks.iter().enumerate() {
                let block = Obj::new(block, index(&path, i))?;
                match block.req_str("type")? {
                    "text" => texts.push(block.req_str("text")?.to_owned()),
                    "image" => media.push(Part::Image(parse_image(&block)?)),
                    "document" => media.push(parse_document(&block)?),
                    "search_result" => texts.push(search_result_text(&block)?),
                    _ => {
                        return Err(WireError::unsupported(
                            block.path("type"),
                            "tool results carry text, images, documents and search results",
                        ))
                    }
                }
            }
            Ok((texts.join("\n"), media))
        }
        Some(other) => Err(WireError::wrong_type(path, "string or array", other)),
    }
}
