//! Every route of the server, as a table. Handlers live in `handlers`; nothing else here.

use axum::Router;
use axum::routing::{get, post};

use crate::handlers::{proxy, root};
use crate::keep_alive;
use crate::state::AppState;

/// Routes that need no client key: the banner and the launcher keep-alive.
pub fn open_routes() -> Router<AppState> {
    Router::new()
        .route("/", get(root::banner))
        .route("/keep-alive", get(keep_alive::keep_alive))
}

/// The client API, behind client authentication.
pub fn client_routes() -> Router<AppState> {
    Router::new()
        .route("/v1/models", get(proxy::openai_models))
        .route("/v1/chat/completions", post(proxy::unavailable))
        .route("/v1/completions", post(proxy::unavailable))
        .route("/v1/responses", post(proxy::unavailable))
        .route("/v1/messages", post(proxy::unavailable))
        .route("/v1/messages/count_tokens", post(proxy::unavailable))
        .route("/v1beta/models", get(proxy::gemini_models))
        .route("/v1beta/models/{*model_action}", post(proxy::unavailable))
        .route("/v1/models/{*model_action}", post(proxy::unavailable))
}
