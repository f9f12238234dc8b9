//! Request logging (lifecycle step 10): captures what the client sent and what it received,
//! and hands the record to `cpa_usage::RequestLogger`, which writes a full log file when
//! `request-log` is on, an `error-*.log` for failed requests when it is off, or nothing.
//!
//! Captured: every request except `GET`, the Management API and `/api` (spec §8.2); never in
//! `commercial-mode`. Bodies are capped by the logger (a large upload cannot fill the disk).
//! The response body is teed as it streams to the client, and the record is written when
//! the body ends or the client goes away, so streams are logged whole without buffering.
//!
//! Must not: delay the response; writing happens on the logger's background task.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use cpa_usage::request_log::CappedBody;
use cpa_usage::{RequestLogRecord, RequestLogger};
use http_body::{Frame, SizeHint};

use crate::middleware::request_id::RequestId;
use crate::pipeline::UpstreamLog;
use crate::respond::{ApiError, ClientFormat, ErrorKind};
use crate::state::AppState;

/// Captures the request and response of logged routes.
pub async fn capture(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(logger) = state.request_logger().cloned() else {
        return next.run(request).await;
    };
    let path = request.uri().path().to_owned();
    if state.runtime().config.commercial_mode
        || !cpa_usage::request_log::should_capture(request.method().as_str(), &path)
    {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(err) => {
            let format = ClientFormat::for_request(&parts.method, &path, &parts.headers);
            return ApiError::new(ErrorKind::InvalidRequest, format!("Invalid request: {err}"))
                .into_response_for(format);
        }
    };
    let url = parts
        .uri
        .path_and_query()
        .map_or_else(|| path.clone(), |pq| pq.as_str().to_owned());
    let mut record = logger.new_record(parts.method.as_str(), &url);
    record.request_id = parts.extensions.get::<RequestId>().map(|id| id.0.clone());
    record.request_headers = header_pairs(&parts.headers);
    record.request_body = CappedBody::from_bytes(&bytes, logger.max_body_bytes());
    let upstream_log = logger
        .is_enabled()
        .then(|| UpstreamLog::new(logger.max_body_bytes()));
    let mut request = Request::from_parts(parts, Body::from(bytes));
    if let Some(log) = &upstream_log {
        request.extensions_mut().insert(log.clone());
    }
    let response = next.run(request).await;

    record.status = response.status().as_u16();
    record.response_headers = header_pairs(response.headers());
    let (parts, body) = response.into_parts();
    let body = LoggedBody {
        inner: body,
        record: Some(record),
        upstream_log,
        logger,
    };
    Response::from_parts(parts, Body::new(body))
}

/// Header names and values as text, for the log renderer.
pub(crate) fn header_pairs(headers: &http::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// A response body that copies what it yields into the record and logs it when dropped.
struct LoggedBody {
    inner: Body,
    record: Option<RequestLogRecord>,
    upstream_log: Option<UpstreamLog>,
    logger: RequestLogger,
}

impl http_body::Body for LoggedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(frame))) = &polled
            && let (Some(data), Some(record)) = (frame.data_ref(), self.record.as_mut())
        {
            record.response_body.push(data);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for LoggedBody {
    fn drop(&mut self) {
        if let Some(mut record) = self.record.take() {
            if let Some(log) = &self.upstream_log {
                record.attempts = log.take();
            }
            self.logger.log(record);
        }
    }
}
