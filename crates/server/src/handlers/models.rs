//! Model listings: `GET /v1/models` (OpenAI shape, or Anthropic's for `claude-cli` user
//! agents), `GET /v1beta/models` and `GET /v1beta/models/{model}`. They list exactly the
//! models a client can use now (the pool's registry minus disabled credentials).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::respond::{ApiError, ClientFormat, ErrorKind};
use crate::state::AppState;

/// `GET /v1/models`.
pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let pool = state.upstreams();
    let is_claude_cli = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ua| ua.starts_with("claude-cli"));
    if is_claude_cli {
        let data = pool.pool().anthropic_models();
        let first = data.first().map(|m| m.id.clone());
        let last = data.last().map(|m| m.id.clone());
        return Json(json!({"data": data, "has_more": false, "first_id": first, "last_id": last}))
            .into_response();
    }
    Json(json!({"object": "list", "data": pool.pool().openai_models()})).into_response()
}

/// `GET /v1beta/models`.
pub async fn gemini_list(State(state): State<AppState>) -> Response {
    Json(json!({"models": state.upstreams().pool().gemini_models()})).into_response()
}

/// `GET /v1beta/models/{model}`: one model of the Gemini listing, 404 in Gemini's shape
/// when the proxy cannot serve it.
pub async fn gemini_get(State(state): State<AppState>, Path(model): Path<String>) -> Response {
    let wanted = model.trim_start_matches("models/");
    let models = state.upstreams().pool().gemini_models();
    let found = models.into_iter().find(|m| {
        let name = m.name.trim_start_matches("models/");
        name == wanted
    });
    match found {
        Some(model) => Json(model).into_response(),
        None => ApiError::new(ErrorKind::NotFound, format!("models/{wanted} is not found"))
            .into_response_for(ClientFormat::Gemini),
    }
}
