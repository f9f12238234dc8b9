//! `claude`: the Anthropic Messages API with an API key (providers.md §1.6).
//!
//! * Endpoint: `{base}/v1/messages?beta=true` (stream and non-stream),
//!   `{base}/v1/messages/count_tokens?beta=true`; base `https://api.anthropic.com`
//!   unless `base-url` is set.
//! * Auth: `x-api-key: <key>` when the base is `https://api.anthropic.com`; otherwise
//!   `Authorization: Bearer <key>` (reference behaviour for custom bases, kept because
//!   Anthropic-compatible relays expect it).
//! * Headers: `anthropic-beta` (client value + `oauth-2025-04-20`, or the Claude Code
//!   default; body `betas` appended and removed), "ensure" defaults for
//!   `anthropic-version: 2023-06-01`, the Claude Code `x-stainless-*` set, `x-app`,
//!   `user-agent`; forced `accept` (`text/event-stream` or `application/json`) and
//!   `accept-encoding: gzip, deflate, br, zstd` (decoded transparently); custom last.
//!   `Connection: keep-alive` is not sent: pooling is the client's job and the header is
//!   illegal on HTTP/2.
//! * Body: `model` = upstream model, Claude Code system line, thinking fixes, `betas`
//!   extracted ([`payload`]). The system line is skipped for `claude-3-5-haiku*` on the
//!   non-stream and count paths, like the reference.
//! * A non-stream request whose body says `stream: true` (non-Claude clients, see
//!   translation.md §9.1) is answered as SSE; the buffered SSE body is returned as is
//!   and usage is read from its events.
//! * Not here: OAuth (`sk-ant-oat`) tool-name prefixing; API keys never need it.

pub mod payload;

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

/// Default base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";
/// Default `anthropic-beta` when the client sent none.
pub const DEFAULT_BETA: &str = "claude-code-20250219,oauth-2025-04-20,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14";

/// Claude Code impersonation headers with "ensure" semantics (client value wins).
const ENSURE_HEADERS: &[(&str, &str)] = &[
    ("anthropic-version", "2023-06-01"),
    ("anthropic-dangerous-direct-browser-access", "true"),
    ("x-app", "cli"),
    ("x-stainless-helper-method", "stream"),
    ("x-stainless-retry-count", "0"),
    ("x-stainless-runtime-version", "v24.3.0"),
    ("x-stainless-package-version", "0.55.1"),
    ("x-stainless-runtime", "node"),
    ("x-stainless-lang", "js"),
    ("x-stainless-arch", "arm64"),
    ("x-stainless-os", "MacOS"),
    ("x-stainless-timeout", "60"),
    ("user-agent", "claude-cli/1.0.83 (external, cli)"),
];

/// Executor for `claude-api-key` credentials.
#[derive(Debug)]
pub struct ClaudeExecutor {
    clients: Arc<HttpClients>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Path {
    Stream,
    NonStream,
    Count,
}

impl ClaudeExecutor {
    /// An executor sending through `clients`.
    pub fn new(clients: Arc<HttpClients>) -> Self {
        Self { clients }
    }

    fn prepare(
        &self,
        req: &UpstreamRequest,
        cred: &Credential,
        path: Path,
    ) -> Result<Outgoing, UpstreamError> {
        let key = cred
            .api_key_secret()
            .ok_or_else(|| UpstreamError::Credential("claude credential has no api key".into()))?;
        let base = cred.base_url_override().unwrap_or(DEFAULT_BASE_URL);
        let url = match path {
            Path::Count => format!("{base}/v1/messages/count_tokens?beta=true"),
            Path::Stream | Path::NonStream => format!("{base}/v1/messages?beta=true"),
        };
        let skip_system = path != Path::Stream && req.model.starts_with("claude-3-5-haiku");
        let mut betas = Vec::new();
        let body = edit_json(&req.body, |object| {
            set_model(object, &req.model);
            if !skip_system {
                payload::inject_system_prompt(object);
            }
            if path != Path::Count {
                payload::fix_thinking(object);
            }
            betas = payload::take_betas(object);
        });

        let mut headers = Headers::json(&req.client_headers);
        let beta =
            payload::beta_header(headers.client_value("anthropic-beta"), DEFAULT_BETA, &betas);
        headers.set("anthropic-beta", &beta);
        for (name, default) in ENSURE_HEADERS {
            headers.ensure(name, default);
        }
        headers.set("accept-encoding", "gzip, deflate, br, zstd");
        headers.set(
            "accept",
            if path == Path::Stream {
                "text/event-stream"
            } else {
                "application/json"
            },
        );
        if is_official_base(base) {
            headers.secret("x-api-key", key.expose())?;
        } else {
            headers.bearer(key.expose())?;
        }
        Ok(Outgoing {
            url,
            headers: headers.finish(cred),
            body,
        })
    }

    async fn call(
        &self,
        req: &UpstreamRequest,
        cred: &Credential,
        path: Path,
    ) -> Result<reqwest::Response, UpstreamError> {
        let out = self.prepare(req, cred, path)?;
        transport::send(&self.clients, cred, out).await
    }
}

/// Whether `base` is exactly the official API over HTTPS.
fn is_official_base(base: &str) -> bool {
    url::Url::parse(base)
        .is_ok_and(|u| u.scheme() == "https" && u.host_str() == Some("api.anthropic.com"))
}

#[async_trait]
impl Executor for ClaudeExecutor {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Claude
    }

    fn native_format(&self) -> Format {
        Format::AnthropicMessages
    }

    async fn execute(
        &self,
        req: UpstreamRequest,
        cred: &Credential,
    ) -> Result<UpstreamResponse, UpstreamError> {
        if req.action == crate::executor::Action::CountTokens {
            return self.count_tokens(req, cred).await;
        }
        let response = self.call(&req, cred, Path::NonStream).await?;
        transport::read_body(response, Format::AnthropicMessages).await
    }

    async fn execute_stream(
        &self,
        req: UpstreamRequest,
        cred: &Credential,
    ) -> Result<UpstreamStream, UpstreamError> {
        let response = self.call(&req, cred, Path::Stream).await?;
        Ok(transport::into_stream(
            response,
            Framing::Sse,
            Format::AnthropicMessages,
        ))
    }

    async fn count_tokens(
        &self,
        req: UpstreamRequest,
        cred: &Credential,
    ) -> Result<UpstreamResponse, UpstreamError> {
        let response = self.call(&req, cred, Path::Count).await?;
        transport::read_body(response, Format::AnthropicMessages).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_base_is_https_api_anthropic_com_only() {
        assert!(is_official_base("https://api.anthropic.com"));
        assert!(is_official_base(DEFAULT_BASE_URL));
        assert!(!is_official_base("http://api.anthropic.com"));
        assert!(!is_official_base("https://relay.example/anthropic"));
    }

    #[test]
    fn official_base_sends_x_api_key_without_bearer() {
        let exec = ClaudeExecutor::new(Arc::new(HttpClients::direct_default()));
        let cred = Credential::api_key(ProviderKind::Claude, "c", "sk-ant");
        let out = exec
            .prepare(&UpstreamRequest::default(), &cred, Path::NonStream)
            .expect("prepared");
        assert_eq!(out.url, "https://api.anthropic.com/v1/messages?beta=true");
        assert_eq!(
            out.headers.get("x-api-key").map(|v| v.as_bytes()),
            Some(&b"sk-ant"[..])
        );
        assert!(out.headers.get("authorization").is_none());
        assert!(
            out.headers
                .get("x-api-key")
                .is_some_and(|v| v.is_sensitive())
        );
    }
}
