//! Reads a backend's model list over HTTP: its kind's path, the key in a header (never the URL),
//! every page up to [`MAX_PAGES`], and an error a user can act on for every way it fails.
//!
//! Bounded, whatever the server sends: a page's body is read up to [`MAX_BODY`] (more is an
//! error), and the list up to [`MAX_MODELS`] models: the first that many are kept, no further
//! page is asked for, and the result carries a note saying the list was cut (the caller keeps the
//! models and shows the note). Each page is parsed and merged on the blocking pool ([`Merged`]:
//! linear in the ids), never on an async thread, so a huge list neither stalls the runtime nor
//! holds up shutdown; between pages the fetch awaits, so a cancelled refresh stops there.

use super::{auth_headers, host_of};
use crate::{Cleared, HttpClients};
use std::time::Duration;
use switchyard_domain::catalogue::{
    first_query, parse_page, ListedModel, Merged, MAX_MODELS, MAX_PAGES,
};

/// The most of a model list page read (OpenRouter's full list is a few MB).
const MAX_BODY: usize = 32 * 1024 * 1024;

/// A model list as read: the models kept, and a sentence when some were dropped at the cap.
pub struct Fetched {
    pub models: Vec<ListedModel>,
    pub cut: Option<String>,
}

/// Every model `base` lists (up to [`MAX_MODELS`]), or a sentence saying why not.
pub async fn fetch(
    http: &HttpClients,
    at: &switchyard_domain::Address<'_>,
    key: Option<&Cleared>,
    timeout: Duration,
) -> Result<Fetched, String> {
    let kind = at.kind();
    let url = at.models();
    let headers = auth_headers(kind.spec().auth, key, &url)?;
    let mut merged = Merged::default();
    let mut query = first_query(kind).map(str::to_string);
    for _ in 0..MAX_PAGES {
        let page_url = match &query {
            Some(q) => format!("{url}?{q}"),
            None => url.clone(),
        };
        let body = get(http, &page_url, headers.clone(), timeout).await?;
        let (more, next) = tokio::task::spawn_blocking(move || {
            let page = parse_page(kind, &body)?;
            let next = page.next.clone();
            merged.add(page);
            Ok((merged, next))
        })
        .await
        .map_err(|_| format!("the model list from {} could not be read", host_of(&url)))?
        .map_err(|e: switchyard_domain::catalogue::CatalogueError| {
            format!("{e} ({})", host_of(&url))
        })?;
        merged = more;
        match next {
            Some(next) if !merged.cut() => query = Some(next),
            _ => return Ok(finish(merged, &url)),
        }
    }
    tracing::warn!(host = %host_of(&url), pages = MAX_PAGES, "model list cut at the page limit");
    Ok(finish(merged, &url))
}

/// The merged list, with the note a cut one carries.
fn finish(merged: Merged, url: &str) -> Fetched {
    let cut = merged.cut().then(|| {
        tracing::warn!(host = %host_of(url), kept = MAX_MODELS, "model list cut at the model limit");
        format!(
            "{} lists more than {MAX_MODELS} models; the first {MAX_MODELS} are kept",
            host_of(url)
        )
    });
    Fetched {
        models: merged.into_models(),
        cut,
    }
}

async fn get(
    http: &HttpClients,
    url: &str,
    headers: reqwest::header::HeaderMap,
    timeout: Duration,
) -> Result<Vec<u8>, String> {
    let sent = http
        .for_url(url)
        .get(url)
        .headers(headers)
        .timeout(timeout)
        .send()
        .await;
    let mut resp = match sent {
        Ok(r) => r,
        Err(e) if e.is_timeout() => {
            return Err(format!(
                "{} did not answer within {} s",
                host_of(url),
                timeout.as_secs()
            ))
        }
        Err(e) => {
            return Err(format!(
                "could not connect to {}: {}",
                host_of(url),
                crate::root_cause(&e)
            ))
        }
    };
    let status = resp.status();
    if !status.is_success() {
        return Err(match status.as_u16() {
            401 | 403 => format!(
                "{} refused the key (HTTP {})",
                host_of(url),
                status.as_u16()
            ),
            404 => format!(
                "{} has no model list at this address (HTTP 404): check the base URL",
                host_of(url)
            ),
            429 => format!(
                "{} is rate-limiting this key (HTTP 429); try again later",
                host_of(url)
            ),
            s => format!("{} answered HTTP {s}", host_of(url)),
        });
    }
    let mut body = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                body.extend_from_slice(&chunk);
                if body.len() > MAX_BODY {
                    return Err(format!(
                        "the model list from {} is over 32 MB",
                        host_of(url)
                    ));
                }
            }
            Ok(None) => return Ok(body),
            Err(e) => {
                return Err(format!(
                    "the model list from {} broke off: {}",
                    host_of(url),
                    crate::root_cause(&e)
                ))
            }
        }
    }
}
