//! The usage record: one per upstream attempt (lifecycle step 10).
//!
//! The server builds a [`UsageEvent`] when an executor call ends (success or failure) and
//! hands it to a [`crate::UsageSink`]. A request that fails over from credential A to B
//! produces two events. This module is data only: it must not perform I/O, and its `Debug`
//! output never shows the client key or the credential source in clear.

use std::fmt;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::mask::mask_value;
use crate::timestamp::now_local;

/// Token counts of one attempt, serialized with the snapshot's field names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct TokenCounts {
    /// Prompt tokens.
    #[serde(rename = "input_tokens")]
    pub input: u64,
    /// Completion tokens.
    #[serde(rename = "output_tokens")]
    pub output: u64,
    /// Reasoning ("thinking") tokens.
    #[serde(rename = "reasoning_tokens")]
    pub reasoning: u64,
    /// Prompt tokens served from the provider's cache.
    #[serde(rename = "cached_tokens")]
    pub cached: u64,
    /// Total as reported by the provider; see [`TokenCounts::normalized`].
    #[serde(rename = "total_tokens")]
    pub total: u64,
}

/// One usage record: a single upstream attempt with one credential.
///
/// Fields up to `tokens` are the original's (proxy-pipeline §7.1); the rest are ours.
#[derive(Clone, PartialEq)]
pub struct UsageEvent {
    /// Executor key: `claude`, `gemini-cli`, `codex`, an OpenAI-compatible provider name, ….
    pub provider: String,
    /// Model as passed to the executor (prefix stripped). Empty is reported as `unknown`.
    pub model: String,
    /// The client key that authenticated the request; empty when client auth is off.
    pub api_key: String,
    /// Credential id.
    pub auth_id: String,
    /// Stable 16-hex-char credential index (see [`auth_index`]).
    pub auth_index: String,
    /// Credential identity: e-mail, project id or API key of the credential, else the client key.
    pub source: String,
    /// When the executor call started (server local time).
    pub requested_at: DateTime<FixedOffset>,
    /// True when the call returned an error or the stream ended with an error.
    pub failed: bool,
    /// Token counts parsed from the upstream response (zero when it carried none).
    pub tokens: TokenCounts,
    /// Whole-attempt latency in milliseconds, measured with `tokio::time::Instant`.
    pub latency_ms: u64,
    /// Time to the first streamed token in milliseconds; `None` for non-streaming attempts.
    pub ttft_ms: Option<u64>,
    /// HTTP status already written to the client when the event was built, if any.
    pub status: Option<u16>,
    /// The 8-hex request id of the client request, when it has one.
    pub request_id: Option<String>,
    /// Client format (handler type): `openai`, `openai-response`, `claude`, `gemini`, ….
    pub client_format: String,
    /// HTTP method of the client request, e.g. `POST`.
    pub method: String,
    /// Route pattern the client request matched, e.g. `/v1/chat/completions`.
    pub route: String,
}

/// Bucket name used when an event has nothing better to group by.
pub const UNKNOWN: &str = "unknown";

// === impl TokenCounts ===

impl TokenCounts {
    /// Fills `total` when the provider left it at zero: input + output + reasoning, and if
    /// that is still zero, input + output + reasoning + cached (management-api §8.8).
    pub fn normalized(mut self) -> Self {
        if self.total == 0 {
            self.total = self.input + self.output + self.reasoning;
        }
        if self.total == 0 {
            self.total = self.input + self.output + self.reasoning + self.cached;
        }
        self
    }
}

// === impl UsageEvent ===

impl UsageEvent {
    /// A zero-token event stamped with the current local time; callers fill in the rest.
    pub fn new(provider: impl Into<String>, model: impl Into<String>) -> Self {
        Self {
            provider: provider.into(),
            model: model.into(),
            api_key: String::new(),
            auth_id: String::new(),
            auth_index: String::new(),
            source: String::new(),
            requested_at: now_local(),
            failed: false,
            tokens: TokenCounts::default(),
            latency_ms: 0,
            ttft_ms: None,
            status: None,
            request_id: None,
            client_format: String::new(),
            method: String::new(),
            route: String::new(),
        }
    }

