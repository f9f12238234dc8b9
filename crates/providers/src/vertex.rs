//! `vertex`: Vertex AI Gemini with an API key or a service account (providers.md §1.2).
//!
//! * API-key mode (`vertex-api-key` entries): `{base}/v1/publishers/google/models/{model}:{method}`,
//!   base `https://generativelanguage.googleapis.com` unless `base-url` is set,
//!   header `x-goog-api-key`.
//! * Service-account mode (vertex auth files): `{base}/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:{method}`,
//!   base `https://{location}-aiplatform.googleapis.com` unless the credential sets a base URL,
//!   `Authorization: Bearer <token>` from the JWT exchange in [`service_account`], cached
//!   (the reference minted one per request).
//! * Methods, query (`?alt=sse` / `?$alt=`), body rules and count tokens are the Gemini
//!   ones (private `google` module); custom `headers:` last. Streams are not usage-filtered
//!   and the **last** usage is recorded (the reference recorded the first).

pub mod service_account;

use std::sync::Arc;

use async_trait::async_trait;
use cpa_protocol::Format;

pub use service_account::{ServiceAccount, TokenCache};

use crate::credential::{Credential, CredentialSecret, ProviderKind};
use crate::error::UpstreamError;
use crate::executor::{Action, Executor, UpstreamRequest, UpstreamResponse};
use crate::google::{GoogleAuth, GoogleTarget};
use crate::http::HttpClients;
use crate::stream::UpstreamStream;

/// Default base URL in API-key mode.
pub const DEFAULT_API_KEY_BASE_URL: &str = "https://generativelanguage.googleapis.com";

/// Executor for `vertex` credentials (both modes).
#[derive(Debug)]
pub struct VertexExecutor {
    clients: Arc<HttpClients>,
    tokens: TokenCache,
}

impl VertexExecutor {
    /// An executor sending through `clients`.
    pub fn new(clients: Arc<HttpClients>) -> Self {
        Self {
            clients,
            tokens: TokenCache::default(),
        }
    }

    async fn target<'a>(&'a self, cred: &'a Credential) -> Result<GoogleTarget<'a>, UpstreamError> {
        let (models_prefix, auth) = match cred.secret() {
            CredentialSecret::ApiKey(key) => {
                let base = cred.base_url_override().unwrap_or(DEFAULT_API_KEY_BASE_URL);
                (
                    format!("{base}/v1/publishers/google/models"),
                    GoogleAuth::ApiKey(key.expose().clone()),
                )
            }
            CredentialSecret::ServiceAccount(sa) => {
                let token = self.tokens.token(&self.clients, cred, sa).await?;
                let base = match cred.base_url_override() {
                    Some(base) => base.to_owned(),
                    None => format!("https://{}-aiplatform.googleapis.com", sa.location()),
                };
                (
                    format!(
                        "{base}/v1/projects/{}/locations/{}/publishers/google/models",
                        sa.project_id(),
                        sa.location()
                    ),
                    GoogleAuth::Bearer(token.expose().clone()),
                )
            }
            CredentialSecret::None => {
                return Err(UpstreamError::Credential(
                    "vertex credential has no api key or service account".into(),
                ));
            }
        };
        Ok(GoogleTarget {
            clients: &self.clients,
            cred,
            models_prefix,
            auth,
        })
    }
}

#[async_trait]
impl Executor for VertexExecutor {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Vertex
    }

    fn native_format(&self) -> Format {
        Format::Gemini
    }

    async fn execute(
        &self,
        req: UpstreamRequest,
        cred: &Credential,
    ) -> Result<UpstreamResponse, UpstreamError> {
        let target = self.target(cred).await?;
        match req.action {
            Action::CountTokens => target.count_tokens(req).await,
            Action::Generate => target.generate(req).await,
        }
    }

    async fn execute_stream(
        &self,
        req: UpstreamRequest,
        cred: &Credential,
    ) -> Result<UpstreamStream, UpstreamError> {
        self.target(cred).await?.stream(req).await
    }

    async fn count_tokens(
        &self,
        req: UpstreamRequest,
        cred: &Credential,
    ) -> Result<UpstreamResponse, UpstreamError> {
        self.target(cred).await?.count_tokens(req).await
    }
}
