//! `codex`: the OpenAI Responses API with an API key (providers.md §1.7).
//!
//! * Endpoint: `{base}/responses` for stream and non-stream; base
//!   `https://chatgpt.com/backend-api/codex` unless `base-url` is set (API-key users
//!   normally set `https://api.openai.com/v1`).
//! * Auth: `Authorization: Bearer <key>`.
//! * Headers: "ensure" defaults `version: 0.21.0`, `openai-beta: responses=experimental`,
//!   `user-agent: codex_cli_rs/0.50.0 (Mac OS 26.0.1; arm64) Apple_Terminal/464`;
//!   `session_id` = client header, else the body's `prompt_cache_key`, else a random
//!   UUID; `conversation_id` = `prompt_cache_key` when non-empty (the reference may send
//!   it empty); forced `accept: text/event-stream`; custom last. OAuth-only headers
//!   (`originator`, `chatgpt-account-id`) are not sent for API keys.
//! * Body: `model` = upstream model, `stream: true` always, `previous_response_id` and
//!   `prompt_cache_retention` removed. Instructions and `prompt_cache_key` derivation are
//!   translator work.
//! * Upstream always streams. Non-stream: the body of the result is the data of the
//!   first `response.completed` event; none → status 408 `stream error: stream
//!   disconnected before completion: stream closed before response.completed` (as the
//!   reference). Count tokens is local (tiktoken in the pipeline): unsupported here.

use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use cpa_protocol::Format;
use http::StatusCode;
use serde_json::Value;

use crate::body::{edit_json, set_model};
use crate::credential::{Credential, ProviderKind};
use crate::error::UpstreamError;
use crate::executor::{Executor, UpstreamRequest, UpstreamResponse};
use crate::headers::Headers;
use crate::http::HttpClients;
use crate::stream::{Framing, UpstreamStream};
use crate::transport::{self, Outgoing};
use crate::usage;

/// Default base URL.
pub const DEFAULT_BASE_URL: &str = "https://chatgpt.com/backend-api/codex";
/// Body of the 408 returned when a non-stream call never saw `response.completed`.
pub const INCOMPLETE_MESSAGE: &str =
    "stream error: stream disconnected before completion: stream closed before response.completed";

const ENSURE_HEADERS: &[(&str, &str)] = &[
    ("version", "0.21.0"),
    ("openai-beta", "responses=experimental"),
    (
        "user-agent",
        "codex_cli_rs/0.50.0 (Mac OS 26.0.1; arm64) Apple_Terminal/464",
    ),
];

/// Executor for `codex-api-key` credentials.
#[derive(Debug)]
pub struct CodexExecutor {
    clients: Arc<HttpClients>,
}

impl CodexExecutor {
    /// An executor sending through `clients`.
    pub fn new(clients: Arc<HttpClients>) -> Self {
        Self { clients }
    }

    fn prepare(&self, req: &UpstreamRequest, cred: &Credential) -> Result<Outgoing, UpstreamError> {
        let key = cred
            .api_key_secret()
            .ok_or_else(|| UpstreamError::Credential("codex credential has no api key".into()))?;
        let base = cred.base_url_override().unwrap_or(DEFAULT_BASE_URL);
        let mut cache_key = String::new();
        let body = edit_json(&req.body, |object| {
            set_model(object, &req.model);
            object.insert("stream".to_owned(), Value::Bool(true));
            object.remove("previous_response_id");
            object.remove("prompt_cache_retention");
            if let Some(key) = object.get("prompt_cache_key").and_then(Value::as_str) {
                cache_key = key.to_owned();
            }
        });
        let mut headers = Headers::json(&req.client_headers);
        for (name, default) in ENSURE_HEADERS {
            headers.ensure(name, default);
        }
        let session = if cache_key.is_empty() {
            uuid::Uuid::new_v4().to_string()
        } else {
            cache_key.clone()
        };
        headers.ensure("session_id", &session);
        if !cache_key.is_empty() {
            headers.set("conversation_id", &cache_key);
        }
        headers.set("accept", "text/event-stream");
        headers.bearer(key.expose())?;
        Ok(Outgoing {
            url: format!("{base}/responses"),
            headers: headers.finish(cred),
            body,
        })
    }
}

/// Finds the first `response.completed` event in a buffered SSE body.
fn completed_event(body: &[u8]) -> Option<String> {
    transport::parse_sse_body(body)
        .into_iter()
        .find_map(|event| {
            let value: Value = serde_json::from_str(&event.data).ok()?;
            (value.get("type").and_then(Value::as_str) == Some("response.completed"))
                .then_some(event.data)
        })
}

#[async_trait]
impl Executor for CodexExecutor {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Codex
    }

    fn native_format(&self) -> Format {
        Format::Codex
    }

    async fn execute(
        &self,
        req: UpstreamRequest,
        cred: &Credential,
    ) -> Result<UpstreamResponse, UpstreamError> {
        if req.action == crate::executor::Action::CountTokens {
            return self.count_tokens(req, cred).await;
        }
        let out = self.prepare(&req, cred)?;
        let response = transport::send(&self.clients, cred, out).await?;
        let status = response.status();
        let headers = response.headers().clone();
        let raw = response
            .bytes()
            .await
            .map_err(UpstreamError::from_reqwest)?;
        let Some(completed) = completed_event(&raw) else {
            return Err(UpstreamError::Status {
                status: StatusCode::REQUEST_TIMEOUT,
                body: Bytes::from_static(INCOMPLETE_MESSAGE.as_bytes()),
            });
        };
        let body = Bytes::from(completed);
        Ok(UpstreamResponse {
            status,
            headers,
            usage: usage::from_body(Format::Codex, &body),
            body,
        })
    }

    async fn execute_stream(
        &self,
        req: UpstreamRequest,
        cred: &Credential,
    ) -> Result<UpstreamStream, UpstreamError> {
        let out = self.prepare(&req, cred)?;
        let response = transport::send(&self.clients, cred, out).await?;
        Ok(transport::into_stream(
            response,
            Framing::Sse,
            Format::Codex,
        ))
    }
}
