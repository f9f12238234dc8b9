//! Every route of the server, as a table. Handlers live in `handlers`; nothing else here.

use axum::Router;
use axum::routing::{get, post};

use crate::handlers::{anthropic, gemini, models, openai, root};
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
        .route("/v1/models", get(models::list))
        .route("/v1/chat/completions", post(openai::chat_completions))
        .route("/v1/completions", post(openai::completions))
        .route(
            "/v1/responses",
            post(openai::responses).get(openai::responses_websocket),
        )
        .route("/v1/messages", post(anthropic::messages))
        .route("/v1/messages/count_tokens", post(anthropic::count_tokens))
        .route("/v1beta/models", get(models::gemini_list))
        .route(
            "/v1beta/models/{*model_action}",
            get(models::gemini_get).post(gemini::model_action),
        )
        .route("/v1/models/{*model_action}", post(gemini::model_action))
}
