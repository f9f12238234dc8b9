//! The one error type of the management API and its rendering.
//!
//! Every handler returns `Result<Response, ApiError>`. An [`ApiError`] is a status code
//! plus the exact JSON body the original server sends (spec §6.4): most errors are
//! `{"error":"<text>"}`, config-file errors are `{"error":"<code>","message":"<text>"}`
//! and OAuth errors are `{"status":"error","error":"<text>"}`. Texts are the spec's,
//! lowercase and without a trailing period.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// A failed management request: status and JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// JSON body, already in the spec's shape.
    pub body: Value,
}

/// What every handler returns.
pub type ApiResult = Result<Response, ApiError>;

impl ApiError {
    /// `{"error": message}` with `status`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            body: json!({ "error": message.into() }),
        }
    }

    /// `{"error": code, "message": message}` (config-file and version endpoints).
    pub fn coded(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            body: json!({ "error": code, "message": message.into() }),
        }
    }

    /// 400 `{"error": message}`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404 `{"error": message}`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// 500 `{"error": message}`.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// 400 `{"error":"invalid body"}`, the most common rejection.
    pub fn invalid_body() -> Self {
        Self::bad_request("invalid body")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

/// `200 {"status":"ok"}`.
pub fn ok() -> ApiResult {
    Ok(Json(json!({ "status": "ok" })).into_response())
}

/// `200` with any JSON body.
pub fn json(body: Value) -> ApiResult {
    Ok(Json(body).into_response())
}
