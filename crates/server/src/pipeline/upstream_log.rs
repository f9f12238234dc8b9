//! The upstream half of a request log (`=== API REQUEST n ===` / `=== API RESPONSE n ===`):
//! what each attempt sent upstream and what came back. Only active while `request-log` is
//! on; the capture middleware hands the shared list to the pipeline through the request
//! extensions and renders it when the client response ends.

use std::future::Future;
use std::sync::Arc;

use cpa_providers::capture::{self, CaptureSink};
use cpa_usage::request_log::{
    AttemptAuth, AuthKind, CappedBody, UpstreamAttempt, UpstreamResponse,
};
use parking_lot::Mutex;

/// The attempts of one request, shared between the middleware and the pipeline.
#[derive(Debug, Clone, Default)]
pub struct UpstreamLog {
    attempts: Arc<Mutex<Vec<UpstreamAttempt>>>,
    max_body_bytes: usize,
}

/// Records one attempt.
pub struct AttemptRecorder {
    log: UpstreamLog,
    sink: CaptureSink,
    auth: AttemptAuth,
}

impl UpstreamLog {
    /// An empty log whose bodies are capped at `max_body_bytes`.
    pub fn new(max_body_bytes: usize) -> Self {
        Self {
            attempts: Arc::default(),
            max_body_bytes,
        }
    }

    /// Takes the recorded attempts.
    pub fn take(&self) -> Vec<UpstreamAttempt> {
        std::mem::take(&mut *self.attempts.lock())
    }
}

impl AttemptRecorder {
    /// Starts recording an attempt on the credential described by `auth_*`.
    pub fn new(
        log: &UpstreamLog,
        provider: &str,
        auth_id: &str,
        label: &str,
        is_oauth: bool,
    ) -> Self {
        Self {
            log: log.clone(),
            sink: CaptureSink::default(),
            auth: AttemptAuth {
                provider: provider.to_owned(),
                auth_id: auth_id.to_owned(),
                label: label.to_owned(),
                kind: if is_oauth {
                    AuthKind::OAuth
                } else {
                    AuthKind::ApiKey(String::new())
                },
            },
        }
    }

    /// Finishes the attempt with what came back (`status` `None` for a transport failure).
    pub fn finish(
        self,
        status: Option<u16>,
        headers: &http::HeaderMap,
        body: &[u8],
        error: Option<String>,
    ) {
        let cap = self.log.max_body_bytes;
        let now = cpa_usage::timestamp::now_local();
        let sent = std::mem::take(&mut *self.sink.lock());
        let response = UpstreamResponse {
            timestamp: now,
            status,
            headers: crate::middleware::request_log::header_pairs(headers),
            body: CappedBody::from_bytes(body, cap),
            error,
        };
        let mut attempts = self.log.attempts.lock();
        let count = sent.len();
        for (i, request) in sent.into_iter().enumerate() {
            attempts.push(UpstreamAttempt {
                timestamp: now,
                url: request.url,
                method: "POST".to_owned(),
                auth: Some(self.auth.clone()),
                headers: request.headers,
                body: CappedBody::from_bytes(&request.body, cap),
                // The response belongs to the last request an executor sent (a token
                // exchange may precede it).
                response: (i + 1 == count).then(|| response.clone()),
            });
        }
    }
}

/// Runs an executor call, recording its outgoing requests when `recorder` is set.
pub async fn run<F: Future>(recorder: Option<&AttemptRecorder>, fut: F) -> F::Output {
    match recorder {
        Some(recorder) => capture::capture(recorder.sink.clone(), fut).await,
        None => fut.await,
    }
}
