//! `gemini`: the Generative Language API with an API key (providers.md §1.1).
//!
//! * Endpoint: `{base}/v1beta/models/{model}:generateContent`,
//!   `:streamGenerateContent?alt=sse` (or `?$alt=ALT`), `:countTokens`;
//!   base `https://generativelanguage.googleapis.com` unless `base-url` is set.
//! * Auth: `x-goog-api-key: <key>`; custom `headers:` last. No impersonation headers.
//! * Quirks: the upstream model goes in the URL *and* in a top-level `model` field;
//!   `session_id` is removed; see the private `google` module for the shared rules.
//! * Errors: Google error JSON; 429 `RetryInfo`/quota hints are parsed for every
//!   provider (the reference skipped them here).

use async_trait::async_trait;
use cpa_protocol::Format;
use std::sync::Arc;

use crate::credential::{Credential, ProviderKind};
use crate::error::UpstreamError;
use crate::executor::{Action, Executor, UpstreamRequest, UpstreamResponse};
use crate::google::{GoogleAuth, GoogleTarget};
use crate::http::HttpClients;
use crate::stream::UpstreamStream;

/// Default base URL.
pub const DEFAULT_BASE_URL: &str = "https://generativelanguage.googleapis.com";

/// Executor for `gemini-api-key` credentials.
#[derive(Debug)]
pub struct GeminiExecutor {
    clients: Arc<HttpClients>,
}

impl GeminiExecutor {
    /// An executor sending through `clients`.
    pub fn new(clients: Arc<HttpClients>) -> Self {
        Self { clients }
    }

    fn target<'a>(&'a self, cred: &'a Credential) -> Result<GoogleTarget<'a>, UpstreamError> {
        let key = cred
            .api_key_secret()
            .ok_or_else(|| UpstreamError::Credential("gemini credential has no api key".into()))?;
        let base = cred.base_url_override().unwrap_or(DEFAULT_BASE_URL);
        Ok(GoogleTarget {
            clients: &self.clients,
            cred,
            models_prefix: format!("{base}/v1beta/models"),
            auth: GoogleAuth::ApiKey(key.expose().clone()),
        })
    }
}

#[async_trait]
impl Executor for GeminiExecutor {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Gemini
    }

    fn native_format(&self) -> Format {
        Format::Gemini
    }

    async fn execute(
        &self,
        req: UpstreamRequest,
        cred: &Credential,
    ) -> Result<UpstreamResponse, UpstreamError> {
        match req.action {
            Action::CountTokens => self.target(cred)?.count_tokens(req).await,
            Action::Generate => self.target(cred)?.generate(req).await,
        }
    }

    async fn execute_stream(
        &self,
        req: UpstreamRequest,
        cred: &Credential,
    ) -> Result<UpstreamStream, UpstreamError> {
        self.target(cred)?.stream(req).await
    }

    async fn count_tokens(
        &self,
        req: UpstreamRequest,
        cred: &Credential,
    ) -> Result<UpstreamResponse, UpstreamError> {
        self.target(cred)?.count_tokens(req).await
    }
}
