//! Shared transport for the Gemini-format Google endpoints (`gemini` and `vertex`).
//!
//! Both providers expose `{prefix}/models/{model}:{method}` with the same three
//! methods and the same executor payload rules (translation.md §9.3):
//!
//! * `:generateContent` (`?$alt=ALT` when the client sent `alt`);
//! * `:streamGenerateContent?alt=sse` (or `?$alt=ALT`; then the body is a streamed JSON
//!   array, split element by element); `alt` of `sse` or empty counts as absent;
//! * `:countTokens`, body minus `tools`, `generationConfig`, `safetySettings`.
//!
//! Body edits: top-level `model` = upstream model, `session_id` removed. Not done here
//! (format-level work for `cpa-translate`/thinking hooks): thinking normalisation and the
//! `gemini-2.5-flash-image-preview` aspect-ratio fix. The reference's SSE usage filter
//! (renaming non-terminal `usageMetadata`) is not replicated: [`crate::UpstreamStream`]
//! reports the last usage itself.

use cpa_protocol::Format;

use crate::body::{edit_json, set_model};
use crate::credential::Credential;
use crate::error::UpstreamError;
use crate::executor::{UpstreamRequest, UpstreamResponse};
use crate::headers::Headers;
use crate::http::HttpClients;
use crate::stream::{Framing, UpstreamStream};
use crate::transport::{self, Outgoing, path_segment};

/// How a Google call authenticates.
pub(crate) enum GoogleAuth {
    /// `x-goog-api-key: <key>`.
    ApiKey(String),
    /// `Authorization: Bearer <token>`.
    Bearer(String),
}

/// One Google endpoint family: everything up to and including `/models`.
pub(crate) struct GoogleTarget<'a> {
    pub(crate) clients: &'a HttpClients,
    pub(crate) cred: &'a Credential,
    pub(crate) models_prefix: String,
    pub(crate) auth: GoogleAuth,
}

impl GoogleTarget<'_> {
    /// Non-stream `:generateContent`.
    pub(crate) async fn generate(
        &self,
        req: UpstreamRequest,
    ) -> Result<UpstreamResponse, UpstreamError> {
        let query = raw_alt(&req).map(alt_query).unwrap_or_default();
        let out = self.prepare(&req, "generateContent", &query, generate_body(&req))?;
        let response = transport::send(self.clients, self.cred, out).await?;
        transport::read_body(response, Format::Gemini).await
    }

    /// `:streamGenerateContent`, SSE or streamed JSON array.
    pub(crate) async fn stream(
        &self,
        req: UpstreamRequest,
    ) -> Result<UpstreamStream, UpstreamError> {
        let (query, framing) = match raw_alt(&req) {
            Some(alt) => (alt_query(alt), Framing::JsonArray),
            None => ("?alt=sse".to_owned(), Framing::Sse),
        };
        let out = self.prepare(&req, "streamGenerateContent", &query, generate_body(&req))?;
        let response = transport::send(self.clients, self.cred, out).await?;
        Ok(transport::into_stream(response, framing, Format::Gemini))
    }

    /// `:countTokens`; the answer carries `totalTokens`.
    pub(crate) async fn count_tokens(
        &self,
        req: UpstreamRequest,
    ) -> Result<UpstreamResponse, UpstreamError> {
        let body = edit_json(&req.body, |object| {
            for field in ["tools", "generationConfig", "safetySettings", "session_id"] {
                object.remove(field);
            }
            set_model(object, &req.model);
        });
        let out = self.prepare(&req, "countTokens", "", body)?;
        let response = transport::send(self.clients, self.cred, out).await?;
        transport::read_body(response, Format::Gemini).await
    }

    fn prepare(
        &self,
        req: &UpstreamRequest,
        method: &str,
        query: &str,
        body: bytes::Bytes,
    ) -> Result<Outgoing, UpstreamError> {
        let url = format!(
            "{}/{}:{method}{query}",
            self.models_prefix,
            path_segment(&req.model)
        );
        let mut headers = Headers::json(&req.client_headers);
        match &self.auth {
            GoogleAuth::ApiKey(key) => headers.secret("x-goog-api-key", key)?,
            GoogleAuth::Bearer(token) => headers.bearer(token)?,
        }
        Ok(Outgoing {
            url,
            headers: headers.finish(self.cred),
            body,
        })
    }
}

fn generate_body(req: &UpstreamRequest) -> bytes::Bytes {
    edit_json(&req.body, |object| {
        set_model(object, &req.model);
        object.remove("session_id");
    })
}

/// The client's `alt` when it asks for a raw (non-SSE) answer. `sse` and empty are
/// normalised to "none" (proxy-pipeline.md §2.6), so they never become `?$alt=sse`.
fn raw_alt(req: &UpstreamRequest) -> Option<&str> {
    req.alt
        .as_deref()
        .map(str::trim)
        .filter(|alt| !alt.is_empty() && !alt.eq_ignore_ascii_case("sse"))
}

fn alt_query(alt: &str) -> String {
    let encoded: String = url::form_urlencoded::byte_serialize(alt.as_bytes()).collect();
    format!("?$alt={encoded}")
}
