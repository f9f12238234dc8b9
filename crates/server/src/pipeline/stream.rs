//! Forwarding a committed stream to the client (lifecycle step 9 for streams).
//!
//! A task reads upstream events, runs them through the format translator, frames them for
//! the client and sends them down a small channel that backs the response body. Keep-alive
//! comments are interleaved on `streaming.keepalive-seconds`. When the client goes away
//! the body (and the channel's receiver) is dropped, the next send fails, and the task
//! returns — dropping the upstream stream, which closes the upstream connection.
//!
//! Must not: retry; by the time this runs the client has been promised a 200.

use std::time::Duration;

use bytes::Bytes;
use cpa_protocol::{Format, SseEvent};
use cpa_providers::UpstreamStream;
use cpa_translate::ResponseContext;
use futures_util::StreamExt;
use tokio::sync::mpsc;

use super::framing::Framing;
use super::usage::UsageDraft;

/// The client-side body of a stream: framed bytes, in order.
pub struct SseBody {
    /// Framed chunks.
    pub chunks: mpsc::Receiver<Bytes>,
    /// `text/event-stream`, or `application/json` for Gemini's JSON-array mode.
    pub content_type: &'static str,
}

/// Everything the forwarding task needs besides the streams.
pub struct StreamSetup {
    /// The client's format.
    pub client: Format,
    /// The provider's format.
    pub upstream_format: Format,
    /// Gemini `alt`.
    pub alt: Option<String>,
    /// Keep-alive comment interval.
    pub keepalive: Option<Duration>,
    /// Response translation context.
    pub response_ctx: ResponseContext,
    /// The attempt's usage record, finished when the stream ends.
    pub usage: UsageDraft,
    /// Where a failure after commit is recorded: the pool, the credential and the model.
    pub health: StreamHealth,
}

/// The credential a committed stream came from, so a mid-stream failure still counts
/// against it (spec §5.5.4), although the client can no longer be failed over.
pub struct StreamHealth {
    /// The live pool.
    pub pool: std::sync::Arc<cpa_router::pool::Pool>,
    /// The credential.
    pub credential: cpa_router::CredentialId,
    /// The route model whose health is affected.
    pub model: String,
}

/// Starts forwarding; `first` is the event peeked before commit (`None`: empty stream).
pub fn spawn(setup: StreamSetup, first: Option<SseEvent>, upstream: UpstreamStream) -> SseBody {
    let (tx, rx) = mpsc::channel(32);
    let framing = Framing::new(setup.client, setup.alt.as_deref());
    let content_type = framing.content_type();
    tokio::spawn(forward(setup, framing, first, upstream, tx));
    SseBody {
        chunks: rx,
        content_type,
    }
}

async fn forward(
    setup: StreamSetup,
    mut framing: Framing,
    first: Option<SseEvent>,
    mut upstream: UpstreamStream,
    tx: mpsc::Sender<Bytes>,
) {
    let mut translator =
        cpa_translate::stream_translator(setup.upstream_format, setup.client, &setup.response_ctx);
    let mut keepalive = setup
        .keepalive
        .filter(|_| framing.allows_comments())
        .map(|period| {
            let mut interval =
                tokio::time::interval_at(tokio::time::Instant::now() + period, period);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            interval
        });
    let mut pending = first;
    loop {
        let event = match pending.take() {
            Some(event) => Some(Ok(event)),
            None => {
                tokio::select! {
                    next = upstream.next() => next,
                    () = tick(keepalive.as_mut()) => {
                        if tx.send(Bytes::from_static(b": keep-alive\n\n")).await.is_err() {
                            return;
                        }
                        continue;
                    }
                }
            }
        };
        match event {
            Some(Ok(event)) => match translator.on_event(&event) {
                Ok(out) => {
                    for event in &out {
                        if !send(&tx, framing.event(event)).await {
                            return;
                        }
                    }
                }
                Err(err) => {
                    tracing::warn!(%err, "cannot translate an upstream stream event");
                    let _ = send(
                        &tx,
                        framing.error(setup.client, &format!("stream translation failed: {err}")),
                    )
                    .await;
                    return;
                }
            },
            Some(Err(err)) => {
                let message = stream_error_message(&err);
                tracing::warn!(error = %message, "upstream stream failed after the response was committed");
                let _ = send(&tx, framing.error(setup.client, &message)).await;
                setup.usage.fail(upstream.usage(), Some(200));
                let health = &setup.health;
                health
                    .pool
                    .record_failure(&health.credential, &health.model, &err.disposition());
                return;
            }
            None => break,
        }
    }
    for event in translator.finish() {
        if !send(&tx, framing.event(&event)).await {
            return;
        }
    }
    let _ = send(&tx, framing.finish()).await;
    setup.usage.succeed(upstream.usage());
}

/// "stream error: …" with the error's sources, so a cut connection reads as such and not as
/// "could not reach upstream" (the upstream was reached; the stream broke).
fn stream_error_message(err: &cpa_providers::UpstreamError) -> String {
    let mut message = format!("stream error: {err}");
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

async fn send(tx: &mpsc::Sender<Bytes>, bytes: Bytes) -> bool {
    if bytes.is_empty() {
        return true;
    }
    tx.send(bytes).await.is_ok()
}

async fn tick(interval: Option<&mut tokio::time::Interval>) {
    match interval {
        Some(interval) => {
            interval.tick().await;
        }
        None => std::future::pending::<()>().await,
    }
}
