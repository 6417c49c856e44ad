//! Outbound HTTP clients. Provider traffic honours the system proxy settings (`HTTPS_PROXY`, …);
//! loopback upstreams (the Demo server, Ollama, local model servers) are always reached directly,
//! so a proxy setting without a `NO_PROXY` entry for localhost cannot make them "unreachable".

use reqwest::{Client, ClientBuilder, Url};
use switchyard_domain::is_loopback_host;

thread_local! {
    /// Which of a gateway's serving threads this is (0 on any other thread).
    static WORKER: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Marks the current thread as serving thread `index` of its gateway.
pub(crate) fn set_worker(index: usize) {
    WORKER.with(|w| w.set(index));
}

/// The item of `per_thread` that belongs to the serving thread running the caller: each thread
/// has its own outbound clients, so the connections they pool are driven by that thread's
/// runtime and a request never waits on another thread's. `per_thread` is never empty (the
/// gateway builds one per serving thread, and one when it serves on the caller's runtime).
pub(crate) fn of_worker<T>(per_thread: &[T]) -> &T {
    let i = WORKER.with(std::cell::Cell::get);
    &per_thread[i % per_thread.len().max(1)]
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
