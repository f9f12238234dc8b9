//! Request recording, for assertions in tests.
//!
//! A middleware buffers every request body (except the `/__mock/*` control routes),
//! keeps the raw parts in a bounded log and hands the body on unchanged. Bodies are
//! parsed only when a test reads the log, so recording costs a reference-counted clone
//! on the hot path. This module must not alter requests or responses.

use std::collections::VecDeque;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::server::AppState;

/// How many requests the log keeps; older ones are forgotten first so a long
/// benchmark cannot grow the mock without bound.
const MAX_RECORDED: usize = 10_000;
/// How many body bytes the log keeps, for the same reason (large prompts).
const MAX_RECORDED_BYTES: usize = 256 * 1024 * 1024;
/// Largest request body the mock accepts.
pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// One request as the mock received it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// HTTP method, e.g. `POST`.
    pub method: String,
    /// Path without the query, e.g. `/v1/messages`.
    pub path: String,
    /// Raw query string without `?`, if any.
    pub query: Option<String>,
    /// Headers with lower-case names, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body parsed as JSON; `Null` when empty, a JSON string when not JSON.
    pub body: Value,
}

impl RecordedRequest {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The JSON form served by `GET /__mock/requests` (headers as an object).
    fn to_json(&self) -> Value {
        let headers: Map<String, Value> = self
            .headers
            .iter()
            .map(|(n, v)| (n.clone(), Value::String(v.clone())))
            .collect();
        serde_json::json!({
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": headers,
            "body": self.body,
        })
    }
}

/// The bounded log of received requests.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    log: Mutex<Log>,
}

#[derive(Debug, Default)]
struct Log {
    entries: VecDeque<Arc<Entry>>,
    body_bytes: usize,
}

#[derive(Debug)]
struct Entry {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
}

impl Recorder {
    /// Every recorded request, oldest first.
    pub(crate) fn all(&self) -> Vec<RecordedRequest> {
        let entries: Vec<Arc<Entry>> = self.log.lock().entries.iter().cloned().collect();
        entries.iter().map(|e| e.to_recorded()).collect()
    }

    /// Forgets every recorded request.
    pub(crate) fn clear(&self) {
        *self.log.lock() = Log::default();
    }

    fn push(&self, entry: Entry) {
        let mut log = self.log.lock();
        log.body_bytes += entry.body.len();
        log.entries.push_back(Arc::new(entry));
        while log.entries.len() > MAX_RECORDED
            || (log.body_bytes > MAX_RECORDED_BYTES && log.entries.len() > 1)
        {
            if let Some(old) = log.entries.pop_front() {
                log.body_bytes -= old.body.len();
            }
        }
    }
}

impl Entry {
    fn to_recorded(&self) -> RecordedRequest {
        let body = if self.body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&self.body)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&self.body).into()))
        };
        RecordedRequest {
            method: self.method.to_string(),
            path: self.uri.path().to_owned(),
            query: self.uri.query().map(str::to_owned),
            headers: self
                .headers
                .iter()
                .map(|(n, v)| {
                    let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
                    (n.as_str().to_owned(), value)
                })
                .collect(),
            body,
        }
    }
}

/// Middleware: records the request, then passes it on with the same body.
pub(crate) async fn record_layer(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if request.uri().path().starts_with("/__mock") {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response(),
    };
    state.recorder.push(Entry {
        method: parts.method.clone(),
        uri: parts.uri.clone(),
        headers: parts.headers.clone(),
        body: bytes.clone(),
    });
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Filter for `GET /__mock/requests?path=<substring>`.
#[derive(Debug, Deserialize)]
pub(crate) struct RequestFilter {
    path: Option<String>,
}

/// `GET /__mock/requests`: the log as a JSON array, optionally filtered by path.
pub(crate) async fn list_requests(
    State(state): State<AppState>,
    Query(filter): Query<RequestFilter>,
) -> Response {
    let items: Vec<Value> = state
        .recorder
        .all()
        .iter()
        .filter(|r| filter.path.as_deref().is_none_or(|p| r.path.contains(p)))
        .map(RecordedRequest::to_json)
        .collect();
    axum::Json(Value::Array(items)).into_response()
}

/// `DELETE /__mock/requests`: empties the log.
pub(crate) async fn clear_requests(State(state): State<AppState>) -> StatusCode {
    state.recorder.clear();
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str) -> Entry {
        Entry {
            method: Method::POST,
            uri: path.parse().expect("valid uri"),
            headers: HeaderMap::new(),
            body: Bytes::from_static(b"{\"a\":1}"),
        }
    }

    #[test]
    fn log_keeps_the_newest_requests() {
        let recorder = Recorder::default();
        for i in 0..MAX_RECORDED + 5 {
            recorder.push(entry(&format!("/r/{i}?q=1")));
        }
        let all = recorder.all();
        assert_eq!(all.len(), MAX_RECORDED);
        assert_eq!(all[0].path, "/r/5");
        assert_eq!(all[0].query.as_deref(), Some("q=1"));
        assert_eq!(all[0].body, serde_json::json!({"a": 1}));
        recorder.clear();
        assert!(recorder.all().is_empty());
    }
}
