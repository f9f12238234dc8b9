//! What the server captures about one client request for its request-log file (step 10).
//!
//! Plain data filled in by the server's capture middleware and pipeline: the client request,
//! each upstream attempt and the response sent back. Bodies are [`CappedBody`]s so that a
//! large upload or a long stream cannot grow memory or the log file past the configured cap.
//! Values are stored unmasked; masking happens when the file is rendered. No I/O here.

use std::fmt;

use chrono::{DateTime, FixedOffset};

use crate::mask::{MaskedHeaders, mask_url, mask_value};

use crate::timestamp::now_local;

/// Default cap for each logged body (request, response, every upstream body): 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// A body kept up to a cap; bytes beyond the cap are counted, not stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CappedBody {
    data: Vec<u8>,
    omitted: u64,
    cap: usize,
}

/// One captured client request and its response. `Debug` masks headers and omits bodies.
#[derive(Clone)]
pub struct RequestLogRecord {
    /// Path and query as received (sensitive query parameters are masked when rendered).
    pub url: String,
    /// HTTP method.
    pub method: String,
    /// When the request arrived (server local time).
    pub timestamp: DateTime<FixedOffset>,
    /// The 8-hex request id, if the route has one; otherwise a counter names the file.
    pub request_id: Option<String>,
    /// Request headers in arrival order (masked when rendered).
    pub request_headers: Vec<(String, String)>,
    /// Request body.
    pub request_body: CappedBody,
    /// Upstream attempts in order (only collected while `request-log` is on).
    pub attempts: Vec<UpstreamAttempt>,
    /// Error bodies produced by the handler; appended to the API RESPONSE text.
    pub error_bodies: Vec<String>,
    /// Final status sent to the client.
    pub status: u16,
    /// Response headers as sent (not masked, not sorted).
    pub response_headers: Vec<(String, String)>,
    /// Response body as sent to the client (decompressed by the caller if it was encoded).
    pub response_body: CappedBody,
}

/// One upstream attempt: the request we sent and what came back. `Debug` masks headers.
#[derive(Clone)]
pub struct UpstreamAttempt {
    /// When the attempt was sent.
    pub timestamp: DateTime<FixedOffset>,
    /// Upstream URL (sensitive query parameters are masked when rendered).
    pub url: String,
    /// HTTP method.
    pub method: String,
    /// Which credential was used.
    pub auth: Option<AttemptAuth>,
    /// Headers sent upstream (sorted and masked when rendered).
    pub headers: Vec<(String, String)>,
    /// Body sent upstream.
    pub body: CappedBody,
    /// What came back; `None` if nothing was recorded.
    pub response: Option<UpstreamResponse>,
}

/// The credential of an attempt, for the `Auth:` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptAuth {
    /// Provider key.
    pub provider: String,
    /// Credential id.
    pub auth_id: String,
    /// Human label (e-mail, key name).
    pub label: String,
    /// API key (shown masked) or OAuth.
    pub kind: AuthKind,
}

/// How a credential authenticates. `Debug` masks the key.
#[derive(Clone, PartialEq, Eq)]
pub enum AuthKind {
    /// An API key; rendered as `type=api_key value=<masked>`.
    ApiKey(String),
    /// An OAuth token; rendered as `type=oauth`.
    OAuth,
}

/// The upstream response of one attempt.
#[derive(Debug, Clone)]
pub struct UpstreamResponse {
    /// When the response (or the failure) arrived.
    pub timestamp: DateTime<FixedOffset>,
    /// Upstream status; `None` for a transport failure.
    pub status: Option<u16>,
    /// Upstream response headers (sorted when rendered).
    pub headers: Vec<(String, String)>,
    /// Response body; streamed lines joined with [`CappedBody::push_block`].
    pub body: CappedBody,
    /// Transport error text, rendered as `Error: <text>`.
    pub error: Option<String>,
}

// === impl CappedBody ===

impl CappedBody {
    /// An empty body that keeps at most `cap` bytes.
    pub fn new(cap: usize) -> Self {
        Self {
            data: Vec::new(),
            omitted: 0,
            cap,
        }
    }

    /// A body holding at most `cap` bytes of `bytes`.
    pub fn from_bytes(bytes: &[u8], cap: usize) -> Self {
        let mut body = Self::new(cap);
        body.push(bytes);
        body
    }

    /// Appends a chunk, storing only what fits under the cap.
    pub fn push(&mut self, chunk: &[u8]) {
        let room = self.cap.saturating_sub(self.data.len());
        let kept = room.min(chunk.len());
        self.data.extend_from_slice(&chunk[..kept]);
        self.omitted += (chunk.len() - kept) as u64;
    }

    /// Appends a chunk separated from earlier content by a blank line (streamed lines).
    pub fn push_block(&mut self, chunk: &[u8]) {
        if !self.data.is_empty() || self.omitted > 0 {
            self.push(b"\n\n");
        }
        self.push(chunk);
    }

    /// The stored bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.data
    }

    /// Bytes that did not fit under the cap.
    pub fn omitted(&self) -> u64 {
        self.omitted
    }

    /// Whether anything was cut off.
    pub fn is_truncated(&self) -> bool {
        self.omitted > 0
    }

    /// Whether nothing was pushed.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty() && self.omitted == 0
    }
}

// === impl Debug (headers and keys are secrets) ===

impl fmt::Debug for RequestLogRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestLogRecord")
            .field("url", &mask_url(&self.url))
            .field("method", &self.method)
            .field("timestamp", &self.timestamp)
            .field("request_id", &self.request_id)
            .field("request_headers", &MaskedHeaders(&self.request_headers))
            .field("request_body_len", &self.request_body.as_bytes().len())
            .field("attempts", &self.attempts)
            .field("status", &self.status)
            .field("response_body_len", &self.response_body.as_bytes().len())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for UpstreamAttempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpstreamAttempt")
            .field("timestamp", &self.timestamp)
            .field("url", &mask_url(&self.url))
            .field("method", &self.method)
            .field("auth", &self.auth)
            .field("headers", &MaskedHeaders(&self.headers))
            .field("response", &self.response)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for AuthKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ApiKey(key) => f.debug_tuple("ApiKey").field(&mask_value(key)).finish(),
            Self::OAuth => f.write_str("OAuth"),
        }
    }
}

// === impl RequestLogRecord ===

impl RequestLogRecord {
    /// A record for `method url` stamped now, with empty bodies capped at `max_body_bytes`.
    pub fn new(method: impl Into<String>, url: impl Into<String>, max_body_bytes: usize) -> Self {
        Self {
            url: url.into(),
            method: method.into(),
            timestamp: now_local(),
            request_id: None,
            request_headers: Vec::new(),
            request_body: CappedBody::new(max_body_bytes),
            attempts: Vec::new(),
            error_bodies: Vec::new(),
            status: 0,
            response_headers: Vec::new(),
            response_body: CappedBody::new(max_body_bytes),
        }
    }

    /// The path part of the URL (no query).
    pub fn path(&self) -> &str {
        self.url.split('?').next().unwrap_or_default()
    }
}
