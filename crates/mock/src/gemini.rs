//! Gemini-family endpoints: AI Studio, Vertex (API-key mode) and Gemini CLI.
//!
//! * `POST /v1beta/models/{model}:{generateContent|streamGenerateContent|countTokens}`
//! * `POST /v1/publishers/google/models/{model}:{action}` and
//!   `/v1/projects/{p}/locations/{l}/publishers/google/models/{model}:{action}` (Vertex)
//! * `POST /v1internal:{action}` (Gemini CLI / Cloud Code Assist): body
//!   `{"model","project","request":{...}}`, answers wrapped as `{"response":{...},"traceId"}`.
//!
//! Credential: `x-goog-api-key`, `?key=` or `Authorization: Bearer`; none → 401
//! `UNAUTHENTICATED`. Streaming with `?alt=sse` (or `$alt=sse`) sends `data: {...}\r\n\r\n`
//! frames like Google's servers; without it the stream is one JSON array written
//! element by element (`[{...}`, `,\r\n{...}`, `]`). This module routes and frames; it
//! must not decide reply content (`reply`) nor validate (`validate::gemini`).

mod conversation;
mod render;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use serde_json::{Value, json};

use crate::errors::{Flavor, MockError, mid_stream_error};
use crate::faults::Faults;
use crate::incoming::{admit, bearer, header, parse_json, query_param};
use crate::reply::Reply;
use crate::server::AppState;
use crate::sse::{json_response, streamed_response};
use crate::validate;

/// Where a Gemini request came from, which decides the body envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Surface {
    /// AI Studio or Vertex: bare `GenerateContentRequest` bodies.
    Direct,
    /// Gemini CLI: `{"model","project","request"}` in, `{"response"}` out.
    Cli,
}

/// `POST /v1beta/models/{model}:{action}`.
pub(crate) async fn generative(
    State(state): State<AppState>,
    Path(model_action): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    direct(&state, &model_action, &headers, &uri, &body).await
}

/// `POST /v1/publishers/google/models/{model}:{action}`.
pub(crate) async fn vertex(
    State(state): State<AppState>,
    Path(model_action): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    direct(&state, &model_action, &headers, &uri, &body).await
}

/// `POST /v1/projects/{project}/locations/{location}/publishers/google/models/{model}:{action}`.
pub(crate) async fn vertex_project(
    State(state): State<AppState>,
    Path((_project, _location, model_action)): Path<(String, String, String)>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    direct(&state, &model_action, &headers, &uri, &body).await
}

/// `POST /v1internal:generateContent`.
pub(crate) async fn cli_generate(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    cli(&state, "generateContent", &headers, &uri, &body).await
}

/// `POST /v1internal:streamGenerateContent`.
pub(crate) async fn cli_stream(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    cli(&state, "streamGenerateContent", &headers, &uri, &body).await
}

/// `POST /v1internal:countTokens`.
pub(crate) async fn cli_count(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    cli(&state, "countTokens", &headers, &uri, &body).await
}

/// Checks the Gemini credential and applies faults for `model`.
pub(crate) async fn authorize(
    state: &AppState,
    headers: &HeaderMap,
    query: Option<&str>,
    model: &str,
) -> Result<Faults, MockError> {
    let key = header(headers, "x-goog-api-key")
        .or_else(|| query_param(query, "key"))
        .or_else(|| bearer(headers))
        .ok_or_else(|| {
            MockError::unauthorized(
                "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
            )
        })?;
    admit(state, key, model).await
}

async fn direct(
    state: &AppState,
    model_action: &str,
    headers: &HeaderMap,
    uri: &Uri,
    body: &[u8],
) -> Response {
    let (model, action) = model_action.split_once(':').unwrap_or((model_action, ""));
    let result = async {
        let faults = authorize(state, headers, uri.query(), model).await?;
        let body = parse_json(body)?;
        answer(Surface::Direct, model, action, &body, uri.query(), &faults)
    };
    result
        .await
        .unwrap_or_else(|error| error.render(Flavor::Gemini))
}

