//! The request path, steps 3–9 of `docs/lifecycle.md`, in one place.
//!
//! [`run`] resolves the model (step 3), then walks candidates and credentials (step 4),
//! making one attempt per credential (`attempt`: translate, send, peek — steps 5–6),
//! classifying failures and recording them in the pool (step 7), and deciding with the
//! router's retry policy whether to try the next credential, wait for a cooldown and run
//! another pass, or give up (step 8). A successful attempt's answer is translated back
//! and written by the handler (step 9, `stream` for streams).
//!
//! Nothing is retried once the client has received a byte: a stream is handed to the
//! client only after its first upstream event arrived, and errors after that become the
//! client format's error event.
//!
//! Must not: render HTTP responses for success (handlers do) or sleep while holding any
//! lock.

mod attempt;
mod classify;
mod framing;
mod payload;
mod stream;
mod upstream_log;
mod usage;

use std::collections::HashSet;
use std::sync::Arc;

use bytes::Bytes;
use cpa_protocol::Format;
use cpa_providers::Action;
use cpa_router::CredentialId;
use cpa_router::retry::{Attempts, PassStep, Step};
use http::HeaderMap;

use crate::respond::{ApiError, ErrorKind};
use crate::state::{AppState, Runtime};

pub use stream::SseBody;
pub use upstream_log::UpstreamLog;

/// One client request, as the handler extracted it.
#[derive(Debug, Clone)]
pub struct ClientCall {
    /// The client's format (by route).
    pub format: Format,
    /// The raw request body.
    pub body: Bytes,
    /// The requested model (body `model`, or the Gemini URL's model).
    pub model: String,
    /// Whether the client asked for a stream.
    pub is_streaming: bool,
    /// Generate or count tokens.
    pub action: Action,
    /// Gemini `alt` / `$alt` query value (`None` or `sse` = SSE framing).
    pub alt: Option<String>,
    /// Client headers worth forwarding upstream (`anthropic-beta`, `user-agent`, …).
    pub forward_headers: HeaderMap,
    /// The client key that authenticated the request.
    pub principal: String,
    /// The request id.
    pub request_id: String,
    /// Where upstream attempts are recorded for the request log (only while it is on).
    pub upstream_log: Option<UpstreamLog>,
}

/// What a successful run hands to the handler.
pub enum Outcome {
    /// A complete body in the client's format.
    Json(Bytes),
    /// A committed stream, already framed for the client.
    Stream(SseBody),
}

/// Runs the request path for `call` with one runtime snapshot.
pub async fn run(
    state: &AppState,
    runtime: &Arc<Runtime>,
    call: ClientCall,
) -> Result<Outcome, ApiError> {
    let upstreams = state.upstreams();
    let pool = upstreams.pool();
    tracing::debug!(model = %call.model, client = call.format.as_str(), "resolving model");
    let resolution = pool
        .resolve(&call.model)
        .map_err(|err| ApiError::new(ErrorKind::InvalidRequest, err.to_string()))?;
    tracing::debug!(
        requested = %resolution.requested,
        route_model = %resolution.route_model,
        candidates = resolution.candidates.len(),
        "model resolved"
    );
    let mut attempts = Attempts::new(pool.retry_policy());
    let mut last_error: Option<ApiError> = None;
    let mut exhausted = None;
    loop {
        let mut tried: HashSet<CredentialId> = HashSet::new();
        for candidate in &resolution.candidates {
            if !attempts.may_try(candidate) {
                continue;
            }
            let mut selection = pool.select(candidate);
            while let Some(pick) = selection.next_accepted(|spec| !tried.contains(&spec.id)) {
                tried.insert(pick.credential.id.clone());
                let result = attempt::run(
                    runtime,
                    state.usage_sink(),
                    &upstreams,
                    &call,
                    &resolution,
                    &pick,
                )
                .await;
                match result {
                    Ok(outcome) => {
                        selection.report_success(&pick);
                        return Ok(outcome);
                    }
                    Err(failure) => {
                        let health = selection.report(&pick, &failure.disposition);
                        tracing::info!(
                            credential = %pick.credential.id,
                            model = %pick.upstream_model,
                            label = failure.disposition.label(),
                            ?health,
                            "attempt failed"
                        );
                        let step = attempts.after_failure(&failure.disposition, false);
                        last_error = Some(failure.error);
                        if let Step::GiveUp(reason) = step {
                            tracing::debug!(?reason, "giving up");
                            return Err(last_error.unwrap_or_else(internal));
                        }
                    }
                }
            }
            if !selection.has_yielded() && exhausted.is_none() {
                exhausted = Some(selection.exhausted());
            }
        }
        match attempts.after_pass(pool.nearest_recovery(&resolution)) {
            PassStep::RetryAfter(wait) => {
                tracing::info!(
                    wait_ms = wait.as_millis() as u64,
                    "all credentials failed; waiting for the nearest recovery"
                );
                tokio::time::sleep(wait).await;
                exhausted = None;
            }
            PassStep::GiveUp => break,
        }
    }
    if let Some(error) = last_error {
        return Err(error);
    }
    Err(exhausted.map_or_else(internal, |none| classify::no_credential(&none)))
}

fn internal() -> ApiError {
    ApiError::new(ErrorKind::Internal, "no credential could be tried")
}
