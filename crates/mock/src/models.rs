//! Model listings: OpenAI and Anthropic `GET /v1/models`, Gemini `GET /v1beta/models`.
//!
//! The lists are fixed and serialized once, so listing costs nothing per request.
//! `GET /v1/models` answers in Anthropic's shape when the request carries
//! `anthropic-version` (as Anthropic SDKs always do), otherwise in OpenAI's. This module
//! must not invent models per request.

use std::sync::OnceLock;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::Response;
use serde_json::{Value, json};

use crate::errors::{Flavor, MockError};
use crate::incoming::{admit, bearer, header as header_value};
use crate::server::AppState;

/// Models the OpenAI listing reports.
const OPENAI_MODELS: &[&str] = &[
    "gpt-4o",
    "gpt-4o-mini",
    "gpt-4.1",
    "gpt-5",
    "gpt-5-codex",
    "o3",
];
/// Models the Anthropic listing reports.
const ANTHROPIC_MODELS: &[&str] = &[
    "claude-sonnet-4-5-20250929",
    "claude-opus-4-1-20250805",
    "claude-3-5-haiku-20241022",
];
/// Models the Gemini listing reports.
const GEMINI_MODELS: &[&str] = &[
    "gemini-2.5-pro",
    "gemini-2.5-flash",
    "gemini-2.5-flash-lite",
];

/// `GET /v1/models` (OpenAI or Anthropic shape).
pub(crate) async fn list_v1(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if header_value(&headers, "anthropic-version").is_some() {
        let key = header_value(&headers, "x-api-key").or_else(|| bearer(&headers));
        let Some(key) = key else {
            return crate::anthropic::missing_key().render(Flavor::Anthropic);
        };
        if let Err(error) = admit(&state, key, "").await {
            return error.render(Flavor::Anthropic);
        }
        static BODY: OnceLock<Bytes> = OnceLock::new();
        return json_bytes(BODY.get_or_init(anthropic_list));
    }
    let Some(key) = bearer(&headers) else {
        return crate::openai::missing_key().render(Flavor::OpenAi);
    };
    if let Err(error) = admit(&state, key, "").await {
        return error.render(Flavor::OpenAi);
    }
    static BODY: OnceLock<Bytes> = OnceLock::new();
    json_bytes(BODY.get_or_init(openai_list))
}

/// `GET /v1beta/models`.
pub(crate) async fn list_gemini(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    if let Err(error) = crate::gemini::authorize(&state, &headers, uri.query(), "").await {
        return error.render(Flavor::Gemini);
    }
    static BODY: OnceLock<Bytes> = OnceLock::new();
    json_bytes(BODY.get_or_init(|| {
        let models: Vec<Value> = GEMINI_MODELS.iter().map(|m| gemini_model(m)).collect();
        crate::sse::json_bytes(&json!({ "models": models }))
    }))
}

/// `GET /v1beta/models/{model}`.
pub(crate) async fn get_gemini(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(model): Path<String>,
) -> Response {
    if let Err(error) = crate::gemini::authorize(&state, &headers, uri.query(), &model).await {
        return error.render(Flavor::Gemini);
    }
    if !GEMINI_MODELS.contains(&model.as_str()) {
        let message = format!("models/{model} is not found for API version v1beta");
        return MockError::status(StatusCode::NOT_FOUND, message).render(Flavor::Gemini);
    }
    json_bytes(&crate::sse::json_bytes(&gemini_model(&model)))
}

fn openai_list() -> Bytes {
    let data: Vec<Value> = OPENAI_MODELS
        .iter()
        .map(|id| json!({"id": id, "object": "model", "created": 1_700_000_000, "owned_by": "openai"}))
        .collect();
    crate::sse::json_bytes(&json!({"object": "list", "data": data}))
}

fn anthropic_list() -> Bytes {
    let data: Vec<Value> = ANTHROPIC_MODELS
        .iter()
        .map(|id| {
            json!({"type": "model", "id": id, "display_name": id,
            "created_at": "2025-01-01T00:00:00Z"})
        })
        .collect();
    crate::sse::json_bytes(&json!({"data": data, "has_more": false,
        "first_id": ANTHROPIC_MODELS.first(), "last_id": ANTHROPIC_MODELS.last()}))
}

fn gemini_model(model: &str) -> Value {
    json!({
        "name": format!("models/{model}"),
        "version": "001",
        "displayName": model,
        "description": "mock model",
        "inputTokenLimit": 1_048_576,
        "outputTokenLimit": 65_536,
        "supportedGenerationMethods": ["generateContent", "countTokens"],
        "thinking": true,
    })
}

fn json_bytes(bytes: &Bytes) -> Response {
    let mut response = Response::new(Body::from(bytes.clone()));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
