//! Sending one prepared request and turning the answer into a response, a stream or a
//! classified error (lifecycle steps 6 and 7). Shared by every executor.

use std::time::SystemTime;

use bytes::Bytes;
use cpa_protocol::{Format, SseEvent};
use futures_util::StreamExt;
use http::HeaderMap;

use crate::credential::Credential;
use crate::error::{UpstreamError, classify};
use crate::executor::UpstreamResponse;
use crate::http::HttpClients;
use crate::sse::SseParser;
use crate::stream::{Framing, UpstreamStream};
use crate::usage::{self, UsageTracker};

/// A fully prepared upstream request.
#[derive(Debug)]
pub(crate) struct Outgoing {
    /// Absolute URL including query.
    pub(crate) url: String,
    /// Every header to send.
    pub(crate) headers: HeaderMap,
    /// Final body.
    pub(crate) body: Bytes,
}

/// POSTs `out` through the credential's client; non-2xx answers become classified
/// errors carrying the upstream body.
pub(crate) async fn send(
    clients: &HttpClients,
    cred: &Credential,
    out: Outgoing,
) -> Result<reqwest::Response, UpstreamError> {
    let client = clients.client_for(cred.proxy())?;
    crate::capture::record(&out);
    tracing::debug!(provider = cred.provider_name(), credential = cred.id(), url = %out.url, "upstream request");
    let response = client
        .post(&out.url)
        .headers(out.headers)
        .body(out.body)
        .send()
        .await
        .map_err(UpstreamError::from_reqwest)?;
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(UpstreamError::from_reqwest)?;
    tracing::debug!(provider = cred.provider_name(), credential = cred.id(), %status, "upstream error");
    Err(classify(status, &headers, body, SystemTime::now()))
}

/// Reads a whole 2xx body and extracts usage in `format`.
pub(crate) async fn read_body(
    response: reqwest::Response,
    format: Format,
) -> Result<UpstreamResponse, UpstreamError> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(UpstreamError::from_reqwest)?;
    let usage = if is_event_stream(&headers) {
        usage_from_sse(format, &body)
    } else {
        usage::from_body(format, &body)
    };
    Ok(UpstreamResponse {
        status,
        headers,
        body,
        usage,
    })
}

/// Wraps a 2xx body as an event stream. SSE is chosen by `Content-Type`
/// (`text/event-stream`) or by `framing` when the header is missing or generic.
pub(crate) fn into_stream(
    response: reqwest::Response,
    framing: Framing,
    format: Format,
) -> UpstreamStream {
    let status = response.status();
    let headers = response.headers().clone();
    let framing = if is_event_stream(&headers) {
        Framing::Sse
    } else {
        framing
    };
    UpstreamStream::new(
        status,
        headers,
        response.bytes_stream().boxed(),
        framing,
        format,
    )
}

/// Whether the response declares `Content-Type: text/event-stream`.
pub(crate) fn is_event_stream(headers: &HeaderMap) -> bool {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"))
}

/// Parses a buffered SSE body into events (a non-stream request that the provider
/// answered as a stream, e.g. Claude for non-Claude clients or Codex).
pub(crate) fn parse_sse_body(body: &[u8]) -> Vec<SseEvent> {
    let mut parser = SseParser::new();
    let mut events = Vec::new();
    // A buffered body has no line limit problem worth failing the request for.
    let _ = parser.push(body, &mut events);
    parser.finish(&mut events);
    events
}

fn usage_from_sse(format: Format, body: &[u8]) -> Option<usage::Usage> {
    let mut tracker = UsageTracker::new(format);
    for event in parse_sse_body(body) {
        tracker.observe(&event);
    }
    tracker.usage()
}

/// Percent-encodes one URL path segment (model names go into Gemini/Vertex paths), so a
/// model name cannot inject `/`, `?` or `#`.
pub(crate) fn path_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'@') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
