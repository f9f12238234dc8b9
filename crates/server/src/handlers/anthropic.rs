//! Anthropic routes: `POST /v1/messages` and `POST /v1/messages/count_tokens`.
//!
//! Streaming unless `stream` is absent or the JSON literal `false` (as the original).

use axum::Extension;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use bytes::Bytes;
use cpa_protocol::Format;
use cpa_providers::Action;

use super::call::{self, Route};
use crate::middleware::client_auth::ClientPrincipal;
use crate::middleware::request_id::RequestId;
use crate::state::AppState;

/// `POST /v1/messages`.
pub async fn messages(
    State(state): State<AppState>,
    principal: Option<Extension<ClientPrincipal>>,
    request_id: Option<Extension<RequestId>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(
        state,
        Action::Generate,
        principal,
        request_id,
        headers,
        body,
    )
    .await
}

/// `POST /v1/messages/count_tokens`.
pub async fn count_tokens(
    State(state): State<AppState>,
    principal: Option<Extension<ClientPrincipal>>,
    request_id: Option<Extension<RequestId>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(
        state,
        Action::CountTokens,
        principal,
        request_id,
        headers,
        body,
    )
    .await
}

async fn handle(
    state: AppState,
    action: Action,
    principal: Option<Extension<ClientPrincipal>>,
    request_id: Option<Extension<RequestId>>,
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
    call::execute(
        state,
        &headers,
        principal.map(|e| e.0),
        request_id.map(|e| e.0),
        route,
        body,
    )
    .await
}
