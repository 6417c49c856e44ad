//! Reads a backend's model list over HTTP: its kind's path, the key in a header (never the URL),
//! every page up to [`MAX_PAGES`], and an error a user can act on for every way it fails.

use crate::probe::{auth_headers, host_of};
use std::time::Duration;
use switchyard_core::catalogue::{first_query, models_path, parse_page, ListedModel, MAX_PAGES};
use switchyard_core::BackendKind;
use switchyard_gateway::HttpClients;
use switchyard_secrets::SecretString;

/// The most of a model list read (OpenRouter's full list is a few MB).
const MAX_BODY: usize = 32 * 1024 * 1024;

/// Every model `base` lists, or a sentence saying why not.
pub(crate) async fn fetch(
    http: &HttpClients,
    kind: BackendKind,
    base: &str,
    key: Option<&SecretString>,
    timeout: Duration,
) -> Result<Vec<ListedModel>, String> {
    let headers = auth_headers(kind.spec().auth, key)?;
    let url = format!("{}{}", base.trim_end_matches('/'), models_path(kind));
    let mut models: Vec<ListedModel> = Vec::new();
    let mut query = first_query(kind).map(str::to_string);
    for _ in 0..MAX_PAGES {
        let page_url = match &query {
            Some(q) => format!("{url}?{q}"),
            None => url.clone(),
        };
        let body = get(http, &page_url, headers.clone(), timeout).await?;
        let page = parse_page(kind, &body).map_err(|e| format!("{e} ({})", host_of(&url)))?;
        for m in page.models {
            if !models.iter().any(|known| known.id == m.id) {
                models.push(m);
            }
        }
        match page.next {
            Some(next) => query = Some(next),
            None => return Ok(models),
        }
    }
    tracing::warn!(host = %host_of(&url), pages = MAX_PAGES, "model list cut at the page limit");
    Ok(models)
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
