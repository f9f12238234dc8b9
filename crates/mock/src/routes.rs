//! The route table: every path the mock serves, in one place.
//!
//! Layers, outermost first: response compression (only when the client sent
//! `Accept-Encoding`, as the real services do; never for `text/event-stream`), the
//! body-size limit, then request recording (`record::record_layer`, skips `/__mock/*`). Unknown paths get a plain 404 and are
//! still recorded, so a test can see a proxy calling the wrong URL. This file holds the
//! table only; handlers live in their format modules.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post};
use tower_http::compression::CompressionLayer;

use crate::record::{self, MAX_BODY_BYTES};
use crate::server::AppState;
use crate::{anthropic, control, gemini, models, openai, responses};

/// Builds the axum app.
pub(crate) fn app(state: AppState) -> Router {
    Router::new()
        // OpenAI Chat Completions (base URLs with or without /v1).
        .route("/v1/chat/completions", post(openai::chat_completions))
        .route("/chat/completions", post(openai::chat_completions))
        .route("/v1/models", get(models::list_v1))
        .route("/models", get(models::list_v1))
        // OpenAI Responses and the ChatGPT Codex backend.
        .route("/v1/responses", post(responses::create))
        .route("/responses", post(responses::create))
        .route(
            "/backend-api/codex/responses",
            post(responses::create_codex),
        )
        // Anthropic Messages.
        .route("/v1/messages", post(anthropic::messages))
        .route("/v1/messages/count_tokens", post(anthropic::count_tokens))
        // Gemini (AI Studio), Vertex API-key mode, Gemini CLI.
        .route("/v1beta/models", get(models::list_gemini))
        .route(
            "/v1beta/models/{model_action}",
            post(gemini::generative).get(models::get_gemini),
        )
        .route(
            "/v1/publishers/google/models/{model_action}",
            post(gemini::vertex),
        )
        .route(
            "/v1/projects/{project}/locations/{location}/publishers/google/models/{model_action}",
            post(gemini::vertex_project),
        )
        .route("/v1internal:generateContent", post(gemini::cli_generate))
        .route(
            "/v1internal:streamGenerateContent",
            post(gemini::cli_stream),
        )
        .route("/v1internal:countTokens", post(gemini::cli_count))
        // Control API for out-of-process tests.
        .route(
            "/__mock/requests",
            get(record::list_requests).delete(record::clear_requests),
        )
        .route(
            "/__mock/script",
            post(control::set_script).delete(control::clear_scripts),
        )
        .route("/__mock/health", get(|| async { "ok" }))
        .fallback(|| async { (StatusCode::NOT_FOUND, "mock upstream: no such route") })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            record::record_layer,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(CompressionLayer::new())
        .with_state(state)
}
