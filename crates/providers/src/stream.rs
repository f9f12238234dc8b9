//! The stream an executor returns (lifecycle step 6, consumed by step 9).
//!
//! [`UpstreamStream`] yields one [`SseEvent`] per upstream event: parsed SSE events, or
//! for a Gemini JSON-array body (`$alt` set) one event per array element with the
//! element as `data`. OpenAI `[DONE]` markers are consumed here (the server writes its
//! own end-of-stream framing). A transport or framing failure is yielded as a final
//! `Err` item and the stream ends.
//!
//! The stream watches every event for token usage and keeps the last one; read it with
//! [`UpstreamStream::usage`] or, after moving the stream into a translator, through a
//! [`UsageHandle`] taken beforehand. Dropping the stream drops the response body, which
//! closes the upstream connection.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use cpa_protocol::{Format, SseEvent};
use futures_util::Stream;
use futures_util::stream::BoxStream;
use http::{HeaderMap, StatusCode};
use parking_lot::Mutex;

use crate::error::UpstreamError;
use crate::sse::{JsonArraySplitter, SseParser};
use crate::usage::{Usage, UsageTracker};

/// How the upstream body is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// `text/event-stream`.
    Sse,
    /// A streamed JSON array (Gemini without `alt=sse`).
    JsonArray,
}

/// A shared view of the usage seen so far on a stream.
#[derive(Debug, Clone)]
pub struct UsageHandle(Arc<Mutex<UsageTracker>>);

impl UsageHandle {
    /// The last usage seen so far (final once the stream has ended).
    pub fn get(&self) -> Option<Usage> {
        self.0.lock().usage()
    }
}

/// A 2xx upstream stream of events.
pub struct UpstreamStream {
    status: StatusCode,
    headers: HeaderMap,
    body: BoxStream<'static, Result<Bytes, reqwest::Error>>,
    decoder: Decoder,
    pending: VecDeque<Result<SseEvent, UpstreamError>>,
    is_done: bool,
    usage: UsageHandle,
}

enum Decoder {
    Sse(SseParser),
    JsonArray(JsonArraySplitter),
}

impl UpstreamStream {
    /// Wraps a byte stream. `format` selects the usage extraction rules.
    pub fn new(
        status: StatusCode,
        headers: HeaderMap,
        body: BoxStream<'static, Result<Bytes, reqwest::Error>>,
        framing: Framing,
        format: Format,
    ) -> Self {
        let decoder = match framing {
            Framing::Sse => Decoder::Sse(SseParser::new()),
            Framing::JsonArray => Decoder::JsonArray(JsonArraySplitter::new()),
        };
        Self {
            status,
            headers,
            body,
            decoder,
            pending: VecDeque::new(),
            is_done: false,
            usage: UsageHandle(Arc::new(Mutex::new(UsageTracker::new(format)))),
        }
    }

    /// Upstream status (2xx).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Upstream response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The last usage seen so far; final once the stream returned `None`.
    pub fn usage(&self) -> Option<Usage> {
        self.usage.get()
    }

    /// A handle that keeps reporting usage after the stream is moved elsewhere.
    pub fn usage_handle(&self) -> UsageHandle {
        self.usage.clone()
    }

    fn decode(&mut self, chunk: &[u8]) -> Result<(), UpstreamError> {
        match &mut self.decoder {
            Decoder::Sse(parser) => {
                let mut events = Vec::new();
                let result = parser.push(chunk, &mut events);
                self.enqueue(events);
                result.map_err(|e| UpstreamError::Stream(e.to_string()))
            }
            Decoder::JsonArray(splitter) => {
                let mut elements = Vec::new();
                let result = splitter.push(chunk, &mut elements);
                self.enqueue(elements.into_iter().map(SseEvent::data).collect());
                result.map_err(|e| UpstreamError::Stream(e.to_string()))
            }
        }
    }

    fn finish(&mut self) -> Result<(), UpstreamError> {
        match &mut self.decoder {
            Decoder::Sse(parser) => {
                let mut events = Vec::new();
                parser.finish(&mut events);
                self.enqueue(events);
                Ok(())
            }
            Decoder::JsonArray(splitter) => splitter
                .finish()
                .map_err(|e| UpstreamError::Stream(e.to_string())),
        }
    }

    fn enqueue(&mut self, events: Vec<SseEvent>) {
        let mut tracker = self.usage.0.lock();
        for event in events {
            if event.is_done() {
                continue;
            }
            tracker.observe(&event);
            self.pending.push_back(Ok(event));
        }
    }
}

impl Stream for UpstreamStream {
    type Item = Result<SseEvent, UpstreamError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.pending.pop_front() {
                return Poll::Ready(Some(item));
            }
            if this.is_done {
                return Poll::Ready(None);
            }
            match this.body.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => {
                    if let Err(err) = this.decode(&chunk) {
                        this.is_done = true;
                        this.pending.push_back(Err(err));
                    }
                }
                Poll::Ready(Some(Err(err))) => {
                    this.is_done = true;
                    this.pending
                        .push_back(Err(UpstreamError::from_reqwest(err)));
                }
                Poll::Ready(None) => {
                    this.is_done = true;
                    if let Err(err) = this.finish() {
                        this.pending.push_back(Err(err));
                    }
                }
            }
        }
    }
}

impl std::fmt::Debug for UpstreamStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpstreamStream")
            .field("status", &self.status)
            .field("is_done", &self.is_done)
            .finish_non_exhaustive()
    }
}
