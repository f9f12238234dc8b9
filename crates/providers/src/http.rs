//! The one place that builds outbound HTTP clients (lifecycle step 6).
//!
//! Proxy selection per call (providers.md §0.5): the credential's `proxy-url`, else the
//! global `proxy-url`, else the default (which honours `HTTP_PROXY`/`HTTPS_PROXY`/
//! `NO_PROXY`). Accepted values: `http://`, `https://`, `socks5://` and `socks5h://`
//! with optional `user:pass@`; `direct` or `none` force a direct connection (our
//! addition). Anything else is an error naming the bad value (with the password
//! redacted) instead of the reference's silent fallback to a direct connection.
//!
//! Clients are cached per effective proxy setting and reused, so connections are pooled
//! and kept alive; there is no overall request timeout because streams may run for a
//! long time, only a connect timeout, an idle-connection timeout and an optional
//! read-idle timeout ([`HttpSettings::read_timeout`]).

use std::collections::HashMap;
use std::time::Duration;

use parking_lot::Mutex;
use url::Url;

use crate::error::UpstreamError;

/// Client tuning shared by every cached client.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// TCP + TLS connect timeout. Default 30 s.
    pub connect_timeout: Duration,
    /// How long an idle pooled connection is kept. Default 90 s.
    pub pool_idle_timeout: Duration,
    /// TCP keep-alive probe interval. Default 60 s.
    pub tcp_keepalive: Duration,
    /// Longest silence between two reads of a response (headers or body chunks)
    /// before the attempt fails with [`UpstreamError::Timeout`]. `None` (default, as
    /// the reference) waits forever; streams that can think for minutes need a
    /// generous value.
    pub read_timeout: Option<Duration>,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(30),
            pool_idle_timeout: Duration::from_secs(90),
            tcp_keepalive: Duration::from_secs(60),
            read_timeout: None,
        }
    }
}

/// An effective proxy choice. `Debug` redacts a proxy password.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum ProxySetting {
    /// No explicit proxy: environment proxies apply.
    Default,
    /// Explicitly direct (`direct` / `none`).
    Direct,
    /// Through this proxy URL.
    Url(String),
}

impl ProxySetting {
    /// Parses a `proxy-url` value. Empty means [`ProxySetting::Default`].
    pub fn parse(value: &str) -> Result<Self, UpstreamError> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(Self::Default);
        }
        if value.eq_ignore_ascii_case("direct") || value.eq_ignore_ascii_case("none") {
            return Ok(Self::Direct);
        }
        let invalid = |why: &str| {
            UpstreamError::Credential(format!("invalid proxy-url {}: {why}", redact(value)))
        };
        let url = Url::parse(value).map_err(|e| invalid(&e.to_string()))?;
        match url.scheme() {
            "http" | "https" | "socks5" | "socks5h" => {}
            other => return Err(invalid(&format!("unsupported scheme {other}"))),
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(invalid("missing host"));
        }
        Ok(Self::Url(value.to_owned()))
    }
}

impl std::fmt::Debug for ProxySetting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Default => f.write_str("Default"),
            Self::Direct => f.write_str("Direct"),
            Self::Url(url) => write!(f, "Url({})", redact(url)),
        }
    }
}

/// Cached HTTP clients, one per effective proxy setting.
#[derive(Debug)]
pub struct HttpClients {
    settings: HttpSettings,
    global_proxy: ProxySetting,
    cache: Mutex<HashMap<ProxySetting, reqwest::Client>>,
}

