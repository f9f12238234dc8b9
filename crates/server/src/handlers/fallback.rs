//! Unknown routes and wrong methods, answered in the client's error shape.
//!
//! The original answers a plain-text `404 page not found` and has no 405 at all; a client SDK
//! then fails with a parse error instead of a readable message. We answer 404 and 405 as JSON
//! in the format the path suggests.

use axum::extract::Request;
use axum::response::{IntoResponse, Response};

use crate::respond::{ApiError, ClientFormat, ErrorKind, FormattedError};

/// Any path no route matches.
pub async fn not_found(request: Request) -> Response {
    let format =
        ClientFormat::for_request(request.method(), request.uri().path(), request.headers());
    let message = format!("no route for {} {}", request.method(), request.uri().path());
    FormattedError(format, ApiError::new(ErrorKind::NotFound, message)).into_response()
}

/// A known path asked with a method it does not serve.
pub async fn method_not_allowed(request: Request) -> Response {
    let format =
        ClientFormat::for_request(request.method(), request.uri().path(), request.headers());
    let message = format!(
        "method {} is not allowed on {}",
        request.method(),
        request.uri().path()
    );
    FormattedError(format, ApiError::new(ErrorKind::MethodNotAllowed, message)).into_response()
}
