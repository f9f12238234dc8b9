//! The axum application: routes plus middleware.
//!
//! Layers, outermost first — what each adds to the request:
//!
//! 1. `CatchPanicLayer`: a panic anywhere becomes a `500` instead of a dropped connection.
//! 2. `request_id::assign_request_id`: an 8-hex request id in the extensions, a tracing span
//!    for every log line of the request, one access-log line, and `X-Request-Id`.
//! 3. `request_log::capture`: unless `commercial-mode`, records logged routes' request and
//!    response (teed while streaming) for the request-log / error-log files.
//! 4. `cors::permissive_cors`: `OPTIONS` answered `204` before authentication; CORS headers on
//!    every response.
//! 5. On client routes only, `client_auth::require_client_key`: the client key, checked
//!    against the request's config snapshot; a `ClientPrincipal` in the extensions.
//!
//! Unknown paths and wrong methods are answered by `handlers::fallback` in the client's error
//! shape.

use axum::Router;
use axum::middleware;
use tower_http::catch_panic::CatchPanicLayer;

use crate::handlers::fallback;
use crate::middleware::{client_auth, cors, request_id, request_log};
use crate::routes;
use crate::state::AppState;

/// Builds the complete application for `state`, without the Management API.
pub fn build(state: AppState) -> Router {
    build_with_management(state, None)
}

/// Builds the complete application; `management` (the `cpa_management` router) is nested
/// under `/v0/management`, outside client authentication (it has its own guard).
pub fn build_with_management(state: AppState, management: Option<Router>) -> Router {
    let client = routes::client_routes().route_layer(middleware::from_fn_with_state(
        state.clone(),
        client_auth::require_client_key,
    ));
    let mut open = routes::open_routes();
    if let Some(management) = management {
        open = open.nest_service("/v0/management", management);
    }
    open.merge(client)
        .fallback(fallback::not_found)
        .method_not_allowed_fallback(fallback::method_not_allowed)
        .layer(middleware::from_fn(cors::permissive_cors))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            request_log::capture,
        ))
        .layer(middleware::from_fn(request_id::assign_request_id))
        .layer(CatchPanicLayer::new())
        .with_state(state)
}
