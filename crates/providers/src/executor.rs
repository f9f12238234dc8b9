//! The executor contract (lifecycle step 6): send one attempt to one provider.
//!
//! The pipeline calls exactly one method per attempt with a body already translated to
//! [`Executor::native_format`] and a [`Credential`] picked by the router. An executor
//! owns transport and provider quirks only; on failure it returns a classified
//! [`UpstreamError`] and leaves retries to the router.

use async_trait::async_trait;
use bytes::Bytes;
use cpa_protocol::Format;
use http::{HeaderMap, StatusCode};

use crate::credential::{Credential, ProviderKind};
use crate::error::UpstreamError;
use crate::stream::UpstreamStream;
use crate::usage::Usage;

/// What the client asked the provider to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Action {
    /// Generate a completion (stream or not, see [`UpstreamRequest::is_streaming`]).
    #[default]
    Generate,
    /// Count the prompt's tokens.
    CountTokens,
}

/// One upstream attempt, already in the provider's format.
#[derive(Debug, Clone, Default)]
pub struct UpstreamRequest {
    /// Upstream model name (alias already resolved, prefix stripped).
    pub model: String,
    /// Body in the provider's native format (translated by `cpa-translate`).
    pub body: Bytes,
    /// Whether the client asked for a stream.
    pub is_streaming: bool,
    /// Generate or count tokens.
    pub action: Action,
    /// The Gemini client's `alt`/`$alt` query value, forwarded as `?$alt=` (Gemini and
    /// Vertex only). `None` means SSE for streams and plain JSON otherwise.
    pub alt: Option<String>,
    /// Client headers the pipeline chose to forward (e.g. `anthropic-beta`,
    /// `user-agent`, `session_id`). Executors apply them with "ensure" semantics: a
    /// client value wins over the executor's default for that header.
    pub client_headers: HeaderMap,
}

/// A complete (non-stream) upstream answer with a 2xx status.
#[derive(Debug, Clone)]
pub struct UpstreamResponse {
    /// Upstream status (2xx).
    pub status: StatusCode,
    /// Upstream response headers.
    pub headers: HeaderMap,
    /// Body in the provider's native format (already decompressed).
    pub body: Bytes,
    /// Token usage found in the body, if any.
    pub usage: Option<Usage>,
}

/// Sends requests to one provider.
#[async_trait]
pub trait Executor: Send + Sync {
    /// Which provider this executor serves.
    fn kind(&self) -> ProviderKind;

    /// The API format this provider speaks natively; request bodies must be in it.
    fn native_format(&self) -> Format;

    /// Sends a non-stream request and returns the whole body on a 2xx status.
    async fn execute(
        &self,
        req: UpstreamRequest,
        cred: &Credential,
    ) -> Result<UpstreamResponse, UpstreamError>;

    /// Starts a stream. Returns only after the upstream answered 2xx, so HTTP errors
    /// fail over exactly like non-stream ones. Dropping the stream closes the
    /// upstream connection.
    async fn execute_stream(
        &self,
        req: UpstreamRequest,
        cred: &Credential,
    ) -> Result<UpstreamStream, UpstreamError>;

    /// Counts prompt tokens upstream. Providers whose count is computed locally by the
    /// pipeline (Codex, OpenAI-compatible) return [`UpstreamError::Unsupported`].
    async fn count_tokens(
        &self,
        req: UpstreamRequest,
        cred: &Credential,
    ) -> Result<UpstreamResponse, UpstreamError> {
        let _ = (req, cred);
        Err(UpstreamError::Unsupported("count tokens"))
    }
}
