//! Outbound HTTP clients. Provider traffic honours the system proxy settings (`HTTPS_PROXY`, …);
//! loopback upstreams (the Demo server, Ollama, local model servers) are always reached directly,
//! so a proxy setting without a `NO_PROXY` entry for localhost cannot make them "unreachable".

use reqwest::{Client, ClientBuilder, Url};
use switchyard_core::is_loopback_host;

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
            Ok(u) if is_loopback_host(&u) => &self.direct,
            _ => &self.proxied,
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
