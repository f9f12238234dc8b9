//! Usage records for attempts (lifecycle step 10): one event per upstream attempt, sent to
//! the non-blocking usage sink. Built here while the request details are at hand and
//! finished when the attempt's outcome (and, for streams, the final usage) is known.
//!
//! Must not: block or fail the request; `UsageSink::record` drops when the queue is full.

use cpa_providers::Usage;
use cpa_usage::{TokenCounts, UsageEvent, UsageSink, auth_index};
use tokio::time::Instant;

/// An attempt's usage record, waiting for its outcome.
#[derive(Debug, Clone)]
pub struct UsageDraft {
    sink: UsageSink,
    event: UsageEvent,
    started: Instant,
    first_token: Option<Instant>,
}

/// What the draft needs from the request and the pick.
pub struct DraftFields<'a> {
    /// Provider name (`claude`, `gemini`, compat name …).
    pub provider: &'a str,
    /// Upstream model.
    pub model: &'a str,
    /// The client key.
    pub api_key: &'a str,
    /// Credential id.
    pub auth_id: &'a str,
    /// Credential label (source).
    pub source: &'a str,
    /// Request id.
    pub request_id: &'a str,
    /// Client format id.
    pub client_format: &'a str,
}

impl UsageDraft {
    /// Starts timing an attempt.
    pub fn start(sink: UsageSink, fields: DraftFields<'_>) -> Self {
        let mut event = UsageEvent::new(fields.provider, fields.model);
        event.api_key = fields.api_key.to_owned();
        event.auth_id = fields.auth_id.to_owned();
        event.auth_index = auth_index(fields.auth_id);
        event.source = fields.source.to_owned();
        event.request_id = (!fields.request_id.is_empty()).then(|| fields.request_id.to_owned());
        event.client_format = fields.client_format.to_owned();
        event.method = "POST".to_owned();
        Self {
            sink,
            event,
            started: Instant::now(),
            first_token: None,
        }
    }

    /// Notes the first upstream event (time to first token).
    pub fn mark_first_token(&mut self) {
        if self.first_token.is_none() {
            self.first_token = Some(Instant::now());
        }
    }

    /// Records a successful attempt.
    pub fn succeed(self, usage: Option<Usage>) {
        self.finish(usage, false, Some(200));
    }

    /// Records a failed attempt.
    pub fn fail(self, usage: Option<Usage>, status: Option<u16>) {
        self.finish(usage, true, status);
    }

    fn finish(mut self, usage: Option<Usage>, failed: bool, status: Option<u16>) {
        if let Some(usage) = usage {
            self.event.tokens = TokenCounts {
                input: usage.input_tokens,
                output: usage.output_tokens,
                reasoning: usage.reasoning_tokens,
                cached: usage.cached_tokens,
                total: usage.total_tokens,
            }
            .normalized();
        }
        self.event.failed = failed;
        self.event.status = status;
        self.event.latency_ms = millis(self.started.elapsed());
        self.event.ttft_ms = self.first_token.map(|t| millis(t - self.started));
        self.sink.record(self.event);
    }
}

fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
