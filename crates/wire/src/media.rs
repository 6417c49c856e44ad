//! Media helpers shared by the formats: `data:` URLs, media types guessed from a URL's extension,
//! and the text a non-text part becomes where a format only takes text.
//!
//! Invariant: nothing here decodes or inspects base64 payloads; they pass through as strings.

use crate::canonical::{FileSource, ImageSource};

/// Splits `data:image/png;base64,AAAA` into (`image/png`, `AAAA`); `None` for anything else.
pub(crate) fn parse_data_url(url: &str) -> Option<(&str, &str)> {
    let rest = url.strip_prefix("data:")?;
    let (meta, data) = rest.split_once(',')?;
    let media_type = meta.strip_suffix(";base64")?;
    Some((media_type, data))
}

/// `data:{media_type};base64,{data}`.
pub(crate) fn data_url(media_type: &str, data: &str) -> String {
    format!("data:{media_type};base64,{data}")
}

/// An image from a URL: a `data:` URL becomes inline data, anything else stays a URL.
pub(crate) fn image_from_url(url: &str) -> ImageSource {
    match parse_data_url(url) {
        Some((media_type, data)) => ImageSource::Base64 {
            media_type: media_type.to_owned(),
            data: data.to_owned(),
        },
        None => ImageSource::Url(url.to_owned()),
    }
}

/// A file from a URL: a `data:` URL becomes inline data, anything else stays a URL.
pub(crate) fn file_from_url(url: &str) -> FileSource {
    match parse_data_url(url) {
        Some((media_type, data)) => FileSource::Base64 {
            media_type: media_type.to_owned(),
            data: data.to_owned(),
        },
        None => FileSource::Url(url.to_owned()),
    }
}

/// The media type implied by a URL's (or file name's) extension, query and fragment ignored.
pub(crate) fn media_type_of(url: &str) -> Option<&'static str> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let (_, ext) = path.rsplit_once('.')?;
    Some(match ext.to_ascii_lowercase().as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "heic" => "image/heic",
        "heif" => "image/heif",
        "pdf" => "application/pdf",
        "txt" | "md" => "text/plain",
        "wav" => "audio/wav",
        "mp3" => "audio/mp3",
        _ => return None,
    })
}

/// Whether a media type names an image.
pub(crate) fn is_image(media_type: &str) -> bool {
    media_type.starts_with("image/")
}

/// The media type of audio in `format` (`wav` → `audio/wav`).
pub(crate) fn audio_media_type(format: &str) -> String {
    match format {
        "mp3" | "mpeg" => "audio/mp3".to_owned(),
        other => format!("audio/{other}"),
    }
}

/// The audio format of a media type (`audio/wav` → `wav`), for formats that name it.
pub(crate) fn audio_format(media_type: &str) -> Option<&str> {
    media_type.strip_prefix("audio/").map(|f| match f {
        "mpeg" => "mp3",
        "x-wav" => "wav",
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_urls_split_into_media_type_and_data() {
        assert_eq!(
            parse_data_url("data:application/pdf;base64,JVBE"),
            Some(("application/pdf", "JVBE"))
        );
        assert_eq!(parse_data_url("data:text/plain,hello"), None, "not base64");
        assert_eq!(parse_data_url("https://x/y.png"), None);
        assert_eq!(data_url("image/png", "AA"), "data:image/png;base64,AA");
    }

    #[test]
    fn media_types_follow_the_extension_only() {
        assert_eq!(
            media_type_of("https://x/a.PDF?sig=1"),
            Some("application/pdf")
        );
        assert_eq!(media_type_of("https://x/cat.jpeg#top"), Some("image/jpeg"));
        assert_eq!(media_type_of("https://x/page"), None);
        assert_eq!(audio_format("audio/mpeg"), Some("mp3"));
        assert_eq!(audio_media_type("wav"), "audio/wav");
    }
}
