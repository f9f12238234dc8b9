//! What an executor needs to know about one credential (input to lifecycle step 6).
//!
//! A [`Credential`] is built by whoever owns the pool (the router, from resolved config
//! entries such as `gemini-api-key[]` or a Vertex service-account file) and is handed to
//! [`Executor`](crate::Executor) calls by reference. The secret lives in a
//! [`Secret`], so `Debug` output and logs never show it.

use std::fmt;
use std::sync::Arc;

use cpa_config::Secret;

use crate::vertex::ServiceAccount;

/// Which executor serves a credential. The registry is keyed by this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProviderKind {
    /// Generative Language API with an API key (`gemini-api-key`).
    Gemini,
    /// Vertex AI: `vertex-api-key` entries and service-account files.
    Vertex,
    /// Anthropic Messages API with an API key (`claude-api-key`).
    Claude,
    /// OpenAI Responses API with an API key (`codex-api-key`).
    Codex,
    /// Any `openai-compatibility` entry; the entry's name is [`Credential::provider_name`].
    OpenAiCompat,
}

impl ProviderKind {
    /// The stable name used in config, logs and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gemini => "gemini",
            Self::Vertex => "vertex",
            Self::Claude => "claude",
            Self::Codex => "codex",
            Self::OpenAiCompat => "openai-compatibility",
        }
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a credential authenticates.
#[derive(Clone)]
pub enum CredentialSecret {
    /// An API key (sent as `x-goog-api-key`, `x-api-key` or Bearer per provider).
    ApiKey(Secret<String>),
    /// A Google service account; the executor exchanges it for an access token.
    ServiceAccount(Arc<ServiceAccount>),
    /// No secret (keyless `openai-compatibility` entries).
    None,
}

impl fmt::Debug for CredentialSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ApiKey(_) => f.write_str("ApiKey([redacted])"),
            Self::ServiceAccount(sa) => write!(f, "ServiceAccount({})", sa.project_id()),
            Self::None => f.write_str("None"),
        }
    }
}

/// One credential as an executor sees it. `Debug` shows no secret: the key is
/// redacted, the proxy password masked and custom headers listed by name only.
#[derive(Clone)]
pub struct Credential {
    kind: ProviderKind,
    id: String,
    provider_name: String,
    secret: CredentialSecret,
    base_url: Option<String>,
    proxy_url: Option<String>,
    headers: Vec<(String, String)>,
}

impl Credential {
    /// A credential with an API key. `id` is the stable credential id used for
    /// cooldowns and logs (e.g. `claude:apikey:0123456789ab`).
    pub fn api_key(kind: ProviderKind, id: impl Into<String>, key: impl Into<String>) -> Self {
        Self::with_secret(kind, id, CredentialSecret::ApiKey(Secret::new(key.into())))
    }

    /// A credential with an explicit secret (service account, or none).
    pub fn with_secret(
        kind: ProviderKind,
        id: impl Into<String>,
        secret: CredentialSecret,
    ) -> Self {
        Self {
            kind,
            id: id.into(),
            provider_name: kind.as_str().to_owned(),
            secret,
            base_url: None,
            proxy_url: None,
            headers: Vec::new(),
        }
    }

    /// Overrides the provider's default base URL (config `base-url`). A trailing `/`
    /// is trimmed; an empty string means "use the default".
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        let url = url.into().trim().trim_end_matches('/').to_owned();
        self.base_url = (!url.is_empty()).then_some(url);
        self
    }

    /// Sets the per-credential `proxy-url` (wins over the global one; `direct`/`none`
    /// forces a direct connection).
    #[must_use]
    pub fn proxy_url(mut self, url: impl Into<String>) -> Self {
        let url = url.into().trim().to_owned();
        self.proxy_url = (!url.is_empty()).then_some(url);
        self
    }

    /// Adds a custom header from the entry's `headers:` map. Custom headers are applied
    /// after the built-in ones and override them.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the provider name shown in logs (the `openai-compatibility` entry name).
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.provider_name = name.into();
        self
    }

    /// Which executor serves this credential.
    pub fn kind(&self) -> ProviderKind {
        self.kind
    }

    /// Stable credential id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Provider name for logs and usage (`gemini`, or the compat entry name).
    pub fn provider_name(&self) -> &str {
        &self.provider_name
    }

    /// How the credential authenticates.
    pub fn secret(&self) -> &CredentialSecret {
        &self.secret
    }

    /// The API key, if this is an API-key credential with a non-empty key.
    pub fn api_key_secret(&self) -> Option<&Secret<String>> {
        match &self.secret {
            CredentialSecret::ApiKey(key) if !key.is_empty() => Some(key),
            _ => None,
        }
    }

    /// The configured base URL override, without a trailing `/`.
    pub fn base_url_override(&self) -> Option<&str> {
        self.base_url.as_deref()
    }

    /// The per-credential proxy URL, if set.
    pub fn proxy(&self) -> Option<&str> {
        self.proxy_url.as_deref()
    }

    /// Custom headers in configuration order.
    pub fn custom_headers(&self) -> &[(String, String)] {
        &self.headers
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("Credential")
            .field("kind", &self.kind)
            .field("id", &self.id)
            .field("provider_name", &self.provider_name)
            .field("secret", &self.secret)
            .field("base_url", &self.base_url)
            .field(
                "proxy_url",
                &self.proxy_url.as_deref().map(crate::http::redact),
            )
            .field("headers", &header_names)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_has_no_secrets() {
        let cred = Credential::api_key(ProviderKind::Claude, "claude:1", "sk-ant-secret")
            .proxy_url("http://user:proxy-pass@127.0.0.1:8080")
            .header("X-Api-Token", "header-secret")
            .base_url("https://relay.example/");
        let debug = format!("{cred:?}");
        for secret in ["sk-ant-secret", "proxy-pass", "header-secret"] {
            assert!(!debug.contains(secret), "{debug}");
        }
        assert!(debug.contains("X-Api-Token") && debug.contains("https://relay.example"));
        assert_eq!(cred.base_url_override(), Some("https://relay.example"));
    }
}