    /// Whether the statistics count this attempt as a failure: the executor reported one,
    /// or the status already sent to the client is 400 or above.
    pub fn is_failure(&self) -> bool {
        self.failed || self.status.is_some_and(|status| status >= 400)
    }

    /// First-level statistics key: the client key, else `"<METHOD> <route>"`, else the
    /// provider, else `unknown`.
    pub fn api_bucket(&self) -> String {
        let key = self.api_key.trim();
        if !key.is_empty() {
            return key.to_owned();
        }
        let route = self.route.trim();
        if !route.is_empty() {
            let method = self.method.trim().to_ascii_uppercase();
            return format!("{method} {route}").trim().to_owned();
        }
        let provider = self.provider.trim();
        if !provider.is_empty() {
            return provider.to_owned();
        }
        UNKNOWN.to_owned()
    }

    /// Second-level statistics key: the model, `unknown` if empty.
    pub fn model_bucket(&self) -> String {
        let model = self.model.trim();
        if model.is_empty() {
            UNKNOWN.to_owned()
        } else {
            model.to_owned()
        }
    }
}

impl fmt::Debug for UsageEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UsageEvent")
            .field("provider", &self.provider)
            .field("model", &self.model)
            .field("api_key", &mask_value(&self.api_key))
            .field("auth_id", &self.auth_id)
            .field("auth_index", &self.auth_index)
            .field("source", &mask_value(&self.source))
            .field("requested_at", &self.requested_at)
            .field("failed", &self.failed)
            .field("tokens", &self.tokens)
            .field("latency_ms", &self.latency_ms)
            .field("ttft_ms", &self.ttft_ms)
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("client_format", &self.client_format)
            .field("method", &self.method)
            .field("route", &self.route)
            .finish()
    }
}

/// The 16-hex-char credential index: first 8 bytes of SHA-256 of `seed`.
///
/// Seeds follow management-api §8.9: `file:<file name>`, `api_key:<key>` or `id:<id>`.
pub fn auth_index(seed: &str) -> String {
    let digest = Sha256::digest(seed.as_bytes());
    hex::encode(&digest[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_is_computed_when_zero() {
        let tokens = TokenCounts {
            input: 10,
            output: 5,
            reasoning: 2,
            cached: 0,
            total: 0,
        };
        assert_eq!(tokens.normalized().total, 17);
        let cached_only = TokenCounts {
            cached: 7,
            ..TokenCounts::default()
        };
        assert_eq!(cached_only.normalized().total, 7);
        let reported = TokenCounts {
            input: 1,
            total: 99,
            ..TokenCounts::default()
        };
        assert_eq!(reported.normalized().total, 99);
    }

    #[test]
    fn api_bucket_falls_back_to_route_then_provider() {
        let mut event = UsageEvent::new("claude", "");
        assert_eq!(event.api_bucket(), "claude");
        assert_eq!(event.model_bucket(), "unknown");
        event.method = "post".into();
        event.route = "/v1/chat/completions".into();
        assert_eq!(event.api_bucket(), "POST /v1/chat/completions");
        event.api_key = "sk-local-1".into();
        assert_eq!(event.api_bucket(), "sk-local-1");
    }

    #[test]
    fn failure_includes_client_status() {
        let mut event = UsageEvent::new("claude", "m");
        assert!(!event.is_failure());
        event.status = Some(429);
        assert!(event.is_failure());
    }

    #[test]
    fn auth_index_is_sixteen_hex_and_stable() {
        let index = auth_index("file:alice.json");
        assert_eq!(index.len(), 16);
        assert!(
            index
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_eq!(index, auth_index("file:alice.json"));
        assert_ne!(index, auth_index("file:bob.json"));
    }

    #[test]
    fn debug_masks_client_key() {
        let mut event = UsageEvent::new("claude", "m");
        event.api_key = "sk-local-secret-1".into();
        let debug = format!("{event:?}");
        assert!(!debug.contains("sk-local-secret-1"));
    }
}
