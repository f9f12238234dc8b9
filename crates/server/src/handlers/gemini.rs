//! Gemini routes: `POST /v1beta/models/{model}:{action}` (and the `/v1/models/…` form the
//! google-genai SDK uses with a custom base URL), where action is `generateContent`,
//! `streamGenerateContent` or `countTokens`.
//!
//! The model comes from the URL. Unknown actions answer 404 in Gemini's shape (the original
//! answers an empty 200).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use bytes::Bytes;
use cpa_protocol::Format;
use cpa_providers::Action;

use super::call::{self, RequestMeta, Route};
use crate::respond::{ApiError, ErrorKind};
use crate::state::AppState;

/// `POST /v1beta/models/{model}:{action}`.
pub async fn model_action(
    State(state): State<AppState>,
    Path(model_action): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    meta: RequestMeta,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let format = Format::Gemini;
    let Some((model, action)) = model_action.rsplit_once(':') else {
        return call::error_response(
            format,
            ApiError::new(
                ErrorKind::NotFound,
                format!("models/{model_action} not found: expected models/{{model}}:{{action}}"),
            ),
        );
    };
    let model = model.trim_start_matches("models/");
    let (action, is_streaming) = match action {
        "generateContent" => (Action::Generate, false),
        "streamGenerateContent" => (Action::Generate, true),
        "countTokens" => (Action::CountTokens, false),
        other => {
            return call::error_response(
                format,
                ApiError::new(
                    ErrorKind::NotFound,
                    format!("action {other} is not supported by this proxy"),
                ),
            );
        }
    };
    if let Err(response) = call::peek(format, &body) {
        return *response;
    }
    let alt = query
        .get("alt")
        .or_else(|| query.get("$alt"))
        .filter(|v| !v.is_empty() && v.as_str() != "sse")
        .cloned();
    let route = Route {
        format,
        model: model.to_owned(),
        is_streaming,
        action,
        alt,
        allows_nonstream_keepalive: true,
    };
    call::execute(state, &headers, meta, route, body).await
}
