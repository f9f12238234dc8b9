//! Cloud Code envelopes around Gemini bodies: Gemini CLI and Antigravity.
//!
//! Data only (lifecycle steps 2, 5, 9). Requests are `{"model","project","request":{…}}`;
//! Antigravity adds `userAgent`, `requestType`, `requestId` (kept in `extra`) and
//! `request.sessionId` (kept in the inner request's `extra`). Responses are
//! `{"response":{…},"traceId"?}`. Providers fill the credential-dependent fields; this module
//! only describes the shape.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::generate::{GenerateContentRequest, GenerateContentResponse};

/// Gemini CLI / Antigravity request envelope.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CliRequest {
    /// Upstream model name.
    #[serde(default)]
    pub model: String,
    /// Google Cloud project id (set by the provider from the credential).
    #[serde(default)]
    pub project: String,
    /// The wrapped Gemini request (required: an envelope without it is malformed).
    pub request: GenerateContentRequest,
    /// Envelope extras (`userAgent`, `requestType`, `requestId`, …), carried through.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Gemini CLI / Antigravity response envelope (also each stream chunk).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CliResponse {
    /// The wrapped Gemini response (required: an envelope without it is malformed).
    pub response: GenerateContentResponse,
    /// Upstream trace id (Antigravity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    /// Unknown keys, carried through.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
