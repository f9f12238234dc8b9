//! Lifecycle step 7 on the server side: turning an attempt's failure into the router's
//! [`Disposition`] (what to do with the credential) and the client-facing [`ApiError`]
//! (what to answer if this is the last attempt).
//!
//! Upstream error bodies are passed through verbatim when the provider speaks the client's
//! format family (an Anthropic error reaches an Anthropic client unchanged); otherwise the
//! upstream message is re-wrapped in the client's error shape with the upstream status.

use cpa_protocol::Format;
use cpa_providers::UpstreamError;
use cpa_router::resolve::Resolution;
use cpa_router::retry::{Disposition, NoCredential, NoCredentialKind};
use cpa_translate::{ReasoningOverride, TranslateError};
use http::StatusCode;

use crate::respond::{ApiError, ErrorKind};

/// A failed attempt: the router's classification and the error to show if it is the last.
#[derive(Debug)]
pub struct Failure {
    /// What the router does with the credential and the request.
    pub disposition: Disposition,
    /// What the client sees if no later attempt succeeds.
    pub error: ApiError,
}

impl Failure {
    /// Pairs a disposition with an error.
    pub fn new(disposition: Disposition, error: ApiError) -> Self {
        Self { disposition, error }
    }
}

/// The request could not be translated: the client's fault, never retried elsewhere.
pub fn translate_failure(err: TranslateError) -> Failure {
    Failure::new(
        Disposition::Fail,
        ApiError::new(ErrorKind::InvalidRequest, format!("invalid request: {err}")),
    )
}

/// Classifies an upstream error.
pub fn upstream_failure(err: &UpstreamError, client: Format, upstream: Format) -> Failure {
    Failure::new(err.disposition(), client_error(err, client, upstream))
}

fn client_error(err: &UpstreamError, client: Format, upstream: Format) -> ApiError {
    let status = err.status().unwrap_or(StatusCode::BAD_GATEWAY);
    let kind = kind_for(status);
    if let Some(body) = err.body() {
        if client.family() == upstream.family()
            && serde_json::from_slice::<serde_json::Value>(body).is_ok()
        {
            return ApiError::new(
                kind,
                upstream_message(body).unwrap_or_else(|| err.to_string()),
            )
            .with_status(status)
            .with_raw_body(body.clone());
        }
        let message = upstream_message(body).unwrap_or_else(|| err.to_string());
        return ApiError::new(kind, message).with_status(status);
    }
    match err {
        UpstreamError::Timeout => ApiError::new(ErrorKind::Unavailable, err.to_string())
            .with_status(StatusCode::GATEWAY_TIMEOUT),
        _ => ApiError::new(ErrorKind::Unavailable, err.to_string())
            .with_status(StatusCode::BAD_GATEWAY),
    }
}

/// The human message of a provider error body, whatever its shape.
fn upstream_message(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let error = value.get("error").unwrap_or(&value);
    if let Some(message) = error.get("message").and_then(|m| m.as_str()) {
        return Some(message.to_owned());
    }
    error.as_str().map(str::to_owned)
}

fn kind_for(status: StatusCode) -> ErrorKind {
    match status.as_u16() {
        401 => ErrorKind::Authentication,
        403 => ErrorKind::PermissionDenied,
        404 => ErrorKind::NotFound,
        429 => ErrorKind::RateLimited,
        500..=599 => ErrorKind::Internal,
        _ => ErrorKind::InvalidRequest,
    }
}

/// The "nothing to try" answer of spec §5.8: 429 + `Retry-After` when every credential is
/// cooling down, 500 otherwise.
pub fn no_credential(none: &NoCredential) -> ApiError {
    match none.kind {
        NoCredentialKind::AllCoolingDown { reset_in } => {
            let seconds = cpa_router::retry::reset_seconds(reset_in);
            let message = format!(
                "{}; resets in {}",
                none.message(),
                cpa_router::retry::reset_time(reset_in)
            );
            let mut error =
                ApiError::new(ErrorKind::RateLimited, message).with_retry_after(seconds);
            if let Ok(body) = serde_json::to_vec(&none.cooldown_error()) {
                error = error.with_openai_body(bytes::Bytes::from(body));
            }
            error
        }
        _ => ApiError::new(ErrorKind::Internal, none.message()),
    }
}

/// The thinking override carried by a `model(value)` suffix.
pub fn reasoning_override(resolution: &Resolution) -> Option<ReasoningOverride> {
    use cpa_router::resolve::thinking::ThinkingRequest;
    Some(match resolution.thinking.as_ref()? {
        ThinkingRequest::Dynamic => ReasoningOverride::Budget(-1),
        ThinkingRequest::Budget(budget) => ReasoningOverride::Budget(i64::from(*budget)),
        ThinkingRequest::Effort(effort) => {
            ReasoningOverride::Effort(cpa_protocol::ir::Effort::parse(effort))
        }
    })
}
