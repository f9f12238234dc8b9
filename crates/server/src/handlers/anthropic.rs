//! Anthropic routes: `POST /v1/messages` and `POST /v1/messages/count_tokens`.
//!
//! Streaming unless `stream` is absent or the JSON literal `false` (as the original).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use bytes::Bytes;
use cpa_protocol::Format;
use cpa_providers::Action;

use super::call::{self, RequestMeta, Route};
use crate::state::AppState;

/// `POST /v1/messages`.
pub async fn messages(
    State(state): State<AppState>,
    meta: RequestMeta,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(state, Action::Generate, meta, headers, body).await
}

/// `POST /v1/messages/count_tokens`.
pub async fn count_tokens(
    State(state): State<AppState>,
    meta: RequestMeta,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(state, Action::CountTokens, meta, headers, body).await
}

async fn handle(
    state: AppState,
    action: Action,
    meta: RequestMeta,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let format = Format::AnthropicMessages;
    let peek = match call::peek(format, &body) {
        Ok(peek) => peek,
        Err(response) => return *response,
    };
    let is_streaming = action == Action::Generate
        && !matches!(peek.stream, None | Some(serde_json::Value::Bool(false)));
    let route = Route {
        format,
        model: peek.model.unwrap_or_default(),
        is_streaming,
        action,
        alt: None,
        allows_nonstream_keepalive: true,
    };
    call::execute(state, &headers, meta, route, body).await
}
