//! Routes declared for compatibility but not available in this build: the OAuth
//! login flows (`*-auth-url`, `/oauth-callback`, `/get-auth-status`), Vertex
//! service-account import and the `/api-call` helper. They answer `501` with a JSON
//! error naming the missing feature, never a bare 404, so clients can tell
//! "not supported" from "wrong path".

use axum::http::StatusCode;

use crate::error::{ApiError, ApiResult};

/// `GET /*-auth-url`, `POST /iflow-auth-url`.
pub async fn oauth() -> ApiResult {
    Err(ApiError::new(
        StatusCode::NOT_IMPLEMENTED,
        "oauth login is not available in this build",
    ))
}

/// `POST /oauth-callback`, `GET /get-auth-status`: the OAuth error shape
/// `{"status":"error","error":…}`.
pub async fn oauth_status() -> ApiResult {
    Err(ApiError {
        status: StatusCode::NOT_IMPLEMENTED,
        body: serde_json::json!({
            "status": "error",
            "error": "oauth login is not available in this build",
        }),
    })
}

/// `POST /vertex/import`.
pub async fn vertex_import() -> ApiResult {
    Err(ApiError::new(
        StatusCode::NOT_IMPLEMENTED,
        "vertex import is not available in this build",
    ))
}

/// `POST /api-call`.
pub async fn api_call() -> ApiResult {
    Err(ApiError::new(
        StatusCode::NOT_IMPLEMENTED,
        "api-call is not available in this build",
    ))
}
