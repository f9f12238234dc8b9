//! Request ids: 8 lowercase hex characters, as in the original, generated for every request
//! and returned to the client in `X-Request-Id` (the original keeps them internal; returning
//! them lets a user find the matching request log). Every log line of the request carries
//! the id through a tracing span.
//!
//! Must not: block or allocate more than the id itself on the hot path.

use std::time::Duration;

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

/// The id of the current request, available to handlers through the request extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

impl RequestId {
    /// A fresh random id.
    pub fn generate() -> Self {
        Self(format!("{:08x}", rand::random::<u32>()))
    }
}

/// Tags the request with an id, logs one access line when the handler returns.
pub async fn assign_request_id(mut request: Request, next: Next) -> Response {
    let id = RequestId::generate();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    request.extensions_mut().insert(id.clone());
    let span = tracing::info_span!("request", id = %id.0);
    let started = tokio::time::Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    let elapsed: Duration = started.elapsed();
    span.in_scope(|| {
        tracing::info!(
            status = response.status().as_u16(),
            %method,
            path,
            elapsed_ms = elapsed.as_secs_f64() * 1000.0,
            "handled"
        );
    });
    if let Ok(value) = HeaderValue::from_str(&id.0) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}
