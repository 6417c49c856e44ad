//! Outbound HTTP clients. Provider traffic honours the system proxy settings (`HTTPS_PROXY`, …);
//! loopback upstreams (the Demo server, Ollama, local model servers) are always reached directly,
//! so a proxy setting without a `NO_PROXY` entry for localhost cannot make them "unreachable".

use reqwest::{Client, ClientBuilder, Url};
use switchyard_core::is_loopback_host;

thread_local! {
    /// Which of a gateway's serving threads this is (0 on any other thread).
    static WORKER: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Marks the current thread as serving thread `index` of its gateway.
pub(crate) fn set_worker(index: usize) {
    WORKER.with(|w| w.set(index));
}

/// The clients of the serving thread that runs the caller: each thread has its own, so the
/// connections it pools are driven by that thread's runtime and a request never waits on
/// another thread's. `clients` is never empty (the gateway builds one per serving thread, and
/// one when it serves on the caller's runtime).
pub(crate) fn of_worker(clients: &[HttpClients]) -> &HttpClients {
    let i = WORKER.with(std::cell::Cell::get);
    &clients[i % clients.len().max(1)]
}

/// Upstream addresses this thread has parsed, so a request does not parse its backend's URL
/// again (hostname checks and IDNA included). Bounded: emptied when it holds too many.
const PARSED_MAX: usize = 256;

thread_local! {
    static PARSED: std::cell::RefCell<std::collections::HashMap<String, Url>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// `address` parsed, from this thread's cache when it was parsed before.
pub(crate) fn parse_cached(address: &str) -> Result<Url, url::ParseError> {
    if let Some(url) = PARSED.with(|p| p.borrow().get(address).cloned()) {
        return Ok(url);
    }
    let url = Url::parse(address)?;
    PARSED.with(|p| {
        let mut p = p.borrow_mut();
        if p.len() >= PARSED_MAX {
            p.clear();
        }
        p.insert(address.to_owned(), url.clone());
    });
    Ok(url)
}

#[derive(Clone)]
pub struct HttpClients {
    proxied: Client,
    direct: Client,
}

impl HttpClients {
    /// Two clients with the same settings, one of them never using a proxy.
    pub fn build(configure: impl Fn(ClientBuilder) -> ClientBuilder) -> reqwest::Result<Self> {
        Ok(HttpClients {
            proxied: configure(Client::builder()).build()?,
            direct: configure(Client::builder()).no_proxy().build()?,
        })
    }

    /// The client for `url`: direct for loopback hosts, else the system's proxy settings.
    pub fn for_url(&self, url: &str) -> &Client {
        match Url::parse(url) {
            Ok(u) => self.client(&u),
            Err(_) => &self.proxied,
        }
    }

    /// The client for an address already parsed (the gateway parses each upstream address once
    /// per attempt and hands the same `Url` to the request).
    pub fn client(&self, url: &Url) -> &Client {
        if is_loopback_host(url) {
            &self.direct
        } else {
            &self.proxied
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_urls_go_direct() {
        let c = HttpClients::build(|b| b).unwrap();
        for url in [
            "http://127.0.0.1:8080/v1",
            "http://localhost:11434",
            "http://[::1]:1/x",
        ] {
            assert!(std::ptr::eq(c.for_url(url), &c.direct), "{url}");
        }
        for url in ["https://api.openai.com/v1", "not a url"] {
            assert!(std::ptr::eq(c.for_url(url), &c.proxied), "{url}");
        }
    }
}
