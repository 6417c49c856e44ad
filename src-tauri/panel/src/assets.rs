//! The panel's pages: the window's UI as built into this binary (`build.rs`), served under
//! `/panel/` with the headers every panel answer carries ([`secure_headers`]): a strict Content
//! Security Policy (scripts, styles and data from this origin only; no framing), no sniffing, no
//! referrer.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

mod built {
    include!(concat!(env!("OUT_DIR"), "/assets.rs"));
}

/// The panel's Content Security Policy: the window's (`tauri.conf.json`), with the page's own
/// origin for its calls and event stream, and no framing, plugins, base changes or form posts
/// elsewhere.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The headers of every panel answer.
pub fn secure_headers(headers: &mut HeaderMap) {
    let set = |h: &mut HeaderMap, name: header::HeaderName, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(headers, header::CONTENT_SECURITY_POLICY, CSP);
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(
        headers,
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        headers,
        header::HeaderName::from_static("cross-origin-resource-policy"),
        "same-origin",
    );
}

/// The built file at `path` (relative to the UI's `dist/`).
pub fn file(path: &str) -> Option<&'static [u8]> {
    built::FILES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, bytes)| *bytes)
}

/// Whether the UI was built into this binary.
pub fn built() -> bool {
    file("index.html").is_some()
}

fn mime(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("json" | "map") => "application/json",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// A page or asset: `path` under `/panel/` (empty for the page itself).
pub fn serve(path: &str) -> Response {
    let path = if path.is_empty() { "index.html" } else { path };
    let Some(bytes) = file(path) else {
        if !built() {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "The panel's pages were not built into this program: build the UI (`npm run build` in ui/), then this program again.",
            )
                .into_response();
        }
        return (StatusCode::NOT_FOUND, "Not found").into_response();
    };
    // Hashed assets never change under their name; the page itself is asked for each time.
    let cache = if path.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    (
        [
            (header::CONTENT_TYPE, mime(path)),
            (header::CACHE_CONTROL, cache),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_forbids_framing_and_other_origins() {
        assert!(CSP.contains("frame-ancestors 'none'"));
        assert!(CSP.contains("script-src 'self'"));
        assert!(!CSP.contains("unsafe-eval"));
        let mut h = HeaderMap::new();
        secure_headers(&mut h);
        assert_eq!(h["x-frame-options"], "DENY");
    }

    #[test]
    fn files_are_typed_by_extension() {
        assert_eq!(
            mime("assets/index-abc.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(mime("index.html"), "text/html; charset=utf-8");
        assert_eq!(mime("x"), "application/octet-stream");
    }
}
