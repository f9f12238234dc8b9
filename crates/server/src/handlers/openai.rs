//! OpenAI routes: `POST /v1/chat/completions`, `/v1/completions`, `/v1/responses`.
//!
//! Streaming iff the body's `stream` is the JSON literal `true` (as the original).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use bytes::Bytes;
use cpa_protocol::Format;
use cpa_providers::Action;

use super::call::{self, RequestMeta, Route};
use crate::respond::{ApiError, ErrorKind};
use crate::state::AppState;

/// `POST /v1/chat/completions`.
pub async fn chat_completions(
    State(state): State<AppState>,
    meta: RequestMeta,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(state, Format::OpenAiChat, meta, headers, body).await
}

/// `POST /v1/completions` (legacy; translated to chat upstream).
pub async fn completions(
    State(state): State<AppState>,
    meta: RequestMeta,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(state, Format::OpenAiCompletions, meta, headers, body).await
}

/// `POST /v1/responses`.
pub async fn responses(
    State(state): State<AppState>,
    meta: RequestMeta,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(state, Format::OpenAiResponses, meta, headers, body).await
}

async fn handle(
    state: AppState,
    format: Format,
    meta: RequestMeta,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut body = body;
    let mut peek = match call::peek(format, &body) {
        Ok(peek) => peek,
        Err(response) => return *response,
    };
    if format == Format::OpenAiChat && peek.is_responses_payload() {
        let mut ctx = cpa_translate::RequestContext::new(peek.model.clone().unwrap_or_default());
        ctx.is_streaming = peek.stream == Some(serde_json::Value::Bool(true));
        match cpa_translate::translate_request(
            Format::OpenAiResponses,
            Format::OpenAiChat,
            &body,
            &ctx,
        ) {
            Ok(chat) => body = Bytes::from(chat),
            Err(err) => {
                return call::error_response(
                    format,
                    ApiError::new(ErrorKind::InvalidRequest, format!("invalid request: {err}")),
                );
            }
        }
        peek = match call::peek(format, &body) {
            Ok(peek) => peek,
            Err(response) => return *response,
        };
    }
    let route = Route {
        format,
        model: peek.model.unwrap_or_default(),
        is_streaming: peek.stream == Some(serde_json::Value::Bool(true)),
        action: Action::Generate,
        alt: None,
        allows_nonstream_keepalive: format != Format::OpenAiChat,
    };
    call::execute(state, &headers, meta, route, body).await
}

/// `GET /v1/responses`: Codex CLI first tries to upgrade this to a websocket. Until that
/// transport is served, answer `426 Upgrade Required` at once, which Codex treats as "no
/// websocket here" and falls back to HTTP `POST /v1/responses` without retrying.
pub async fn responses_websocket() -> Response {
    call::error_response(
        Format::OpenAiResponses,
        ApiError::new(
            ErrorKind::InvalidRequest,
            "the Responses websocket transport is not served here; use POST /v1/responses",
        )
        .with_status(axum::http::StatusCode::UPGRADE_REQUIRED),
    )
}
