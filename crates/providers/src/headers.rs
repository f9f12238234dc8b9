//! Outgoing header assembly shared by executors (lifecycle step 6).
//!
//! Three kinds of header, applied in this order (providers.md §0.6):
//! 1. built-ins: `set` (forced) and `ensure` (the client's forwarded value wins, else
//!    the executor default; used for Claude/Codex impersonation headers);
//! 2. the credential secret, marked sensitive so it never shows in `Debug` output;
//! 3. the credential's custom `headers:` entries, last, overriding anything before.

use http::header::{HeaderMap, HeaderName, HeaderValue};

use crate::credential::Credential;
use crate::error::UpstreamError;

/// Builds the header map of one upstream request.
#[derive(Debug, Default)]
pub(crate) struct Headers<'a> {
    map: HeaderMap,
    client: Option<&'a HeaderMap>,
}

impl<'a> Headers<'a> {
    /// Starts with `Content-Type: application/json`; `client` holds forwarded client
    /// headers for [`Headers::ensure`].
    pub(crate) fn json(client: &'a HeaderMap) -> Self {
        let mut headers = Self {
            map: HeaderMap::new(),
            client: Some(client),
        };
        headers.set("content-type", "application/json");
        headers
    }

    /// Sets a header, replacing any earlier value. Invalid names/values are skipped
    /// (they come from constants or validated config).
    pub(crate) fn set(&mut self, name: &str, value: &str) {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            self.map.insert(name, value);
        } else {
            tracing::warn!(header = name, "skipping invalid upstream header");
        }
    }

    /// Uses the client's forwarded value for `name` if present, else `default`.
    pub(crate) fn ensure(&mut self, name: &str, default: &str) {
        let forwarded = self.client.and_then(|c| c.get(name)).cloned();
        match (forwarded, HeaderName::from_bytes(name.as_bytes())) {
            (Some(value), Ok(header)) => {
                self.map.insert(header, value);
            }
            _ => self.set(name, default),
        }
    }

    /// The client's forwarded value for `name`, if any and valid UTF-8.
    pub(crate) fn client_value(&self, name: &str) -> Option<&str> {
        self.client?.get(name)?.to_str().ok()
    }

    /// Sets a secret header (`x-api-key`, `Authorization`), marked sensitive.
    pub(crate) fn secret(&mut self, name: &'static str, value: &str) -> Result<(), UpstreamError> {
        let mut value = HeaderValue::from_str(value).map_err(|_| {
            UpstreamError::Credential(format!(
                "credential contains characters not allowed in {name}"
            ))
        })?;
        value.set_sensitive(true);
        self.map.insert(HeaderName::from_static(name), value);
        Ok(())
    }

    /// Sets `Authorization: Bearer <token>`.
    pub(crate) fn bearer(&mut self, token: &str) -> Result<(), UpstreamError> {
        self.secret("authorization", &format!("Bearer {token}"))
    }

    /// Applies the credential's custom headers (last, overriding) and returns the map.
    pub(crate) fn finish(mut self, cred: &Credential) -> HeaderMap {
        for (name, value) in cred.custom_headers() {
            self.set(name, value);
        }
        self.map
    }
}
