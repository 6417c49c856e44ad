//! Compressed request bodies (`Content-Encoding: gzip`, `x-gzip`, `deflate`, `br`, `zstd`,
//! `identity`): the codings named, and the body decoded under the body cap.
//!
//! Invariants:
//! - the cap applies to the DECODED bytes: decoding is streamed and stops one byte past the cap,
//!   so a small bomb that expands to gigabytes costs at most `limit + 1` bytes per stage and is
//!   refused as too large;
//! - a list (`gzip, br`) names codings in the order they were applied, so they are undone in
//!   reverse order (RFC 9110 §8.4); `identity` entries are skipped;
//! - an unknown coding, or a list of more than [`MAX_CODINGS`], is named back to the caller (the
//!   gateway answers 415), never guessed;
//! - a body without `Content-Encoding` (or only `identity`) is not touched: no copy on the hot path.
//!   The decoded body goes upstream uncompressed (the gateway sends JSON it builds itself and
//!   never forwards the inbound `Content-Encoding`).

use std::io::Read;

use axum::http::HeaderMap;
use bytes::Bytes;

/// The largest zstd window the gateway accepts (16 MiB): a frame asking for more memory is
/// refused as malformed rather than allocated.
const ZSTD_WINDOW_LOG_MAX: u32 = 24;

/// The most codings one body may list. Each stage is capped, but a header of a thousand
/// `gzip`s over a body nested as deep would make one request decode the cap a thousand times.
const MAX_CODINGS: usize = 4;

/// One content coding the gateway can undo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Coding {
    Gzip,
    Deflate,
    Br,
    Zstd,
}

/// Why a compressed body could not be decoded.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum DecodeError {
    /// The decoded body is over the cap.
    TooLarge,
    /// The bytes are not valid for the coding named.
    Corrupt(&'static str),
}

/// The codings applied to the body, in the order they were applied (identity left out), or the
/// name of the first coding the gateway does not know.
pub(crate) fn codings(headers: &HeaderMap) -> Result<Vec<Coding>, String> {
    let mut out = Vec::new();
    for value in headers.get_all("content-encoding") {
        let Ok(text) = value.to_str() else {
            return Err(String::from_utf8_lossy(value.as_bytes()).into_owned());
        };
        for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let coding = match name.to_ascii_lowercase().as_str() {
                "identity" => continue,
                "gzip" | "x-gzip" => Coding::Gzip,
                "deflate" => Coding::Deflate,
                "br" => Coding::Br,
                "zstd" => Coding::Zstd,
                _ => return Err(name.chars().take(64).collect()),
            };
            if out.len() == MAX_CODINGS {
                let shown: String = text.chars().take(40).collect();
                return Err(format!("{shown}… (more than {MAX_CODINGS} codings)"));
            }
            out.push(coding);
        }
    }
    Ok(out)
}

/// The body with `codings` undone in reverse order, each stage stopped one byte past `limit`.
pub(crate) fn decode(
    mut body: Bytes,
    codings: &[Coding],
    limit: usize,
) -> Result<Bytes, DecodeError> {
    for coding in codings.iter().rev() {
        body = decode_one(&body, *coding, limit)?.into();
    }
    Ok(body)
}

fn decode_one(input: &[u8], coding: Coding, limit: usize) -> Result<Vec<u8>, DecodeError> {
    match coding {
        Coding::Gzip => read_capped(flate2::read::MultiGzDecoder::new(input), limit, "gzip"),
        Coding::Deflate => read_capped(flate2::read::ZlibDecoder::new(input), limit, "deflate"),
        Coding::Br => read_capped(
            brotli_decompressor::Decompressor::new(input, 8192),
            limit,
            "br",
        ),
        Coding::Zstd => {
            let mut decoder = zstd::stream::read::Decoder::with_buffer(input)
                .map_err(|_| DecodeError::Corrupt("zstd"))?;
            decoder
                .window_log_max(ZSTD_WINDOW_LOG_MAX)
                .map_err(|_| DecodeError::Corrupt("zstd"))?;
            read_capped(decoder, limit, "zstd")
        }
    }
}

/// Reads at most `limit + 1` bytes: one past the cap is enough to know it is too large.
fn read_capped(
    reader: impl Read,
    limit: usize,
    name: &'static str,
) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    reader
        .take(cap)
        .read_to_end(&mut out)
        .map_err(|_| DecodeError::Corrupt(name))?;
    if out.len() > limit {
        return Err(DecodeError::TooLarge);
    }
    Ok(out)
}
