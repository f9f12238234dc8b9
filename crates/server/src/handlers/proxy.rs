//! Client API routes (`/v1/*`, `/v1beta/*`) until the proxy pipeline is wired in.
//!
//! Authentication, routing and error shapes are real; the generation endpoints answer
//! `503` in the client's format because no upstream executor exists in this build yet, and the
//! model listings are empty because no credential can serve a model yet.

use axum::Json;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::respond::{ApiError, ClientFormat, ErrorKind, FormattedError};

/// Every generation endpoint: refuses with a clear message in the client's shape.
pub async fn unavailable(request: Request) -> Response {
    let format =
        ClientFormat::for_request(request.method(), request.uri().path(), request.headers());
    FormattedError(
        format,
        ApiError::new(
            ErrorKind::Unavailable,
            "no upstream provider can serve this request: provider executors are not available in this build",
        ),
    )
    .into_response()
}

/// `GET /v1/models`: the models clients can use now (none without executors).
pub async fn openai_models() -> Json<Value> {
    Json(json!({"object": "list", "data": []}))
}

/// `GET /v1beta/models`: the Gemini-shaped listing.
pub async fn gemini_models() -> Json<Value> {
    Json(json!({"models": []}))
}
