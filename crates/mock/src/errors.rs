//! Error bodies in each provider's own shape.
//!
//! One [`MockError`] says what went wrong; [`MockError::render`] turns it into the
//! status, headers and body the real service would send for that format. Handlers never
//! build error JSON themselves, so an Anthropic client never sees an OpenAI-shaped error.
//! This module must not decide *when* to fail; validation and fault injection do that.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// The error-shape family of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// `{"error":{"message","type","param","code"}}` (Chat Completions and Responses).
    OpenAi,
    /// `{"type":"error","error":{"type","message"},"request_id"}`.
    Anthropic,
    /// `{"error":{"code","message","status"}}` (Gemini, Vertex, Gemini CLI).
    Gemini,
    /// The ChatGPT Codex backend: `{"detail": "..."}` for rejected requests,
    /// `{"error":{"type":"usage_limit_reached",…,"resets_in_seconds"}}` for 429, otherwise
    /// the OpenAI shape.
    Codex,
}

/// A failure to report to the client in the endpoint's own shape.
#[derive(Debug, Clone)]
pub(crate) struct MockError {
    status: StatusCode,
    message: String,
    param: Option<String>,
    code: Option<&'static str>,
    retry_after: Option<u64>,
}

impl MockError {
    /// A 400 invalid-request error.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::status(StatusCode::BAD_REQUEST, message)
    }

    /// An error with an arbitrary status.
    pub(crate) fn status(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            param: None,
            code: None,
            retry_after: None,
        }
    }

    /// A 401 for a missing or rejected credential.
    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::status(StatusCode::UNAUTHORIZED, message)
    }

    /// A 429 carrying `Retry-After: secs`.
    pub(crate) fn rate_limited(secs: u64) -> Self {
        Self {
            retry_after: Some(secs),
            ..Self::status(
                StatusCode::TOO_MANY_REQUESTS,
                format!("mock rate limit reached, retry after {secs}s"),
            )
        }
    }

    /// Names the offending request field (OpenAI `param`).
    pub(crate) fn param(mut self, param: impl Into<String>) -> Self {
        self.param = Some(param.into());
        self
    }

    /// Sets the OpenAI `code`.
    pub(crate) fn code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    /// The JSON body for `flavor`, also used for in-stream error events.
    pub(crate) fn body(&self, flavor: Flavor) -> Value {
        match flavor {
            Flavor::Codex if self.status == StatusCode::BAD_REQUEST => {
                json!({ "detail": self.message })
            }
            Flavor::Codex if self.status == StatusCode::TOO_MANY_REQUESTS => json!({"error": {
                "type": "usage_limit_reached",
                "message": "The usage limit has been reached",
                "plan_type": "plus",
                "resets_in_seconds": self.retry_after.unwrap_or(0),
            }}),
            Flavor::OpenAi | Flavor::Codex => json!({"error": {
                "message": self.message,
                "type": openai_type(self.status),
                "param": self.param,
                "code": self.code.or_else(|| openai_code(self.status)),
            }}),
            Flavor::Anthropic => json!({
                "type": "error",
                "error": {"type": anthropic_type(self.status), "message": self.message},
                "request_id": "req_mock",
            }),
            Flavor::Gemini => {
                let mut error = json!({
                    "code": self.status.as_u16(),
                    "message": self.message,
                    "status": gemini_status(self.status),
                });
                if let Some(secs) = self.retry_after {
                    error["details"] = json!([{
                        "@type": "type.googleapis.com/google.rpc.RetryInfo",
                        "retryDelay": format!("{secs}s"),
                    }]);
                }
                json!({ "error": error })
            }
        }
    }

    /// The complete HTTP response for `flavor`.
    pub(crate) fn render(&self, flavor: Flavor) -> Response {
        let mut response = (self.status, axum::Json(self.body(flavor))).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// The error `error-mid-stream` injects: Anthropic's usual mid-stream
/// `overloaded_error` (529), a plain 500 elsewhere.
pub(crate) fn mid_stream_error(flavor: Flavor) -> MockError {
    let status = match flavor {
        Flavor::Anthropic => StatusCode::from_u16(529).unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
        Flavor::OpenAi | Flavor::Codex | Flavor::Gemini => StatusCode::INTERNAL_SERVER_ERROR,
    };
    MockError::status(status, "mock injected mid-stream error")
}

fn openai_type(status: StatusCode) -> &'static str {
    match status.as_u16() {
        429 => "requests",
        500..=599 => "server_error",
        _ => "invalid_request_error",
    }
}

fn openai_code(status: StatusCode) -> Option<&'static str> {
    match status.as_u16() {
        401 => Some("invalid_api_key"),
        429 => Some("rate_limit_exceeded"),
        _ => None,
    }
}

fn anthropic_type(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        529 => "overloaded_error",
        500..=599 => "api_error",
        _ => "invalid_request_error",
    }
}

fn gemini_status(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        409 => "ABORTED",
        429 => "RESOURCE_EXHAUSTED",
        501 => "UNIMPLEMENTED",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        500..=599 => "INTERNAL",
        _ => "INVALID_ARGUMENT",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemini_rate_limit_carries_retry_info() {
        let body = MockError::rate_limited(7).body(Flavor::Gemini);
        assert_eq!(body["error"]["status"], "RESOURCE_EXHAUSTED");
        assert_eq!(body["error"]["details"][0]["retryDelay"], "7s");
    }

    #[test]
    fn codex_shapes_differ_from_openai() {
        let rejected = MockError::invalid("Store must be set to false").body(Flavor::Codex);
        assert_eq!(rejected, json!({"detail": "Store must be set to false"}));
        let limited = MockError::rate_limited(60).body(Flavor::Codex);
        assert_eq!(limited["error"]["type"], "usage_limit_reached");
        assert_eq!(limited["error"]["resets_in_seconds"], 60);
    }

    #[test]
    fn anthropic_overloaded_uses_its_type() {
        let err = MockError::status(StatusCode::from_u16(529).expect("valid"), "busy");
        assert_eq!(
            err.body(Flavor::Anthropic)["error"]["type"],
            "overloaded_error"
        );
    }
}
