//! Client-facing error bodies, one shape per client format.
//!
//! This is the only place that decides what an error looks like on the wire. Handlers and
//! middleware build an [`ApiError`] (status + kind + message) and pick the [`ClientFormat`]
//! from the route; [`ApiError::into_response_for`] renders it so that an Anthropic client never
//! receives an OpenAI-shaped error and a Gemini client gets Google's `{"error":{code,status}}`.
//!
//! Must not: know about upstream providers or retry decisions; those arrive here already
//! classified.

mod format;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::json;

pub use format::ClientFormat;

/// What went wrong, in words every client format has a spelling for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The client key is missing or wrong.
    Authentication,
    /// The caller is known but not allowed (e.g. a non-loopback caller on a local-only route).
    PermissionDenied,
    /// No such route, model or resource.
    NotFound,
    /// The route exists but not for this method.
    MethodNotAllowed,
    /// The request body or parameters are malformed.
    InvalidRequest,
    /// Too many requests or every credential is cooling down.
    RateLimited,
    /// The proxy itself failed.
    Internal,
    /// The feature or provider is not available right now.
    Unavailable,
}

/// An error answered to a client: status, kind and a human-readable message.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    kind: ErrorKind,
    message: String,
    retry_after_secs: Option<u64>,
    /// A provider error body sent verbatim (same format family as the client).
    raw_body: Option<Bytes>,
    /// A spec-defined body for OpenAI clients (e.g. the `model_cooldown` object).
    openai_body: Option<Bytes>,
}

// === impl ErrorKind ===

impl ErrorKind {
    /// The HTTP status this kind maps to unless the caller overrides it.
    pub fn default_status(self) -> StatusCode {
        match self {
            Self::Authentication => StatusCode::UNAUTHORIZED,
            Self::PermissionDenied => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::InvalidRequest => StatusCode::BAD_REQUEST,
            Self::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// OpenAI `error.type` and `error.code`.
    fn openai(self) -> (&'static str, Option<&'static str>) {
        match self {
            Self::Authentication => ("authentication_error", Some("invalid_api_key")),
            Self::PermissionDenied => ("permission_error", None),
            Self::NotFound => ("invalid_request_error", Some("not_found")),
            Self::MethodNotAllowed => ("invalid_request_error", Some("method_not_allowed")),
            Self::InvalidRequest => ("invalid_request_error", None),
            Self::RateLimited => ("rate_limit_error", Some("rate_limit_exceeded")),
            Self::Internal => ("server_error", Some("internal_server_error")),
            Self::Unavailable => ("server_error", Some("service_unavailable")),
        }
    }

    /// Anthropic `error.type`.
    fn anthropic(self) -> &'static str {
        match self {
            Self::Authentication => "authentication_error",
            Self::PermissionDenied => "permission_error",
            Self::NotFound | Self::MethodNotAllowed => "not_found_error",
            Self::InvalidRequest => "invalid_request_error",
            Self::RateLimited => "rate_limit_error",
            Self::Internal => "api_error",
            Self::Unavailable => "overloaded_error",
        }
    }

    /// Google `error.status` (a gRPC code name).
    fn gemini(self) -> &'static str {
        match self {
            Self::Authentication => "UNAUTHENTICATED",
            Self::PermissionDenied => "PERMISSION_DENIED",
            Self::NotFound => "NOT_FOUND",
            Self::MethodNotAllowed => "UNIMPLEMENTED",
            Self::InvalidRequest => "INVALID_ARGUMENT",
            Self::RateLimited => "RESOURCE_EXHAUSTED",
            Self::Internal => "INTERNAL",
            Self::Unavailable => "UNAVAILABLE",
        }
    }
}

// === impl ApiError ===

impl ApiError {
    /// An error of `kind` with its default status.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            status: kind.default_status(),
            kind,
            message: message.into(),
            retry_after_secs: None,
            raw_body: None,
            openai_body: None,
        }
    }

    /// Overrides the HTTP status (e.g. an upstream status passed through).
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// Adds a `Retry-After` header, in whole seconds.
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }

    /// Sends `body` verbatim whatever the client format (a provider error body of the
    /// client's own format family).
    pub fn with_raw_body(mut self, body: Bytes) -> Self {
        self.raw_body = Some(body);
        self
    }

    /// Uses `body` verbatim for OpenAI clients, the generic shape for the others.
    pub fn with_openai_body(mut self, body: Bytes) -> Self {
        self.openai_body = Some(body);
        self
    }

    /// The HTTP status that will be sent.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The error kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The human-readable message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The JSON body in `format`'s error shape.
    pub fn body(&self, format: ClientFormat) -> serde_json::Value {
        match format {
            ClientFormat::OpenAi => {
                let (kind, code) = self.kind.openai();
                json!({"error": {"message": self.message, "type": kind, "param": null, "code": code}})
            }
            ClientFormat::Anthropic => json!({
                "type": "error",
                "error": {"type": self.kind.anthropic(), "message": self.message},
            }),
            ClientFormat::Gemini => json!({
                "error": {"code": self.status.as_u16(), "message": self.message, "status": self.kind.gemini()},
            }),
        }
    }

    /// Renders the error as a complete HTTP response in `format`'s shape.
    pub fn into_response_for(self, format: ClientFormat) -> Response {
        let body = match (&self.raw_body, &self.openai_body, format) {
            (Some(raw), _, _) => raw.clone(),
            (None, Some(openai), ClientFormat::OpenAi) => openai.clone(),
            _ => Bytes::from(self.body(format).to_string()),
        };
        let mut response = (
            self.status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response();
        if let Some(secs) = self.retry_after_secs {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// An [`ApiError`] bound to the client format it must be rendered in.
#[derive(Debug)]
pub struct FormattedError(pub ClientFormat, pub ApiError);

impl IntoResponse for FormattedError {
    fn into_response(self) -> Response {
        self.1.into_response_for(self.0)
    }
}

#[cfg(test)]
mod tests;