impl HttpClients {
    /// Clients with the given settings and global `proxy-url` (empty for none).
    pub fn new(settings: HttpSettings, global_proxy_url: &str) -> Result<Self, UpstreamError> {
        Ok(Self {
            settings,
            global_proxy: ProxySetting::parse(global_proxy_url)?,
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// Default settings and explicitly direct connections (environment proxies are
    /// ignored too) unless a credential sets its own `proxy-url`. Hermetic for tests;
    /// also the fallback when the global `proxy-url` is unusable.
    pub fn direct_default() -> Self {
        Self {
            settings: HttpSettings::default(),
            global_proxy: ProxySetting::Direct,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The client for a credential's `proxy-url` (or the global one when unset).
    pub fn client_for(
        &self,
        credential_proxy: Option<&str>,
    ) -> Result<reqwest::Client, UpstreamError> {
        let setting = match credential_proxy.map(ProxySetting::parse).transpose()? {
            Some(ProxySetting::Default) | None => self.global_proxy.clone(),
            Some(explicit) => explicit,
        };
        if let Some(client) = self.cache.lock().get(&setting) {
            return Ok(client.clone());
        }
        let client = self.build(&setting)?;
        Ok(self.cache.lock().entry(setting).or_insert(client).clone())
    }

    /// How many distinct clients have been built (for tests and diagnostics).
    pub fn cached_clients(&self) -> usize {
        self.cache.lock().len()
    }

    fn build(&self, setting: &ProxySetting) -> Result<reqwest::Client, UpstreamError> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(self.settings.connect_timeout)
            .pool_idle_timeout(self.settings.pool_idle_timeout)
            .tcp_keepalive(self.settings.tcp_keepalive);
        if let Some(timeout) = self.settings.read_timeout {
            builder = builder.read_timeout(timeout);
        }
        builder = match setting {
            ProxySetting::Default => builder,
            ProxySetting::Direct => builder.no_proxy(),
            ProxySetting::Url(url) => {
                let proxy = reqwest::Proxy::all(url.as_str()).map_err(|e| {
                    UpstreamError::Credential(format!("invalid proxy-url {}: {e}", redact(url)))
                })?;
                builder.proxy(proxy)
            }
        };
        builder
            .build()
            .map_err(|e| UpstreamError::Credential(format!("cannot build http client: {e}")))
    }
}

/// Replaces the password of a URL's userinfo with `***` for messages.
pub(crate) fn redact(value: &str) -> String {
    match Url::parse(value) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        Ok(_) => value.to_owned(),
        Err(_) => match value.rsplit_once('@') {
            Some((_, host)) => format!("***@{host}"),
            None => value.to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_values_parse() {
        assert_eq!(ProxySetting::parse("").ok(), Some(ProxySetting::Default));
        assert_eq!(
            ProxySetting::parse(" direct ").ok(),
            Some(ProxySetting::Direct)
        );
        assert_eq!(ProxySetting::parse("NONE").ok(), Some(ProxySetting::Direct));
        for ok in [
            "http://127.0.0.1:8080",
            "https://proxy.example:443",
            "socks5://user:pass@127.0.0.1:1080",
        ] {
            assert_eq!(
                ProxySetting::parse(ok).ok(),
                Some(ProxySetting::Url(ok.to_owned()))
            );
        }
    }

    #[test]
    fn invalid_proxy_is_named_without_password() {
        let err = ProxySetting::parse("ftp://user:hunter2@proxy:21").expect_err("bad scheme");
        let message = err.to_string();
        assert!(message.contains("ftp://user:***@proxy"), "{message}");
        assert!(!message.contains("hunter2"));
        assert!(ProxySetting::parse("not a url").is_err());
        let setting = ProxySetting::parse("socks5://u:hunter2@h:1").expect("valid");
        assert!(!format!("{setting:?}").contains("hunter2"));
    }

    #[test]
    fn clients_are_cached_per_proxy() {
        let clients = HttpClients::new(HttpSettings::default(), "").expect("clients");
        clients.client_for(None).expect("default");
        clients.client_for(Some("")).expect("default again");
        clients.client_for(Some("direct")).expect("direct");
        clients
            .client_for(Some("socks5://u:p@127.0.0.1:1080"))
            .expect("socks");
        clients
            .client_for(Some("socks5://u:p@127.0.0.1:1080"))
            .expect("socks again");
        assert_eq!(clients.cached_clients(), 3);
        assert!(clients.client_for(Some("gopher://x")).is_err());
    }
}