async fn cli(
    state: &AppState,
    action: &str,
    headers: &HeaderMap,
    uri: &Uri,
    body: &[u8],
) -> Response {
    let result = async {
        let envelope = parse_json(body)?;
        let model = envelope.get("model").and_then(Value::as_str).unwrap_or("");
        let faults = authorize(state, headers, uri.query(), model).await?;
        let request = envelope.get("request").cloned().unwrap_or(Value::Null);
        if request.is_null() {
            return Err(MockError::invalid(
                "Invalid JSON payload received. Missing \"request\".",
            ));
        }
        answer(Surface::Cli, model, action, &request, uri.query(), &faults)
    };
    result
        .await
        .unwrap_or_else(|error| error.render(Flavor::Gemini))
}

fn answer(
    surface: Surface,
    model: &str,
    action: &str,
    body: &Value,
    query: Option<&str>,
    faults: &Faults,
) -> Result<Response, MockError> {
    match action {
        "countTokens" => {
            validate::gemini::count(body)?;
            let inner =
                validate::gemini::field(body, "generateContentRequest", "generate_content_request")
                    .unwrap_or(body);
            let tokens = conversation::read(inner, model).input_tokens;
            let counted = json!({"totalTokens": tokens,
                "promptTokensDetails": [{"modality": "TEXT", "tokenCount": tokens}]});
            Ok(json_response(&counted, faults))
        }
        "generateContent" | "streamGenerateContent" => {
            validate::gemini::generate(body, model, surface == Surface::Cli)?;
            let reply = Reply::for_conversation(&conversation::read(body, model));
            let wrap = |value: Value| match surface {
                Surface::Direct => value,
                Surface::Cli => json!({"response": value, "traceId": "mock-trace"}),
            };
            if action == "generateContent" {
                return Ok(json_response(
                    &wrap(render::response(&reply, model)),
                    faults,
                ));
            }
            let chunks: Vec<Value> = render::chunks(&reply, model)
                .into_iter()
                .map(wrap)
                .collect();
            Ok(stream(&chunks, query, faults))
        }
        _ => Err(MockError::status(
            StatusCode::NOT_FOUND,
            format!("Method not found: {action}"),
        )),
    }
}

/// Streams `chunks` as SSE (`alt=sse` or `$alt=sse`) or as one JSON array.
fn stream(chunks: &[Value], query: Option<&str>, faults: &Faults) -> Response {
    let error = mid_stream_error(Flavor::Gemini).body(Flavor::Gemini);
    let alt = [
        query_param(query, "alt"),
        query_param(query, "$alt"),
        query_param(query, "%24alt"),
    ];
    if alt.contains(&Some("sse")) {
        let frames = chunks.iter().map(sse_frame).collect();
        streamed_response("text/event-stream", frames, faults, Some(sse_frame(&error)))
    } else {
        let error_frame = array_frame(&error, ",\r\n", "]");
        streamed_response(
            "application/json",
            array_frames(chunks),
            faults,
            Some(error_frame),
        )
    }
}

/// `data: <json>\r\n\r\n`, Google's SSE framing.
fn sse_frame(value: &Value) -> Bytes {
    array_frame(value, "data: ", "\r\n\r\n")
}

fn array_frame(value: &Value, prefix: &str, suffix: &str) -> Bytes {
    let mut out = prefix.as_bytes().to_vec();
    let _ = serde_json::to_writer(&mut out, value);
    out.extend_from_slice(suffix.as_bytes());
    out.into()
}

/// The elements of a streamed JSON array, one frame each, then the closing bracket.
fn array_frames(chunks: &[Value]) -> Vec<Bytes> {
    let mut frames: Vec<Bytes> = chunks
        .iter()
        .enumerate()
        .map(|(i, chunk)| array_frame(chunk, if i == 0 { "[" } else { ",\r\n" }, ""))
        .collect();
    frames.push(Bytes::from_static(b"]"));
    frames
}
