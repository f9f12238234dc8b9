//! `openai-compatibility`: any OpenAI Chat Completions provider (providers.md §1.8).
//!
//! * Endpoint: `{base-url}/chat/completions` for stream and non-stream. There is no
//!   default base; a missing one is a credential error (the reference answered 401
//!   `missing provider baseURL`, which would wrongly disable the key as unauthorized).
//! * Auth: `Authorization: Bearer <key>` only when the entry has a key.
//! * Headers: `user-agent: cli-proxy-openai-compat`; streams add
//!   `accept: text/event-stream` and `cache-control: no-cache`; custom `headers:` last.
//! * Body: `model` = upstream model (the entry's `name` for an alias). Reasoning-effort
//!   normalisation is translator work.
//! * Streams: `data:` events; `[DONE]` is consumed; usage from the last chunk carrying
//!   `usage`. Count tokens is local (tiktoken in the pipeline): unsupported here.

use std::sync::Arc;

use async_trait::async_trait;
use cpa_protocol::Format;

use crate::body::{edit_json, set_model};
use crate::credential::{Credential, ProviderKind};
use crate::error::UpstreamError;
use crate::executor::{Executor, UpstreamRequest, UpstreamResponse};
use crate::headers::Headers;
use crate::http::HttpClients;
use crate::stream::{Framing, UpstreamStream};
use crate::transport::{self, Outgoing};

/// The user agent the reference sends.
pub const USER_AGENT: &str = "cli-proxy-openai-compat";

/// Executor for every `openai-compatibility` entry.
#[derive(Debug)]
pub struct OpenAiCompatExecutor {
    clients: Arc<HttpClients>,
}

impl OpenAiCompatExecutor {
    /// An executor sending through `clients`.
    pub fn new(clients: Arc<HttpClients>) -> Self {
        Self { clients }
    }

    fn prepare(
        &self,
        req: &UpstreamRequest,
        cred: &Credential,
        is_stream: bool,
    ) -> Result<Outgoing, UpstreamError> {
        let base = cred.base_url_override().ok_or_else(|| {
            UpstreamError::Credential(format!(
                "missing base-url for provider {}",
                cred.provider_name()
            ))
        })?;
        let body = edit_json(&req.body, |object| set_model(object, &req.model));
        let mut headers = Headers::json(&req.client_headers);
        headers.set("user-agent", USER_AGENT);
        if is_stream {
            headers.set("accept", "text/event-stream");
            headers.set("cache-control", "no-cache");
        }
        if let Some(key) = cred.api_key_secret() {
            headers.bearer(key.expose())?;
        }
        Ok(Outgoing {
            url: format!("{base}/chat/completions"),
            headers: headers.finish(cred),
            body,
        })
    }
}

#[async_trait]
impl Executor for OpenAiCompatExecutor {
    fn kind(&self) -> ProviderKind {
        ProviderKind::OpenAiCompat
    }

    fn native_format(&self) -> Format {
        Format::OpenAiChat
    }

    async fn execute(
        &self,
        req: UpstreamRequest,
        cred: &Credential,
    ) -> Result<UpstreamResponse, UpstreamError> {
        if req.action == crate::executor::Action::CountTokens {
            return self.count_tokens(req, cred).await;
        }
        let out = self.prepare(&req, cred, false)?;
        let response = transport::send(&self.clients, cred, out).await?;
        transport::read_body(response, Format::OpenAiChat).await
    }

    async fn execute_stream(
        &self,
        req: UpstreamRequest,
        cred: &Credential,
    ) -> Result<UpstreamStream, UpstreamError> {
        let out = self.prepare(&req, cred, true)?;
        let response = transport::send(&self.clients, cred, out).await?;
        Ok(transport::into_stream(
            response,
            Framing::Sse,
            Format::OpenAiChat,
        ))
    }
}
