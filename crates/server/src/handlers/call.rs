//! Shared handler plumbing: peek at the few body fields routing needs, run the pipeline,
//! render the outcome in the client's format.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use cpa_protocol::Format;
use cpa_providers::Action;
use serde::Deserialize;
use tokio_stream::wrappers::ReceiverStream;

use crate::middleware::client_auth::ClientPrincipal;
use crate::middleware::request_id::RequestId;
use crate::pipeline::{self, ClientCall, Outcome, UpstreamLog};
use crate::respond::{ApiError, ClientFormat, ErrorKind};
use crate::state::AppState;

/// Client headers forwarded upstream (executors decide which ones they honour).
const FORWARDED_HEADERS: &[&str] = &[
    "anthropic-beta",
    "anthropic-version",
    "user-agent",
    "session_id",
    "openai-beta",
    "x-stainless-lang",
];

/// The body fields the handler needs before translation. Everything else is left to the
/// translator, which parses the body once.
#[derive(Debug, Default, Deserialize)]
pub struct Peek {
    /// `model`.
    #[serde(default)]
    pub model: Option<String>,
    /// `stream`, kept raw: routes differ in what counts as "streaming".
    #[serde(default)]
    pub stream: Option<serde_json::Value>,
    /// Chat `messages` (presence only).
    #[serde(default)]
    pub messages: Option<serde::de::IgnoredAny>,
    /// Responses `input` (presence only).
    #[serde(default)]
    pub input: Option<serde::de::IgnoredAny>,
    /// Responses `instructions` (presence only).
    #[serde(default)]
    pub instructions: Option<serde::de::IgnoredAny>,
}

impl Peek {
    /// A Responses-shaped body sent to the Chat route (no `messages`, but `input` or
    /// `instructions`); the original converts it to a chat request, so do we.
    pub fn is_responses_payload(&self) -> bool {
        self.messages.is_none() && (self.input.is_some() || self.instructions.is_some())
    }
}

/// What the route decided about the request.
pub struct Route {
    /// Client format.
    pub format: Format,
    /// Model (body or URL).
    pub model: String,
    /// Streaming or not.
    pub is_streaming: bool,
    /// Generate or count tokens.
    pub action: Action,
    /// Gemini `alt`.
    pub alt: Option<String>,
    /// Whether `nonstream-keepalive-interval` applies to this route when not streaming
    /// (completions, responses, messages, Gemini generateContent; not chat or counts).
    pub allows_nonstream_keepalive: bool,
}

/// Parses the routing fields of a JSON body; a non-JSON body is a 400 in `format`'s shape.
pub fn peek(format: Format, body: &[u8]) -> Result<Peek, Box<Response>> {
    serde_json::from_slice::<Peek>(body).map_err(|err| {
        Box::new(error_response(
            format,
            ApiError::new(
                ErrorKind::InvalidRequest,
                format!("invalid request body: {err}"),
            ),
        ))
    })
}

/// What the middleware left in the request extensions for the pipeline.
#[derive(Debug, Default)]
pub struct RequestMeta {
    /// The client key that authenticated the request.
    pub principal: Option<ClientPrincipal>,
    /// The request id.
    pub request_id: Option<RequestId>,
    /// The request log's upstream half, while `request-log` is on.
    pub upstream_log: Option<UpstreamLog>,
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for RequestMeta {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self {
            principal: parts.extensions.get().cloned(),
            request_id: parts.extensions.get().cloned(),
            upstream_log: parts.extensions.get().cloned(),
        })
    }
}

/// Runs the pipeline and renders the outcome.
pub async fn execute(
    state: AppState,
    headers: &HeaderMap,
    meta: RequestMeta,
    route: Route,
    body: Bytes,
) -> Response {
    let runtime = state.runtime();
    let mut forward_headers = HeaderMap::new();
    for name in FORWARDED_HEADERS {
        if let Some(value) = headers.get(*name) {
            forward_headers.insert(*name, value.clone());
        }
    }
    let call = ClientCall {
        format: route.format,
        body,
        model: route.model,
        is_streaming: route.is_streaming,
        action: route.action,
        alt: route.alt,
        forward_headers,
        principal: meta.principal.map(|p| p.0).unwrap_or_default(),
        request_id: meta.request_id.map(|r| r.0).unwrap_or_default(),
        upstream_log: meta.upstream_log,
    };
    let keepalive = runtime.config.nonstream_keepalive_interval.filter(|_| {
        route.allows_nonstream_keepalive && !route.is_streaming && route.action == Action::Generate
    });
    if let Some(interval) = keepalive {
        return with_blank_line_keepalive(state, runtime, call, interval);
    }
    match pipeline::run(&state, &Arc::clone(&runtime), call).await {
        Ok(Outcome::Json(body)) => (
            StatusCode::OK,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response(),
        Ok(Outcome::Stream(stream)) => {
            let mut response = Response::new(Body::from_stream(
                ReceiverStream::new(stream.chunks).map(Ok::<_, std::convert::Infallible>),
            ));
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(stream.content_type),
            );
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
            response
        }
        Err(error) => error_response(route.format, error),
    }
}

/// Runs the pipeline while writing a blank line every `interval`, as the original's
/// `nonstream-keepalive-interval` does: the first newline commits status 200, so a later
/// failure is written as the error JSON after the newlines (JSON clients skip the
/// whitespace). Only used when the operator turned the option on.
fn with_blank_line_keepalive(
    state: AppState,
    runtime: Arc<crate::state::Runtime>,
    call: ClientCall,
    interval: std::time::Duration,
) -> Response {
    let format = call.format;
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(4);
    tokio::spawn(async move {
        let run = pipeline::run(&state, &runtime, call);
        tokio::pin!(run);
        let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
        let result = loop {
            tokio::select! {
                result = &mut run => break result,
                _ = ticker.tick() => {
                    if tx.send(Bytes::from_static(b"\n")).await.is_err() {
                        return;
                    }
                }
            }
        };
        let body = match result {
            Ok(Outcome::Json(body)) => body,
            Ok(Outcome::Stream(_)) => return,
            Err(error) => Bytes::from(error.body(ClientFormat::of(format)).to_string()),
        };
        let _ = tx.send(body).await;
    });
    let mut response = Response::new(Body::from_stream(
        ReceiverStream::new(rx).map(Ok::<_, std::convert::Infallible>),
    ));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// Renders `error` in the error shape of `format`.
pub fn error_response(format: Format, error: ApiError) -> Response {
    error.into_response_for(ClientFormat::of(format))
}

use futures_util::StreamExt as _;
